import { html, nothing, svg, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { fetchNotifications, markAllRead, markRead, type InAppNotification } from '../api/notifications.js';
import { NavigateEvent } from '../events.js';
import { formatDateTime } from '../format.js';
import { apiContext } from '../contexts.js';

const PAGE = 20;
const BELL = svg`<svg class="fw-notifications__icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
  <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"/>
</svg>`;

const unreadText = (n: number) => (n === 0 ? 'No unread notifications' : `${n} unread notification${n === 1 ? '' : 's'}`);

/**
 * The notification centre in the header: a "Notifications" button with the unread count (a polite live region
 * announces changes to it) that opens a panel listing the person's notifications, newest first. Each one can be
 * marked read; opening one marks it read and goes to its record's history (`/tables/t/id#activity`). "Mark all as
 * read" clears the count. Escape (or a click outside) closes the panel and returns focus to the button.
 *
 * The count is read again whenever the page changes (`url`), when the window regains focus and when the panel
 * opens: not on a timer, because every API request counts as activity and a background poll would keep an idle
 * session alive past its time-out.
 *
 * @fires fw-navigate - a notification was opened
 */
@customElement('fw-notifications')
export class FwNotifications extends LightElement {
  /** The page shown: each change reads the unread count again. */
  @property() accessor url = '';

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor unread = 0;
  @state() private accessor open = false;
  @state() private accessor items: InAppNotification[] = [];
  @state() private accessor total = 0;
  /** Older notifications are being fetched ("Show older notifications"). */
  @state() private accessor loading = false;
  @state() private accessor error = '';
  /** The live region's text: set once the count is known, so later changes are announced. */
  @state() private accessor status = '';

  /**
   * Read the unread count (and the first page of the list, `withList`), run by hand: on a new page, when the window
   * regains focus and when the panel opens. A later run's answer wins; an earlier one arriving late is dropped.
   */
  #refresh = new Task(this, {
    autoRun: false,
    task: async ([api, withList]: readonly [ApiClient, boolean]) => ({
      withList, page: await fetchNotifications(api, { limit: withList ? PAGE : 1 }),
    }),
    onComplete: ({ withList, page }) => {
      this.#setUnread(page.unread);
      if (withList) {
        this.items = page.notifications;
        this.total = page.total;
      }
      this.error = '';
    },
    onError: (e) => {
      // Signed out meanwhile: the shell takes over. Otherwise keep the last count and say so in the panel.
      if (!(e instanceof ApiError && e.status === 401)) this.error = 'Your notifications cannot be shown right now. Try again later.';
    },
  });

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('focus', this.#onWindowFocus);
    document.addEventListener('click', this.#onDocumentClick);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('focus', this.#onWindowFocus);
    document.removeEventListener('click', this.#onDocumentClick);
  }

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('url')) void this.#refresh.run([this.api, false]);
  }

  override render() {
    return html`<button type="button" class="fw-header__button fw-notifications__toggle" aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="fw-notifications-panel" @click=${this.#toggle}>${BELL}Notifications${this.unread
          ? html` <span class="fw-notifications__count">${this.unread}<span class="fw-visually-hidden"> unread</span></span>`
          : nothing}</button>
      <span class="fw-visually-hidden" role="status" aria-live="polite">${this.status}</span>
      ${this.open ? this.#panel() : nothing}`;
  }

  #panel() {
    const loading = this.loading || this.#refresh.status === TaskStatus.PENDING;
    return html`<div class="fw-notifications__panel" id="fw-notifications-panel" role="region" aria-labelledby="fw-notifications-heading"
        @keydown=${this.#onKeydown}>
      <div class="fw-notifications__header">
        <h2 class="fw-heading-s fw-notifications__heading" id="fw-notifications-heading" tabindex="-1">Notifications</h2>
        ${this.unread ? html`<button type="button" class="fw-link-button" @click=${this.#readAll}>Mark all as read</button>` : nothing}
      </div>
      ${this.error ? html`<p class="fw-body fw-notifications__error">${this.error}</p>` : nothing}
      ${this.items.length
        ? html`<ul class="fw-notifications__list">${this.items.map((n) => this.#item(n))}</ul>
          ${this.items.length < this.total ? html`<button type="button" class="fw-link-button" ?disabled=${loading} @click=${this.#more}>Show older notifications</button>` : nothing}`
        : html`<p class="fw-body">${loading ? 'Loading…' : 'You have no notifications.'}</p>`}
    </div>`;
  }

  #item(n: InAppNotification) {
    const unread = !n.readAt;
    return html`<li class="fw-notifications__item ${unread ? 'fw-notifications__item--unread' : ''}">
      ${unread ? html`<strong class="fw-tag fw-tag--blue fw-notifications__tag">Unread</strong>` : nothing}
      ${n.url
        ? html`<a class="fw-link fw-notifications__title" href=${n.url} @click=${(e: MouseEvent) => this.#openItem(e, n)}>${n.title}</a>`
        : html`<span class="fw-notifications__title">${n.title}</span>`}
      <p class="fw-notifications__body">${n.body}</p>
      <p class="fw-notifications__time">${formatDateTime(n.createdAt)}</p>
      ${unread ? html`<button type="button" class="fw-link-button fw-notifications__read" @click=${() => this.#read(n)}>Mark as read<span
        class="fw-visually-hidden">: ${n.title}</span></button>` : nothing}
    </li>`;
  }

  #setUnread(n: number) {
    this.unread = n;
    this.status = unreadText(n);
  }

  #toggle = async () => {
    this.open = !this.open;
    if (!this.open) return;
    await this.#refresh.run([this.api, true]);
    await this.updateComplete;
    this.querySelector<HTMLElement>('#fw-notifications-heading')?.focus();
  };

  #close(returnFocus: boolean) {
    if (!this.open) return;
    this.open = false;
    if (returnFocus) void this.updateComplete.then(() => this.querySelector<HTMLElement>('.fw-notifications__toggle')?.focus());
  }

  #more = async () => {
    this.loading = true;
    try {
      const page = await fetchNotifications(this.api, { limit: PAGE, offset: this.items.length });
      this.items = [...this.items, ...page.notifications];
      this.total = page.total;
      this.#setUnread(page.unread);
    } catch {
      this.error = 'Older notifications cannot be shown right now. Try again later.';
    } finally {
      this.loading = false;
    }
  };

  async #markRead(n: InAppNotification): Promise<void> {
    if (n.readAt) return;
    const updated = await markRead(this.api, n.id);
    this.items = this.items.map((x) => (x.id === n.id ? updated : x));
    this.#setUnread(Math.max(0, this.unread - 1));
  }

  #read = async (n: InAppNotification) => {
    try {
      await this.#markRead(n);
      // The button is gone: keep focus in the panel.
      await this.updateComplete;
      this.querySelector<HTMLElement>('#fw-notifications-heading')?.focus();
    } catch {
      this.error = 'The notification could not be marked as read. Try again.';
    }
  };

  #readAll = async () => {
    try {
      await markAllRead(this.api);
      const at = new Date().toISOString();
      this.items = this.items.map((x) => (x.readAt ? x : { ...x, readAt: at }));
      this.#setUnread(0);
      await this.updateComplete;
      this.querySelector<HTMLElement>('#fw-notifications-heading')?.focus();
    } catch {
      this.error = 'Your notifications could not be marked as read. Try again.';
    }
  };

  #openItem = async (e: MouseEvent, n: InAppNotification) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || !n.url) return;
    // The shell's link handling would drop the #activity fragment: navigate with it.
    e.preventDefault();
    try {
      await this.#markRead(n);
    } catch {
      // Opening the record matters more than the read mark; it stays unread.
    }
    this.open = false;
    this.dispatchEvent(new NavigateEvent(n.url));
  };

  #onKeydown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    this.#close(true);
  };

  #onDocumentClick = (e: MouseEvent) => {
    if (this.open && !e.composedPath().includes(this)) this.#close(false);
  };

  #onWindowFocus = () => {
    void this.#refresh.run([this.api, this.open]);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-notifications': FwNotifications;
  }
}

import { html, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { addBookmark, removeBookmark, type Bookmark } from '../api/account.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { BookmarksChangedEvent } from '../events.js';
import { apiContext } from '../contexts.js';

/**
 * "Bookmark this page", in the header of every signed-in page: a toggle button (aria-pressed) that bookmarks the
 * current page or record (POST /api/profile/bookmarks) or removes the bookmark (DELETE), with the outcome
 * announced in a polite live region.
 *
 * @fires fw-bookmarks-changed - a bookmark was added or removed
 */
@customElement('fw-bookmark-toggle')
export class FwBookmarkToggle extends LightElement {
  /** The person's bookmarks. */
  @property({ attribute: false }) accessor bookmarks: Bookmark[] = [];
  /** The page's path and query. */
  @property() accessor url = '';
  /** The page's title (the bookmark's title). */
  @property() accessor pageTitle = '';
  /** The record the page shows, when it shows one. */
  @property({ attribute: false }) accessor record: { table: string; id: string } | null = null;

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor busy = false;
  @state() private accessor message = '';

  get #current(): Bookmark | undefined {
    return this.bookmarks.find((b) => b.url === this.url);
  }

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('url')) this.message = '';
  }

  override render() {
    const pressed = !!this.#current;
    return html`<button type="button" class="fw-header__button fw-bookmark-toggle" aria-pressed=${pressed ? 'true' : 'false'}
        ?disabled=${this.busy} @click=${this.#toggle}>Bookmark this page</button>
      <span class="fw-header__status" role="status">${this.message}</span>`;
  }

  #toggle = async () => {
    this.busy = true;
    try {
      const existing = this.#current;
      if (existing) {
        await removeBookmark(this.api, existing.id);
        this.message = 'Bookmark removed.';
      } else {
        const record = this.record && /^[0-9a-f-]{36}$/i.test(this.record.id) ? { table: this.record.table, recordId: this.record.id } : {};
        await addBookmark(this.api, { title: this.pageTitle.slice(0, 200) || this.url, url: this.url, ...record });
        this.message = 'Page bookmarked. Your bookmarks are on the home page and your profile.';
      }
      this.dispatchEvent(new BookmarksChangedEvent());
    } catch (e) {
      this.message = e instanceof ApiError && e.code === 'validation_failed' && e.errors.some((p) => p.field === 'url')
        ? 'This page cannot be bookmarked: its address is too long.'
        : e instanceof Error ? e.message : 'The bookmark could not be changed.';
    } finally {
      this.busy = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-bookmark-toggle': FwBookmarkToggle;
  }
}

import { html, nothing, type TemplateResult } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { Bookmark } from '../api/account.js';
import type { ApiClient } from '../api/client.js';
import { fetchMyWork, type HomeItem, type HomeSla, type MyWork } from '../api/home.js';
import type { SessionInfo } from '../api/types.js';
import { apiContext, sessionContext } from '../contexts.js';
import { PageEvent } from '../events.js';
import { takeFlash } from '../flash.js';
import { formatRelative } from '../format.js';
import { loadErrorText, loadingState, loadProblem } from '../page-state.js';

/** "1 open item", "3 open items": a count in words, as screen readers read it and people scan it. */
const counted = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The home page: the signed-in person's work at a glance (GET /api/home) — open records assigned to them, their
 * queues with open counts, approval requests waiting for them, work due soon or overdue — each section with a short
 * list of the newest and a link to the page listing all of it, records they changed lately, and their bookmarks. The
 * menus stay in the navigation. Which sections show, in which order, the person's roles declare (`home`); empty
 * sections are left out.
 *
 * @fires fw-page - title and breadcrumb
 */
@customElement('fw-home')
export class FwHome extends LightElement {
  /** The person's bookmarks, newest first (kept by the shell, so adding one elsewhere shows here at once). */
  @property({ attribute: false }) accessor bookmarks: Bookmark[] = [];

  /** The active session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;
  /** A message the previous page left for this one ("Your details have been saved"). */
  @state() private accessor notice: string | null = null;
  @state() private accessor work: MyWork | null = null;
  @state() private accessor error = '';

  override connectedCallback() {
    super.connectedCallback();
    this.notice = takeFlash();
    this.dispatchEvent(new PageEvent('Home', [{ label: 'Home' }]));
    void this.#load();
  }

  async #load() {
    try {
      this.work = await fetchMyWork(this.api);
      this.error = '';
    } catch (e) {
      this.error = loadErrorText(e, 'Your work cannot be shown.');
    }
  }

  override render() {
    const u = this.session?.user;
    const name = u?.displayName || [u?.firstName, u?.lastName].filter(Boolean).join(' ') || u?.username || '';
    return html`${this.notice ? html`<div class="fw-notification-banner fw-notification-banner--success" role="status">
        <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">Success</h2></div>
        <div class="fw-notification-banner__content"><p class="fw-notification-banner__heading">${this.notice}</p></div>
      </div>` : nothing}
      <h1 class="fw-heading-l">Home</h1>
      ${name ? html`<p class="fw-body">You are signed in as ${name}. <a class="fw-link" href="/profile">View your profile</a></p>` : nothing}
      ${loadProblem('Your work cannot be shown', this.error)}
      ${this.work ? this.#work(this.work) : this.error ? nothing : loadingState()}`;
  }

  #work(w: MyWork): TemplateResult {
    const shown = (part: MyWork['parts'][number]): boolean => {
      switch (part) {
        case 'assigned': return w.assigned.count > 0;
        case 'approvals': return w.approvals.count > 0;
        case 'slas': return w.slas.overdue.length > 0 || w.slas.upcoming.length > 0;
        case 'queues': return w.queues.length > 0;
        case 'recent': return w.recent.length > 0;
        case 'bookmarks': return this.bookmarks.length > 0;
      }
    };
    const work = w.parts.filter((p) => p === 'assigned' || p === 'approvals' || p === 'slas' || p === 'queues');
    const idle = work.length > 0 && !work.some(shown);
    // While there is work, its counts show even at nothing ("0 requests waiting"); other parts only when not empty.
    const parts = w.parts.filter((p) => shown(p) || (!idle && (p === 'assigned' || p === 'approvals')));
    const cards = parts.filter((p) => p !== 'bookmarks');
    return html`${idle ? html`<p class="fw-body" data-empty>You have no work waiting: nothing is assigned to you, and no approvals or deadlines need you.</p>` : nothing}
      ${cards.length ? html`<div class="fw-home__cards">${cards.map((p) => this.#part(w, p))}</div>` : nothing}
      ${parts.includes('bookmarks') ? this.#bookmarks() : nothing}`;
  }

  #part(w: MyWork, part: MyWork['parts'][number]): TemplateResult | typeof nothing {
    switch (part) {
      case 'assigned': return this.#assigned(w);
      case 'approvals': return this.#approvals(w);
      case 'slas': return this.#slas(w);
      case 'queues': return this.#queues(w);
      case 'recent': return this.#recent(w);
      default: return nothing;
    }
  }

  #recent(w: MyWork): TemplateResult {
    return html`<section class="fw-home__card" aria-labelledby="home-recent" data-section="recent">
      <h2 class="fw-heading-m" id="home-recent">Recently changed by you</h2>
      ${this.#items(w.recent, (i) => [i.tableLabel, i.at ? formatRelative(i.at) : ''].filter(Boolean).join(', '))}
    </section>`;
  }

  #assigned(w: MyWork): TemplateResult {
    return html`<section class="fw-home__card" aria-labelledby="home-assigned" data-section="assigned">
      <h2 class="fw-heading-m" id="home-assigned">Assigned to me</h2>
      <p class="fw-body"><a class="fw-link" href=${w.assigned.link}>${counted(w.assigned.count, 'open item')} assigned to you</a></p>
      ${w.assigned.tables.map((t) => html`<h3 class="fw-heading-s">${t.label}</h3>
        ${this.#items(t.items, (i) => i.at ? `changed ${formatRelative(i.at)}` : '')}
        ${t.count > t.items.length ? html`<p class="fw-body"><a class="fw-link" href=${t.link}>View all ${counted(t.count, 'open item')} in ${t.label}</a></p>` : nothing}`)}
    </section>`;
  }

  #approvals(w: MyWork): TemplateResult {
    const a = w.approvals;
    return html`<section class="fw-home__card" aria-labelledby="home-approvals" data-section="approvals">
      <h2 class="fw-heading-m" id="home-approvals">Approvals waiting for me</h2>
      <p class="fw-body"><a class="fw-link" href=${a.link}>${counted(a.count, 'request')} waiting for your decision</a></p>
      ${this.#items(a.items, (i) => i.at ? `asked ${formatRelative(i.at)}` : '')}
    </section>`;
  }

  #slas(w: MyWork): TemplateResult {
    const due = (s: HomeSla) => s.at ? `${s.label}: ${s.breached || Date.parse(s.at) <= Date.now() ? 'was due' : 'due'} ${formatRelative(s.at)}` : s.label;
    const more = (shown: number, flag: boolean) => flag ? html`<p class="fw-body fw-secondary-text">There are more than ${shown}: the soonest due are shown.</p>` : nothing;
    return html`<section class="fw-home__card" aria-labelledby="home-slas" data-section="slas">
      <h2 class="fw-heading-m" id="home-slas">Deadlines</h2>
      ${w.slas.overdue.length ? html`<h3 class="fw-heading-s">Overdue</h3>${this.#items(w.slas.overdue, due)}${more(w.slas.overdue.length, w.slas.moreOverdue)}` : nothing}
      ${w.slas.upcoming.length ? html`<h3 class="fw-heading-s">Due soon</h3>${this.#items(w.slas.upcoming, due)}${more(w.slas.upcoming.length, w.slas.moreUpcoming)}` : nothing}
    </section>`;
  }

  #queues(w: MyWork): TemplateResult | typeof nothing {
    if (!w.queues.length) return nothing;
    return html`<section class="fw-home__card" aria-labelledby="home-queues" data-section="queues">
      <h2 class="fw-heading-m" id="home-queues">My queues</h2>
      <ul class="fw-list">${w.queues.map((q) => html`<li><a class="fw-link" href=${q.link}>${q.label}</a>
        <span class="fw-secondary-text">${counted(q.count, 'open item')}</span></li>`)}</ul>
      <p class="fw-body"><a class="fw-link" href="/queues">All queues</a></p>
    </section>`;
  }

  /** A short list of records: number and display value as the link, with when (`note`) beside it. */
  #items<T extends HomeItem>(items: T[], note: (item: T) => string): TemplateResult | typeof nothing {
    if (!items.length) return nothing;
    return html`<ul class="fw-list fw-home__items">${items.map((i) => {
      const label = [i.number, i.display].filter(Boolean).join(' – ') || i.tableLabel;
      const when = note(i);
      return html`<li><a class="fw-link" href=${i.link}>${label}</a>${when ? html` <span class="fw-secondary-text">${when}</span>` : nothing}</li>`;
    })}</ul>`;
  }

  #bookmarks(): TemplateResult {
    return html`<section class="fw-home__bookmarks" aria-labelledby="home-bookmarks" data-section="bookmarks">
      <h2 class="fw-heading-m" id="home-bookmarks">Your bookmarks</h2>
      <ul class="fw-list">${this.bookmarks.map((b) => html`<li><a class="fw-link" href=${b.url}>${b.title}</a></li>`)}</ul>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-home': FwHome;
  }
}

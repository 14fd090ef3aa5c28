import { provide } from '@lit/context';
import { html, nothing, type LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from './light-element.js';
import { LazyModule, lazyPlaceholder } from './lazy.js';
import './account/fw-account-profile.js';
import './admin/fw-admin-access-log.js';
import './admin/fw-admin-definitions.js';
import './admin/fw-admin-consents.js';
import './admin/fw-admin-grants.js';
import './admin/fw-admin-inactivity.js';
import './admin/fw-admin-job.js';
import './admin/fw-admin-jobs.js';
import './admin/fw-admin-revocations.js';
import './admin/fw-admin-user-new.js';
import './admin/fw-admin-user.js';
import './admin/fw-admin-users.js';
import { fetchBookmarks, type Bookmark } from './api/account.js';
import { isAdministrator, isPlatformAdministrator } from './api/admin.js';
import { canSeeRevocationRequests } from './api/inactivity.js';
import { canManageJobs } from './api/jobs.js';
import { ApiClient, ApiError } from './api/client.js';
import { Metadata } from './api/meta.js';
import type { MenuDef, SessionInfo } from './api/types.js';
import './auth/fw-change-password.js';
import './auth/fw-mfa.js';
import './auth/fw-profile.js';
import './auth/fw-reset-password.js';
import './auth/fw-sign-in.js';
import './catalog/fw-catalog-cart.js';
import './catalog/fw-catalog-category.js';
import './catalog/fw-catalog-guide.js';
import './catalog/fw-catalog-home.js';
import './catalog/fw-catalog-item.js';
import './catalog/fw-catalog-request.js';
import './catalog/fw-catalog-requests.js';
import './catalog/fw-order-confirmation.js';
import { apiContext, metaContext, sessionContext } from './contexts.js';
import { PageEvent, type Crumb, type DirtyEvent, type ErrorStateEvent, type NavigateEvent, type SessionEvent, type SignedOutEvent } from './events.js';
import './fw-list.js';
import './fw-record.js';
import './queues/fw-queue.js';
import './queues/fw-queues.js';
import './record/fw-new-record.js';
import './search/fw-search-page.js';
import { isAppUrl, isPublicRoute, isSignInRoute, matchRoute, stagePath, type Route } from './router.js';
import './shell/fw-bookmark-toggle.js';
import './shell/fw-breadcrumbs.js';
import './shell/fw-home.js';
import './shell/fw-nav.js';
import './shell/fw-notifications.js';
import './shell/fw-search-box.js';
import './shell/fw-timeout-dialog.js';
import { fetchQueues } from './workflow/api.js';
import './workflow/fw-delegations.js';
import './workflow/fw-my-approvals.js';

/** The studio's pages: their own chunk, fetched when a studio page is first shown. */
const STUDIO = new LazyModule(() => import('./studio/studio-pages.js'));

const SERVICE = 'Formwork';
const LEAVE_WARNING = 'You have unsaved changes. If you leave this page, they will be lost.';
const SIGNED_OUT: Record<SignedOutEvent['reason'], string> = {
  signed_out: 'You have signed out.',
  expired: 'You were signed out because your session ended. Sign in again to continue.',
};

/**
 * The administration pages, as a menu shown to organisation and platform administrators only. The server refuses
 * every one of them to anybody else; hiding them just spares people links that would fail.
 */
const ADMIN_MENU: MenuDef = {
  kind: 'menu', name: 'administration', label: 'Administration',
  items: [
    { label: 'Users', path: '/admin/users' },
    { label: 'Consents', path: '/admin/consents' },
    { label: 'Access to shared User IDs', path: '/admin/access-grants' },
    { label: 'Access log', path: '/admin/access-log' },
    { label: 'Inactivity settings', path: '/admin/inactivity' },
  ],
};

/** Revocation requests: administrators decide them, people who may ask for revocations see their own. */
const REVOCATION_ITEMS: MenuDef['items'] = [{ label: 'Revocation requests', path: '/admin/revocation-requests' }];

/** Pages only a platform administrator may use (the server refuses the rest). */
const PLATFORM_ADMIN_ITEMS: MenuDef['items'] = [{ label: 'Definitions', path: '/admin/definitions' }];

/** Pages of the people who manage scheduled jobs (the jobs capability). */
const JOBS_ITEMS: MenuDef['items'] = [{ label: 'Scheduled jobs', path: '/admin/jobs' }];

/**
 * The person's work: their queues, the approvals waiting for them and delegating those while away. Shown to people
 * with at least one queue holding records they can read (GET /api/queues); the pages ask the API themselves.
 */
const WORK_MENU: MenuDef = {
  kind: 'menu', name: 'my-work', label: 'My work',
  items: [
    { label: 'Work queues', path: '/queues' },
    { label: 'My approvals', path: '/approvals' },
    { label: 'Delegate while away', path: '/delegations' },
  ],
};

interface GoOptions {
  replace?: boolean;
  /** Skip the unsaved-changes guard (signing out, session ended). */
  force?: boolean;
  /** The browser already moved (back / forward): do not push a history entry. */
  fromPopState?: boolean;
}

/**
 * The application shell: skip link, header with the signed-in user, "Your profile", "Bookmark this page", the
 * notification centre and "Sign out", breadcrumb, navigation from the menu definitions (plus the administration pages for administrators),
 * the page for the URL (History API; the server answers every page URL with index.html),
 * the session time-out warning, and the page title (document.title) of every page.
 *
 * Routing is guarded by the session: without one every page leads to /sign-in (and back to the page asked for
 * afterwards); a session still signing in is sent to the page of its stage (MFA, new password, profile).
 * Leaving a page with unsaved changes asks first (in-app navigation) or triggers the browser's warning
 * (beforeunload). After an in-app navigation focus moves to the new page's h1.
 *
 * It provides the session, the API client and the metadata to every component below it (ui/contexts.ts).
 */
@customElement('fw-app')
export class FwApp extends LightElement {
  /** The page's one API client, for every component (apiContext). */
  @provide({ context: apiContext }) private accessor api = new ApiClient();
  /** The session held now, for every component (sessionContext); set only by #setSession. */
  @provide({ context: sessionContext }) @state() private accessor session: SessionInfo | null = null;
  /**
   * The metadata of this sign-in (metaContext): a new one for each person who signs in, so nothing cached for the
   * previous person reaches the next. Replaced at sign-in rather than sign-out, when no page that uses it is shown.
   */
  @provide({ context: metaContext }) private accessor meta = new Metadata(this.api);
  @state() private accessor checked = false;
  @state() private accessor route: Route = { name: 'home' };
  @state() private accessor menus: MenuDef[] = [];
  /** The person has a queue holding records they can read (the "My work" menu). */
  @state() private accessor hasQueues = false;
  @state() private accessor crumbs: Crumb[] = [];
  @state() private accessor signInMessage = '';
  @state() private accessor bookmarks: Bookmark[] = [];
  /** The current page's title (without the service name): the title of a bookmark of it. */
  @state() private accessor pageTitle = '';

  #title = SERVICE;
  #hasErrors = false;
  #dirty = false;
  /** The URL shown now (to restore when a back / forward is cancelled). */
  #currentUrl = '';
  /** Where to go once signed in. */
  #next: string | null = null;
  /** Move focus to the page's h1 when the next page announces itself. */
  #focusOnPage = false;
  /** The URL asked for a record's history (`#activity`, from a notification): focus it once the page announces itself. */
  #focusActivity = false;

  override connectedCallback() {
    super.connectedCallback();
    this.addEventListener('click', this.#onClick);
    this.addEventListener('fw-navigate', this.#onNavigate);
    this.addEventListener('fw-page', this.#onPage);
    this.addEventListener('fw-error-state', this.#onErrorState);
    this.addEventListener('fw-session', this.#onSession);
    this.addEventListener('fw-signed-out', this.#onSignedOut);
    this.addEventListener('fw-dirty', this.#onDirty);
    this.addEventListener('fw-bookmarks-changed', this.#onBookmarksChanged);
    window.addEventListener('popstate', this.#onPopState);
    window.addEventListener('beforeunload', this.#onBeforeUnload);
    this.api.onSessionLost = () => {
      if (this.session) this.#signedOut('expired');
    };
    void this.#start();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.#onPopState);
    window.removeEventListener('beforeunload', this.#onBeforeUnload);
    this.api.onSessionLost = null;
  }

  override render() {
    const active = this.session?.stage === 'active';
    const user = this.session?.user;
    const name = user?.displayName || user?.username || '';
    return html`
      <a href="#main-content" class="fw-skip-link">Skip to main content</a>
      <header class="fw-header">
        <div class="fw-width-container fw-header__container">
          <a href="/" class="fw-header__service">${SERVICE}</a>
          ${active ? html`<fw-search-box class="fw-header__search"></fw-search-box>` : nothing}
          ${active ? html`<div class="fw-header__account">
            <span class="fw-header__user">Signed in as ${name}</span>
            ${this.#bookmarkable() ? html`<fw-bookmark-toggle .bookmarks=${this.bookmarks} url=${this.#currentUrl} pageTitle=${this.pageTitle}
              .record=${this.route.name === 'record' ? { table: this.route.table, id: this.route.id } : null}></fw-bookmark-toggle>` : nothing}
            <fw-notifications url=${this.#currentUrl}></fw-notifications>
            <a class="fw-header__link" href="/profile">Your profile</a>
            <button type="button" class="fw-header__button" @click=${this.#signOut}>Sign out</button>
          </div>` : nothing}
        </div>
      </header>
      <div class="fw-width-container">
        <fw-breadcrumbs .crumbs=${this.crumbs}></fw-breadcrumbs>
        <div class="fw-layout ${active && this.#navMenus.length ? 'fw-layout--with-nav' : ''}">
          ${active ? html`<fw-nav class="fw-layout__nav" .menus=${this.#navMenus} current=${location.pathname + location.search}></fw-nav>` : nothing}
          <main class="fw-main" id="main-content" tabindex="-1">${this.checked ? this.#page() : html`<p class="fw-body">Loading…</p>`}</main>
        </div>
      </div>
      <footer class="fw-footer"><div class="fw-width-container"><p class="fw-footer__text">${SERVICE}</p></div></footer>
      <fw-timeout-dialog></fw-timeout-dialog>`;
  }

  /**
   * The menus of the navigation: "My work" for people with queues, the definitions' menus, then
   * administration for administrators.
   */
  get #navMenus(): MenuDef[] {
    const active = this.session?.stage === 'active';
    return [
      ...(active && this.hasQueues ? [WORK_MENU] : []),
      ...this.menus,
      ...(active && this.#adminMenu().items.length ? [this.#adminMenu()] : []),
    ];
  }

  /**
   * The administration menu: a platform administrator's has their own pages too, and people who manage scheduled
   * jobs have theirs (only those, when they administer nothing else).
   */
  #adminMenu(): MenuDef {
    const items = [
      ...(isAdministrator(this.session) ? ADMIN_MENU.items : []),
      ...(canSeeRevocationRequests(this.session) ? REVOCATION_ITEMS : []),
      ...(canManageJobs(this.session) ? JOBS_ITEMS : []),
      ...(isPlatformAdministrator(this.session) ? PLATFORM_ADMIN_ITEMS : []),
    ];
    return { ...ADMIN_MENU, items };
  }

  /** Whether the page shown can be bookmarked (any page of a signed-in person but the set-password and missing ones). */
  #bookmarkable(): boolean {
    return this.route.name !== 'not-found' && !isPublicRoute(this.route) && !isSignInRoute(this.route);
  }

  #page() {
    const r = this.route;
    if (r.name.startsWith('studio-') && !STUDIO.module) {
      STUDIO.loadFor(this);
      return lazyPlaceholder(STUDIO, this, 'studio');
    }
    switch (r.name) {
      case 'sign-in':
        return html`<fw-sign-in .message=${this.signInMessage}></fw-sign-in>`;
      case 'verify':
        return this.session ? html`<fw-mfa></fw-mfa>` : nothing;
      case 'new-password':
        return html`<fw-change-password></fw-change-password>`;
      case 'profile':
        return html`<fw-profile></fw-profile>`;
      case 'home':
        return html`<fw-home .bookmarks=${this.bookmarks}></fw-home>`;
      case 'reset-password':
        return html`<fw-reset-password .token=${r.token}></fw-reset-password>`;
      case 'account':
        return html`<fw-account-profile></fw-account-profile>`;
      case 'admin-users':
        return html`<fw-admin-users .params=${r.params}></fw-admin-users>`;
      case 'admin-user-new':
        return html`<fw-admin-user-new></fw-admin-user-new>`;
      case 'admin-user':
        return html`<fw-admin-user userId=${r.id}></fw-admin-user>`;
      case 'admin-consents':
        return html`<fw-admin-consents></fw-admin-consents>`;
      case 'admin-grants':
        return html`<fw-admin-grants></fw-admin-grants>`;
      case 'admin-access-log':
        return html`<fw-admin-access-log .params=${r.params}></fw-admin-access-log>`;
      case 'admin-definitions':
        return html`<fw-admin-definitions></fw-admin-definitions>`;
      case 'admin-jobs':
        return html`<fw-admin-jobs></fw-admin-jobs>`;
      case 'admin-job':
        return html`<fw-admin-job name=${r.job}></fw-admin-job>`;
      case 'admin-revocations':
        return html`<fw-admin-revocations></fw-admin-revocations>`;
      case 'admin-inactivity':
        return html`<fw-admin-inactivity></fw-admin-inactivity>`;
      case 'studio-definitions':
        return html`<fw-studio-definitions .params=${r.params}></fw-studio-definitions>`;
      case 'studio-changesets':
        return html`<fw-studio-changesets></fw-studio-changesets>`;
      case 'studio-changeset':
        return html`<fw-studio-changeset changeSetId=${r.changeSet}></fw-studio-changeset>`;
      case 'studio-definition':
        return html`<fw-studio-definition changeSetId=${r.changeSet} kind=${r.kind} name=${r.definition}></fw-studio-definition>`;
      case 'studio-versions':
        return html`<fw-studio-versions></fw-studio-versions>`;
      case 'studio-version':
        return html`<fw-studio-version .number=${r.version} .params=${r.params}></fw-studio-version>`;
      case 'queues':
        return html`<fw-queues></fw-queues>`;
      case 'queue':
        return html`<fw-queue queue=${r.queue} .params=${r.params}></fw-queue>`;
      case 'approvals':
        return html`<fw-my-approvals></fw-my-approvals>`;
      case 'delegations':
        return html`<fw-delegations></fw-delegations>`;
      case 'catalog':
        return html`<fw-catalog-home .params=${r.params}></fw-catalog-home>`;
      case 'catalog-category':
        return html`<fw-catalog-category category=${r.category}></fw-catalog-category>`;
      case 'catalog-item':
        return html`<fw-catalog-item item=${r.item} .params=${r.params}></fw-catalog-item>`;
      case 'catalog-guide':
        return html`<fw-catalog-guide guide=${r.guide}></fw-catalog-guide>`;
      case 'catalog-cart':
        return html`<fw-catalog-cart></fw-catalog-cart>`;
      case 'catalog-confirmation':
        return html`<fw-order-confirmation .params=${r.params}></fw-order-confirmation>`;
      case 'catalog-requests':
        return html`<fw-catalog-requests .params=${r.params}></fw-catalog-requests>`;
      case 'catalog-request':
        return html`<fw-catalog-request requestId=${r.id}></fw-catalog-request>`;
      case 'search':
        return html`<fw-search-page .params=${r.params}></fw-search-page>`;
      case 'list':
        return html`<fw-list table=${r.table} .params=${r.params}></fw-list>`;
      case 'new':
        return html`<fw-new-record table=${r.table ?? ''} formName=${r.form ?? ''} .params=${r.params}></fw-new-record>`;
      case 'record':
        return html`<fw-record table=${r.table} recordId=${r.id}></fw-record>`;
      case 'not-found':
        return html`<h1 class="fw-heading-l">Page not found</h1>
          <p class="fw-body">If you typed the web address, check it is correct.</p>
          <p class="fw-body"><a class="fw-link" href="/">Go to the home page</a></p>`;
    }
  }

  /** Read the session, then show the page the URL names (or the one the session must go to) at once. */
  async #start() {
    try {
      const { data } = await this.api.get<SessionInfo>('/auth/session');
      this.#setSession(data);
      // The navigation and bookmarks arrive while the page loads its own data: the page does not wait for them.
      if (data.stage === 'active') void Promise.all([this.#loadMenus(), this.#loadBookmarks()]).catch(() => undefined);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) this.signInMessage = e instanceof Error ? e.message : '';
    }
    this.checked = true;
    await this.#go(location.pathname + location.search + location.hash, { replace: true, force: true });
  }

  async #loadMenus() {
    const [menus, queues] = await Promise.allSettled([this.meta.menus(), fetchQueues(this.api)]);
    this.menus = menus.status === 'fulfilled' ? menus.value : [];
    this.hasQueues = queues.status === 'fulfilled' && queues.value.some((q) => (q.tables?.length ?? 0) > 0);
  }

  async #loadBookmarks() {
    try {
      this.bookmarks = await fetchBookmarks(this.api);
    } catch {
      this.bookmarks = [];
    }
  }

  #setSession(session: SessionInfo | null) {
    this.session = session;
    if (session) this.api.csrfToken = session.csrfToken;
  }

  /** Where a session in its current state must be instead of `route`, or null when `route` is fine. */
  #redirectFor(route: Route, path: string): string | null {
    if (isPublicRoute(route)) return null;
    const s = this.session;
    if (!s) return route.name === 'sign-in' ? null : '/sign-in';
    if (s.stage !== 'active') {
      const target = stagePath(s.stage);
      return path === target ? null : target;
    }
    return isSignInRoute(route) ? '/' : null;
  }

  async #go(url: string, options: GoOptions = {}) {
    if (!options.force && this.#dirty && !window.confirm(LEAVE_WARNING)) {
      if (options.fromPopState) history.pushState(null, '', this.#currentUrl);
      return;
    }
    const target = new URL(url, location.origin);
    let path = target.pathname;
    let route = matchRoute(target.pathname, target.search, target.hash);
    // The set-password link's token travels in the fragment; the page keeps it until the link is used.
    const toActivity = route.name === 'record' && target.hash === '#activity';
    let full = target.pathname + target.search + (route.name === 'reset-password' || toActivity ? target.hash : '');
    const redirect = this.#redirectFor(route, path.replace(/\/+$/, '') || '/');
    let replace = options.replace ?? false;
    if (redirect) {
      if (!this.session || this.session.stage !== 'active') {
        if (!isSignInRoute(route) && route.name !== 'not-found') this.#next = full;
      }
      path = redirect;
      full = redirect;
      route = matchRoute(redirect);
      replace = true;
    }
    const firstPage = this.#currentUrl === '';
    const samePage = !firstPage && new URL(this.#currentUrl, location.origin).pathname === path;
    if (!options.fromPopState || redirect) {
      if (replace) history.replaceState(null, '', full);
      else history.pushState(null, '', full);
    }
    this.#currentUrl = full;
    this.#dirty = false;
    this.#hasErrors = false;
    if (route.name !== 'sign-in') this.signInMessage = '';
    // Focus follows a move to another page; re-sorting or filtering the same list keeps focus where it is.
    // The first page keeps the browser's focus at the start of the document (the skip link comes first).
    this.#focusOnPage = !firstPage && (!samePage || document.activeElement === document.body);
    this.#focusActivity = toActivity && !redirect;
    if (!samePage) this.crumbs = [];
    this.route = route;
    if (route.name === 'not-found') {
      // Rendered by the shell itself, so the shell announces it.
      await this.updateComplete;
      this.#onPage(new PageEvent('Page not found', [{ label: 'Home', href: '/' }, { label: 'Page not found' }]), this);
    }
  }

  #onNavigate = (e: NavigateEvent) => {
    e.stopPropagation();
    void this.#go(e.url, { replace: e.replace });
  };

  #onPopState = () => {
    void this.#go(location.pathname + location.search + location.hash, { fromPopState: true });
  };

  #onBeforeUnload = (e: BeforeUnloadEvent) => {
    if (!this.#dirty) return;
    e.preventDefault();
    e.returnValue = '';
  };

  #onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!a || (a.target && a.target !== '_self') || a.hasAttribute('download')) return;
    const raw = a.getAttribute('href') ?? '';
    if (raw.startsWith('#')) {
      // In-page links (skip link): move focus to the target without touching the URL the router reads.
      const target = document.getElementById(decodeURIComponent(raw.slice(1)));
      if (!target) return;
      e.preventDefault();
      if (!target.matches('a[href], button, input, select, textarea, [tabindex]')) target.setAttribute('tabindex', '-1');
      target.focus();
      target.scrollIntoView({ block: 'start' });
      return;
    }
    const url = new URL(a.href, location.href);
    if (!isAppUrl(url)) return;
    e.preventDefault();
    void this.#go(url.pathname + url.search);
  };

  /** A page's title and breadcrumb; `from` is the page (default: the event's target), waited for before focusing its h1. */
  #onPage = (e: PageEvent, from?: LitElement) => {
    e.stopPropagation();
    this.#title = e.title;
    this.pageTitle = e.title;
    this.crumbs = e.crumbs;
    this.#updateTitle();
    if (this.#focusOnPage || this.#focusActivity) {
      const activity = this.#focusActivity;
      this.#focusOnPage = false;
      this.#focusActivity = false;
      const page = from ?? (e.target as LitElement);
      void Promise.all([page.updateComplete, this.updateComplete]).then(() => {
        // A record opened at its history (from a notification): its activity stream's heading, else the h1.
        const target = (activity ? this.querySelector<HTMLElement>('main .fw-activity h2') : null) ?? this.querySelector<HTMLElement>('main h1');
        if (!target) return;
        target.setAttribute('tabindex', '-1');
        target.focus();
        if (activity) this.#keepInView(target);
      });
    }
  };

  /**
   * Scroll `target` to the top and keep it there while the page above it is still rendering (the form's widgets
   * arrive after the page announced itself), for a moment or until the person scrolls, types or clicks.
   */
  #keepInView(target: HTMLElement) {
    target.scrollIntoView({ block: 'start' });
    const main = this.querySelector('main');
    if (!main) return;
    const observer = new ResizeObserver(() => {
      if (document.activeElement === target) target.scrollIntoView({ block: 'start' });
    });
    const stop = () => {
      observer.disconnect();
      for (const type of ['wheel', 'keydown', 'pointerdown', 'touchstart']) window.removeEventListener(type, stop);
    };
    for (const type of ['wheel', 'keydown', 'pointerdown', 'touchstart']) window.addEventListener(type, stop, { once: true, passive: true });
    observer.observe(main);
    setTimeout(stop, 2000);
  }

  #onErrorState = (e: ErrorStateEvent) => {
    e.stopPropagation();
    this.#hasErrors = e.hasErrors;
    this.#updateTitle();
  };

  #updateTitle() {
    document.title = `${this.#hasErrors ? 'Error: ' : ''}${this.#title} – ${SERVICE}`;
  }

  #onSession = async (e: SessionEvent) => {
    e.stopPropagation();
    const wasActive = this.session?.stage === 'active';
    this.#setSession(e.session);
    if (e.session.stage === 'active' && !wasActive) {
      this.meta = new Metadata(this.api);
      await Promise.all([this.#loadMenus(), this.#loadBookmarks()]);
    }
    if (!e.navigate) return;
    if (e.session.stage === 'active') {
      const next = this.#next ?? '/';
      this.#next = null;
      await this.#go(next, { force: true });
    } else {
      await this.#go(stagePath(e.session.stage), { force: true });
    }
  };

  #onSignedOut = (e: SignedOutEvent) => {
    e.stopPropagation();
    this.#signedOut(e.reason);
  };

  #onBookmarksChanged = (e: Event) => {
    e.stopPropagation();
    void this.#loadBookmarks();
  };

  #onDirty = (e: DirtyEvent) => {
    e.stopPropagation();
    this.#dirty = e.dirty;
  };

  #signOut = async () => {
    if (this.#dirty && !window.confirm(LEAVE_WARNING)) return;
    try {
      await this.api.post('/auth/sign-out');
    } catch {
      // The session may have ended already; the user is signed out either way.
    }
    this.#signedOut('signed_out');
  };

  #signedOut(reason: SignedOutEvent['reason']) {
    if (!this.session && this.route.name === 'sign-in') return;
    this.#setSession(null);
    this.api.csrfToken = null;
    this.menus = [];
    this.hasQueues = false;
    this.bookmarks = [];
    this.#next = reason === 'expired' && this.route.name !== 'sign-in' && !isSignInRoute(this.route) ? this.#currentUrl : null;
    void this.#go('/sign-in', { force: true, replace: true }).then(() => {
      this.signInMessage = SIGNED_OUT[reason];
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-app': FwApp;
  }
}

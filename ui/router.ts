/**
 * The application's URLs (History API; the server answers every non-API page URL with index.html) and the
 * mapping between session stages and the sign-in pages.
 */
import type { MenuItem, SessionStage } from './api/types.js';

export type Route =
  | { name: 'sign-in' }
  | { name: 'verify' }
  | { name: 'new-password' }
  | { name: 'profile' }
  | { name: 'home' }
  | { name: 'list'; table: string; params: URLSearchParams }
  | { name: 'new'; table: string | null; form: string | null; params: URLSearchParams }
  | { name: 'record'; table: string; id: string }
  | { name: 'reset-password'; token: string | null }
  | { name: 'account' }
  | { name: 'admin-users'; params: URLSearchParams }
  | { name: 'admin-user-new' }
  | { name: 'admin-user'; id: string }
  | { name: 'admin-consents' }
  | { name: 'admin-grants' }
  | { name: 'admin-access-log'; params: URLSearchParams }
  | { name: 'admin-definitions' }
  | { name: 'admin-jobs' }
  | { name: 'admin-job'; job: string }
  | { name: 'admin-revocations' }
  | { name: 'admin-inactivity' }
  | { name: 'studio-definitions'; params: URLSearchParams }
  | { name: 'studio-changesets' }
  | { name: 'studio-changeset'; changeSet: string }
  | { name: 'studio-definition'; changeSet: string; kind: string; definition: string }
  | { name: 'studio-versions' }
  | { name: 'studio-version'; version: number; params: URLSearchParams }
  | { name: 'queues' }
  | { name: 'queue'; queue: string; params: URLSearchParams }
  | { name: 'approvals' }
  | { name: 'delegations' }
  | { name: 'catalog'; params: URLSearchParams }
  | { name: 'catalog-category'; category: string }
  | { name: 'catalog-item'; item: string; params: URLSearchParams }
  | { name: 'catalog-guide'; guide: string }
  | { name: 'catalog-cart' }
  | { name: 'catalog-confirmation'; params: URLSearchParams }
  | { name: 'catalog-requests'; params: URLSearchParams }
  | { name: 'catalog-request'; id: string }
  | { name: 'search'; params: URLSearchParams }
  | { name: 'not-found'; path: string };

const SIGN_IN_PAGES: Record<string, Route['name']> = {
  '/sign-in': 'sign-in',
  '/sign-in/verify': 'verify',
  '/sign-in/new-password': 'new-password',
  '/sign-in/profile': 'profile',
};

function segment(s: string): string | null {
  try {
    const d = decodeURIComponent(s);
    return d === '' ? null : d;
  } catch {
    return null;
  }
}

/** The route of a location. `hash` matters only to the set-password page (its token travels in the fragment). */
export function matchRoute(pathname: string, search = '', hash = ''): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(search);
  const signIn = SIGN_IN_PAGES[path];
  if (signIn) return { name: signIn } as Route;
  if (path === '/') return { name: 'home' };
  if (path === '/reset-password') return { name: 'reset-password', token: new URLSearchParams(hash.replace(/^#/, '')).get('token') };
  if (path === '/profile') return { name: 'account' };
  const parts = path.split('/').slice(1).map(segment);
  if (parts.some((p) => p === null)) return { name: 'not-found', path };
  const [a, b, c, d] = parts as string[];
  if (a === 'studio') return studioRoute(parts as string[], params) ?? { name: 'not-found', path };
  if (a === 'tables' && b && c === undefined) return { name: 'list', table: b, params };
  if (a === 'tables' && b && c === 'new' && d === undefined) return { name: 'new', table: b, form: params.get('form'), params };
  if (a === 'tables' && b && c && d === undefined) return { name: 'record', table: b, id: c };
  if (a === 'forms' && b && c === 'new' && d === undefined) return { name: 'new', table: null, form: b, params };
  if (a === 'queues' && c === undefined) return b ? { name: 'queue', queue: b, params } : { name: 'queues' };
  if (a === 'approvals' && b === undefined) return { name: 'approvals' };
  if (a === 'delegations' && b === undefined) return { name: 'delegations' };
  if (a === 'search' && b === undefined) return { name: 'search', params };
  if (a === 'catalog' && d === undefined) {
    const route = catalogRoute(b, c, params);
    if (route) return route;
  }
  if (a === 'admin' && d === undefined) {
    if (b === 'users' && c === undefined) return { name: 'admin-users', params };
    if (b === 'users' && c === 'new') return { name: 'admin-user-new' };
    if (b === 'users' && c) return { name: 'admin-user', id: c };
    if (b === 'consents' && c === undefined) return { name: 'admin-consents' };
    if (b === 'access-grants' && c === undefined) return { name: 'admin-grants' };
    if (b === 'access-log' && c === undefined) return { name: 'admin-access-log', params };
    if (b === 'definitions' && c === undefined) return { name: 'admin-definitions' };
    if (b === 'jobs') return c === undefined ? { name: 'admin-jobs' } : { name: 'admin-job', job: c };
    if (b === 'revocation-requests' && c === undefined) return { name: 'admin-revocations' };
    if (b === 'inactivity' && c === undefined) return { name: 'admin-inactivity' };
  }
  return { name: 'not-found', path };
}

/** The studio's pages under /studio (`parts`: the path's segments, 'studio' first), or null. */
function studioRoute(parts: string[], params: URLSearchParams): Route | null {
  const [, b, c, d, kind, name, extra] = parts;
  if (b === undefined) return { name: 'studio-definitions', params };
  if (b === 'changesets') {
    if (c === undefined) return { name: 'studio-changesets' };
    if (d === undefined) return { name: 'studio-changeset', changeSet: c };
    if (d === 'definitions' && kind && name && extra === undefined) return { name: 'studio-definition', changeSet: c, kind, definition: name };
    return null;
  }
  if (b === 'versions' && d === undefined) {
    if (c === undefined) return { name: 'studio-versions' };
    if (/^\d{1,9}$/.test(c)) return { name: 'studio-version', version: Number(c), params };
  }
  return null;
}

/** The service catalogue's pages under /catalog (`b`, `c`: the path's next segments), or null. */
function catalogRoute(b: string | undefined, c: string | undefined, params: URLSearchParams): Route | null {
  if (b === undefined) return { name: 'catalog', params };
  if (c === undefined) {
    if (b === 'cart') return { name: 'catalog-cart' };
    if (b === 'confirmation') return { name: 'catalog-confirmation', params };
    if (b === 'requests') return { name: 'catalog-requests', params };
    return null;
  }
  if (b === 'categories') return { name: 'catalog-category', category: c };
  if (b === 'items') return { name: 'catalog-item', item: c, params };
  if (b === 'guides') return { name: 'catalog-guide', guide: c };
  if (b === 'requests') return { name: 'catalog-request', id: c };
  return null;
}

/** Pages anyone may open, with or without a session (following a mailed set-password link). */
export const isPublicRoute = (r: Route) => r.name === 'reset-password';

export const isSignInRoute = (r: Route) => r.name === 'sign-in' || r.name === 'verify' || r.name === 'new-password' || r.name === 'profile';

/** The page a session at `stage` belongs on. */
export function stagePath(stage: SessionStage): string {
  switch (stage) {
    case 'mfa':
    case 'mfa_enrol':
      return '/sign-in/verify';
    case 'change_password':
      return '/sign-in/new-password';
    case 'profile':
      return '/sign-in/profile';
    case 'active':
      return '/';
  }
}

/** The sign-in page that serves `stage` (null for an active session). */
export function stageRoute(stage: SessionStage): Route['name'] | null {
  return stage === 'active' ? null : matchRoute(stagePath(stage)).name;
}

export const listUrl = (table: string, params?: URLSearchParams) => {
  const q = params?.toString();
  return `/tables/${encodeURIComponent(table)}${q ? `?${q}` : ''}`;
};
export const recordUrl = (table: string, id: string) => `/tables/${encodeURIComponent(table)}/${encodeURIComponent(id)}`;
export const newRecordUrl = (table: string, params?: URLSearchParams) => {
  const q = params?.toString();
  return `/tables/${encodeURIComponent(table)}/new${q ? `?${q}` : ''}`;
};
export const formUrl = (form: string) => `/forms/${encodeURIComponent(form)}/new`;
export const adminUserUrl = (id: string) => `/admin/users/${encodeURIComponent(id)}`;
/** A work queue's page (`@me`: the person's own), with the list's query. */
export const queueUrl = (queue: string, params?: URLSearchParams) => {
  const q = params?.toString();
  return `/queues/${encodeURIComponent(queue)}${q ? `?${q}` : ''}`;
};
/** The service catalogue's pages. */
export const catalogUrl = (q?: string) => withQuery('/catalog', { q });
export const catalogCategoryUrl = (name: string) => `/catalog/categories/${encodeURIComponent(name)}`;
export const catalogItemUrl = (name: string) => `/catalog/items/${encodeURIComponent(name)}`;
export const catalogGuideUrl = (name: string) => `/catalog/guides/${encodeURIComponent(name)}`;
export const catalogRequestUrl = (id: string) => `/catalog/requests/${encodeURIComponent(id)}`;
/** An in-app URL with a query (empty values left out). */
export function withQuery(path: string, query: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') params.set(k, String(v));
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

/** A menu item as the API sends it: one with a table may also carry the list's columns and sort (a shared view). */
export type ListMenuItem = MenuItem & { columns?: string[]; sort?: string };

/** Where a menu item leads, or null for a group heading. */
export function menuItemUrl(item: ListMenuItem): string | null {
  if (item.table) {
    const params = new URLSearchParams();
    if (item.filter) params.set('filter', JSON.stringify(item.filter));
    if (item.sort) params.set('sort', item.sort);
    if (Array.isArray(item.columns) && item.columns.length) params.set('columns', item.columns.join(','));
    params.set('title', item.label);
    return listUrl(item.table, params);
  }
  if (item.form) return formUrl(item.form);
  if (item.path) return item.path;
  return null;
}

/** Whether `url` is a same-origin page of this app (not the API, not a file under /ui/). */
export function isAppUrl(url: URL): boolean {
  return url.origin === location.origin && !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/ui/');
}

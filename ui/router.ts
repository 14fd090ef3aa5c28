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

/** The route of a location. */
export function matchRoute(pathname: string, search = ''): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(search);
  const signIn = SIGN_IN_PAGES[path];
  if (signIn) return { name: signIn } as Route;
  if (path === '/') return { name: 'home' };
  const parts = path.split('/').slice(1).map(segment);
  if (parts.some((p) => p === null)) return { name: 'not-found', path };
  const [a, b, c, d] = parts as string[];
  if (a === 'tables' && b && c === undefined) return { name: 'list', table: b, params };
  if (a === 'tables' && b && c === 'new' && d === undefined) return { name: 'new', table: b, form: params.get('form'), params };
  if (a === 'tables' && b && c && d === undefined) return { name: 'record', table: b, id: c };
  if (a === 'forms' && b && c === 'new' && d === undefined) return { name: 'new', table: null, form: b, params };
  return { name: 'not-found', path };
}

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

/** Where a menu item leads, or null for a group heading. */
export function menuItemUrl(item: MenuItem): string | null {
  if (item.table) {
    const params = new URLSearchParams();
    if (item.filter) params.set('filter', JSON.stringify(item.filter));
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

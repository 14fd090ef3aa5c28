/** How the HTTP layer tells paths apart. */

/** Whether a request path (as `req.path` of the app) is part of the API. */
export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** A path as express matches it: case-insensitive, trailing slashes ignored. */
export function normalisePath(path: string): string {
  return path.toLowerCase().replace(/\/+$/, '') || '/';
}

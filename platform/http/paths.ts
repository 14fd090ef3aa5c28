/** How the HTTP layer tells paths apart. */
import { fail } from '../errors.js';

/** Whether a request path (as `req.path` of the app) is part of the API. */
export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** A path as express matches it: case-insensitive, trailing slashes ignored. */
export function normalisePath(path: string): string {
  return path.toLowerCase().replace(/\/+$/, '') || '/';
}

const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The record id of a `/tables/:table/:id…` path, lower-cased. Record ids are UUIDs: any other text names no record
 * (and must not reach a uuid column), so it fails `table_not_found` for an unknown table, else `not_found`, as the
 * record service would.
 */
export function recordIdOf(registry: { getTable(name: string): unknown }, params: { table: string; id: string }): string {
  const { table, id } = params;
  if (!RECORD_ID.test(id)) {
    registry.getTable(table);
    fail('not_found', `Record "${id}" of table "${table}" does not exist.`);
  }
  return id.toLowerCase();
}

/**
 * The signed-in person's own things: their profile (GET /api/profile), bookmarks
 * (/api/profile/bookmarks) and saved views of lists (/api/views).
 */
import type { Condition } from '../../platform/conditions/browser.js';
import type { ApiClient } from './client.js';

export interface Bookmark {
  id: string;
  title: string;
  /** A path of this site. */
  url: string;
  table: string | null;
  recordId: string | null;
  createdAt: string;
}

export interface Profile {
  id: string;
  username: string;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  lastSignInAt: string | null;
  organisation: { id: string; code: string; name: string } | null;
  /** Their line manager, or null. */
  manager: { username: string; displayName: string | null } | null;
  organisations: { id: string; code: string; name: string; home: boolean }[];
  roles: { name: string; label: string }[];
  userIds: { code: string; name: string | null; org: { id: string; code: string; name: string } | null; shared: boolean }[];
  /** Every interface transaction the platform knows, with whether this person may perform it. */
  transactions: { id: string; label?: string; allowed: boolean }[];
  bookmarks: Bookmark[];
}

/** A saved personal view of a list. */
export interface SavedView {
  id: string;
  table: string;
  name: string;
  filter: Condition | null;
  sort: string | null;
  columns: string[] | null;
  createdAt: string;
}

/** GET /api/profile/bookmarks: newest first. */
export async function fetchBookmarks(api: ApiClient): Promise<Bookmark[]> {
  return (await api.get<Bookmark[]>('/profile/bookmarks')).data;
}

/** POST /api/profile/bookmarks. Rejects with ApiError (validation_failed, unique_violation). */
export async function addBookmark(
  api: ApiClient, input: { title: string; url: string; table?: string; recordId?: string },
): Promise<Bookmark> {
  return (await api.post<Bookmark>('/profile/bookmarks', input)).data;
}

/** DELETE /api/profile/bookmarks/:id */
export async function removeBookmark(api: ApiClient, id: string): Promise<void> {
  await api.request('DELETE', `/profile/bookmarks/${encodeURIComponent(id)}`);
}

/** GET /api/views?table= : the person's views of a table, by name. */
export async function fetchViews(api: ApiClient, table: string): Promise<SavedView[]> {
  return (await api.get<SavedView[]>('/views', { query: { table } })).data;
}

/** POST /api/views. Rejects with ApiError (validation_failed, unique_violation, unknown_field…). */
export async function saveView(
  api: ApiClient, input: { table: string; name: string; filter: Condition | null; sort: string | null; columns: string[] | null },
): Promise<SavedView> {
  return (await api.post<SavedView>('/views', input)).data;
}

/** DELETE /api/views/:id */
export async function deleteView(api: ApiClient, id: string): Promise<void> {
  await api.request('DELETE', `/views/${encodeURIComponent(id)}`);
}

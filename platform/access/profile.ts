/**
 * The user's own profile: who they are, their organisations, roles and party codes, every interface
 * transaction the platform knows with whether they may perform it, and their bookmarks (links to any record or
 * page of this site).
 */
import type { MenuItem } from '../menus/types.js';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../context.js';
import type { Registry } from '../definitions/types.js';
import { fail, type FieldError } from '../errors.js';
import type { Actor } from '../records/types.js';
import { accessFor, capabilitiesOf } from './policy.js';

export interface ProfileTransaction { id: string; label?: string; allowed: boolean }

export interface Bookmark {
  id: string;
  title: string;
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
  /** The home organisation. */
  organisation: { id: string; code: string; name: string } | null;
  /** Their line manager (set by an administrator or a data file), or null. */
  manager: { username: string; displayName: string | null } | null;
  /** Home first, then the other organisations the user belongs to. */
  organisations: { id: string; code: string; name: string; home: boolean }[];
  roles: { name: string; label: string }[];
  /** Party codes the user acts under: of their own organisations, and those shared with them by consent (`shared`). */
  userIds: { code: string; name: string | null; org: { id: string; code: string; name: string } | null; shared: boolean }[];
  transactions: ProfileTransaction[];
  bookmarks: Bookmark[];
}

/** Capabilities the engine itself uses (`platform.*`): permissions of the platform, not interface transactions. */
const isPlatformCapability = (c: string) => c.startsWith('platform.');

/** Every interface transaction any role declares (engine capabilities left out), sorted; cached per snapshot. */
export function declaredTransactions(registry: Registry): string[] {
  return registry.memo('access.transactions', (r) =>
    [...new Set([...r.roles.values()].flatMap((role) => role.capabilities ?? []))].filter((c) => !isPlatformCapability(c)).sort());
}

/**
 * What each transaction is called where people meet it: the labels of the menu entries it opens, in menu order
 * (a transaction no menu entry needs has no label: its id is all there is, which people are not shown).
 */
function transactionLabels(registry: Registry): ReadonlyMap<string, string> {
  return registry.memo('access.transactionLabels', (r) => {
    const labels = new Map<string, string[]>();
    const visit = (items: readonly MenuItem[]) => {
      for (const item of items) {
        if (item.capability) labels.set(item.capability, [...new Set([...(labels.get(item.capability) ?? []), item.label])]);
        if (item.items) visit(item.items);
      }
    };
    for (const menu of r.menus.values()) visit(menu.items);
    return new Map([...labels].map(([id, list]) => [id, list.join('; ')]));
  });
}

/** Every declared interface transaction with whether the actor's roles grant it (the profile's list of what they may do). */
export function transactionsFor(registry: Registry, actor: Actor): ProfileTransaction[] {
  const held = new Set(capabilitiesOf(registry, actor.roles));
  const labels = transactionLabels(registry);
  return declaredTransactions(registry).map((id) => {
    const label = labels.get(id);
    return { id, ...(label ? { label } : {}), allowed: held.has(id) };
  });
}

function requireUserActor(actor: Actor): string {
  if (actor.kind !== 'user' || !actor.id) fail('forbidden', 'Only a signed-in person has a profile.');
  return actor.id;
}

/** The actor's profile. Errors: forbidden (not a person), not_found. */
export async function profileOf(fw: Formwork, actor: Actor): Promise<Profile> {
  const userId = requireUserActor(actor);
  const k = fw.db.knex;
  const user = await k('sys_user').where({ id: userId }).first();
  if (!user) fail('not_found', 'Your account no longer exists.');
  const orgIds = [...new Set([...(user.org_id ? [user.org_id] : []), ...(actor.orgs ?? [])])];
  const codes = actor.userIds ?? [];
  const [orgs, ids, bookmarks, manager] = await Promise.all([
    orgIds.length ? k('sys_org').whereIn('id', orgIds).select('id', 'code', 'name') : [],
    codes.length ? k('sys_party_code as c').join('sys_org as o', 'o.id', 'c.org_id').whereIn('c.code', codes)
      .select('c.code', 'c.name', 'o.id as org_id', 'o.code as org_code', 'o.name as org_name') : [],
    listBookmarks(fw, actor),
    user.manager_id ? k('sys_user').where({ id: user.manager_id }).first('username', 'display_name') : undefined,
  ]);
  const orgById = new Map(orgs.map((o: { id: string; code: string; name: string }) => [o.id, o]));
  const registry = fw.registry.current;
  const organisations = orgIds.filter((id) => orgById.has(id)).map((id) => ({ ...orgById.get(id)!, home: id === user.org_id }));
  const own = new Set(orgIds);
  const idByCode = new Map(ids.map((r: Record<string, string>) => [r.code, r]));
  return {
    id: user.id, username: user.username, displayName: user.display_name ?? null, firstName: user.first_name ?? null,
    lastName: user.last_name ?? null, email: user.email ?? null, phone: user.phone ?? null, lastSignInAt: user.last_sign_in_at ?? null,
    organisation: user.org_id && orgById.has(user.org_id) ? { ...orgById.get(user.org_id)! } : null,
    manager: manager ? { username: manager.username, displayName: manager.display_name ?? null } : null,
    organisations,
    roles: [...actor.roles].sort().map((name) => ({ name, label: registry.roles.get(name)?.label ?? name })),
    userIds: codes.map((code) => {
      const r = idByCode.get(code);
      return {
        code, name: r?.name ?? null,
        org: r ? { id: r.org_id!, code: r.org_code!, name: r.org_name! } : null,
        shared: !r || !own.has(r.org_id!),
      };
    }),
    transactions: transactionsFor(registry, actor),
    bookmarks,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Bookmarks

export const MAX_BOOKMARKS = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BOOKMARK_KEYS = ['title', 'url', 'table', 'recordId'];
/** Only a path of this site: never another origin, a scheme, `//host` or backslashes browsers read as slashes. */
const SITE_ORIGIN = 'https://formwork.invalid';

/** A sys_bookmark row as read. */
interface BookmarkRow { id: string; title: string; url: string; table_name?: string | null; record_id?: string | null; created_at: string }

const toBookmark = (r: BookmarkRow): Bookmark => ({
  id: r.id, title: r.title, url: r.url, table: r.table_name ?? null, recordId: r.record_id ?? null, createdAt: r.created_at,
});

/** Whether `url` is a path of this site (starting with one `/`, no scheme, host, backslash or control character). */
export function isSitePath(url: string): boolean {
  if (!url.startsWith('/') || url.startsWith('//') || /[\\\u0000-\u001f\u007f\s]/.test(url)) return false;
  try {
    return new URL(url, SITE_ORIGIN).origin === SITE_ORIGIN;
  } catch {
    return false;
  }
}

/** The actor's bookmarks, newest first. */
export async function listBookmarks(fw: Formwork, actor: Actor): Promise<Bookmark[]> {
  const userId = requireUserActor(actor);
  const rows = await fw.db.knex('sys_bookmark').where({ user_id: userId })
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
  return rows.map(toBookmark);
}

/**
 * Bookmark a page or record: `title`, `url` (a path of this site), optionally the `table` (one the actor can
 * read) and `recordId` it shows. Errors: invalid_payload (unknown keys), validation_failed, unique_violation
 * (the URL is bookmarked already).
 */
export async function addBookmark(fw: Formwork, actor: Actor, body: unknown): Promise<Bookmark> {
  const userId = requireUserActor(actor);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('invalid_payload', 'Send the bookmark as one JSON object.');
  const data = body as Record<string, unknown>;
  const extra = Object.keys(data).filter((k) => !BOOKMARK_KEYS.includes(k));
  if (extra.length) {
    fail('invalid_payload', `A bookmark has only ${BOOKMARK_KEYS.join(', ')}; not ${extra.map((k) => `"${k}"`).join(', ')}.`, {
      fieldErrors: extra.map((k) => ({ field: k, code: 'unknown_field', message: `"${k}" is not part of a bookmark.` })),
    });
  }
  const errors: FieldError[] = [];
  const title = typeof data.title === 'string' ? data.title.trim() : '';
  if (!title) errors.push({ field: 'title', code: 'required', message: 'Enter a title.' });
  else if (title.length > 200) errors.push({ field: 'title', code: 'too_long', message: 'The title must be at most 200 characters.' });
  const url = typeof data.url === 'string' ? data.url : '';
  if (!url) errors.push({ field: 'url', code: 'required', message: 'Give the address of the page to bookmark.' });
  else if (url.length > 500) errors.push({ field: 'url', code: 'too_long', message: 'The address must be at most 500 characters.' });
  else if (!isSitePath(url)) errors.push({ field: 'url', code: 'pattern', message: 'Bookmark a page of this site: an address starting with a single "/".' });
  let table: string | null = null;
  if (data.table !== undefined && data.table !== null) {
    const registry = fw.registry.current;
    // A table the actor cannot read is answered like one that does not exist.
    if (typeof data.table !== 'string' || !registry.tables.has(data.table) || !accessFor(registry, actor, data.table, 'read').allowed) {
      errors.push({ field: 'table', code: 'unknown_table', message: `There is no table "${String(data.table)}".` });
    } else {
      table = data.table;
    }
  }
  let recordId: string | null = null;
  if (data.recordId !== undefined && data.recordId !== null) {
    if (typeof data.recordId !== 'string' || !UUID.test(data.recordId)) errors.push({ field: 'recordId', code: 'pattern', message: 'recordId must be a record id.' });
    else if (data.table === undefined || data.table === null) errors.push({ field: 'table', code: 'required', message: 'Name the table of the record.' });
    else recordId = data.recordId.toLowerCase();
  }
  if (errors.length) fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
  const k = fw.db.knex;
  return k.transaction(async (trx) => {
    const count = Number(((await trx('sys_bookmark').where({ user_id: userId }).count({ n: '*' }).first()) as { n: unknown }).n);
    if (count >= MAX_BOOKMARKS) fail('validation_failed', `You have ${MAX_BOOKMARKS} bookmarks, the most there can be; remove some first.`);
    if (await trx('sys_bookmark').where({ user_id: userId, url }).first('id')) {
      fail('unique_violation', 'This page is bookmarked already.', { fieldErrors: [{ field: 'url', code: 'taken', message: 'This page is bookmarked already.' }] });
    }
    const row = {
      id: uuidv7(), user_id: userId, title, url, table_name: table, record_id: recordId, created_at: fw.clock.now().toISOString(),
    };
    await trx('sys_bookmark').insert(row);
    return toBookmark(row);
  });
}

/** Remove one of the actor's own bookmarks. Errors: not_found (none of theirs has that id). */
export async function removeBookmark(fw: Formwork, actor: Actor, id: string): Promise<void> {
  const userId = requireUserActor(actor);
  const n = UUID.test(id) ? await fw.db.knex('sys_bookmark').where({ id, user_id: userId }).delete() : 0;
  if (n !== 1) fail('not_found', `Bookmark "${id}" does not exist.`);
}

/**
 * The notification centre: a person's own in-app notifications (sys_notification), newest first, with the number
 * still unread; marking one or all of them read. Another person's notification answers `not_found`, exactly like
 * one that does not exist.
 */
import type { Formwork } from '../context.js';
import { fail } from '../errors.js';
import type { Actor } from '../records/types.js';

export const MAX_NOTIFICATION_PAGE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface InAppNotification {
  id: string;
  /** The notification definition that sent it. */
  notification: string;
  title: string;
  /** Plain text. */
  body: string;
  table: string | null;
  recordId: string | null;
  /** In-app path of the record's history, e.g. /tables/<table>/<id>#activity. */
  url: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage {
  notifications: InAppNotification[];
  total: number;
  unread: number;
  limit: number;
  offset: number;
}

function toNotification(r: Record<string, unknown>): InAppNotification {
  return {
    id: r.id as string, notification: r.notification as string, title: r.title as string, body: r.body as string,
    table: (r.table_name as string | null) ?? null, recordId: (r.record_id as string | null) ?? null, url: (r.url as string | null) ?? null,
    createdAt: r.created_at as string, readAt: (r.read_at as string | null) ?? null,
  };
}

function userOf(actor: Actor): string {
  if (actor.kind !== 'user' || !actor.id) fail('forbidden', 'Only a signed-in person has notifications.');
  return actor.id;
}

const count = async (q: PromiseLike<unknown>) => Number(((await q) as { n: unknown } | undefined)?.n ?? 0);

/** The actor's notifications, newest first (`unreadOnly`: only unread ones), with the total and the unread count. */
export async function listNotifications(
  fw: Formwork, actor: Actor, page: { limit?: number; offset?: number; unreadOnly?: boolean } = {},
): Promise<NotificationPage> {
  const userId = userOf(actor);
  const limit = Math.min(Math.max(page.limit ?? 20, 1), MAX_NOTIFICATION_PAGE);
  const offset = Math.max(page.offset ?? 0, 0);
  const knex = fw.db.knex;
  const mine = () => {
    const q = knex('sys_notification').where({ user_id: userId });
    if (page.unreadOnly) q.whereNull('read_at');
    return q;
  };
  const rows = await mine().orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit).offset(offset);
  const total = await count(mine().count({ n: '*' }).first());
  const unread = page.unreadOnly ? total : await count(knex('sys_notification').where({ user_id: userId }).whereNull('read_at').count({ n: '*' }).first());
  return { notifications: rows.map(toNotification), total, unread, limit, offset };
}

/** The number of the actor's unread notifications. */
export async function unreadCount(fw: Formwork, actor: Actor): Promise<number> {
  return count(fw.db.knex('sys_notification').where({ user_id: userOf(actor) }).whereNull('read_at').count({ n: '*' }).first());
}

/** Mark one of the actor's notifications read (already read: unchanged). Errors: not_found. */
export async function markNotificationRead(fw: Formwork, actor: Actor, id: string): Promise<InAppNotification> {
  const userId = userOf(actor);
  const key = UUID.test(id) ? id.toLowerCase() : null;
  const mine = () => fw.db.knex('sys_notification').where({ id: key, user_id: userId });
  if (key) await mine().whereNull('read_at').update({ read_at: fw.clock.now().toISOString() });
  const row = key ? await mine().first() : undefined;
  if (!row) fail('not_found', `Notification "${id}" does not exist.`);
  return toNotification(row);
}

/** Mark every unread notification of the actor read; returns how many were. */
export async function markAllNotificationsRead(fw: Formwork, actor: Actor): Promise<number> {
  const userId = userOf(actor);
  return fw.db.knex('sys_notification').where({ user_id: userId }).whereNull('read_at').update({ read_at: fw.clock.now().toISOString() });
}

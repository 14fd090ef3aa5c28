/**
 * The signed-in person's notification centre (/api/notifications): their in-app notifications, newest first, the
 * unread count, and marking them read.
 */
import type { ApiClient } from './client.js';

export interface InAppNotification {
  id: string;
  notification: string;
  title: string;
  /** Plain text: bind it as text, never as HTML. */
  body: string;
  table: string | null;
  recordId: string | null;
  /** In-app path of the record's history (`/tables/t/id#activity`). */
  url: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationList {
  notifications: InAppNotification[];
  total: number;
  unread: number;
}

/** A page of the person's notifications, with the total and the unread count. */
export async function fetchNotifications(api: ApiClient, options: { limit?: number; offset?: number } = {}): Promise<NotificationList> {
  const { data, body } = await api.get<InAppNotification[]>('/notifications', { query: { limit: options.limit, offset: options.offset } });
  const meta = (body.meta ?? {}) as { total?: number; unread?: number };
  return { notifications: data, total: meta.total ?? data.length, unread: meta.unread ?? 0 };
}

export async function markRead(api: ApiClient, id: string): Promise<InAppNotification> {
  return (await api.post<InAppNotification>(`/notifications/${encodeURIComponent(id)}/read`)).data;
}

export async function markAllRead(api: ApiClient): Promise<number> {
  return (await api.post<{ updated: number }>('/notifications/read-all')).data.updated;
}

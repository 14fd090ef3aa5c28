/** The home page's data: GET /api/home (platform/workflow/my-work.ts), the signed-in person's work at a glance. */
import type { ApiClient } from './client.js';
import type { Bookmark } from './account.js';

/** A record in one of the home page's short lists. */
export interface HomeItem {
  table: string;
  tableLabel: string;
  id: string;
  number: string | null;
  display: string | null;
  /** Last changed (assigned), asked for (approvals) or due (SLAs); ISO 8601. */
  at: string | null;
  link: string;
}

export interface HomeAssigned { table: string; label: string; count: number; items: HomeItem[]; link: string }
export interface HomeQueue { name: string; label: string; member: boolean; count: number; link: string }
export interface HomeSla extends HomeItem { sla: string; label: string; breached: boolean; remainingMs: number | null }

export interface MyWork {
  assigned: { count: number; tables: HomeAssigned[]; link: string };
  queues: HomeQueue[];
  approvals: { count: number; items: HomeItem[]; link: string };
  slas: { overdue: HomeSla[]; upcoming: HomeSla[]; moreOverdue: boolean; moreUpcoming: boolean };
  bookmarks: Bookmark[];
}

/** GET /api/home. Rejects with ApiError. */
export async function fetchMyWork(api: ApiClient): Promise<MyWork> {
  return (await api.get<MyWork>('/home')).data;
}

/** The home page's data: GET /api/home (platform/workflow/my-work.ts), the signed-in person's work at a glance. */
import type { ApiClient } from './client.js';
import type { Bookmark } from './account.js';
import type { HomeWork } from '../../platform/http/api-types.js';

export type { HomeAssigned, HomeItem, HomeQueue, HomeSla } from '../../platform/http/api-types.js';

/** The home page's answer, with bookmarks as the UI types them. */
export type MyWork = HomeWork<Bookmark>;

/** GET /api/home. Rejects with ApiError. */
export async function fetchMyWork(api: ApiClient): Promise<MyWork> {
  return (await api.get<MyWork>('/home')).data;
}

/**
 * Scheduled jobs as the browser sees them (platform/jobs/routes.ts): the list, one job, changing its schedule,
 * time zone, enabled flag and parameters, running it now, its runs, and cancelling a running one. The server decides
 * who may; the pages are offered to people holding {@link JOBS_CAPABILITY}.
 */
import type { ApiClient } from './client.js';
import type { SessionInfo } from './types.js';
import type { JobParameterView, JobPatch, JobRunView, JobView, RunStatus, RunTrigger } from '../../platform/jobs/types.js';

export type { JobParameterView, JobPatch, JobRunView, JobView, RunStatus, RunTrigger };

/** Capability of the people who manage scheduled jobs. */
export const JOBS_CAPABILITY = 'platform.jobs';

/** Whether the session's user may use the scheduled jobs pages (the server checks again on every request). */
export function canManageJobs(session: SessionInfo | null): boolean {
  return (session?.user.capabilities ?? []).includes(JOBS_CAPABILITY);
}

/** The page of one job. */
export const jobUrl = (name: string) => `/admin/jobs/${encodeURIComponent(name)}`;

const jobPath = (name: string) => `/jobs/${encodeURIComponent(name)}`;
const runPath = (id: string) => `/jobs/runs/${encodeURIComponent(id)}`;

/** GET /api/jobs. Rejects with ApiError. */
export async function fetchJobs(api: ApiClient, signal?: AbortSignal): Promise<JobView[]> {
  return (await api.get<JobView[]>('/jobs', { signal })).data;
}

/** GET /api/jobs/:name. */
export async function fetchJob(api: ApiClient, name: string, signal?: AbortSignal): Promise<JobView> {
  return (await api.get<JobView>(jobPath(name), { signal })).data;
}

/** PATCH /api/jobs/:name: 422 validation_failed names each refused member (`schedule`, `parameters.days`…). */
export async function updateJob(api: ApiClient, name: string, patch: JobPatch): Promise<JobView> {
  return (await api.patch<JobView>(jobPath(name), patch)).data;
}

/** POST /api/jobs/:name/run: the run, recorded as running. */
export async function runJobNow(api: ApiClient, name: string): Promise<JobRunView> {
  return (await api.post<JobRunView>(`${jobPath(name)}/run`)).data;
}

/** GET /api/jobs/:name/runs, newest first. */
export async function fetchRuns(
  api: ApiClient, name: string, options: { limit?: number; before?: string; signal?: AbortSignal } = {},
): Promise<JobRunView[]> {
  const query = { limit: options.limit, before: options.before };
  return (await api.get<JobRunView[]>(`${jobPath(name)}/runs`, { query, signal: options.signal })).data;
}

/** GET /api/jobs/runs/:id. */
export async function fetchRun(api: ApiClient, id: string, signal?: AbortSignal): Promise<JobRunView> {
  return (await api.get<JobRunView>(runPath(id), { signal })).data;
}

/** POST /api/jobs/runs/:id/cancel. */
export async function cancelRun(api: ApiClient, id: string): Promise<JobRunView> {
  return (await api.post<JobRunView>(`${runPath(id)}/cancel`)).data;
}

/**
 * Inactivity settings and revocation as the browser sees them (platform/access/inactivity/routes.ts): an
 * organisation's settings, revoking an account (at once, or a request waiting for approval), enabling it again, and
 * the revocation requests with their decisions. The server decides who may; the pages only hide what the session's
 * capabilities say it would refuse.
 */
import type { ApiClient } from './client.js';
import type { SessionInfo } from './types.js';
import { ORG_ADMIN, PLATFORM_ADMIN } from './admin.js';

import type {
  InactivityOverride, OrgInactivityView, RequestStatus, RevocationRequestView, RevokeResult,
} from '../../platform/access/inactivity/types.js';

export type {
  InactivityOverride, InactivitySettings, NoticeTemplate, OrgInactivityView, RequestStatus, RevocationEffects,
  RevocationRequestView, RevokeResult,
} from '../../platform/access/inactivity/types.js';

/** A person one may revoke (or ask to), by name. */
export interface RevocationCandidate { id: string; name: string; username: string; organisation: string | null }

/** Capability of asking for a revocation that an organisation administrator approves. */
export const REVOCATION_REQUEST = 'platform.revocation_request';
/** Capability of enabling disabled accounts of one's own organisation (when some role declares it). */
export const ACCOUNT_ENABLE = 'platform.account_enable';

const caps = (session: SessionInfo | null) => session?.user.capabilities ?? [];

/** Whether the session may see revocation requests (administrators: their organisation's; requesters: their own). */
export function canSeeRevocationRequests(session: SessionInfo | null): boolean {
  const c = caps(session);
  return c.includes(PLATFORM_ADMIN) || c.includes(ORG_ADMIN) || c.includes(REVOCATION_REQUEST);
}

/** Whether the session may ask for revocations (without administering the person's organisation). */
export const canRequestRevocation = (session: SessionInfo | null) => caps(session).includes(REVOCATION_REQUEST);

/**
 * Whether the session might enable disabled accounts: platform administrators always, holders of the enabling
 * capability, and organisation administrators (who may while no role declares that capability: the server says).
 */
export function mightEnable(session: SessionInfo | null): boolean {
  const c = caps(session);
  return c.includes(PLATFORM_ADMIN) || c.includes(ACCOUNT_ENABLE) || c.includes(ORG_ADMIN);
}

export const REVOCATION_REQUESTS_URL = '/admin/revocation-requests';
export const INACTIVITY_URL = '/admin/inactivity';

/** GET /api/orgs/:code/inactivity. Rejects with ApiError (404 for an organisation one does not administer). */
export async function fetchOrgInactivity(api: ApiClient, code: string): Promise<OrgInactivityView> {
  return (await api.get<OrgInactivityView>(`/orgs/${encodeURIComponent(code)}/inactivity`)).data;
}

/** PUT /api/orgs/:code/inactivity (`{}`: back to the defaults); 422 validation_failed names each bad member. */
export async function saveOrgInactivity(api: ApiClient, code: string, override: InactivityOverride): Promise<OrgInactivityView> {
  return (await api.request<OrgInactivityView>('PUT', `/orgs/${encodeURIComponent(code)}/inactivity`, { body: override })).data;
}

/** POST /api/users/:id/revoke: revoked at once, or a request waiting for approval. */
export async function revokeUser(api: ApiClient, userId: string, reason: string): Promise<RevokeResult> {
  return (await api.post<RevokeResult>(`/users/${encodeURIComponent(userId)}/revoke`, { reason })).data;
}

/** POST /api/users/:id/enable. */
export async function enableUser(api: ApiClient, userId: string, reason: string): Promise<void> {
  await api.post(`/users/${encodeURIComponent(userId)}/enable`, reason ? { reason } : {});
}

/** GET /api/revocation-requests (newest first). */
export async function fetchRevocationRequests(api: ApiClient, status?: RequestStatus): Promise<RevocationRequestView[]> {
  return (await api.get<RevocationRequestView[]>('/revocation-requests', { query: { status } })).data;
}

/** POST /api/revocation-requests/:id/approve|reject. */
export async function decideRevocationRequest(
  api: ApiClient, id: string, decision: 'approve' | 'reject', comment: string,
): Promise<RevocationRequestView> {
  return (await api.post<RevocationRequestView>(`/revocation-requests/${encodeURIComponent(id)}/${decision}`, comment ? { comment } : {})).data;
}

/** GET /api/revocation-requests/people?q= (2–100 characters). */
export async function findRevocationCandidates(api: ApiClient, q: string): Promise<RevocationCandidate[]> {
  return (await api.get<RevocationCandidate[]>('/revocation-requests/people', { query: { q } })).data;
}

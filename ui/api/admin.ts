/**
 * Organisation administration as the browser sees it (platform/http/routes/admin.ts): accounts, roles, User IDs,
 * consents, access grants and the access log. The server decides everything; the UI only hides what it would
 * refuse anyway (see {@link isAdministrator}).
 */
import type { SessionInfo } from './types.js';

/** Capability of platform administrators (every organisation). */
export const PLATFORM_ADMIN = 'platform.admin';
/** Capability of organisation administrators (their own organisation). */
export const ORG_ADMIN = 'platform.org_admin';

/** Whether the session's user may use the administration pages (the server checks again on every request). */
export function isAdministrator(session: SessionInfo | null): boolean {
  const caps = session?.user.capabilities ?? [];
  return caps.includes(PLATFORM_ADMIN) || caps.includes(ORG_ADMIN);
}

export function isPlatformAdministrator(session: SessionInfo | null): boolean {
  return (session?.user.capabilities ?? []).includes(PLATFORM_ADMIN);
}

export interface OrgRef { id: string; code: string; name: string }

export type AccountStatus = 'active' | 'locked' | 'disabled' | 'deleted';

/** A row of GET /api/admin/users. */
export interface AdminUserSummary {
  id: string;
  username: string;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  status: AccountStatus;
  lastSignInAt: string | null;
  org: OrgRef | null;
}

/** GET /api/admin/users/:id */
export interface AdminUser extends AdminUserSummary {
  phone: string | null;
  createdAt: string;
  updatedAt: string | null;
  deletedAt: string | null;
  lockedAt: string | null;
  failedAttempts: number;
  mustChangePassword: boolean;
  mfaEnrolled: boolean;
  orgs: OrgRef[];
  roles: string[];
  userIds: string[];
  /** API tokens in use (neither revoked nor expired). */
  apiTokens: number;
  /** The person's line manager, or null. */
  manager: { id: string; username: string; displayName: string | null } | null;
}

/** GET /api/admin/roles */
export interface AdminRole { name: string; label: string; description?: string; assignable: boolean; reason?: string }

/** GET /api/admin/users/check */
export interface UsernameCheck { username: string; available: boolean; reason?: 'invalid' | 'taken'; message?: string }

/** GET /api/admin/org-user-ids */
export interface OrgUserId { code: string; name: string | null; status: string }

/** GET /api/admin/users/:id/sessions */
export interface AccountSession {
  id: string;
  stage: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

export type ConsentSide = 'grantor' | 'grantee';

/** GET /api/admin/consents */
export interface Consent {
  id: string;
  grantorOrgId: string;
  granteeOrgId: string;
  side: ConsentSide;
  userIds: string[];
  validFrom: string;
  validTo: string | null;
  recordedBy: string;
  recordedAt: string;
  rescindedAt: string | null;
  /** In force now. */
  active: boolean;
}

/** GET /api/admin/access-grants */
export interface AccessGrant {
  id: string;
  consentId: string;
  userId: string;
  userIdCode: string;
  grantedBy: string;
  grantedAt: string;
  revokedAt: string | null;
  active: boolean;
}

export type AccessGroup = 'org' | 'user' | 'day';

/** GET /api/admin/access-log/report */
export interface AccessReportRow {
  key: string;
  label: string;
  signIns: number;
  failures: number;
  signOuts: number;
  distinctUsers: number;
  pageViews: number;
  apiCalls: number;
}

/** GET /api/admin/access-log */
export interface AccessLogEntry {
  id: string;
  at: string;
  userId: string | null;
  username: string | null;
  orgId: string | null;
  event: string;
  signIn: boolean;
  method: string | null;
  url: string | null;
  status: number | null;
  description: string | null;
}

/**
 * The User ID codes both sides currently consent to share with `ownOrgId`, by granting organisation: what its
 * administrators may grant their people access to.
 */
export function sharedWith(consents: Consent[], ownOrgId: string): { code: string; grantorOrgId: string }[] {
  const byGrantor = new Map<string, { offered: Set<string>; accepted: Set<string> }>();
  for (const c of consents) {
    if (!c.active || c.granteeOrgId !== ownOrgId) continue;
    const pair = byGrantor.get(c.grantorOrgId) ?? { offered: new Set<string>(), accepted: new Set<string>() };
    for (const code of c.userIds) (c.side === 'grantor' ? pair.offered : pair.accepted).add(code);
    byGrantor.set(c.grantorOrgId, pair);
  }
  const out: { code: string; grantorOrgId: string }[] = [];
  for (const [grantorOrgId, pair] of byGrantor) {
    for (const code of [...pair.offered].sort()) if (pair.accepted.has(code)) out.push({ code, grantorOrgId });
  }
  return out;
}

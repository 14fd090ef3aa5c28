/**
 * Identity: users and organisations, party codes, passwords, MFA, sessions, API tokens, rate limits, the access
 * log, and what organisation administrators do to the accounts of their organisation. Other folders import this
 * face, not the files behind it.
 */
export {
  activityCancelKey, activityColumns, activityIsStale, cancelMootMail, noteActivity,
  ACTIVITY_WRITE_INTERVAL_MS,
} from './activity.js';
export { ACCOUNT_ENABLE, assertMayEnable, mayEnable } from './enabling.js';
export { createAccessLog, loggableUrl, type AccessLog, type AccessLogEntry, type AccessEvent } from './access-log.js';
export { parseUserInput, type AdminUserInput } from './account-input.js';
export { createAccount, deleteAccount, resetAccountPassword, unlockManagedAccount, updateAccount } from './account-changes.js';
export { listAccountSessions, revokeAccountSessions, revokeOneSession, type SessionInfo } from './account-sessions.js';
export {
  checkUsername, getUser, listUsers, MAX_USER_PAGE,
  type AccountStatus, type AdminUser, type AdminUserSummary, type UserListQuery, type UserSort,
} from './account-view.js';
export { createAdministrator, resetPassword, unlockUserByOperator, ensureDemoAdministrator, type CreatedCredential } from './admin.js';
export { adminScope, assertAdministrator, findOrg, isPlatformAdmin, listOrgs, manages, type OrgRef } from './admin-scope.js';
export { issueEmailCode, verifyEmailCode, EMAIL_CODE_MINUTES } from './email-otp.js';
export { createPartyCode, listPartyCodes, type PartyCode } from './party-codes.js';
export {
  completePasswordLink, inspectPasswordLink, linkBase, passwordLinkUrl, PASSWORD_LINK_HOURS, type LinkOptions,
} from './password-links.js';
export { hashPassword, verifyPassword, needsRehash, assertPasswordPolicy, passwordProblems, temporaryPassword } from './passwords.js';
export { managerOf, resolveManager, type ManagerRef } from './managers.js';
export { personName, personNameSql, type NamedPerson } from './person-name.js';
export { hitRateLimit, assertRateLimit } from './rate-limit.js';
export { assignableRoles, roleAssignability } from './role-assignment.js';
export {
  createSession, fetchSession, touchSession, rotateSession, revokeSession, revokeUserSessions,
  sessionCookieName, sessionCookieOptions, idleExpiresAt, isExpired, PENDING_MFA, TOUCH_INTERVAL_MS,
  type SessionRow, type SessionStage, type SessionUser, type RevokeReason,
} from './sessions.js';
export { signIn, completeMfa, sendEmailCode, changePassword, confirmProfile, mfaMethods, registerFailure } from './sign-in.js';
export { createApiToken, listApiTokens, revokeApiToken, revokeUserApiTokens, resolveApiToken, type ApiTokenInfo } from './tokens.js';
export { beginTotpEnrolment, verifyTotp, totpStep, type TotpEnrolment } from './totp.js';
export {
  createOrg, fetchOrg, fetchOrgByCode, createUser, fetchUser, fetchUserByUsername, requireUser,
  setPassword, clearUserLockout, loadActor, actorForUser, actorFromMemberships, readCredentialWithMemberships, type Membership,
  capabilitiesOf, isUsable,
  type UserRow, type OrgRow, type UserStatus, type CreateUserInput, type CreateOrgInput,
} from './users.js';

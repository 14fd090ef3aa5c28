/**
 * Identity: users and organisations, passwords, MFA, sessions, API tokens, rate limits and the access log.
 * Other folders import this face, not the files behind it.
 */
export { createAccessLog, loggableUrl, type AccessLog, type AccessLogEntry, type AccessEvent } from './access-log.js';
export { createAdministrator, resetPassword, unlockAccount, ensureDemoAdministrator, type CreatedCredential } from './admin.js';
export { issueEmailCode, verifyEmailCode, EMAIL_CODE_MINUTES } from './email-otp.js';
export { hashPassword, verifyPassword, needsRehash, assertPasswordPolicy, passwordProblems, temporaryPassword } from './passwords.js';
export { hitRateLimit, assertRateLimit } from './rate-limit.js';
export {
  createSession, fetchSession, touchSession, rotateSession, revokeSession, revokeUserSessions, adminRevokeSession,
  sessionCookieName, sessionCookieOptions, idleExpiresAt, isExpired, PENDING_MFA, TOUCH_INTERVAL_MS,
  type SessionRow, type SessionStage, type SessionUser, type RevokeReason,
} from './sessions.js';
export { signIn, completeMfa, sendEmailCode, changePassword, confirmProfile, mfaMethods, registerFailure } from './sign-in.js';
export { createApiToken, listApiTokens, revokeApiToken, resolveApiToken, type ApiTokenInfo } from './tokens.js';
export { beginTotpEnrolment, verifyTotp, totpStep, type TotpEnrolment } from './totp.js';
export {
  createOrg, fetchOrg, fetchOrgByCode, createOrgUserId, createUser, fetchUser, fetchUserByUsername, requireUser,
  setPassword, unlockUser, loadActor, actorForUser, actorFromMemberships, readCredentialWithMemberships, type Membership, capabilitiesOf, isUsable,
  type UserRow, type OrgRow, type UserStatus, type CreateUserInput, type CreateOrgInput,
} from './users.js';

/**
 * Inactivity and revocation: the platform jobs that warn inactive people and revoke their accounts, the settings
 * per organisation (with the jobs' parameters as the global default), revocation by hand with its approval path,
 * enabling again, and their routes. Activity itself is recorded by the identity layer (identity/activity.ts).
 */
export { INACTIVITY_JOBS } from './jobs.js';
export { inactivityRouter } from './routes.js';
export {
  decideRevocationRequest, enableAccount, listRevocationRequests, revokeAccount, REVOCATION_REQUEST,
  type RevocationRequestView, type RevokeResult,
} from './manual.js';
export { getOrgInactivity, putOrgInactivity, seedOrgInactivity, type OrgInactivityView } from './org-settings.js';
export {
  BUILT_IN_SETTINGS, SETTINGS_PARAMETERS, settingsFromParameters,
  type InactivityOverride, type InactivitySettings, type NoticeTemplate, type RevocationEffects,
} from './settings.js';
export { applyRevocation, type RevocationOutcome } from './revoke.js';
export { ACCOUNT_ACTIONS } from './account-actions.js';

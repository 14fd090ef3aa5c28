/**
 * Revoking an account by hand, and enabling it again.
 *
 *  - An administrator of the person's home organisation (or a platform administrator) revokes at once: the account
 *    is disabled, its sessions end and its API tokens are revoked (roles removed too when the organisation's
 *    settings say so), in one transaction with the audit entry.
 *  - Someone holding {@link REVOCATION_REQUEST} (roles the packs declare: operators, service providers) who does not
 *    administer that organisation asks instead: a record of the core pack's `revocation_request` table whose workflow
 *    asks an administrator of the person's organisation to approve it; the approval's outcome runs the
 *    `account.revoke` platform action, a rejection changes nothing on the account (requests.ts, account-actions.ts).
 *    Requests and revocations are written to the account's audit trail too.
 *  - Enabling again is for whoever identity/enabling.ts allows, and starts a fresh spell of activity.
 */
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { writeAudit } from '../../records/audit.js';
import type { Actor } from '../../records/types.js';
import { activityColumns, assertAdministrator, assertMayEnable, manages, mayEnable } from '../identity/index.js';
import { assertManageable } from '../identity/managed-account.js';
import { hasCapability } from '../policy.js';
import { REVOCATION_REQUEST, requestRevocation } from './requests.js';
import { assertReason, fetchAccount, nameOf, revokeNow } from './revoke-by-hand.js';
import type { RevokeResult } from './types.js';
export type { RequestStatus, RevocationRequestView, RevokeResult } from './types.js';
export { decideRevocationRequest, listRevocationRequests, REVOCATION_REQUEST } from './requests.js';

/**
 * Revoke account `id` (an administrator of its organisation: at once) or ask for it (REVOCATION_REQUEST).
 * Errors: validation_failed (reason; nobody can approve a request), not_found, forbidden, conflict (one's own
 * account, already disabled or deleted, a request already pending).
 */
export async function revokeAccount(fw: Formwork, actor: Actor, id: string, reason: unknown): Promise<RevokeResult> {
  const why = assertReason(reason);
  const canRequest = hasCapability(fw.registry.current, actor, REVOCATION_REQUEST);
  const account = await fetchAccount(fw.db.knex, id);
  if (!account || (!canRequest && !manages(fw, actor, account.org_id))) {
    if (!canRequest) assertAdministrator(fw, actor);
    fail('not_found', `User "${id}" does not exist.`);
  }
  if (account.id === actor.id) fail('conflict', 'You cannot revoke your own account.');
  if (account.status === 'disabled' || account.status === 'deleted') fail('conflict', `This account is already ${account.status}.`);
  if (manages(fw, actor, account.org_id)) {
    const effects = await fw.db.knex.transaction(async (trx) => {
      await assertManageable(fw, actor, account.id, trx);
      return revokeNow(fw, trx, actor, account, `Revoked by ${nameOf(actor)}: ${why}`);
    });
    return { outcome: 'revoked', userId: account.id, effects };
  }
  const request = await fw.db.knex.transaction((trx) => requestRevocation(fw, trx, actor, account, why));
  return { outcome: 'requested', request };
}

/**
 * Enable a disabled account again (identity/enabling.ts says who may), audited, with a fresh spell of activity.
 * Errors: not_found, forbidden, conflict (not disabled), validation_failed (reason).
 */
export async function enableAccount(fw: Formwork, actor: Actor, id: string, reason?: unknown): Promise<{ userId: string; status: 'active' }> {
  const why = reason === undefined || reason === null || reason === '' ? null : assertReason(reason);
  const account = await fetchAccount(fw.db.knex, id);
  if (!account) fail('not_found', `User "${id}" does not exist.`);
  if (!mayEnable(fw, actor, account.org_id)) {
    // Someone who administers or enables elsewhere learns nothing about people of other organisations.
    const home = actor.orgId ?? null;
    const elsewhere = !manages(fw, actor, account.org_id) && (mayEnable(fw, actor, home) || manages(fw, actor, home));
    if (elsewhere) fail('not_found', `User "${id}" does not exist.`);
    assertMayEnable(fw, actor, account.org_id);
  }
  if (account.status !== 'disabled') fail('conflict', `Only a disabled account can be enabled; this one is ${account.status}.`);
  const at = fw.clock.now().toISOString();
  await fw.db.knex.transaction(async (trx) => {
    const n = await trx('sys_user').where({ id: account.id, status: 'disabled' }).update({ status: 'active', updated_at: at, ...activityColumns(fw, at) });
    if (n !== 1) fail('conflict', 'The account changed meanwhile; try again.');
    await writeAudit(trx, actor, at, [{
      table: 'sys_user', recordId: account.id, operation: 'update', version: 1,
      changes: { status: ['disabled', 'active'], enabled: [null, `Enabled by ${nameOf(actor)}${why ? `: ${why}` : ''}`] },
    }]);
  });
  return { userId: account.id, status: 'active' };
}

/**
 * What revoking an account does, whoever asked for it (the inactivity job, an organisation administrator, an
 * approved request): the configured effects, at once and in the caller's transaction — the status change, the
 * sessions' end and the tokens' revocation commit together, and the credential cache sees the writes, so the very
 * next request with any of them is refused — and one audit entry on the account saying what was done and why.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { writeAudit, type Changes } from '../../records/audit.js';
import type { Actor } from '../../records/types.js';
import { revokeUserApiTokens, revokeUserSessions } from '../identity/index.js';
import type { RevocationEffects } from './settings.js';
import type { RevocationOutcome } from './types.js';
export type { RevocationOutcome } from './types.js';

/**
 * Apply `effects` to account `userId` (whose status was `status`) and write the audit entry, whose `revocation`
 * member says why (`reason`, in words). Marks the spell of inactivity revoked, so the job does not come back to it.
 */
export async function applyRevocation(
  fw: Formwork, trx: Knex.Transaction, actor: Actor,
  account: { id: string; status: string }, effects: RevocationEffects, reason: string, extra: Changes = {},
): Promise<RevocationOutcome> {
  const at = fw.clock.now().toISOString();
  const changes: Changes = { revocation: [null, reason], ...extra };
  const patch: Record<string, unknown> = { inactivity_revoked_at: at, updated_at: at };
  const disabled = effects.disable && account.status !== 'disabled' && account.status !== 'deleted';
  if (disabled) {
    patch.status = 'disabled';
    changes.status = [account.status, 'disabled'];
  }
  await trx('sys_user').where({ id: account.id }).update(patch);
  const sessionsEnded = effects.endSessions ? await revokeUserSessions(fw, account.id, 'revoked', { trx }) : 0;
  if (sessionsEnded) changes.sessions_revoked = [null, sessionsEnded];
  const tokensRevoked = effects.revokeTokens ? await revokeUserApiTokens(trx, account.id, at) : 0;
  if (tokensRevoked) changes.api_tokens_revoked = [null, tokensRevoked];
  let rolesRemoved: string[] = [];
  if (effects.removeRoles) {
    rolesRemoved = (await trx('sys_user_role').where({ user_id: account.id }).select('role')).map((r: { role: string }) => r.role).sort();
    if (rolesRemoved.length) {
      await trx('sys_user_role').where({ user_id: account.id }).delete();
      changes.roles = [rolesRemoved, []];
    }
  }
  await writeAudit(trx, actor, at, [{ table: 'sys_user', recordId: account.id, operation: 'update', version: 1, changes }]);
  return { disabled, sessionsEnded, tokensRevoked, rolesRemoved };
}

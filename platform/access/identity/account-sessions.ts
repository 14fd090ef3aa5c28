/**
 * The sessions of the accounts an administrator manages: list them, end them all, or end one. Each ending is
 * written to the account's audit trail in the transaction that makes it.
 */
import type { Formwork } from '../../context.js';
import { fail, isFormworkError } from '../../errors.js';
import type { Actor } from '../../records/types.js';
import { assertAdministrator } from './admin-scope.js';
import { assertManageable, auditAccount, managedRow } from './managed-account.js';
import { revokeSession, revokeUserSessions } from './sessions.js';

export interface SessionInfo {
  id: string; stage: string; createdAt: string; authenticatedAt: string | null; lastSeenAt: string; expiresAt: string;
  ip: string | null; userAgent: string | null;
}

type SessionRow = Record<'id' | 'stage' | 'created_at' | 'last_seen_at' | 'expires_at', string> & Record<'authenticated_at' | 'ip' | 'user_agent', string | null>;

/** The person's sessions not yet ended, newest first. Errors: forbidden, not_found. */
export async function listAccountSessions(fw: Formwork, actor: Actor, id: string): Promise<SessionInfo[]> {
  const row = await managedRow(fw, actor, id);
  const now = fw.clock.now().toISOString();
  const rows = await fw.db.knex('sys_session').where({ user_id: row.id }).whereNull('revoked_at').where('expires_at', '>', now)
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
  return rows.map((s: SessionRow) => ({
    id: s.id, stage: s.stage, createdAt: s.created_at, authenticatedAt: s.authenticated_at ?? null, lastSeenAt: s.last_seen_at,
    expiresAt: s.expires_at, ip: s.ip ?? null, userAgent: s.user_agent ?? null,
  }));
}

/** End every session of the person. Errors: forbidden, not_found. */
export async function revokeAccountSessions(fw: Formwork, actor: Actor, id: string): Promise<number> {
  const now = fw.clock.now().toISOString();
  return fw.db.knex.transaction(async (trx) => {
    const row = await managedRow(fw, actor, id, trx);
    await assertManageable(fw, actor, row.id, trx);
    const n = await revokeUserSessions(fw, row.id, 'revoked', { trx });
    await auditAccount(trx, actor, row.id, 'update', { sessions_revoked: [null, n] }, now);
    return n;
  });
}

/** End one session (by the id the session list shows) of a person the actor manages. Errors: forbidden, not_found. */
export async function revokeOneSession(fw: Formwork, actor: Actor, sessionId: string): Promise<void> {
  assertAdministrator(fw, actor);
  const now = fw.clock.now().toISOString();
  await fw.db.knex.transaction(async (trx) => {
    const s = /^[0-9a-f]{64}$/.test(sessionId) ? await trx('sys_session').where({ id: sessionId }).first('id', 'user_id', 'revoked_at') : undefined;
    if (!s) fail('not_found', 'No such session.');
    let row;
    try {
      row = await managedRow(fw, actor, s.user_id, trx);
    } catch (e) {
      if (isFormworkError(e) && e.code === 'not_found') fail('not_found', 'No such session.');
      throw e;
    }
    if (s.revoked_at) fail('conflict', 'This session has already ended.');
    await assertManageable(fw, actor, row.id, trx);
    await revokeSession(fw, s.id, 'revoked', trx);
    await auditAccount(trx, actor, row.id, 'update', { session_revoked: [null, s.id.slice(0, 12)] }, now);
  });
}

/**
 * What revoking by hand shares, whoever does it (an organisation's administrator at once, or the `account.revoke`
 * platform action when an administrator approves a request): finding the account, checking the reason, and the
 * revocation itself with its notices — in the caller's transaction.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import type { Actor } from '../../records/types.js';
import { compileNotice, noticePerson, orgAdministrators, writeNotice, type NoticePerson } from './notices.js';
import { applyRevocation, type RevocationOutcome } from './revoke.js';
import { BUILT_IN_SETTINGS, settingsFor } from './settings.js';

/** An account as revocation reads it. */
export interface Account {
  id: string; username: string; display_name: string | null; email: string | null; org_id: string | null; status: string;
}

const ACCOUNT_COLUMNS = ['id', 'username', 'display_name', 'email', 'org_id', 'status'];
/** A user id as the API takes it. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The account of id `id`, or null (also for a string that is not an id). */
export async function fetchAccount(knex: Knex | Knex.Transaction, id: string): Promise<Account | null> {
  if (!UUID.test(id)) return null;
  return (await knex('sys_user').where({ id: id.toLowerCase() }).first(ACCOUNT_COLUMNS)) ?? null;
}

/** The account of username `username`, or null. */
export async function fetchAccountByUsername(knex: Knex | Knex.Transaction, username: string): Promise<Account | null> {
  return (await knex('sys_user').where({ username }).first(ACCOUNT_COLUMNS)) ?? null;
}

/** Text in words of 1–1000 characters, trimmed. Errors: validation_failed naming `field`. */
export function assertReason(reason: unknown, field = 'reason'): string {
  if (typeof reason !== 'string' || !reason.trim() || reason.length > 1000) {
    fail('validation_failed', `Give the ${field === 'reason' ? 'reason' : 'comment'} in words (1–1000 characters).`, {
      fieldErrors: [{ field, code: 'required', message: 'Enter 1–1000 characters.' }],
    });
  }
  return reason.trim();
}

/** How audit entries and notices name who acted. */
export const nameOf = (actor: Actor): string => actor.username ?? 'system';

/**
 * Revoke `account` in `trx` as `actor` and tell the person, their organisation's administrators (but the actor) and
 * `also` (a requester). Every revocation by hand ends access at once; only the roles follow the organisation's settings.
 */
export async function revokeNow(
  fw: Formwork, trx: Knex.Transaction, actor: Actor, account: Account, reason: string, also: NoticePerson[] = [],
): Promise<RevocationOutcome> {
  const settings = await settingsFor(fw, BUILT_IN_SETTINGS, account.org_id, trx);
  const notice = compileNotice(settings.revocation);
  const effects = { disable: true, endSessions: true, revokeTokens: true, removeRoles: settings.effects.removeRoles };
  const outcome = await applyRevocation(fw, trx, actor, account, effects, reason);
  const administrators = (await orgAdministrators(fw, trx, account.org_id)).filter((a) => a.id !== actor.id);
  await writeNotice(trx, {
    name: 'account_revoked', notice, person: noticePerson(account), administrators: [...administrators, ...also.filter((p) => p.id !== actor.id)],
    at: fw.clock.now().toISOString(), adminUrl: `/admin/users/${account.id}`, values: { reason, periodDays: settings.periodDays },
  });
  return outcome;
}

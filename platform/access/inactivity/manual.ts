/**
 * Revoking an account by hand, and enabling it again.
 *
 *  - An administrator of the person's home organisation (or a platform administrator) revokes at once: the account
 *    is disabled, its sessions end and its API tokens are revoked (roles removed too when the organisation's
 *    settings say so), in one transaction with the audit entry.
 *  - Someone holding {@link REVOCATION_REQUEST} (roles the packs declare: operators, service providers) who does not
 *    administer that organisation asks instead: a pending request (sys_revocation_request) that takes effect only
 *    when an administrator of the person's organisation approves it; a rejection changes nothing on the account.
 *    Requests, approvals and rejections are written to the account's audit trail too.
 *  - Enabling again is for whoever identity/enabling.ts allows, and starts a fresh spell of activity.
 *
 * A dedicated request table rather than a workflow record: the decision must act on sys_user, which no workflow
 * effect can reach, and the account's audit trail is where the history is read.
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { writeAudit } from '../../records/audit.js';
import type { Actor } from '../../records/types.js';
import {
  activityColumns, assertAdministrator, assertMayEnable, isPlatformAdmin, manages, mayEnable,
} from '../identity/index.js';
import { assertManageable } from '../identity/managed-account.js';
import { hasCapability } from '../policy.js';
import { ORG_ADMIN } from '../sharing.js';
import { compileNotice, noticePerson, orgAdministrators, writeNotice, type NoticePerson } from './notices.js';
import { applyRevocation, type RevocationOutcome } from './revoke.js';
import { BUILT_IN_SETTINGS, settingsFor } from './settings.js';
import type { RequestStatus, RevocationRequestView, RevokeResult } from './types.js';
export type { RequestStatus, RevocationRequestView, RevokeResult } from './types.js';

/** The capability of asking for a revocation that an organisation administrator then approves. */
export const REVOCATION_REQUEST = 'platform.revocation_request';

interface Account { id: string; username: string; display_name: string | null; email: string | null; org_id: string | null; status: string }

const ACCOUNT_COLUMNS = ['id', 'username', 'display_name', 'email', 'org_id', 'status'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function fetchAccount(knex: Knex | Knex.Transaction, id: string): Promise<Account | null> {
  if (!UUID.test(id)) return null;
  return (await knex('sys_user').where({ id: id.toLowerCase() }).first(ACCOUNT_COLUMNS)) ?? null;
}

/** Text in words of 1–1000 characters, trimmed. Errors: validation_failed naming `field`. */
function assertReason(reason: unknown, field = 'reason'): string {
  if (typeof reason !== 'string' || !reason.trim() || reason.length > 1000) {
    fail('validation_failed', `Give the ${field === 'reason' ? 'reason' : 'comment'} in words (1–1000 characters).`, {
      fieldErrors: [{ field, code: 'required', message: 'Enter 1–1000 characters.' }],
    });
  }
  return reason.trim();
}

const nameOf = (actor: Actor) => actor.username ?? 'system';

/** The revocation notice of the person's organisation (or the built-in one). */
async function revocationNotice(fw: Formwork, orgId: string | null, trx: Knex.Transaction) {
  const settings = await settingsFor(fw, BUILT_IN_SETTINGS, orgId, trx);
  return { settings, notice: compileNotice(settings.revocation) };
}

/** Revoke in `trx` and tell the person, their organisation's administrators and `also` (a requester). */
async function revokeNow(
  fw: Formwork, trx: Knex.Transaction, actor: Actor, account: Account, reason: string, also: NoticePerson[] = [],
): Promise<RevocationOutcome> {
  const { settings, notice } = await revocationNotice(fw, account.org_id, trx);
  // Every revocation by hand ends access at once; only the roles follow the organisation's settings.
  const effects = { disable: true, endSessions: true, revokeTokens: true, removeRoles: settings.effects.removeRoles };
  const outcome = await applyRevocation(fw, trx, actor, account, effects, reason);
  const administrators = (await orgAdministrators(fw, trx, account.org_id)).filter((a) => a.id !== actor.id);
  await writeNotice(trx, {
    name: 'account_revoked', notice, person: noticePerson(account), administrators: [...administrators, ...also.filter((p) => p.id !== actor.id)],
    at: fw.clock.now().toISOString(), adminUrl: `/admin/users/${account.id}`, values: { reason, periodDays: settings.periodDays },
  });
  return outcome;
}

/**
 * Revoke account `id` (an administrator of its organisation: at once) or ask for it (REVOCATION_REQUEST).
 * Errors: validation_failed (reason), not_found, forbidden, conflict (one's own account, already disabled or
 * deleted, a request already pending).
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
  const at = fw.clock.now().toISOString();
  if (manages(fw, actor, account.org_id)) {
    const effects = await fw.db.knex.transaction(async (trx) => {
      await assertManageable(fw, actor, account.id, trx);
      return revokeNow(fw, trx, actor, account, `Revoked by ${nameOf(actor)}: ${why}`);
    });
    return { outcome: 'revoked', userId: account.id, effects };
  }
  const requestId = uuidv7();
  await fw.db.knex.transaction(async (trx) => {
    if (await trx('sys_revocation_request').where({ user_id: account.id, status: 'pending' }).first('id')) {
      fail('conflict', 'A revocation of this account is already waiting for approval.');
    }
    await trx('sys_revocation_request').insert({
      id: requestId, user_id: account.id, org_id: account.org_id, reason: why, status: 'pending',
      requested_by: actor.id, requested_by_name: nameOf(actor), requested_at: at,
    });
    await writeAudit(trx, actor, at, [{
      table: 'sys_user', recordId: account.id, operation: 'update', version: 1,
      changes: { revocation_requested: [null, `Requested by ${nameOf(actor)}, waiting for approval: ${why}`] },
    }]);
    await writeNotice(trx, {
      name: 'revocation_requested', notice: REQUESTED_NOTICE(), person: noticePerson(account), toPerson: false,
      administrators: await orgAdministrators(fw, trx, account.org_id), at, sourceId: requestId, adminUrl: '/admin/revocation-requests',
      values: { reason: why, requester: nameOf(actor) },
    });
  });
  return { outcome: 'requested', request: (await fetchRequests(fw.db.knex, { id: requestId }))[0]! };
}

let requested: ReturnType<typeof compileNotice> | null = null;
let decided: ReturnType<typeof compileNotice> | null = null;
const REQUESTED_NOTICE = () => (requested ??= compileNotice({
  subject: 'Revocation of {{person.displayName}} waiting for your approval',
  body: '{{requester}} asks to revoke the account of {{person.displayName}} ({{person.username}}): {{reason}}\n\n'
    + 'It takes effect only once an administrator of the organisation approves it.',
}));
const DECIDED_NOTICE = () => (decided ??= compileNotice({
  subject: 'Your request to revoke {{person.displayName}} was {{decision}}',
  body: 'The revocation of the account of {{person.displayName}} ({{person.username}}) was {{decision}}.{{#if reason}} {{reason}}{{/if}}',
}));

/** The requests `where` selects, newest first, as the API shows them. */
async function fetchRequests(knex: Knex | Knex.Transaction, where: Record<string, unknown>, limit = 100): Promise<RevocationRequestView[]> {
  // The requester and the decider by their names as people read them (the stored usernames when they are gone).
  const rows = await knex('sys_revocation_request as q').join('sys_user as u', 'u.id', 'q.user_id').leftJoin('sys_org as o', 'o.id', 'q.org_id')
    .leftJoin('sys_user as rq', 'rq.id', 'q.requested_by').leftJoin('sys_user as dc', 'dc.id', 'q.decided_by')
    .where(Object.fromEntries(Object.entries(where).map(([k, v]) => [`q.${k}`, v])))
    .orderBy([{ column: 'q.requested_at', order: 'desc' }, { column: 'q.id', order: 'desc' }]).limit(limit)
    .select('q.*', 'u.username', 'u.display_name', 'o.name as org_name', 'rq.display_name as requester_display', 'dc.display_name as decider_display');
  const named = (display: string | null, stored: string | null) => display?.trim() || stored;
  return rows.map((r: Record<string, string | null>) => ({
    id: r.id!, status: r.status as RequestStatus, userId: r.user_id!, person: r.display_name || r.username!, username: r.username!,
    organisation: r.org_name ?? null, reason: r.reason!, requestedBy: named(r.requester_display, r.requested_by_name) ?? 'the system',
    requestedByUsername: r.requested_by_name ?? null, requestedAt: r.requested_at!,
    decidedBy: named(r.decider_display, r.decided_by_name) ?? null, decidedAt: r.decided_at ?? null, comment: r.decision_comment ?? null,
  }));
}

/**
 * Revocation requests the actor may see: an organisation's administrators those about its people, a platform
 * administrator all, a requester their own. Errors: forbidden, validation_failed (status).
 */
export async function listRevocationRequests(fw: Formwork, actor: Actor, status?: string): Promise<RevocationRequestView[]> {
  if (status !== undefined && !['pending', 'approved', 'rejected'].includes(status)) {
    fail('invalid_query', `Query parameter "status" must be pending, approved or rejected; got "${status}".`);
  }
  const where: Record<string, unknown> = status ? { status } : {};
  if (isPlatformAdmin(fw, actor)) return fetchRequests(fw.db.knex, where);
  const orgAdmin = !!actor.orgId && hasCapability(fw.registry.current, actor, ORG_ADMIN);
  if (orgAdmin) return fetchRequests(fw.db.knex, { ...where, org_id: actor.orgId });
  if (hasCapability(fw.registry.current, actor, REVOCATION_REQUEST)) return fetchRequests(fw.db.knex, { ...where, requested_by: actor.id });
  fail('forbidden', 'Only organisation administrators and those who may ask for revocations see revocation requests.');
}

/**
 * Approve (the revocation takes effect now) or reject (nothing changes) a pending request, as an administrator of
 * the person's organisation who did not ask for it. Errors: not_found, forbidden, conflict (already decided),
 * validation_failed (comment).
 */
export async function decideRevocationRequest(
  fw: Formwork, actor: Actor, id: string, decision: 'approved' | 'rejected', comment?: unknown,
): Promise<RevocationRequestView> {
  const note = comment === undefined || comment === null || comment === '' ? null : assertReason(comment, 'comment');
  assertAdministrator(fw, actor);
  const at = fw.clock.now().toISOString();
  await fw.db.knex.transaction(async (trx) => {
    const request = UUID.test(id) ? await trx('sys_revocation_request').where({ id: id.toLowerCase() }).first() : undefined;
    if (!request || !manages(fw, actor, request.org_id)) fail('not_found', `There is no revocation request "${id}".`);
    if (request.status !== 'pending') fail('conflict', `This request was already ${request.status}.`);
    if (request.requested_by === actor.id) fail('forbidden', 'Someone else must decide on a revocation you asked for.');
    const n = await trx('sys_revocation_request').where({ id: request.id, status: 'pending' })
      .update({ status: decision, decided_by: actor.id, decided_by_name: nameOf(actor), decided_at: at, decision_comment: note });
    if (n !== 1) fail('conflict', 'This request was decided meanwhile.');
    const account = (await fetchAccount(trx, request.user_id))!;
    const requester = request.requested_by
      ? (await trx('sys_user').where({ id: request.requested_by }).first('id', 'username', 'display_name', 'email', 'org_id'))
      : undefined;
    const also = requester ? [noticePerson(requester)] : [];
    if (decision === 'approved' && account.status !== 'deleted') {
      await revokeNow(fw, trx, actor, account, `Revoked on the request of ${request.requested_by_name}, approved by ${nameOf(actor)}: ${request.reason}`, also);
      return;
    }
    await writeAudit(trx, actor, at, [{
      table: 'sys_user', recordId: account.id, operation: 'update', version: 1,
      changes: { revocation_requested: [null, `Request by ${request.requested_by_name} ${decision} by ${nameOf(actor)}${note ? `: ${note}` : ''}`] },
    }]);
    if (also.length) {
      await writeNotice(trx, {
        name: 'revocation_decided', notice: DECIDED_NOTICE(), person: noticePerson(account), toPerson: false, administrators: also, at,
        sourceId: request.id, values: { decision, reason: note },
      });
    }
  });
  return (await fetchRequests(fw.db.knex, { id: id.toLowerCase() }))[0]!;
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
    const n = await trx('sys_user').where({ id: account.id, status: 'disabled' }).update({ status: 'active', updated_at: at, ...activityColumns(at) });
    if (n !== 1) fail('conflict', 'The account changed meanwhile; try again.');
    await writeAudit(trx, actor, at, [{
      table: 'sys_user', recordId: account.id, operation: 'update', version: 1,
      changes: { status: ['disabled', 'active'], enabled: [null, `Enabled by ${nameOf(actor)}${why ? `: ${why}` : ''}`] },
    }]);
  });
  return { userId: account.id, status: 'active' };
}

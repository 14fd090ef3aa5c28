/**
 * Revocation requests: records of the core pack's `revocation_request` table, owned by the person's organisation, whose
 * workflow asks that organisation's administrators to approve (its `approve` transition runs the `account.revoke`
 * platform action) or reject (nothing changes on the account). The record pipeline, the workflow engine and its
 * approvals do the work; this module is the way in for people who hold {@link REVOCATION_REQUEST} (that capability,
 * checked here, is the right to ask: the table grants no one `create`), and the administration pages' view of the
 * requests, with people by name.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { fail, isFormworkError } from '../../errors.js';
import { writeAudit } from '../../records/audit.js';
import type { Actor } from '../../records/types.js';
import { delegatorsOf } from '../../workflow/delegations.js';
import { workflowService } from '../../workflow/index.js';
import { isPlatformAdmin, personName } from '../identity/index.js';
import { hasCapability } from '../policy.js';
import { ORG_ADMIN } from '../sharing.js';
import { compileNotice, noticePerson, orgAdministrators, writeNotice } from './notices.js';
import { assertReason, nameOf, UUID, type Account } from './revoke-by-hand.js';
import type { RequestStatus, RevocationRequestView } from './types.js';

/** The capability of asking for a revocation that an organisation administrator then approves. */
export const REVOCATION_REQUEST = 'platform.revocation_request';
/** The core pack's table of revocation requests (definitions/core/tables/revocation_request.json). */
export const REQUEST_TABLE = 'revocation_request';

const STATUS_OF: Record<string, RequestStatus> = { requested: 'pending', approved: 'approved', rejected: 'rejected' };
const STATE_OF: Record<RequestStatus, string> = { pending: 'requested', approved: 'approved', rejected: 'rejected' };

let requested: ReturnType<typeof compileNotice> | null = null;
const REQUESTED_NOTICE = () => (requested ??= compileNotice({
  subject: 'Revocation of {{person.displayName}} waiting for your approval',
  body: '{{requester}} asks to revoke the account of {{person.displayName}} ({{person.username}}): {{reason}}\n\n'
    + 'It takes effect only once an administrator of the organisation approves it.',
}));

const physical = (fw: Formwork) => fw.registry.current.getTable(REQUEST_TABLE).physical;

/**
 * Ask for `account` to be revoked, as `actor` (who holds REVOCATION_REQUEST), in `trx`: a request record owned by the
 * person's organisation (so its administrators are the approvers), an audit entry on the account and a notice to
 * those administrators. Errors: conflict (a request already pending), validation_failed (nobody can approve).
 */
export async function requestRevocation(
  fw: Formwork, trx: Knex.Transaction, actor: Actor, account: Account, why: string,
): Promise<RevocationRequestView> {
  const table = physical(fw);
  if (await trx(table).where({ class: REQUEST_TABLE, person: account.username, state: 'requested' }).first('id')) {
    fail('conflict', 'A revocation of this account is already waiting for approval.');
  }
  const administrators = await orgAdministrators(fw, trx, account.org_id);
  if (!administrators.some((a) => a.id !== actor.id)) {
    // The approval would ask nobody: say so in words rather than let the workflow refuse it by the approval's name.
    fail('validation_failed', 'Nobody administers this person\'s organisation to approve the request; ask a platform administrator to revoke it.', {
      fieldErrors: [{ field: 'reason', code: 'no_approvers', message: 'Nobody can approve a revocation of this person.' }],
    });
  }
  // The capability is the right to ask, so the record is written with the pipeline's trusted powers, for the
  // requester (created_by names them) and owned by the person's organisation rather than the requester's.
  const asking: Actor = Object.freeze({
    kind: 'system', id: actor.id, username: actor.username, roles: [], orgs: account.org_id ? [account.org_id] : [],
    orgId: account.org_id, userIds: [], sessionId: actor.sessionId ?? null, via: 'system',
  });
  const values = { person: account.username, reason: why, requested_by: actor.username };
  const made = await fw.records.createOne(REQUEST_TABLE, values, { actor: asking, trx });
  const at = fw.clock.now().toISOString();
  await writeAudit(trx, actor, at, [{
    table: 'sys_user', recordId: account.id, operation: 'update', version: 1,
    changes: { revocation_requested: [null, `Requested by ${nameOf(actor)}, waiting for approval: ${why}`] },
  }]);
  await writeNotice(trx, {
    name: 'revocation_requested', notice: REQUESTED_NOTICE(), person: noticePerson(account), toPerson: false,
    administrators, at, sourceId: String(made.id), adminUrl: '/admin/revocation-requests',
    values: { reason: why, requester: nameOf(actor) },
  });
  return (await fetchRequests(fw, trx, { 'q.id': made.id }, actor))[0]!;
}

/** The requests `where` selects (columns of `q`, the request), newest first, as the API shows them. */
async function fetchRequests(
  fw: Formwork, knex: Knex | Knex.Transaction, where: Record<string, unknown>, reader: Actor, limit = 100,
): Promise<RevocationRequestView[]> {
  // People are joined by username (the request's user fields hold usernames), so the stored names stand in for those gone.
  const rows: Record<string, string | null>[] = await knex(`${physical(fw)} as q`).leftJoin('sys_user as u', 'u.username', 'q.person')
    .leftJoin('sys_user as rq', 'rq.username', 'q.requested_by')
    .where('q.class', REQUEST_TABLE).where(where)
    .orderBy([{ column: 'q.created_at', order: 'desc' }, { column: 'q.id', order: 'desc' }]).limit(limit)
    .select(
      'q.id', 'q.number', 'q.state', 'q.person', 'q.reason', 'q.requested_by', 'q.created_at', 'q.decision_comment', 'u.id as user_id',
      'q.org_id', 'u.display_name', 'rq.display_name as requester_display',
    );
  // Looked up apart rather than joined: a declared table's ids are uuid columns on PostgreSQL, the platform's are text.
  // The decision is the approval row that was approved or rejected (mode "any": at most one per request).
  const ids = rows.map((r) => String(r.id));
  const orgIds = [...new Set(rows.flatMap((r) => (r.org_id ? [String(r.org_id)] : [])))];
  const orgs = new Map<string, string>(orgIds.length
    ? (await knex('sys_org').whereIn('id', orgIds).select('id', 'name')).map((o: { id: string; name: string }) => [o.id, o.name])
    : []);
  const decisions = new Map<string, Record<string, string | null>>();
  if (ids.length) {
    const decided = await knex('sys_approval as a').leftJoin('sys_user as dc', 'dc.id', 'a.decided_by')
      .where('a.table_name', REQUEST_TABLE).whereIn('a.record_id', ids).whereIn('a.status', ['approved', 'rejected'])
      .select('a.record_id', 'a.decided_by_name', 'a.decided_at', 'dc.display_name as decider_display');
    for (const d of decided) decisions.set(String(d.record_id), d);
  }
  const deciders = reader.id ? [reader.id, ...(await delegatorsOf(knex, reader.id, fw.clock.now()))] : [];
  const waiting: unknown[] = ids.length && deciders.length
    ? await knex('sys_approval').where({ table_name: REQUEST_TABLE, status: 'requested' }).whereIn('record_id', ids)
        .whereIn('approver_id', deciders).pluck('record_id')
    : [];
  const awaiting = new Set(waiting.map(String));
  const named = (display: string | null | undefined, stored: string | null | undefined) =>
    (stored ? personName({ username: stored, display_name: display }) : display?.trim() || null);
  return rows.map((r) => {
    const d = decisions.get(String(r.id));
    return {
      id: String(r.id), number: r.number ?? null, status: STATUS_OF[r.state!] ?? 'pending', userId: r.user_id ? String(r.user_id) : '',
      person: personName({ username: r.person!, display_name: r.display_name }), username: r.person!, reason: r.reason!,
      organisation: r.org_id ? orgs.get(String(r.org_id)) ?? null : null,
      requestedBy: named(r.requester_display, r.requested_by) ?? 'the system', requestedByUsername: r.requested_by ?? null,
      requestedAt: toIso(r.created_at), decidedBy: named(d?.decider_display, d?.decided_by_name),
      decidedAt: d?.decided_at ? toIso(d.decided_at) : null, comment: r.decision_comment ?? null, canDecide: awaiting.has(String(r.id)),
    };
  });
}

/** A stored date-time as ISO 8601 (PostgreSQL's driver gives Date objects for timestamp columns). */
const toIso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

/**
 * Revocation requests the actor may see: an organisation's administrators those about its people, a platform
 * administrator all, a requester their own. Errors: forbidden, invalid_query (status).
 */
export async function listRevocationRequests(fw: Formwork, actor: Actor, status?: string): Promise<RevocationRequestView[]> {
  if (status !== undefined && !['pending', 'approved', 'rejected'].includes(status)) {
    fail('invalid_query', `Query parameter "status" must be pending, approved or rejected; got "${status}".`);
  }
  const where: Record<string, unknown> = status ? { 'q.state': STATE_OF[status as RequestStatus] } : {};
  const knex = fw.db.knex;
  if (isPlatformAdmin(fw, actor)) return fetchRequests(fw, knex, where, actor);
  if (actor.orgId && hasCapability(fw.registry.current, actor, ORG_ADMIN)) {
    return fetchRequests(fw, knex, { ...where, 'q.org_id': actor.orgId }, actor);
  }
  if (hasCapability(fw.registry.current, actor, REVOCATION_REQUEST)) return fetchRequests(fw, knex, { ...where, 'q.created_by': actor.id }, actor);
  fail('forbidden', 'Only organisation administrators and those who may ask for revocations see revocation requests.');
}

/**
 * Approve (the workflow's `approve` transition revokes the account in the same transaction) or reject (nothing
 * changes on the account) a pending request, through the request's approval: the actor must be one of its approvers
 * (an administrator of the person's organisation) or stand in for one, and not the requester. Errors: not_found
 * (no such request, or one the actor may not read), forbidden, conflict (decided already), validation_failed (comment).
 */
export async function decideRevocationRequest(
  fw: Formwork, actor: Actor, id: string, decision: 'approved' | 'rejected', comment?: unknown,
): Promise<RevocationRequestView> {
  const note = comment === undefined || comment === null || comment === '' ? null : assertReason(comment, 'comment');
  const missing = (): never => fail('not_found', `There is no revocation request "${id}".`);
  const key = UUID.test(id) ? id.toLowerCase() : missing();
  const knex = fw.db.knex;
  const row = await knex(physical(fw)).where({ id: key, class: REQUEST_TABLE }).first('id', 'state', 'created_by');
  if (!row) missing();
  try {
    await fw.records.readOne(REQUEST_TABLE, key, { actor, fields: ['id'] });
  } catch (e) {
    // A request about another organisation's person is not revealed; a person without access to requests is refused.
    if (isFormworkError(e) && e.code === 'not_found') missing();
    throw e;
  }
  if (row.state !== 'requested') fail('conflict', `This request was already ${STATUS_OF[row.state] ?? row.state}.`);
  if (row.created_by === actor.id) fail('forbidden', 'Someone else must decide on a revocation you asked for.');
  const open = await knex('sys_approval').where({ table_name: REQUEST_TABLE, record_id: key, status: 'requested' })
    .orderByRaw('case when approver_id = ? then 0 else 1 end', [actor.id]).first('id', 'approver_id');
  if (!open) fail('conflict', 'This request was decided meanwhile.');
  await workflowService(fw).approvals.decide(REQUEST_TABLE, key, open.id, decision === 'approved' ? 'approve' : 'reject', note, actor);
  return (await fetchRequests(fw, knex, { 'q.id': key }, actor))[0]!;
}

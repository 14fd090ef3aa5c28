/**
 * Mutual-consent sharing between organisations: the grantor organisation's administrator consents to share named
 * party codes (identity/party-codes.ts) with a grantee organisation, and the grantee's administrator consents to
 * receive them. Only while both consents are present and valid may the grantee's administrators grant their
 * personnel access to those codes; either side rescinding ends the access at once, because the identity layer
 * checks the pair on every request rather than copying it. Every step is written to the audit trail.
 *
 * The API fields keep their published names: `userIds` (the codes of a consent) and `userIdCode` / `orgUserId`
 * (the code of a grant and its row id).
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../context.js';
import { fail } from '../errors.js';
import { writeAudit } from '../records/audit.js';
import type { Actor } from '../records/types.js';

/** Capability of platform administrators (every organisation). */
export const PLATFORM_ADMIN = 'platform.admin';
/** Capability of organisation administrators (their own organisation). */
export const ORG_ADMIN = 'platform.org_admin';

export type ConsentSide = 'grantor' | 'grantee';

export interface Consent {
  id: string;
  grantorOrgId: string;
  granteeOrgId: string;
  side: ConsentSide;
  /** Party codes of the grantor organisation. */
  userIds: string[];
  validFrom: string;
  validTo: string | null;
  recordedBy: string;
  recordedAt: string;
  rescindedAt: string | null;
}

export interface AccessGrant {
  id: string;
  consentId: string;
  userId: string;
  /** The sys_party_code row. */
  orgUserId: string;
  /** The party code. */
  userIdCode: string;
  grantedBy: string;
  grantedAt: string;
  revokedAt: string | null;
}

/** Whether the actor administers `orgId`: the system, a platform administrator, or an administrator of that organisation. */
export function administers(actor: Actor, orgId: string | null | undefined): boolean {
  if (actor.kind === 'system') return true;
  const caps = actor.capabilities ?? [];
  if (caps.includes(PLATFORM_ADMIN)) return true;
  return !!orgId && caps.includes(ORG_ADMIN) && actor.orgId === orgId;
}

export function assertAdministers(actor: Actor, orgId: string | null | undefined): void {
  if (!administers(actor, orgId)) fail('forbidden', 'Only an administrator of this organisation may do this.');
}

function toConsent(r: Record<string, unknown>): Consent {
  return {
    id: r.id as string, grantorOrgId: r.grantor_org_id as string, granteeOrgId: r.grantee_org_id as string,
    side: r.side as ConsentSide, userIds: JSON.parse(r.party_codes as string) as string[],
    validFrom: r.valid_from as string, validTo: (r.valid_to as string) ?? null,
    recordedBy: r.recorded_by as string, recordedAt: r.recorded_at as string, rescindedAt: (r.rescinded_at as string) ?? null,
  };
}

const isValidAt = (c: Consent, at: string) => !c.rescindedAt && c.validFrom <= at && (!c.validTo || at < c.validTo);

/** The party codes both sides currently consent to share from grantor to grantee (empty when no valid pair). */
export async function sharedPartyCodes(
  knex: Knex | Knex.Transaction, grantorOrgId: string, granteeOrgId: string, at: string,
): Promise<string[]> {
  const rows = (await knex('sys_consent').where({ grantor_org_id: grantorOrgId, grantee_org_id: granteeOrgId }).whereNull('rescinded_at')).map(toConsent);
  const valid = rows.filter((c) => isValidAt(c, at));
  const grantor = new Set(valid.filter((c) => c.side === 'grantor').flatMap((c) => c.userIds));
  const grantee = new Set(valid.filter((c) => c.side === 'grantee').flatMap((c) => c.userIds));
  return [...grantor].filter((u) => grantee.has(u)).sort();
}

/**
 * Party codes a user may act under through consent: grants not revoked whose code both sides still consent to.
 * The identity layer calls this on every request, so a rescinded consent takes effect at once.
 */
export async function grantedPartyCodes(knex: Knex | Knex.Transaction, userId: string, at: string): Promise<string[]> {
  const grants = await knex('sys_access_grant as g')
    .join('sys_consent as c', 'c.id', 'g.consent_id')
    .join('sys_party_code as u', 'u.id', 'g.party_code_id')
    .where('g.user_id', userId).whereNull('g.revoked_at')
    .select('u.code', 'c.grantor_org_id', 'c.grantee_org_id');
  const out = new Set<string>();
  const pairs = new Map<string, Promise<string[]>>();
  for (const g of grants as { code: string; grantor_org_id: string; grantee_org_id: string }[]) {
    const key = `${g.grantor_org_id}|${g.grantee_org_id}`;
    if (!pairs.has(key)) pairs.set(key, sharedPartyCodes(knex, g.grantor_org_id, g.grantee_org_id, at));
    if ((await pairs.get(key)!).includes(g.code)) out.add(g.code);
  }
  return [...out].sort();
}

async function audit(trx: Knex.Transaction, actor: Actor, at: string, table: string, id: string, operation: 'insert' | 'update', changes: Record<string, [unknown, unknown]>) {
  await writeAudit(trx, actor, at, [{ table, recordId: id, operation, version: 1, changes }]);
}

export interface ConsentInput {
  /** Which side the acting administrator's organisation is on. */
  side: ConsentSide;
  /** The other organisation (id). */
  counterpartyOrgId: string;
  /** Party codes of the grantor organisation. */
  userIds: string[];
  validFrom?: string;
  validTo?: string | null;
  /** The organisation recording (default: the actor's home organisation). */
  orgId?: string;
}

/** Record one side's consent. The actor must administer the recording organisation. */
export async function recordConsent(fw: Formwork, actor: Actor, input: ConsentInput): Promise<Consent> {
  const orgId = input.orgId ?? actor.orgId ?? null;
  if (!orgId) fail('invalid_payload', 'Say which organisation records the consent.');
  assertAdministers(actor, orgId);
  if (input.side !== 'grantor' && input.side !== 'grantee') {
    fail('validation_failed', 'side must be "grantor" or "grantee".', { fieldErrors: [{ field: 'side', code: 'invalid', message: 'Choose grantor or grantee.' }] });
  }
  if (input.counterpartyOrgId === orgId) {
    fail('validation_failed', 'An organisation cannot consent with itself.', { fieldErrors: [{ field: 'counterpartyOrgId', code: 'invalid', message: 'Choose another organisation.' }] });
  }
  const now = fw.clock.now().toISOString();
  const grantorOrgId = input.side === 'grantor' ? orgId : input.counterpartyOrgId;
  const granteeOrgId = input.side === 'grantor' ? input.counterpartyOrgId : orgId;
  const codes = [...new Set(input.userIds)];
  const errors: { field: string; code: string; message: string }[] = [];
  if (!codes.length) errors.push({ field: 'userIds', code: 'required', message: 'Name at least one party code.' });
  if (input.validTo && input.validTo <= (input.validFrom ?? now)) errors.push({ field: 'validTo', code: 'invalid', message: 'The end must be after the start.' });
  return fw.db.knex.transaction(async (trx) => {
    const counterparty = await trx('sys_org').where({ id: input.counterpartyOrgId }).first('id');
    if (!counterparty) errors.push({ field: 'counterpartyOrgId', code: 'not_found', message: 'No such organisation.' });
    const known = new Set((await trx('sys_party_code').where({ org_id: grantorOrgId }).whereIn('code', codes).select('code')).map((r: { code: string }) => r.code));
    for (const c of codes) if (!known.has(c)) errors.push({ field: 'userIds', code: 'not_found', message: `Party code "${c}" is not held by the granting organisation.` });
    if (errors.length) fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
    const row = {
      id: uuidv7(), grantor_org_id: grantorOrgId, grantee_org_id: granteeOrgId, side: input.side,
      party_codes: JSON.stringify(codes.sort()), valid_from: input.validFrom ?? now, valid_to: input.validTo ?? null,
      recorded_by: actor.id ?? 'system', recorded_at: now, rescinded_at: null, rescinded_by: null,
    };
    await trx('sys_consent').insert(row);
    await audit(trx, actor, now, 'sys_consent', row.id, 'insert', {
      side: [null, row.side], grantor_org_id: [null, grantorOrgId], grantee_org_id: [null, granteeOrgId],
      party_codes: [null, codes], valid_from: [null, row.valid_from], valid_to: [null, row.valid_to],
    });
    return toConsent(row);
  });
}

/** Rescind a consent: sharing under it ends at once. Either side's administrator (of the recording org) may. */
export async function rescindConsent(fw: Formwork, actor: Actor, consentId: string): Promise<Consent> {
  const now = fw.clock.now().toISOString();
  return fw.db.knex.transaction(async (trx) => {
    const row = await trx('sys_consent').where({ id: consentId }).first();
    if (!row) fail('not_found', 'No such consent.');
    const recorder = row.side === 'grantor' ? row.grantor_org_id : row.grantee_org_id;
    if (!administers(actor, recorder)) fail('not_found', 'No such consent.');
    if (row.rescinded_at) fail('conflict', 'This consent was already rescinded.');
    await trx('sys_consent').where({ id: consentId }).update({ rescinded_at: now, rescinded_by: actor.id ?? 'system' });
    await audit(trx, actor, now, 'sys_consent', consentId, 'update', { rescinded_at: [null, now] });
    return toConsent({ ...row, rescinded_at: now });
  });
}

/** Consents an organisation is party to (either side), newest first. */
export async function listConsents(fw: Formwork, actor: Actor, orgId: string): Promise<(Consent & { active: boolean })[]> {
  assertAdministers(actor, orgId);
  const at = fw.clock.now().toISOString();
  const rows = await fw.db.knex('sys_consent').where((q) => q.where('grantor_org_id', orgId).orWhere('grantee_org_id', orgId))
    .orderBy([{ column: 'recorded_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
  return rows.map(toConsent).map((c: Consent) => ({ ...c, active: isValidAt(c, at) }));
}

/**
 * Grant a person of the grantee organisation access to a party code of the grantor. Allowed only to an
 * administrator of the grantee organisation, for a person of that organisation, while both sides consent to that
 * code.
 */
export async function grantAccess(
  fw: Formwork, actor: Actor, input: { userId: string; userIdCode: string; granteeOrgId?: string },
): Promise<AccessGrant> {
  const granteeOrgId = input.granteeOrgId ?? actor.orgId ?? null;
  assertAdministers(actor, granteeOrgId);
  const now = fw.clock.now().toISOString();
  return fw.db.knex.transaction(async (trx) => {
    const person = await trx('sys_user').where({ id: input.userId }).first('id', 'org_id', 'status');
    const member = person && (person.org_id === granteeOrgId
      || await trx('sys_user_org').where({ user_id: input.userId, org_id: granteeOrgId }).first());
    if (!person || !member || person.status === 'deleted') {
      fail('validation_failed', 'The person must belong to your organisation.', { fieldErrors: [{ field: 'userId', code: 'not_found', message: 'No such person in your organisation.' }] });
    }
    const target = await trx('sys_party_code').where({ code: input.userIdCode }).first('id', 'org_id', 'code');
    if (!target) fail('validation_failed', `No party code "${input.userIdCode}".`, { fieldErrors: [{ field: 'userIdCode', code: 'not_found', message: 'No such party code.' }] });
    const shared = await sharedPartyCodes(trx, target.org_id, granteeOrgId!, now);
    if (!shared.includes(target.code)) {
      fail('forbidden', `Both organisations must consent to share party code "${target.code}" before access can be granted.`);
    }
    const consent = await trx('sys_consent').where({ grantor_org_id: target.org_id, grantee_org_id: granteeOrgId, side: 'grantee' })
      .whereNull('rescinded_at').orderBy('recorded_at', 'desc').first('id');
    const existing = await trx('sys_access_grant').where({ user_id: input.userId, party_code_id: target.id }).whereNull('revoked_at').first();
    if (existing) fail('conflict', 'This person already has access to that party code.');
    const row = { id: uuidv7(), consent_id: consent.id, user_id: input.userId, party_code_id: target.id, granted_by: actor.id ?? 'system', granted_at: now, revoked_at: null, revoked_by: null };
    await trx('sys_access_grant').insert(row);
    await audit(trx, actor, now, 'sys_access_grant', row.id, 'insert', { user_id: [null, input.userId], party_code: [null, target.code] });
    return {
      id: row.id, consentId: row.consent_id, userId: row.user_id, orgUserId: row.party_code_id, userIdCode: target.code,
      grantedBy: row.granted_by, grantedAt: now, revokedAt: null,
    };
  });
}

/** Withdraw a person's access to a party code (an administrator of the grantee organisation). */
export async function revokeAccess(fw: Formwork, actor: Actor, grantId: string): Promise<void> {
  const now = fw.clock.now().toISOString();
  await fw.db.knex.transaction(async (trx) => {
    const g = await trx('sys_access_grant as g').join('sys_consent as c', 'c.id', 'g.consent_id')
      .where('g.id', grantId).first('g.id', 'g.revoked_at', 'c.grantee_org_id');
    if (!g || !administers(actor, g.grantee_org_id)) fail('not_found', 'No such access grant.');
    if (g.revoked_at) fail('conflict', 'This access was already withdrawn.');
    await trx('sys_access_grant').where({ id: grantId }).update({ revoked_at: now, revoked_by: actor.id ?? 'system' });
    await audit(trx, actor, now, 'sys_access_grant', grantId, 'update', { revoked_at: [null, now] });
  });
}

/** Access grants held by personnel of an organisation, with whether each is in force now. */
export async function listGrants(fw: Formwork, actor: Actor, granteeOrgId: string): Promise<(AccessGrant & { active: boolean })[]> {
  assertAdministers(actor, granteeOrgId);
  const at = fw.clock.now().toISOString();
  const rows = await fw.db.knex('sys_access_grant as g').join('sys_consent as c', 'c.id', 'g.consent_id')
    .join('sys_party_code as u', 'u.id', 'g.party_code_id')
    .where('c.grantee_org_id', granteeOrgId)
    .select('g.*', 'u.code', 'c.grantor_org_id')
    .orderBy([{ column: 'g.granted_at', order: 'desc' }, { column: 'g.id', order: 'desc' }]);
  const out: (AccessGrant & { active: boolean })[] = [];
  for (const r of rows) {
    const shared = r.revoked_at ? [] : await sharedPartyCodes(fw.db.knex, r.grantor_org_id, granteeOrgId, at);
    out.push({
      id: r.id, consentId: r.consent_id, userId: r.user_id, orgUserId: r.party_code_id, userIdCode: r.code,
      grantedBy: r.granted_by, grantedAt: r.granted_at, revokedAt: r.revoked_at ?? null, active: !r.revoked_at && shared.includes(r.code),
    });
  }
  return out;
}

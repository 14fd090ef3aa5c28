/**
 * Party codes: the codes an organisation holds and its people act under (a record whose table declares a party
 * code field belongs to the party named there). A person acts under the codes of their own organisations that an
 * administrator assigned them (sys_user_party_code), and under codes of another organisation that both
 * organisations consent to share and an administrator of theirs granted them (sharing.ts).
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import type { Actor } from '../../records/types.js';
import { assertAdministrator, findOrg, manages, type OrgRef } from './admin-scope.js';

/** A party code as pickers show it. */
export interface PartyCode { code: string; name: string | null; status: string }

/** Record a party code held by an organisation (in `trx` when given). Errors: unique_violation (code taken). */
export async function createPartyCode(
  fw: Formwork, input: { orgId: string; code: string; name?: string }, trx?: Knex.Transaction,
): Promise<{ id: string; code: string }> {
  const q = trx ?? fw.db.knex;
  if (await q('sys_party_code').where({ code: input.code }).first('id')) {
    fail('unique_violation', `Party code "${input.code}" already exists.`);
  }
  const row = { id: uuidv7(), org_id: input.orgId, code: input.code, name: input.name ?? null, status: 'active' };
  await q('sys_party_code').insert(row);
  return { id: row.id, code: row.code };
}

/** The party codes assigned to a person (their own organisations' codes, not those granted by consent), by code. */
export async function partyCodesOf(knex: Knex | Knex.Transaction, userId: string): Promise<{ id: string; code: string; org_id: string }[]> {
  return knex('sys_user_party_code as u').join('sys_party_code as c', 'c.id', 'u.party_code_id').where('u.user_id', userId)
    .select('c.id', 'c.code', 'c.org_id').orderBy('c.code');
}

/**
 * The party codes of an organisation: all of them for one the actor administers (default their own); for another,
 * only those it currently consents to share with the actor's organisation (its valid grantor-side consents).
 * Errors: forbidden, not_found, invalid_query (no organisation named and none of their own).
 */
export async function listPartyCodes(fw: Formwork, actor: Actor, ref?: string): Promise<{ org: OrgRef; partyCodes: PartyCode[] }> {
  assertAdministrator(fw, actor);
  const org = ref ? await findOrg(fw.db.knex, ref) : actor.orgId ? await findOrg(fw.db.knex, actor.orgId) : null;
  if (!org) fail(ref ? 'not_found' : 'invalid_query', ref ? `There is no organisation "${ref}".` : 'Name the organisation (org).');
  const rows: PartyCode[] = await fw.db.knex('sys_party_code').where({ org_id: org.id })
    .select('code', 'name', 'status').orderBy('code');
  if (manages(fw, actor, org.id)) return { org, partyCodes: rows };
  const at = fw.clock.now().toISOString();
  const consents = actor.orgId
    ? await fw.db.knex('sys_consent').where({ grantor_org_id: org.id, grantee_org_id: actor.orgId, side: 'grantor' })
        .whereNull('rescinded_at')
        .where('valid_from', '<=', at).andWhere((q) => q.whereNull('valid_to').orWhere('valid_to', '>', at)).select('party_codes')
    : [];
  if (!consents.length) fail('forbidden', `${org.code} has not consented to share party codes with your organisation.`);
  const offered = new Set(consents.flatMap((c: { party_codes: string }) => JSON.parse(c.party_codes) as string[]));
  return { org, partyCodes: rows.filter((r) => offered.has(r.code)) };
}

/**
 * Set the party codes of account `userId` to `requested` (codes of `memberOrgs`, the person's organisations), or,
 * when `requested` is undefined, drop the codes of organisations the person no longer belongs to. Codes added or
 * removed must belong to organisations the actor administers. Returns the change (old and new codes, sorted) for
 * the audit trail, or null when nothing changed. Errors: validation_failed (unknown code), forbidden.
 */
export async function reassignPartyCodes(
  fw: Formwork, actor: Actor, trx: Knex.Transaction, userId: string,
  memberOrgs: readonly (string | null)[], requested: readonly string[] | undefined,
): Promise<[string[], string[]] | null> {
  const member = new Set(memberOrgs);
  const old = await partyCodesOf(trx, userId);
  let wanted = old;
  if (requested !== undefined) {
    const found: { id: string; code: string; org_id: string }[] = requested.length
      ? await trx('sys_party_code').whereIn('code', requested).select('id', 'code', 'org_id') : [];
    const missing = requested.filter((c) => !found.some((f) => f.code === c && member.has(f.org_id)));
    if (missing.length) {
      fail('validation_failed', `Party codes ${missing.map((c) => `"${c}"`).join(', ')} do not belong to the person's organisations.`, {
        fieldErrors: [{ field: 'userIds', code: 'unknown_party_code', message: `Unknown party codes: ${missing.join(', ')}.` }],
      });
    }
    wanted = found;
  } else {
    // The codes of an organisation the person left go with it.
    wanted = old.filter((i) => member.has(i.org_id));
  }
  const oldCodes = old.map((i) => i.code).sort();
  const newCodes = wanted.map((i) => i.code).sort();
  if (oldCodes.length === newCodes.length && oldCodes.every((c, i) => c === newCodes[i])) return null;
  const touched = [...old.filter((i) => !newCodes.includes(i.code)), ...wanted.filter((i) => !oldCodes.includes(i.code))];
  if (touched.some((i) => !manages(fw, actor, i.org_id))) fail('forbidden', 'You may only assign party codes of organisations you administer.');
  await trx('sys_user_party_code').where({ user_id: userId }).delete();
  if (wanted.length) await trx('sys_user_party_code').insert(wanted.map((i) => ({ user_id: userId, party_code_id: i.id })));
  return [oldCodes, newCodes];
}

/**
 * The person's facts for defaults: what every actor carries (id, username, home organisation), and their contact
 * details and home organisation's code and name, read fresh (one query, only when a default needs them) so a changed
 * profile applies at once.
 */
import type { Knex } from 'knex';
import type { Actor } from '../records/types.js';
import type { UserFacts } from './fact-defaults.js';

/** The facts an actor carries without a database read (none for the system: it is nobody's default). */
export function actorFacts(actor: Actor): UserFacts {
  if (actor.kind === 'system') return {};
  return { id: actor.id ?? null, username: actor.username, orgId: actor.orgId ?? null, displayName: actor.username };
}

/** `base` with the person's contact details and home organisation, in one read (empty for the system actor). */
export async function fetchProfileFacts(knex: Knex | Knex.Transaction, actor: Actor, base: UserFacts): Promise<UserFacts> {
  const facts: UserFacts = {
    ...base, email: null, firstName: null, lastName: null, phone: null, orgCode: null, orgName: null, partyCode: null,
  };
  if (!actor.id || actor.kind === 'system') return facts;
  // Their own active party codes: the first and how many, so `partyCode` is given only when it is the only one.
  const codes = () => knex('sys_user_party_code as up').join('sys_party_code as c', 'c.id', 'up.party_code_id')
    .where('up.user_id', knex.ref('u.id')).andWhere('c.status', 'active');
  const row = await knex('sys_user as u').leftJoin('sys_org as o', 'o.id', 'u.org_id').where('u.id', actor.id)
    .first('u.email', 'u.first_name', 'u.last_name', 'u.phone', 'o.code', 'o.name',
      codes().min('c.code').as('party_code'), codes().count('*').as('party_codes')) as Record<string, string | number | null> | undefined;
  if (!row) return facts;
  const text = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));
  const name = [row.first_name, row.last_name].filter(Boolean).join(' ');
  return Object.assign(facts, {
    email: text(row.email), firstName: text(row.first_name), lastName: text(row.last_name), phone: text(row.phone),
    displayName: name || actor.username, orgCode: text(row.code), orgName: text(row.name),
    partyCode: Number(row.party_codes) === 1 ? text(row.party_code) : null,
  });
}

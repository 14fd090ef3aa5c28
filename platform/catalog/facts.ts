/**
 * The orderer's facts: what audiences (visibleTo, availableFor) and defaults (`{ "fact": "user.email" }`) see of the
 * person asking — the access facts (`user.roles`, `user.orgs`, `user.capabilities`…) plus their contact details and
 * home organisation, read fresh per request (and only when a default needs them) so a changed profile applies at once.
 */
import { accessFacts } from '../access/index.js';
import type { Formwork } from '../context.js';
import type { Actor } from '../records/types.js';
import type { OrdererFacts } from './model.js';

/** The access facts of `actor` at `now`, as audiences and policies see them (no database read). */
export function accessOrderer(fw: Formwork, actor: Actor, now: Date): OrdererFacts {
  return { ...(accessFacts(fw.registry.current, actor, now).user as OrdererFacts), displayName: actor.username };
}

/** The access facts with the person's contact details and home organisation, in one read. */
export async function fetchOrdererFacts(fw: Formwork, actor: Actor, base: OrdererFacts): Promise<OrdererFacts> {
  const facts: OrdererFacts = { ...base, email: null, firstName: null, lastName: null, phone: null, orgCode: null, orgName: null };
  if (!actor.id) return facts;
  const row = await fw.db.knex('sys_user as u').leftJoin('sys_org as o', 'o.id', 'u.org_id').where('u.id', actor.id)
    .first('u.email', 'u.first_name', 'u.last_name', 'u.phone', 'o.code', 'o.name') as Record<string, string | null> | undefined;
  if (!row) return facts;
  const name = [row.first_name, row.last_name].filter(Boolean).join(' ');
  return Object.assign(facts, {
    email: row.email ?? null, firstName: row.first_name ?? null, lastName: row.last_name ?? null, phone: row.phone ?? null,
    displayName: name || actor.username, orgCode: row.code ?? null, orgName: row.name ?? null,
  });
}

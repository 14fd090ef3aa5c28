/**
 * The orderer's facts: what audiences (visibleTo, availableFor) and defaults (`{ "fact": "user.email" }`) see of the
 * person asking — the access facts (`user.roles`, `user.orgs`, `user.capabilities`…) plus their contact details and
 * home organisation, read fresh per request so a changed profile applies at once.
 */
import { accessFacts } from '../access/index.js';
import type { Formwork } from '../context.js';
import type { Actor } from '../records/types.js';
import type { OrdererFacts } from './model.js';

/** The facts of `actor` at `now` (the system actor has no profile: its facts are the access facts only). */
export async function fetchOrdererFacts(fw: Formwork, actor: Actor, now: Date): Promise<OrdererFacts> {
  const base = accessFacts(fw.registry.current, actor, now).user as OrdererFacts;
  const facts: OrdererFacts = {
    ...base, email: null, firstName: null, lastName: null, displayName: actor.username, phone: null, orgCode: null, orgName: null,
  };
  if (actor.id) {
    const row = await fw.db.knex('sys_user').where({ id: actor.id }).first('email', 'first_name', 'last_name', 'phone');
    if (row) {
      const name = [row.first_name, row.last_name].filter(Boolean).join(' ');
      Object.assign(facts, {
        email: row.email ?? null, firstName: row.first_name ?? null, lastName: row.last_name ?? null, phone: row.phone ?? null,
        displayName: name || actor.username,
      });
    }
  }
  if (actor.orgId) {
    const org = await fw.db.knex('sys_org').where({ id: actor.orgId }).first('code', 'name');
    if (org) Object.assign(facts, { orgCode: org.code ?? null, orgName: org.name ?? null });
  }
  return facts;
}

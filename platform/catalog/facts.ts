/**
 * The orderer's facts: what audiences (visibleTo, availableFor) and defaults (`{ "fact": "user.email" }`) see of the
 * person asking — the access facts (`user.roles`, `user.orgs`, `user.capabilities`…) plus their contact details and
 * home organisation, read fresh per request (and only when a default needs them) so a changed profile applies at once.
 */
import { accessFacts } from '../access/index.js';
import { fetchProfileFacts } from '../access/profile-facts.js';
import type { Formwork } from '../context.js';
import type { Actor } from '../records/types.js';
import type { OrdererFacts } from './model.js';

/** The access facts of `actor` at `now`, as audiences and policies see them (no database read). */
export function accessOrderer(fw: Formwork, actor: Actor, now: Date): OrdererFacts {
  return { ...(accessFacts(fw.registry.current, actor, now).user as OrdererFacts), displayName: actor.username };
}

/** The access facts with the person's contact details and home organisation, in one read. */
export function fetchOrdererFacts(fw: Formwork, actor: Actor, base: OrdererFacts): Promise<OrdererFacts> {
  return fetchProfileFacts(fw.db.knex, actor, base);
}

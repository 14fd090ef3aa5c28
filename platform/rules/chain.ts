/**
 * Who a rule acts as, and how deep a chain of rules has gone.
 *
 * A rule's own writes (an after rule's `set`, `createRecord`, journal entries) run through the record service as a
 * *rule actor*: the system actor's powers (no access restriction: rules are definitions, reviewed like code) but the
 * original user's id and organisation, and the display name `rule:<rule> for <user>`. So `created_by`,
 * `updated_by` and the audit row's `actor_id` still name the person whose operation set the rule off, and the
 * audit row's `actor_name` says which rule made the change on their behalf.
 *
 * Each write a rule makes nests one level deeper; the chain of rules that led to it travels with the rule actor
 * (kept here, out of the public Actor shape, so no caller can forge or reset it). A write nested more than
 * {@link MAX_RULE_DEPTH} levels deep fails with `rule_depth_exceeded` naming the chain; the failure rolls back the
 * whole operation, so nothing of it is written.
 */
import { fail } from '../errors.js';
import type { Actor } from '../records/types.js';

export const MAX_RULE_DEPTH = 8;

interface Chain {
  /** The actor whose operation started the chain (never a rule actor). */
  user: Actor;
  /** Rules that led here, outermost first, as `name (when operation on table)`. */
  steps: string[];
}

const chains = new WeakMap<Actor, Chain>();

/**
 * The actor a rule's own writes run as (see the module comment). `by` names what acts in the display name:
 * 'rule' (`rule:<name> for <user>`), or another trusted definition kind such as 'workflow'.
 */
export function ruleActor(actor: Actor, rule: string, step: string, by = 'rule'): Actor {
  const parent = chains.get(actor);
  const user = parent?.user ?? actor;
  const derived: Actor = Object.freeze({
    kind: 'system',
    id: user.id,
    username: `${by}:${rule} for ${user.username}`,
    roles: [],
    orgs: [...(user.orgs ?? [])],
    orgId: user.orgId ?? null,
    userIds: [...(user.userIds ?? [])],
    sessionId: user.sessionId ?? null,
    via: 'system',
  });
  chains.set(derived, { user, steps: [...(parent?.steps ?? []), step] });
  return derived;
}

/** The person behind an actor: the original user for a rule actor, else the actor itself. */
export function originalActor(actor: Actor): Actor {
  return chains.get(actor)?.user ?? actor;
}

/** How many rule writes deep the actor's operation is (0 for an operation not made by a rule). */
export function ruleDepth(actor: Actor): number {
  return chains.get(actor)?.steps.length ?? 0;
}

/** Refuse an operation nested too deeply in rule writes. */
export function assertRuleDepth(actor: Actor): void {
  const chain = chains.get(actor);
  if (!chain || chain.steps.length <= MAX_RULE_DEPTH) return;
  fail('rule_depth_exceeded',
    `Business rules re-entered the record pipeline more than ${MAX_RULE_DEPTH} levels deep, so the operation was refused and nothing was changed. Chain: ${chain.steps.join(' → ')}.`,
    { extra: { chain: chain.steps, limit: MAX_RULE_DEPTH } });
}

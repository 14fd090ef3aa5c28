/**
 * Which roles an administrator may assign. An organisation administrator may assign a role only when it gives
 * nothing they do not hold themselves, so they never hand out `platform.admin`, another pack's powers, or wider
 * table access than theirs. The same test decides which accounts they may manage (managed-account.ts): a stronger
 * account in their organisation is visible but not theirs to take over (e.g. by changing its email and resetting
 * its password).
 */
import type { Formwork } from '../../context.js';
import type { Registry, ResolvedTable } from '../../definitions/types.js';
import type { TableOperation } from '../roles/types.js';
import type { Condition } from '../../conditions/types.js';
import { fail } from '../../errors.js';
import type { Actor } from '../../records/types.js';
import { accessFor, capabilitiesOf, expandRoles, grantReaches } from '../policy.js';
import { PLATFORM_ADMIN } from '../sharing.js';
import { assertAdministrator, isPlatformAdmin } from './admin-scope.js';

/** One level of `any`: the disjuncts of a row condition (a condition that is no `any` is its own only disjunct). */
function disjuncts(c: Condition): string[] {
  const parts = (c as { any?: Condition[] }).any;
  return (Array.isArray(parts) ? parts : [c]).map((p) => JSON.stringify(p));
}

/** Whether the rows `inner` reaches are certainly among those `outer` reaches (null: every row). */
function rowsCovered(inner: Condition | null, outer: Condition | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  if (JSON.stringify(inner) === JSON.stringify(outer)) return true;
  const mine = new Set(disjuncts(outer));
  return disjuncts(inner).every((d) => mine.has(d));
}

const OPERATIONS: readonly TableOperation[] = ['create', 'read', 'update', 'delete'];

/**
 * Whether `actor` may assign `role`, and why not. A platform administrator may assign any defined role. An
 * organisation administrator only one that gives nothing beyond their own roles: no capability they lack (so never
 * platform.admin), and on every table and operation no access they lack — the role's rows must lie within theirs
 * and its readable and writable fields within theirs.
 */
export function roleAssignability(
  registry: Registry, actor: Actor, role: string, platform: boolean,
): { assignable: boolean; reason?: string } {
  if (!registry.roles.has(role)) return { assignable: false, reason: `Role "${role}" is not defined.` };
  if (platform || actor.kind === 'system') return { assignable: true };
  const mine = new Set(capabilitiesOf(registry, actor.roles));
  const theirs = capabilitiesOf(registry, [role]);
  if (theirs.includes(PLATFORM_ADMIN) && !mine.has(PLATFORM_ADMIN)) {
    return { assignable: false, reason: `Role "${role}" grants platform administration; only a platform administrator may assign it.` };
  }
  const missing = theirs.filter((c) => !mine.has(c));
  if (missing.length) {
    return { assignable: false, reason: `Role "${role}" grants ${missing.join(', ')}, which you do not hold yourself.` };
  }
  const holder: Actor = { kind: 'user', id: null, username: 'role', roles: [role], orgs: [] };
  const grants = expandRoles(registry, [role]).flatMap((r) => r.tables ?? []);
  for (const table of registry.tables.values()) {
    if (!grants.some((g) => grantReaches(g, table))) continue;
    const problem = tableAccessBeyond(registry, holder, actor, table);
    if (problem) return { assignable: false, reason: `Role "${role}" ${problem} on table "${table.name}" beyond your own access.` };
  }
  return { assignable: true };
}

function tableAccessBeyond(registry: Registry, holder: Actor, actor: Actor, table: ResolvedTable): string | null {
  for (const op of OPERATIONS) {
    const theirs = accessFor(registry, holder, table.name, op);
    if (!theirs.allowed) continue;
    const mine = accessFor(registry, actor, table.name, op);
    if (!mine.allowed) return `allows ${op}`;
    if (!rowsCovered(theirs.rowCondition, mine.rowCondition)) return `reaches rows for ${op}`;
    for (const f of theirs.readable) if (!mine.readable.has(f)) return `reads field "${f}"`;
    for (const f of theirs.writable) if (!mine.writable.has(f)) return `writes field "${f}"`;
  }
  return null;
}

/** A role as the assignment picker shows it. */
export interface AssignableRole { name: string; label: string; description?: string; assignable: boolean; reason?: string }

/** Every defined role with whether the actor may assign it, by label. */
export function assignableRoles(fw: Formwork, actor: Actor): AssignableRole[] {
  assertAdministrator(fw, actor);
  const registry = fw.registry.current;
  const platform = isPlatformAdmin(fw, actor);
  return [...registry.roles.values()].map((r) => {
    const a = roleAssignability(registry, actor, r.name, platform);
    return { name: r.name, label: r.label ?? r.name, ...(r.description ? { description: r.description } : {}), ...a };
  }).sort((a, b) => a.label.localeCompare(b.label) || a.name.localeCompare(b.name));
}

/** Throws unless every role is defined (`validation_failed`) and assignable by the actor (`forbidden`). */
export function assertAssignable(fw: Formwork, actor: Actor, roles: readonly string[]): void {
  const registry = fw.registry.current;
  const platform = isPlatformAdmin(fw, actor);
  const unknown = roles.filter((r) => !registry.roles.has(r));
  if (unknown.length) {
    fail('validation_failed', `Roles ${unknown.map((r) => `"${r}"`).join(', ')} are not defined.`, {
      fieldErrors: unknown.map((r) => ({ field: 'roles', code: 'unknown_role', message: `Role "${r}" is not defined.` })),
    });
  }
  const refused = roles.map((r) => roleAssignability(registry, actor, r, platform)).filter((a) => !a.assignable);
  if (refused.length) {
    fail('forbidden', refused.map((a) => a.reason).join(' '), {
      fieldErrors: refused.map((a) => ({ field: 'roles', code: 'not_assignable', message: a.reason! })),
    });
  }
}

/**
 * The access policy: what an actor may do with a table, derived from the role definitions of one registry snapshot.
 *
 * Deny by default. A user's grants come from their roles, expanded through `includes`; a grant on a table also
 * covers every table extending it, a grant on "*" covers every table, and grants add up. For one table and
 * operation the policy answers:
 *
 *  - `allowed`: some grant gives the operation;
 *  - `rowCondition`: the rows the operation may touch, in the one condition language (compiled into every query,
 *    evaluated in memory for the record a create or update would write). It is the OR over the grants of
 *    (scope AND the grant's own condition); `null` means every row. Scopes: 'org' (default) — shared records (no
 *    owning organisation), records of one of `user.orgs`, and, when the table declares `userIdField`, records of one
 *    of `user.userIds`; 'own' — `created_by` is `user.id`; 'all' — no restriction.
 *  - `readable`: the fields a reader sees (from the 'read' grants, whatever the operation asked about);
 *  - `writable`: the fields a create or update may assign (from that operation's grants; never system fields,
 *    never protected or read-only fields for a user).
 *
 * Field sets are table-wide, so they must be safe for every row the actor can reach. A grant allows a field when
 * its `readFields` (`writeFields`, defaulting to its `readFields`) include it (no list: every field) and its
 * `deniedFields` do not. A field is in the set when EVERY grant for the operation either allows it itself, or is
 * covered by a grant that allows it — one whose rows certainly include the first grant's rows (scope 'all', or the
 * same scope; and no condition, or the same condition). So an administrator's unrestricted grant restores what an
 * included agent role withholds on the same rows, while a narrow grant (own records only) never unmasks a field
 * for the wider rows another grant reaches. `id`, `version`, `class` and `number` identify a record and are always
 * readable.
 *
 * The system actor (jobs, seeding, rules) is unrestricted. Results are cached per registry snapshot and set of
 * roles: the row condition refers to the actor through facts (`user.orgs`, `user.userIds`, `user.id`), bound when
 * it is compiled, so a change to an actor's organisations or party codes applies at once.
 */
import type { Condition, FactContext } from '../conditions/types.js';
import { ALWAYS_READABLE, type Registry, type ResolvedField, type ResolvedTable } from '../definitions/types.js';
import { EVERY_TABLE, type GrantScope, type RoleDef, type TableGrant, type TableOperation } from './roles/types.js';
import { PLATFORM_ADMIN } from './sharing.js';
import type { Actor } from '../records/types.js';

export interface TableAccess {
  readonly table: string;
  readonly operation: TableOperation;
  /** Some grant gives the operation on the table (always true for the system actor). */
  readonly allowed: boolean;
  /** The system actor: no row restriction, every field readable and writable. */
  readonly unrestricted: boolean;
  /** The rows the operation may touch; `null` means every row. Meaningless when not `allowed`. */
  readonly rowCondition: Condition | null;
  /** Fields the actor may read (from the 'read' grants). */
  readonly readable: ReadonlySet<string>;
  /** Fields the actor may assign in this operation (create / update; empty for read and delete). */
  readonly writable: ReadonlySet<string>;
}

/** Every role the names stand for, with the roles they include (unknown names are ignored). */
export function expandRoles(registry: Registry, names: readonly string[]): RoleDef[] {
  const seen = new Set<string>();
  const out: RoleDef[] = [];
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const role = registry.roles.get(name);
    if (!role) return;
    out.push(role);
    for (const inc of role.includes ?? []) visit(inc);
  };
  names.forEach(visit);
  return out;
}

/**
 * Every capability (interface transaction) the roles grant through `includes`, sorted; cached per snapshot. Only what
 * the roles declare: look-ups of "roles holding X" rely on administration implying nothing here (see {@link hasCapability}).
 */
export function capabilitiesOf(registry: Registry, roles: readonly string[]): string[] {
  const byRoles = registry.memo('access.capabilities', () => new Map<string, readonly string[]>());
  const key = rolesKey(roles);
  let caps = byRoles.get(key);
  if (!caps) {
    caps = Object.freeze([...new Set(expandRoles(registry, roles).flatMap((r) => r.capabilities ?? []))].sort());
    byRoles.set(key, caps);
  }
  return [...caps];
}

/** Every capability any role declares (what the system actor holds). */
function allCapabilities(registry: Registry): string[] {
  return capabilitiesOf(registry, [...registry.roles.keys()]);
}

/**
 * Whether the actor may perform the interface transaction `name`. The system actor and platform administrators
 * ({@link PLATFORM_ADMIN}) may perform every one: an administrator reaches every table, so no page or action is held
 * back from them by a capability; their tables' grants still decide what they read and write.
 *
 * Not for asking whether someone holds a job: use {@link grantsCapability} where a capability stands for the people
 * who do that job (recipients, approvers, a workflow step's performers), which must not take in every administrator.
 */
export function hasCapability(registry: Registry, actor: Actor, name: string): boolean {
  if (actor.kind === 'system') return true;
  const held = capabilitiesOf(registry, actor.roles);
  return held.includes(name) || held.includes(PLATFORM_ADMIN);
}

/**
 * Whether the roles themselves grant capability `name` (through `includes`), administration implying nothing: the
 * question behind "the people who hold X" (an organisation's administrators, a workflow step's performers).
 */
export function grantsCapability(registry: Registry, roles: readonly string[], name: string): boolean {
  return capabilitiesOf(registry, roles).includes(name);
}

/** What conditions see of the actor and the time: the `user.*` and `now` facts. */
export function accessFacts(registry: Registry, actor: Actor, now: Date): FactContext {
  return {
    user: {
      id: actor.id,
      username: actor.username,
      roles: [...actor.roles],
      orgs: [...(actor.orgs ?? [])],
      orgId: actor.orgId ?? null,
      userIds: [...(actor.userIds ?? [])],
      capabilities: actor.kind === 'system' ? allCapabilities(registry) : capabilitiesOf(registry, actor.roles),
    },
    now: now.toISOString(),
  };
}

function rolesKey(roles: readonly string[]): string {
  return [...new Set(roles)].sort().join('\n');
}

/**
 * The actor's access to `tableName` for `operation` (see the module comment). Throws `table_not_found` for an
 * unknown table. Cached per registry snapshot, sorted roles, table and operation.
 */
export function accessFor(registry: Registry, actor: Actor, tableName: string, operation: TableOperation): TableAccess {
  const table = registry.getTable(tableName);
  const byKey = registry.memo('access.tables', () => new Map<string, TableAccess>());
  const key = `${table.name}\0${operation}\0${actor.kind === 'system' ? '\0system' : rolesKey(actor.roles)}`;
  let access = byKey.get(key);
  if (!access) {
    access = actor.kind === 'system' ? systemAccess(table, operation) : userAccess(registry, table, operation, actor.roles);
    byKey.set(key, access);
  }
  return access;
}

function systemAccess(table: ResolvedTable, operation: TableOperation): TableAccess {
  const fields = [...table.fields.values()];
  return Object.freeze({
    table: table.name, operation, allowed: true, unrestricted: true, rowCondition: null,
    readable: new Set(fields.map((f) => f.name)),
    writable: new Set(operation === 'create' || operation === 'update' ? fields.filter((f) => !f.system).map((f) => f.name) : []),
  });
}

/** The grants of the roles that give `operation` on `table` (directly or through a table it extends). */
function grantsFor(roles: RoleDef[], table: ResolvedTable, operation: TableOperation): TableGrant[] {
  return roles.flatMap((r) => (r.tables ?? []).filter((g) => grantReaches(g, table) && g.operations.includes(operation)));
}

/** Whether a grant names `table`: the table itself, one it extends, or every table ({@link EVERY_TABLE}). */
export function grantReaches(g: TableGrant, table: ResolvedTable): boolean {
  return g.table === EVERY_TABLE || g.table === table.name || table.ancestors.includes(g.table);
}

function userAccess(registry: Registry, table: ResolvedTable, operation: TableOperation, roleNames: readonly string[]): TableAccess {
  const roles = expandRoles(registry, roleNames);
  const grants = grantsFor(roles, table, operation);
  const readGrants = operation === 'read' ? grants : grantsFor(roles, table, 'read');
  const readable = fieldSet(table, readGrants, (g, f) => allowsRead(g, f));
  for (const name of ALWAYS_READABLE) if (table.fields.has(name)) readable.add(name);
  const writable = operation === 'create' || operation === 'update'
    ? fieldSet(table, grants, (g, f) => allowsWrite(g, f))
    : new Set<string>();
  return Object.freeze({
    table: table.name, operation, allowed: grants.length > 0, unrestricted: false,
    rowCondition: grants.length ? rowCondition(table, grants) : null,
    readable, writable,
  });
}

function allowsRead(g: TableGrant, f: ResolvedField): boolean {
  if (g.deniedFields?.includes(f.name)) return false;
  return !g.readFields || g.readFields.includes(f.name);
}

function allowsWrite(g: TableGrant, f: ResolvedField): boolean {
  if (f.system || f.protected || f.readOnly) return false;
  if (g.deniedFields?.includes(f.name)) return false;
  const list = g.writeFields ?? g.readFields;
  return !list || list.includes(f.name);
}

/** Whether grant `a` certainly covers every row grant `b` covers. */
function covers(a: TableGrant, b: TableGrant): boolean {
  if (a === b) return true;
  const scopeA = a.scope ?? 'org';
  if (scopeA !== 'all' && scopeA !== (b.scope ?? 'org')) return false;
  return a.condition === undefined || JSON.stringify(a.condition) === JSON.stringify(b.condition);
}

/** Fields every grant allows itself or through a grant covering its rows (see the module comment). */
function fieldSet(table: ResolvedTable, grants: TableGrant[], allows: (g: TableGrant, f: ResolvedField) => boolean): Set<string> {
  const out = new Set<string>();
  if (!grants.length) return out;
  const coverers = grants.map((g) => grants.filter((other) => covers(other, g)));
  for (const field of table.fields.values()) {
    if (coverers.every((list) => list.some((g) => allows(g, field)))) out.add(field.name);
  }
  return out;
}

/** The rows a scope reaches on `table`, or null for every row. */
export function scopeCondition(table: ResolvedTable, scope: GrantScope): Condition | null {
  if (scope === 'all') return null;
  if (scope === 'own') {
    // `created_by` must be set: a user without an id (or a system-made record) matches nothing.
    return { all: [{ fact: 'record.created_by', operator: 'isNotEmpty' }, { fact: 'record.created_by', operator: 'equal', value: { fact: 'user.id' } }] };
  }
  const org = `record.${table.orgField}`;
  const any: Condition[] = [
    { fact: org, operator: 'isEmpty' },
    { fact: org, operator: 'in', value: { fact: 'user.orgs' } },
  ];
  if (table.userIdField) any.push({ fact: `record.${table.userIdField}`, operator: 'in', value: { fact: 'user.userIds' } });
  return { any };
}

function rowCondition(table: ResolvedTable, grants: TableGrant[]): Condition | null {
  const parts: Condition[] = [];
  const seen = new Set<string>();
  for (const g of grants) {
    const scope = scopeCondition(table, g.scope ?? 'org');
    const rows = scope && g.condition ? { all: [scope, g.condition] } : scope ?? g.condition ?? null;
    if (rows === null) return null;
    const key = JSON.stringify(rows);
    if (!seen.has(key)) { seen.add(key); parts.push(rows); }
  }
  return parts.length === 1 ? parts[0]! : { any: parts };
}

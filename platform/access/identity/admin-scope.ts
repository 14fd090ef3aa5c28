/**
 * Who administers what. An organisation administrator (capability `platform.org_admin`) acts only inside their
 * home organisation: a person of another organisation answers `not_found`, exactly like one that does not exist. A
 * platform administrator (`platform.admin`) acts in any organisation (`org` names one). Which roles an
 * administrator may hand out is decided in role-assignment.ts; which accounts they may change in
 * managed-account.ts.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import type { Actor } from '../../records/types.js';
import { hasCapability } from '../policy.js';
import { ORG_ADMIN, PLATFORM_ADMIN } from '../sharing.js';
import type { OrgRow } from './users.js';

/** An organisation as administrators see it in lists and pickers. */
export interface OrgRef { id: string; code: string; name: string }

/** Whether the actor manages every organisation (the system actor, or capability platform.admin). */
export function isPlatformAdmin(fw: Formwork, actor: Actor): boolean {
  return actor.kind === 'system' || hasCapability(fw.registry.current, actor, PLATFORM_ADMIN);
}

/** Whether the actor administers organisation `orgId` (a platform administrator: every one, and people of none). */
export function manages(fw: Formwork, actor: Actor, orgId: string | null | undefined): boolean {
  if (isPlatformAdmin(fw, actor)) return true;
  return !!orgId && orgId === actor.orgId && hasCapability(fw.registry.current, actor, ORG_ADMIN);
}

/** Throws `forbidden` unless the actor is a platform administrator or an organisation administrator with a home organisation. */
export function assertAdministrator(fw: Formwork, actor: Actor): void {
  if (isPlatformAdmin(fw, actor)) return;
  if (!hasCapability(fw.registry.current, actor, ORG_ADMIN) || !actor.orgId) {
    fail('forbidden', 'Only an organisation administrator may do this.');
  }
}

/** The organisation named by id or code, or null. */
export async function findOrg(knex: Knex | Knex.Transaction, ref: string): Promise<OrgRef | null> {
  if (!ref || ref.length > 60) return null;
  const row = await knex('sys_org').where({ id: ref }).orWhere({ code: ref }).first('id', 'code', 'name');
  return row ? { id: row.id, code: row.code, name: row.name } : null;
}

/**
 * The organisation an administrator's request is about: `requested` (an id or code) when given — an organisation
 * administrator may name only their own (`forbidden` otherwise) — else their home organisation; null means
 * "every organisation" (a platform administrator who named none). Errors: forbidden, not_found.
 */
export async function adminScope(
  fw: Formwork, actor: Actor, requested?: string | null, options: { requireOne?: boolean } = {},
): Promise<OrgRef | null> {
  assertAdministrator(fw, actor);
  const platform = isPlatformAdmin(fw, actor);
  if (requested) {
    const org = await findOrg(fw.db.knex, requested);
    if (!org) fail('not_found', `There is no organisation "${requested}".`);
    if (!platform && org.id !== actor.orgId) fail('forbidden', 'You may only administer your own organisation.');
    return org;
  }
  if (platform && !options.requireOne) return null;
  const own = actor.orgId ? await findOrg(fw.db.knex, actor.orgId) : null;
  if (!own) fail('invalid_query', 'Name the organisation (org) to act on.');
  return own;
}

/** Every active organisation (id, code, name), by name: the counterparty picker of consents. Errors: forbidden. */
export async function listOrgs(fw: Formwork, actor: Actor): Promise<OrgRef[]> {
  assertAdministrator(fw, actor);
  const rows = await fw.db.knex('sys_org').where({ status: 'active' }).select('id', 'code', 'name').orderBy([{ column: 'name' }, { column: 'code' }]);
  return rows.map((r: OrgRow) => ({ id: r.id, code: r.code, name: r.name }));
}

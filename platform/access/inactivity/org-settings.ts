/**
 * An organisation's inactivity settings over the API: platform administrators for every organisation, an
 * organisation's administrators for their own (another organisation answers `not_found`, as for one that does not
 * exist). Changes are written to the organisation's audit trail (sys_audit, table_name 'sys_org').
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { writeAudit } from '../../records/audit.js';
import type { Actor } from '../../records/types.js';
import { assertAdministrator, findOrg, manages } from '../identity/index.js';
import { applyOverride, BUILT_IN_SETTINGS, fetchOverride, orgOverrideProblems, type InactivityOverride } from './settings.js';
import type { OrgInactivityView } from './types.js';
export type { OrgInactivityView } from './types.js';

async function orgFor(fw: Formwork, actor: Actor, code: string) {
  assertAdministrator(fw, actor);
  const org = await findOrg(fw.db.knex, code);
  if (!org || !manages(fw, actor, org.id)) fail('not_found', `There is no organisation "${code}".`);
  return org;
}

/** The organisation's settings. Errors: forbidden, not_found. */
export async function getOrgInactivity(fw: Formwork, actor: Actor, code: string): Promise<OrgInactivityView> {
  const org = await orgFor(fw, actor, code);
  const override = await fetchOverride(fw.db.knex, org.id);
  return {
    organisation: { code: org.code, name: org.name }, override, defaults: BUILT_IN_SETTINGS,
    effective: applyOverride(BUILT_IN_SETTINGS, override),
  };
}

/**
 * Replace the organisation's own settings (`{}` or null: back to the defaults). Errors: forbidden, not_found,
 * validation_failed (each bad member named in fieldErrors).
 */
export async function putOrgInactivity(fw: Formwork, actor: Actor, code: string, body: unknown): Promise<OrgInactivityView> {
  const org = await orgFor(fw, actor, code);
  const value = body ?? {};
  const problems = orgOverrideProblems(value);
  if (problems.length) fail('validation_failed', problems.map((p) => p.message).join(' '), { fieldErrors: problems });
  const override = value as InactivityOverride;
  const at = fw.clock.now().toISOString();
  await fw.db.knex.transaction(async (trx) => {
    const before = await fetchOverride(trx, org.id);
    const empty = !Object.keys(override).length;
    await trx('sys_inactivity_setting').where({ org_id: org.id }).delete();
    if (!empty) await trx('sys_inactivity_setting').insert({ org_id: org.id, settings: JSON.stringify(override), updated_at: at, updated_by: actor.username ?? null });
    await writeAudit(trx, actor, at, [{
      table: 'sys_org', recordId: org.id, operation: 'update', version: 1, changes: { inactivity_settings: [before, empty ? null : override] },
    }]);
  });
  return getOrgInactivity(fw, actor, code);
}

/**
 * A pack's settings for an organisation (a data file's `inactivity`, platform/data/seed.ts), in the seeding
 * transaction: written only when the organisation has no settings of its own, so what an administrator set stays.
 * Audited as the system's change. Returns whether they were written.
 */
export async function seedOrgInactivity(
  fw: Formwork, trx: Knex.Transaction, orgId: string, override: InactivityOverride, at: string,
): Promise<boolean> {
  if (await fetchOverride(trx, orgId) || !Object.keys(override).length) return false;
  await trx('sys_inactivity_setting').insert({ org_id: orgId, settings: JSON.stringify(override), updated_at: at, updated_by: null });
  await writeAudit(trx, fw.systemActor, at, [{
    table: 'sys_org', recordId: orgId, operation: 'update', version: 1, changes: { inactivity_settings: [null, override] },
  }]);
  return true;
}

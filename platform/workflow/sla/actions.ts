/**
 * An SLA's warning and breach actions, run by the checker in its transaction through the record service as the
 * system actor named `sla:<name>` (so audit rows say which SLA made the change). The action kinds are a rule's
 * (set, assign, journal, createRecord, emitEvent: the schema's slaAction). Templates are Handlebars over
 * `{ record, now, sla, user }`, `sla` being the SLA as the API shows it (label, dueAt, elapsedMs, remainingMs …);
 * a template that is exactly one `{{path}}` gives that value as it is.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import type { SlaAction, SlaDef } from './types.js';
import type { Actor } from '../../records/types.js';
import { runActions } from '../../rules/actions.js';
import { writeEvent } from '../../rules/events.js';
import type { TemplateContext } from '../../rules/templates.js';
import type { SlaView } from './sla-store.js';

/** The actor an SLA's actions run as. */
export function slaActor(sla: string): Actor {
  return Object.freeze({ kind: 'system', id: null, username: `sla:${sla}`, roles: [], orgs: [], orgId: null, via: 'system' });
}

/** Run an SLA's warning or breach actions on its record, in `trx` (through the one executor of actions). */
export async function runSlaActions(
  fw: Formwork, trx: Knex.Transaction, def: SlaDef, actions: readonly SlaAction[], record: Record<string, unknown>, sla: SlaView, now: Date,
): Promise<void> {
  const actor = slaActor(def.name);
  const registry = fw.registry.current;
  const table = registry.getTable(sla.table);
  const at = now.toISOString();
  const context = (): TemplateContext => ({
    record, previous: null, user: { id: null, username: actor.username }, now: at, sla: { ...sla, name: sla.sla }, table,
  });
  await runActions(actions, context, {
    registry, table, who: `SLA "${def.name}"`,
    set: async (values) => { Object.assign(record, await fw.records.updateOne(table.name, sla.recordId, values, { actor, trx })); },
    journal: async (field, body) => { await fw.records.updateOne(table.name, sla.recordId, { [field]: body }, { actor, trx }); },
    createRecord: async (target, values) => { await fw.records.createOne(target.name, values, { actor, trx }); },
    emitEvent: async (event, payload) => {
      await writeEvent(trx, { name: event, table: sla.table, recordId: sla.recordId, payload, actorId: null, actorName: actor.username, source: `sla:${def.name}`, at });
    },
  });
}

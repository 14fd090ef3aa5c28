/**
 * An SLA's warning and breach actions, run by the checker in its transaction through the record service as the
 * system actor named `sla:<name>` (so audit rows say which SLA made the change). The action kinds are a rule's
 * (set, assign, journal, createRecord, emitEvent; lint refuses abort). Templates are Handlebars over
 * `{ record, now, sla, user }`, `sla` being the SLA as the API shows it (label, dueAt, elapsedMs, remainingMs …);
 * a template that is exactly one `{{path}}` gives that value as it is.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import type { ResolvedField } from '../../definitions/types.js';
import type { SlaAction, SlaDef } from './types.js';
import type { Actor, RecordData } from '../../records/types.js';
import { writeEvent } from '../../rules/events.js';
import { compileTemplate, isTemplate, lookupPath, singlePath, type Template, type TemplateContext } from '../../rules/templates.js';
import type { SlaView } from './sla-store.js';

const templates = new Map<string, Template>();
const NUMERIC = /^-?\d+(\.\d+)?$/;

/** The actor an SLA's actions run as. */
export function slaActor(sla: string): Actor {
  return Object.freeze({ kind: 'system', id: null, username: `sla:${sla}`, roles: [], orgs: [], orgId: null, via: 'system' });
}

function template(source: string): Template {
  let t = templates.get(source);
  if (!t) { t = compileTemplate(source); templates.set(source, t); }
  return t;
}

/** A rendered value in the type its field holds where the text says so unambiguously. */
function coerce(field: ResolvedField | undefined, value: unknown): unknown {
  if (value === '') return null;
  if (!field || typeof value !== 'string') return value;
  const v = value.trim();
  if ((field.type === 'integer' || field.type === 'decimal' || field.type === 'currency') && NUMERIC.test(v)) return Number(v);
  if (field.type === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
  return value;
}

export async function runSlaActions(
  fw: Formwork, trx: Knex.Transaction, def: SlaDef, actions: readonly SlaAction[], record: RecordData, sla: SlaView, now: Date,
): Promise<void> {
  const actor = slaActor(def.name);
  const registry = fw.registry.current;
  const table = registry.getTable(sla.table);
  const at = now.toISOString();
  const context = { record, previous: null, user: { id: null, username: actor.username }, now: at, sla: { ...sla, name: sla.sla }, table } as TemplateContext;
  const render = (raw: unknown, field?: ResolvedField): unknown => {
    if (!isTemplate(raw)) return raw === undefined ? null : structuredClone(raw);
    const path = singlePath(raw);
    return coerce(field, path ? structuredClone(lookupPath(context, path)) : template(raw)(context));
  };
  const text = (raw: string): string => {
    const v = render(raw);
    return v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  };
  for (const action of actions) {
    switch (action.type) {
      case 'set': case 'assign': {
        const fields = action.type === 'set' ? action.fields : { [action.field]: action.value };
        const values: RecordData = {};
        for (const [name, raw] of Object.entries(fields)) values[name] = render(raw, table.fields.get(name));
        Object.assign(record, await fw.records.updateOne(table.name, sla.recordId, values, { actor, trx }));
        break;
      }
      case 'journal': {
        const body = text(action.body);
        if (body.trim()) await fw.records.updateOne(table.name, sla.recordId, { [action.field]: body }, { actor, trx });
        break;
      }
      case 'createRecord': {
        const target = registry.getTable(action.table);
        const values: RecordData = {};
        for (const [name, raw] of Object.entries(action.values)) values[name] = render(raw, target.fields.get(name));
        await fw.records.createOne(target.name, values, { actor, trx });
        break;
      }
      case 'emitEvent': {
        const payload: Record<string, unknown> = {};
        for (const [name, raw] of Object.entries(action.payload ?? {})) payload[name] = render(raw);
        await writeEvent(trx, {
          name: action.event, table: sla.table, recordId: sla.recordId, payload, actorId: null, actorName: actor.username, source: `sla:${def.name}`, at,
        });
        break;
      }
      default:
    }
  }
}

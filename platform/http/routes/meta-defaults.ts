/**
 * Field metadata as a new-record form needs it for the person asking: a default from a fact (`{ "fact":
 * "user.email" }`) becomes that person's value (or no default when they have none), so the form shows what the
 * server would fill in; and a workflow's state field is read-only, at its initial state: a record starts there and
 * moves only by transitions, so the form never asks for it.
 */
import type { Formwork } from '../../context.js';
import { factNeedsProfile, factValue, isFactDefault } from '../../access/fact-defaults.js';
import { actorFacts, fetchProfileFacts } from '../../access/profile-facts.js';
import type { Registry, ResolvedTable } from '../../definitions/types.js';
import type { Actor } from '../../records/types.js';
import { workflowOf } from '../../workflow/index.js';
import type { FieldMeta } from '../api-types.js';

/**
 * `fields` (metadata of `table`'s fields) with the caller's defaults and the workflow's state field as described
 * above. Reads the person's profile only when a default names a fact of it. `registry`: the snapshot `table` is
 * from (the studio's previews pass a change set's candidate).
 */
export async function forCaller<F extends Record<string, FieldMeta> | FieldMeta[]>(
  fw: Formwork, actor: Actor, table: ResolvedTable, fields: F, registry: Registry = fw.registry.current,
): Promise<F> {
  const list: FieldMeta[] = Array.isArray(fields) ? fields : Object.values(fields);
  const wf = workflowOf(registry, table);
  const facts = list.filter((f) => isFactDefault(f.default));
  if (!facts.length && !(wf && list.some((f) => f.name === wf.def.stateField))) return fields;
  const base = actorFacts(actor);
  const user = facts.some((f) => factNeedsProfile((f.default as { fact: string }).fact))
    ? await fetchProfileFacts(fw.db.reader, actor, base) : base;
  const adjust = (f: FieldMeta): FieldMeta => {
    if (wf && f.name === wf.def.stateField) return { ...f, readOnly: true, required: false, default: wf.def.initialState };
    if (!isFactDefault(f.default)) return f;
    const { default: dflt, ...rest } = f;
    const value = factValue(user, (dflt as { fact: string }).fact);
    return value === null ? rest : { ...rest, default: value };
  };
  if (Array.isArray(fields)) return fields.map(adjust) as F;
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, adjust(f)])) as F;
}

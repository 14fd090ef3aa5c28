/**
 * Per-record field masking: a field declaring `readableWhen` is withheld, record by record, from readers for whom the
 * condition (facts `record` — the stored record —, `user`, `now`) is false. Table-wide field access (the role
 * grants, platform/access) decides which fields a reader may ever see; this narrows it for single records, e.g.
 * personal details only the person who created the record may read. The system actor reads everything.
 */
import { compileEvaluator, type Condition, type Evaluator, type FactContext } from '../conditions/index.js';
import type { ResolvedTable } from '../definitions/types.js';
import type { RecordData } from './types.js';

const evaluators = new WeakMap<Condition, Evaluator>();

function evaluatorOf(condition: Condition): Evaluator {
  let e = evaluators.get(condition);
  if (!e) { e = compileEvaluator(condition); evaluators.set(condition, e); }
  return e;
}

/** The fields of `table` with a per-record read condition (empty for most tables). */
export function maskedFields(table: ResolvedTable): { name: string; condition: Condition }[] {
  const out: { name: string; condition: Condition }[] = [];
  for (const f of table.fields.values()) if (f.readableWhen) out.push({ name: f.name, condition: f.readableWhen });
  return out;
}

/**
 * The names of the fields of `full` (a stored record with every column) the reader may not see on it. Empty for an
 * unrestricted reader or a table without `readableWhen` fields.
 */
export async function hiddenFieldsOf(
  table: ResolvedTable, unrestricted: boolean, facts: FactContext, full: RecordData,
): Promise<Set<string>> {
  const hidden = new Set<string>();
  if (unrestricted) return hidden;
  const fields = maskedFields(table);
  if (!fields.length) return hidden;
  const context: FactContext = { ...facts, record: full };
  for (const f of fields) if (!(await evaluatorOf(f.condition)(context))) hidden.add(f.name);
  return hidden;
}

/**
 * Remove from each record the values its reader may not see. `full[i]` is the stored record `records[i]` comes from
 * (every column, so the conditions can name fields the answer does not carry). Changes `records` in place.
 */
export async function maskRecords(
  table: ResolvedTable, unrestricted: boolean, facts: FactContext, records: RecordData[], full: RecordData[] = records,
): Promise<void> {
  if (unrestricted || !maskedFields(table).length) return;
  for (const [i, r] of records.entries()) {
    for (const name of await hiddenFieldsOf(table, unrestricted, facts, full[i] ?? r)) delete r[name];
  }
}

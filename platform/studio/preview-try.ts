/**
 * "Try this record": which business rules of a table would run for a record, in the order the record pipeline runs
 * them (platform/rules/business-rules.ts), why the others would not, what each would do in words, and the record
 * after the before rules' set actions. Everything happens in memory: conditions go through the engine's own
 * evaluator and actions through its one executor (runActions), but into a target that only records what it is
 * asked to do — nothing is written, no event is emitted, no mail leaves.
 */
import { evaluateCondition } from '../conditions/evaluate.js';
import type { FactContext } from '../conditions/types.js';
import type { Registry, ResolvedField, ResolvedTable } from '../definitions/types.js';
import { checkFieldValue, isEmptyValue } from '../records/field-values.js';
import type { RecordData } from '../records/types.js';
import { runActions, type ActionTarget } from '../rules/actions.js';
import { labelOf } from '../rules/template-label.js';
import type { TemplateContext } from '../rules/templates.js';
import type { RuleDef, RuleOperation } from '../rules/types.js';
import type { ActionWords, RuleTrial, TrialOutcome } from './preview-types.js';

/** What the trial runs on. */
export interface TrialInput {
  registry: Registry;
  table: ResolvedTable;
  operation: Exclude<RuleOperation, 'delete'>;
  record: RecordData;
  previous: RecordData | null;
  user: Record<string, unknown>;
  now: string;
}

/** Thrown by the recording target to stop a rule's actions, as an abort stops the real operation. */
class Stop {
  constructor(readonly message: string) {}
}

const OPERATION_WORDS: Record<RuleOperation, string> = { create: 'creating', update: 'updating', delete: 'deleting' };

/** A value as people read it ("High", "Yes", "(empty)"). */
function valueWords(table: ResolvedTable, field: ResolvedField | undefined, value: unknown): string {
  if (isEmptyValue(value)) return '(empty)';
  if (!field) return typeof value === 'string' ? value : JSON.stringify(value);
  const shown = labelOf(table, { [field.name]: value }, field.name);
  return shown === '' ? String(value) : shown;
}

/** The rules of the table (and of the tables it extends), in the order the pipeline runs them. */
function rulesOf(registry: Registry, table: ResolvedTable): RuleDef[] {
  const tables = new Set([table.name, ...table.ancestors]);
  const when = (r: RuleDef) => (r.when === 'before' ? 0 : 1);
  return [...registry.rules.values()].filter((r) => tables.has(r.table))
    .sort((a, b) => when(a) - when(b) || a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A target that turns each action into words; a before rule's `set` also changes `record` (when `apply`). */
function recorder(
  input: TrialInput, rule: RuleDef, record: RecordData, words: ActionWords[], apply: boolean, changed: Set<string>,
): ActionTarget {
  const { registry, table } = input;
  const label = (name: string) => table.fields.get(name)?.label ?? name;
  return {
    registry, table, who: `Rule "${rule.label ?? rule.name}"`,
    set: async (values) => {
      for (const [name, value] of Object.entries(values)) {
        const field = table.fields.get(name)!;
        if (field.type === 'journal') {
          if (!isEmptyValue(value)) words.push({ type: 'journal', text: `Add to ${label(name)}: "${String(value)}"` });
          continue;
        }
        words.push({ type: 'set', text: `Set ${label(name)} to ${valueWords(table, field, value)}` });
        if (!apply) continue;
        const checked = checkFieldValue(field, value, input.previous?.[name]);
        if (!checked.ok) throw new Stop(`${label(name)} cannot take this value: ${checked.message}`);
        if (field.required && isEmptyValue(checked.value)) throw new Stop(`${label(name)} cannot be cleared: it is required.`);
        record[name] = checked.value;
        changed.add(name);
      }
    },
    journal: async (field, body) => { words.push({ type: 'journal', text: `Add to ${label(field)}: "${body}"` }); },
    createRecord: async (made, values) => {
      const parts = Object.entries(values).filter(([, v]) => !isEmptyValue(v))
        .map(([n, v]) => `${made.fields.get(n)?.label ?? n} ${valueWords(made, made.fields.get(n), v)}`);
      words.push({ type: 'createRecord', text: `Create a ${made.def.label ?? made.name}${parts.length ? ` (${parts.join(', ')})` : ''}` });
    },
    emitEvent: async (event) => { words.push({ type: 'emitEvent', text: `Announce the event "${event}"` }); },
    abort: (message) => {
      const text = message || `${rule.label ?? rule.name} refuses the operation.`;
      words.push({ type: 'abort', text: `Abort: ${text}` });
      throw new Stop(text);
    },
  };
}

/** Run `actions` into words; answers the message that would stop the operation, if any. */
async function describe(
  input: TrialInput, rule: RuleDef, actions: RuleDef['actions'], context: () => TemplateContext, record: RecordData,
  apply: boolean, changed: Set<string>, words: ActionWords[],
): Promise<string | null> {
  try {
    await runActions(actions, context, recorder(input, rule, record, words, apply, changed));
    return null;
  } catch (e) {
    if (e instanceof Stop) return e.message;
    const message = e instanceof Error ? e.message : String(e);
    words.push({ type: 'problem', text: `Cannot run: ${message}` });
    return message;
  }
}

/**
 * Try the table's rules on a record (see the module comment). `record` is the record as it would be written
 * (for an update, the stored record with the change applied).
 */
export async function tryRules(input: TrialInput): Promise<TrialOutcome> {
  const record: RecordData = { ...input.record };
  const changed = new Set<string>();
  const out: RuleTrial[] = [];
  let aborted: TrialOutcome['aborted'] = null;
  const context = (): TemplateContext => ({
    record: { ...record }, previous: input.previous, user: input.user, now: input.now, table: input.table,
  });
  for (const rule of rulesOf(input.registry, input.table)) {
    const trial: RuleTrial = {
      name: rule.name, label: rule.label ?? rule.name, description: rule.description ?? null, when: rule.when, order: rule.order,
      runs: false, conditionHolds: null, branch: null, reason: null, reasonText: null, actions: [], stops: null,
    };
    out.push(trial);
    const sketch = async () => {
      // What it does when it runs, for a rule that would not: never applied to the record.
      await describe(input, rule, rule.actions, context, { ...record }, false, new Set(), trial.actions);
    };
    if (rule.active === false) {
      Object.assign(trial, { reason: 'inactive', reasonText: 'It is switched off.' });
      await sketch();
      continue;
    }
    if (!rule.operations.includes(input.operation)) {
      const on = rule.operations.map((o) => OPERATION_WORDS[o]).join(' or ');
      Object.assign(trial, { reason: 'operation', reasonText: `It runs only when ${on} a record.` });
      await sketch();
      continue;
    }
    if (aborted) {
      Object.assign(trial, { reason: 'stopped', reasonText: `Not reached: ${aborted.rule} stops the operation first.` });
      await sketch();
      continue;
    }
    try {
      trial.conditionHolds = rule.condition ? await evaluateCondition(rule.condition, context() as unknown as FactContext) : null;
    } catch (e) {
      Object.assign(trial, { reason: 'condition_error', reasonText: `Its condition cannot be evaluated: ${e instanceof Error ? e.message : String(e)}` });
      continue;
    }
    const holds = trial.conditionHolds !== false;
    const actions = holds ? rule.actions : rule.else;
    if (!actions?.length) {
      Object.assign(trial, { reason: 'condition_false', reasonText: 'Its condition is not met by this record.' });
      await sketch();
      continue;
    }
    trial.runs = true;
    trial.branch = holds ? 'actions' : 'else';
    trial.stops = await describe(input, rule, actions, context, record, rule.when === 'before', changed, trial.actions);
    if (trial.stops !== null) aborted = { rule: trial.label, message: trial.stops };
  }
  const values = [...input.table.fields.values()].filter((f) => !isEmptyValue(record[f.name])).map((f) => ({
    name: f.name, label: f.label ?? f.name, text: valueWords(input.table, f, record[f.name]), setByRule: changed.has(f.name),
  }));
  return { rules: out, record, changed: [...changed], values, aborted };
}

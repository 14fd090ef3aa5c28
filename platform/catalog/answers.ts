/**
 * Checking answers with the code that checks record fields and runs form policies: each variable is a field of
 * the item's synthetic table (model.ts), so a value is checked by checkFieldValue, dependent choices by the
 * dependent-choice functions, and the item's policies by applyPolicies / mustBeFilled exactly as the browser runs
 * them. What the server does with the outcome mirrors data policies on records (platform/rules/data-policy.ts):
 *
 *  - a name that is not a variable of the item → `unknown_field`;
 *  - a variable hidden by a policy → its value is discarded (named in `discarded`) and nothing is stored for it;
 *  - value actions set their variable; a read-only variable (by definition or policy) whose value differs from its
 *    default → `read_only`; a mandatory variable that is shown and editable and left empty → `required`;
 *  - multi-row sets: an array of rows (objects), between the set's min and max rows, each row checked the same way
 *    against the set's own table and policies; errors name `set[2].field` (rows counted from 0).
 *
 * Every error is collected: the caller fails once with `validation_failed` listing them all.
 */
import type { FieldError } from '../errors.js';
import type { ResolvedTable } from '../definitions/types.js';
import type { FormDef, UiPolicy } from '../forms/types.js';
import { choiceApplies, controllingKey } from '../records/dependent-choices.js';
import { checkFieldValue, isEmptyValue } from '../records/field-values.js';
import { applyPolicies, fieldState, mustBeFilled, type PolicyFieldBase } from '../rules/ui-policy.js';
import { defaultAnswers, type OrdererFacts, type ResolvedQuestions } from './model.js';

/** Answers that passed: single answers by variable, rows by multi-row set; hidden and empty answers left out. */
export interface CheckedAnswers {
  values: Record<string, unknown>;
  rows: Record<string, Record<string, unknown>[]>;
  /** Variables whose sent value was discarded because a policy hides them (multi-row: `set[i].field`). */
  discarded: string[];
  errors: FieldError[];
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_PASSES = 5;
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Scope { user: OrdererFacts; now: string }

/**
 * Check one record of answers against a table and its form's policies; `base` holds the defaults the caller
 * starts from. Field errors are named `${prefix}${variable}`.
 */
async function checkOne(
  table: ResolvedTable, form: FormDef, sent: Record<string, unknown>, base: Record<string, unknown>, scope: Scope, prefix: string,
  out: { discarded: string[]; errors: FieldError[] },
): Promise<Record<string, unknown>> {
  const fields: Record<string, PolicyFieldBase> = {};
  for (const f of table.fields.values()) fields[f.name] = { required: f.required, readOnly: f.readOnly };
  const context = { user: scope.user, now: scope.now, fields };
  const policies = form.uiPolicies as UiPolicy[] | undefined;
  const payload = { ...sent };
  let outcome = await applyPolicies(policies, { ...base, ...payload }, context);
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const hidden = Object.keys(payload).filter((k) => outcome.visible[k] === false);
    if (!hidden.length) break;
    for (const k of hidden) { delete payload[k]; out.discarded.push(`${prefix}${k}`); }
    outcome = await applyPolicies(policies, { ...base, ...payload }, context);
  }
  const values: Record<string, unknown> = {};
  const erred = new Set<string>();
  const error = (name: string, code: string, message: string) => { erred.add(name); out.errors.push({ field: `${prefix}${name}`, code, message }); };
  for (const field of table.fields.values()) {
    const name = field.name;
    const state = fieldState(outcome, name);
    if (!state.visible) continue;
    const forced = has(outcome.values, name);
    const isSent = has(payload, name);
    const raw = forced ? outcome.values[name] : isSent ? payload[name] : base[name];
    const checked = checkFieldValue(field, raw === undefined ? null : raw);
    const label = field.label ?? name;
    if (!checked.ok) { error(name, checked.code, checked.message); continue; }
    if (isSent && !forced && state.readOnly) {
      const was = checkFieldValue(field, base[name] ?? null);
      const before = was.ok ? was.value : base[name];
      const same = (isEmptyValue(checked.value) && isEmptyValue(before))
        || JSON.stringify(checked.value ?? null) === JSON.stringify(before ?? null);
      if (!same) { error(name, 'read_only', `${label} is read-only here and cannot be changed.`); continue; }
    }
    if (mustBeFilled(state) && isEmptyValue(checked.value)) { error(name, 'required', `${label} is required.`); continue; }
    if (!isEmptyValue(checked.value)) values[name] = checked.value;
  }
  for (const field of table.fields.values()) {
    const control = field.dependsOn ? table.fields.get(field.dependsOn) : undefined;
    if (!control || erred.has(field.name) || erred.has(control.name) || !has(values, field.name)) continue;
    const held = (Array.isArray(values[field.name]) ? values[field.name] as unknown[] : [values[field.name]]).map(String);
    const controlling = values[control.name];
    const refused = (field.choices ?? []).filter((c) => held.includes(c.value) && !choiceApplies(c, controlling));
    if (!refused.length) continue;
    const key = controllingKey(controlling)!;
    const shown = control.choices?.find((c) => c.value === key)?.label ?? key;
    const fits = (field.choices ?? []).filter((c) => !c.inactive && choiceApplies(c, controlling)).map((c) => c.value);
    error(field.name, 'dependent_choice',
      `${field.label ?? field.name} "${refused[0]!.label}" does not apply when ${control.label ?? control.name} is "${shown}"; choose one of ${fits.join(', ')}.`);
  }
  return values;
}

/**
 * Check the answers to an item's or guide's questions (see the module comment). `input` is what the client sent
 * as `variables` (absent: no answers). `prefix` names errors of one cart line (`lines[1].`).
 */
export async function checkAnswers(q: ResolvedQuestions, input: unknown, scope: Scope, prefix = ''): Promise<CheckedAnswers> {
  const out: CheckedAnswers = { values: {}, rows: {}, discarded: [], errors: [] };
  if (input === undefined || input === null) input = {};
  if (!isPlainObject(input)) {
    out.errors.push({ field: `${prefix}variables`, code: 'type', message: 'The answers must be an object keyed by variable name.' });
    return out;
  }
  const known = new Set(q.variableNames);
  for (const key of Object.keys(input)) {
    if (FORBIDDEN_KEYS.has(key) || !known.has(key)) {
      out.errors.push({ field: `${prefix}${key}`, code: 'unknown_field', message: `This item asks no question "${key}".` });
    }
  }
  const sent: Record<string, unknown> = {};
  for (const name of q.table.fields.keys()) if (has(input, name)) sent[name] = input[name];
  const base: Record<string, unknown> = {};
  for (const name of q.table.fields.keys()) base[name] = null;
  Object.assign(base, defaultAnswers(q, scope.user, scope.now));
  out.values = await checkOne(q.table, q.form, sent, base, scope, prefix, out);

  for (const m of q.multiRow) {
    const value = has(input, m.name) ? input[m.name] : [];
    const label = m.set.title;
    if (!Array.isArray(value)) {
      out.errors.push({ field: `${prefix}${m.name}`, code: 'type', message: `${label} must be a list of rows.` });
      continue;
    }
    if (value.length < m.minRows) {
      out.errors.push({ field: `${prefix}${m.name}`, code: 'min_rows', message: `${label} needs at least ${m.minRows} row${m.minRows === 1 ? '' : 's'}; got ${value.length}.` });
    } else if (value.length > m.maxRows) {
      out.errors.push({ field: `${prefix}${m.name}`, code: 'max_rows', message: `${label} takes at most ${m.maxRows} row${m.maxRows === 1 ? '' : 's'}; got ${value.length}.` });
      continue;
    }
    const rows: Record<string, unknown>[] = [];
    const rowBase: Record<string, unknown> = {};
    for (const name of m.table.fields.keys()) rowBase[name] = null;
    Object.assign(rowBase, defaultAnswers({ ...q, declaredDefaults: rowDefaults(m.table) }, scope.user, scope.now));
    for (const [i, row] of value.entries()) {
      const rowPrefix = `${prefix}${m.name}[${i}].`;
      if (!isPlainObject(row)) {
        out.errors.push({ field: `${prefix}${m.name}[${i}]`, code: 'type', message: `Row ${i + 1} of ${label} must be an object keyed by column.` });
        continue;
      }
      for (const key of Object.keys(row)) {
        if (FORBIDDEN_KEYS.has(key) || !m.table.fields.has(key)) {
          out.errors.push({ field: `${rowPrefix}${key}`, code: 'unknown_field', message: `${label} has no column "${key}".` });
        }
      }
      const rowSent: Record<string, unknown> = {};
      for (const name of m.table.fields.keys()) if (has(row, name)) rowSent[name] = row[name];
      rows.push(await checkOne(m.table, m.form, rowSent, rowBase, scope, rowPrefix, out));
    }
    out.rows[m.name] = rows;
  }
  return out;
}

/** Literal defaults of a multi-row set's columns (fact defaults are kept out of row tables by the model). */
function rowDefaults(table: ResolvedTable): ResolvedQuestions['declaredDefaults'] {
  const out: ResolvedQuestions['declaredDefaults'] = {};
  for (const f of table.fields.values()) if (f.default !== undefined) out[f.name] = { type: f.type, value: f.default };
  return out;
}

/** The answers as stored on the requested item (`variables`): single answers, and each multi-row set's rows. */
export function storedAnswers(checked: CheckedAnswers): Record<string, unknown> {
  return { ...checked.values, ...checked.rows };
}

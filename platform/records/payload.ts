import type { TableAccess } from '../access/policy.js';
import { factNeedsProfile, factValue, isFactDefault, type UserFacts } from '../access/fact-defaults.js';
import { actorFacts } from '../access/profile-facts.js';
import type { ResolvedField, ResolvedTable } from '../definitions/types.js';
import type { FieldError } from '../errors.js';
import { fail } from '../errors.js';
import type { Actor, RecordData } from './types.js';
import { choiceApplies, controllingKey } from './dependent-choices.js';
import { checkFieldValue, isEmptyValue } from './field-values.js';

export interface CheckedPayload {
  /** Column values, normalised. */
  values: RecordData;
  /** Journal entries to append: field name → text. */
  journal: { field: string; body: string }[];
}

/** Keys no client may send: JSON.parse turns them into own properties that later merges would honour. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Resolve `$now`, `$today` and `$actor` default tokens and defaults from facts (`{ "fact": "user.email" }`, read from
 * `user`, else from what the actor carries); anything else is the literal default.
 */
export function resolveDefault(field: ResolvedField, actor: Actor, now: Date, user?: UserFacts): unknown {
  const d = field.default;
  if (d === '$now') return now.toISOString();
  if (d === '$today') return now.toISOString().slice(0, 10);
  if (d === '$actor') return actor.id;
  if (isFactDefault(d)) return factValue(user ?? actorFacts(actor), d.fact);
  return structuredClone(d);
}

/** A new record of the table before the client's values: every non-system field, at its default or null. */
export function defaultsOf(table: ResolvedTable, actor: Actor, now: Date, user?: UserFacts): RecordData {
  const out: RecordData = {};
  for (const field of table.fields.values()) {
    if (field.system) continue;
    out[field.name] = field.type !== 'journal' && field.default !== undefined ? resolveDefault(field, actor, now, user) : null;
  }
  return out;
}

const profileNeeds = new WeakMap<ResolvedTable, boolean>();

/** Whether a default of the table names a fact of the person's profile (so a create reads it first). */
export function needsProfileFacts(table: ResolvedTable): boolean {
  let needs = profileNeeds.get(table);
  if (needs === undefined) {
    needs = [...table.fields.values()].some((f) => isFactDefault(f.default) && factNeedsProfile(f.default.fact));
    profileNeeds.set(table, needs);
  }
  return needs;
}

/**
 * Dependent choices (`dependsOn`): every value of such a field must apply to the controlling field's value, as the
 * record will hold them after this write. On update only when the write sets either field, so an unrelated change
 * does not trip over a record saved before the options were narrowed.
 */
function dependentChoiceErrors(
  table: ResolvedTable, values: RecordData, existing: RecordData | undefined, erred: Set<string>,
): FieldError[] {
  const out: FieldError[] = [];
  const has = (name: string) => Object.prototype.hasOwnProperty.call(values, name);
  for (const field of table.fields.values()) {
    const control = field.dependsOn ? table.fields.get(field.dependsOn) : undefined;
    if (!control || erred.has(field.name) || erred.has(control.name)) continue;
    if (existing && !has(field.name) && !has(control.name)) continue;
    const value = has(field.name) ? values[field.name] : existing?.[field.name];
    const controlling = has(control.name) ? values[control.name] : existing?.[control.name];
    if (isEmptyValue(value)) continue;
    const held = (Array.isArray(value) ? value : [value]).map(String);
    const refused = (field.choices ?? []).filter((c) => held.includes(c.value) && !choiceApplies(c, controlling));
    if (!refused.length) continue;
    const key = controllingKey(controlling)!;
    const shown = control.choices?.find((c) => c.value === key)?.label ?? key;
    const fits = (field.choices ?? []).filter((c) => !c.inactive && choiceApplies(c, controlling)).map((c) => c.value);
    out.push({
      field: field.name, code: 'dependent_choice',
      message: `${field.label ?? field.name} "${refused[0]!.label}" does not apply when ${control.label ?? control.name} is "${shown}"; choose one of ${fits.join(', ')}.`,
    });
  }
  return out;
}

export interface PayloadExtras {
  /**
   * Values from definitions (UI policy value actions) rather than the client: they override the client's values and
   * are type-checked like them, but are not subject to the actor's field access.
   */
  forced?: RecordData;
  /** Field errors found before (data policies), reported with the others in one `validation_failed`. */
  errors?: FieldError[];
  /** The person's facts for defaults from facts (else those the actor carries). */
  user?: UserFacts;
}

/**
 * Check a client payload against a table: unknown keys and system fields are rejected (400), every value is
 * type-checked and normalised, and on create defaults are applied and required fields enforced. Collects every
 * field error before failing with `validation_failed` (422).
 *
 * With a restricted `access` (a user's), a field the actor can neither read nor write is unknown (400, as if it
 * did not exist), and one they may read but not assign — protected, read-only, or outside their grants' write
 * fields — is refused with `forbidden` (403) naming it (`read_only` or `forbidden_field`).
 *
 * @param existing the stored record on update (required fields may then be omitted, not cleared)
 */
export function checkPayload(
  table: ResolvedTable, data: RecordData, actor: Actor, now: Date, existing?: RecordData, access?: TableAccess, extras: PayloadExtras = {},
): CheckedPayload {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    fail('invalid_payload', `A record of table "${table.name}" must be a JSON object.`);
  }
  const restricted = access !== undefined && !access.unrestricted ? access : undefined;
  const unknown: FieldError[] = [];
  const errors: FieldError[] = [];
  for (const key of Object.keys(data)) {
    const field = table.fields.get(key);
    const known = field !== undefined && (!restricted || field.system || restricted.readable.has(key) || restricted.writable.has(key));
    if (FORBIDDEN_KEYS.has(key) || !field || !known) {
      unknown.push({ field: key, code: 'unknown_field', message: `Table "${table.name}" has no field "${key}".` });
    } else if (field.system) {
      unknown.push({ field: key, code: 'read_only', message: `Field "${key}" is set by the system and cannot be written.` });
    }
  }
  if (unknown.length) {
    const code = unknown.some((e) => e.code === 'unknown_field') ? 'unknown_field' : 'invalid_payload';
    fail(code, unknown.map((e) => e.message).join(' '), { fieldErrors: unknown });
  }
  if (restricted) {
    const refused: FieldError[] = Object.keys(data).filter((key) => !restricted.writable.has(key)).map((key) => {
      const field = table.fields.get(key)!;
      return field.protected || field.readOnly
        ? { field: key, code: 'read_only', message: `${field.label ?? key} is set by the system, rules or workflows and cannot be assigned.` }
        : { field: key, code: 'forbidden_field', message: `${actor.username} may not ${existing ? 'change' : 'set'} ${field.label ?? key}.` };
    });
    if (refused.length) fail('forbidden', refused.map((e) => e.message).join(' '), { fieldErrors: refused });
  }

  const values: RecordData = {};
  const journal: { field: string; body: string }[] = [];
  const forced = extras.forced ?? {};
  // Earlier errors take the place of the field's own checks, in field order.
  const earlier = new Map((extras.errors ?? []).map((e) => [e.field, e]));
  for (const field of table.fields.values()) {
    if (field.system) continue;
    const prior = earlier.get(field.name);
    if (prior) { errors.push(prior); earlier.delete(field.name); continue; }
    const isForced = Object.prototype.hasOwnProperty.call(forced, field.name);
    const present = isForced || Object.prototype.hasOwnProperty.call(data, field.name);
    let value: unknown;
    if (isForced) value = forced[field.name];
    else if (present) value = data[field.name];
    else if (!existing && field.default !== undefined) value = resolveDefault(field, actor, now, extras.user);
    else if (existing) continue;
    else value = null;

    const checked = checkFieldValue(field, value, existing?.[field.name]);
    if (!checked.ok) {
      errors.push({ field: field.name, code: checked.code, message: checked.message });
      continue;
    }
    if (field.type === 'journal') {
      if (!isEmptyValue(checked.value)) journal.push({ field: field.name, body: checked.value as string });
      continue;
    }
    // Required applies to a create, and to an update that clears the field; required journal fields would make
    // every update add an entry, so required is not enforced on journals.
    if (field.required && isEmptyValue(checked.value)) {
      errors.push({ field: field.name, code: 'required', message: `${field.label ?? field.name} is required.` });
      continue;
    }
    values[field.name] = checked.value;
  }
  errors.push(...earlier.values());
  errors.push(...dependentChoiceErrors(table, values, existing, new Set(errors.map((e) => e.field))));
  if (errors.length) {
    fail('validation_failed', `${errors.length} field${errors.length > 1 ? 's are' : ' is'} not valid: ${errors.map((e) => e.message).join(' ')}`, { fieldErrors: errors });
  }
  return { values, journal };
}

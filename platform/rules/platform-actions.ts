/**
 * Platform actions: things the platform's own code does that no record write can (disable an account, say), which a
 * definition names in a `{ "type": "platform", "action": "<name>", "with": { … } }` action. Each is registered by
 * the part of the engine that owns what it acts on (`registerPlatformAction`), with a label, a description and its
 * parameters declared with the field model, so lint can refuse an unknown name or parameter and a literal of the wrong
 * type before anything runs, and the run checks the rendered values the same way.
 *
 * A platform action runs inside the transaction of the write that set it off and as its actor: it must check, like
 * any service, that the person behind that actor may do what it does — a definition names the action, it does not
 * grant the power. Modules register their actions before definitions are validated (platform/kinds.ts).
 */
import type { Knex } from 'knex';
import type { Formwork } from '../context.js';
import type { FieldDef, Registry, ResolvedField, ResolvedTable } from '../definitions/types.js';
import { fail, type FieldError } from '../errors.js';
import { checkFieldValue, isEmptyValue } from '../records/field-values.js';
import type { Actor, RecordData } from '../records/types.js';

/** Where a platform action runs: the engine, who acts, and the record whose transition set it off. */
export interface PlatformActionContext {
  readonly fw: Formwork;
  /** The actor of the transition (a workflow actor acting for `person`). */
  readonly actor: Actor;
  /** The person behind the actor: whose authority the action checks. */
  readonly person: Actor;
  readonly registry: Registry;
  readonly table: ResolvedTable;
  /** The record as written by the transition. */
  readonly record: RecordData;
  readonly now: Date;
  /** Who set it off, for messages: 'Transition "approve"'. */
  readonly who: string;
}

/** A platform action: its machine name (`area.verb`), words for people, typed parameters and what it does. */
export interface PlatformAction {
  /** E.g. `account.revoke`: lower-case words joined by dots. */
  name: string;
  label: string;
  description: string;
  /** The parameters, with the field model (type, required, maxLength, names…). */
  parameters: Record<string, FieldDef>;
  /**
   * Do it in `trx` with the checked parameters. Fails with the platform's stable codes (forbidden, conflict…); a
   * failure rolls back the whole write.
   */
  run(ctx: PlatformActionContext, params: Record<string, unknown>, trx: Knex.Transaction): Promise<void>;
}

const actions = new Map<string, PlatformAction>();

/** Make a platform action known by its name; registering the same name again replaces it (a module reloaded in tests). */
export function registerPlatformAction(action: PlatformAction): void {
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(action.name)) {
    throw new Error(`A platform action's name is lower-case words joined by dots, e.g. "account.revoke"; got "${action.name}".`);
  }
  actions.set(action.name, action);
}

/** The platform action of that name, if registered. */
export function platformAction(name: string): PlatformAction | undefined {
  return actions.get(name);
}

/** Every registered platform action, by name. */
export function platformActions(): PlatformAction[] {
  return [...actions.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A parameter as a field, for the value checks records use. */
export function parameterField(action: string, name: string, def: FieldDef): ResolvedField {
  return { ...def, name, label: def.label ?? name, column: name, declaredBy: `platform action:${action}`, system: false };
}

/**
 * Check rendered values against the action's parameters: unknown ones, values of the wrong type and missing required
 * ones each become a field error naming `with.<name>`. Returns the values as normalised.
 */
export function checkPlatformParameters(
  action: PlatformAction, values: Record<string, unknown>,
): { values: Record<string, unknown>; errors: FieldError[] } {
  const out: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(values)) {
    const def = action.parameters[name];
    if (!def) {
      errors.push({ field: `with.${name}`, code: 'unknown_field', message: `"${action.label}" takes no parameter "${name}".` });
      continue;
    }
    const checked = checkFieldValue(parameterField(action.name, name, def), value);
    if (!checked.ok) errors.push({ field: `with.${name}`, code: checked.code, message: checked.message });
    else out[name] = checked.value;
  }
  for (const [name, def] of Object.entries(action.parameters)) {
    if (def.required && isEmptyValue(out[name]) && !errors.some((e) => e.field === `with.${name}`)) {
      errors.push({ field: `with.${name}`, code: 'required', message: `"${action.label}" needs ${def.label ?? name}.` });
    }
  }
  return { values: out, errors };
}

/**
 * Run platform action `name` with `values` (already rendered) in `trx`. Errors: internal_error for an action no
 * module registered (lint refuses it), validation_failed naming each bad `with.<name>`, and whatever the action throws.
 */
export async function runPlatformAction(
  ctx: PlatformActionContext, name: string, values: Record<string, unknown>, trx: Knex.Transaction,
): Promise<void> {
  const action = platformAction(name);
  if (!action) fail('internal_error', `${ctx.who} runs the platform action "${name}", which does not exist.`);
  const checked = checkPlatformParameters(action, values);
  if (checked.errors.length) {
    fail('validation_failed', `${ctx.who} cannot run "${action.label}": ${checked.errors.map((e) => e.message).join(' ')}`, { fieldErrors: checked.errors });
  }
  await action.run(ctx, checked.values, trx);
}

/**
 * The one executor of actions (common.schema.json `action`): business rules, SLA warnings and breaches and workflow
 * transitions hand it their actions and an {@link ActionTarget} saying what each action does where they run (a before
 * rule changes the record being written, an after rule or an SLA updates it, a transition adds to its own update).
 * Rendering is done here, the same way for all: a string holding `{{…}}` is a Handlebars template over the context
 * (platform/rules/templates.ts); exactly one `{{path}}` gives the value at that path as is, other templates give
 * text, converted to the field's type where it is a number or boolean; an empty result is null. Anything else is a
 * literal. Templates are compiled once per registry snapshot. A `platform` action's parameters are rendered in the
 * types its platform action declares (platform-actions.ts) and checked there before it runs.
 */
import type { Registry, ResolvedField, ResolvedTable } from '../definitions/types.js';
import { fail } from '../errors.js';
import type { RecordData } from '../records/types.js';
import { coerceToField, compileTemplate, isTemplate, lookupPath, singlePath, type Template, type TemplateContext } from './templates.js';
import { parameterField, platformAction } from './platform-actions.js';
import type { Action } from './types.js';

/** What the actions do where they run. An action whose method is missing is not allowed there (lint refuses it). */
export interface ActionTarget {
  readonly registry: Registry;
  /** The table of the record the actions act on (its class). */
  readonly table: ResolvedTable;
  /** Who runs them, for messages: 'Rule "x"', 'SLA "y"', 'Transition "z"'. */
  readonly who: string;
  /** `set` and `assign`: field values for the record (rendered and converted to each field's type). */
  set?(values: RecordData): Promise<void>;
  /** `journal`: an entry (not empty) for a journal field of the record. */
  journal?(field: string, body: string): Promise<void>;
  /** `createRecord`: a new record of `table`; `link` names the record's reference field to point at it. */
  createRecord?(table: ResolvedTable, values: RecordData, link: string | undefined): Promise<void>;
  emitEvent?(event: string, payload: Record<string, unknown>): Promise<void>;
  /** `abort`: refuse the operation with the rendered message (never returns). */
  abort?(message: string): never;
  queue?(queue: string): Promise<void>;
  notify?(notification: string): Promise<void>;
  /** `platform`: run the platform action `action` with its rendered parameters (checked by the runner). */
  platform?(action: string, values: Record<string, unknown>): Promise<void>;
}

function template(registry: Registry, source: string): Template {
  const cache = registry.memo('actions.templates', () => new Map<string, Template>());
  let t = cache.get(source);
  if (!t) { t = compileTemplate(source); cache.set(source, t); }
  return t;
}

/** A value as an action gives it: a literal, or a rendered template in the field's type. */
export function renderValue(registry: Registry, raw: unknown, field: ResolvedField | undefined, ctx: TemplateContext): unknown {
  if (!isTemplate(raw)) return raw === undefined ? null : structuredClone(raw);
  const path = singlePath(raw);
  return coerceToField(field, path ? structuredClone(lookupPath(ctx, path)) : template(registry, raw)(ctx));
}

/** A rendered template as text ('' for nothing). */
export function renderText(registry: Registry, raw: string, ctx: TemplateContext): string {
  const v = renderValue(registry, raw, undefined, ctx);
  return v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Run `actions` in order against `target`. `context` is asked again before each action, so an action sees what the
 * ones before it changed. Fails with `internal_error` for an action the target does not support (lint refuses it).
 */
export async function runActions(actions: readonly Action[], context: () => TemplateContext, target: ActionTarget): Promise<void> {
  const { registry, table } = target;
  const unsupported = (type: string): never => fail('internal_error', `${target.who} has a "${type}" action, which cannot run there.`);
  for (const action of actions) {
    const ctx = context();
    switch (action.type) {
      case 'set': case 'assign': {
        if (!target.set) unsupported(action.type);
        const fields = action.type === 'set' ? action.fields : { [action.field]: action.value };
        const values: RecordData = {};
        for (const [name, raw] of Object.entries(fields)) {
          const field = table.fields.get(name);
          if (!field || field.system) fail('internal_error', `${target.who} sets "${name}", which is not a field it may set on table "${table.name}".`);
          values[name] = renderValue(registry, raw, field, ctx);
        }
        await target.set!(values);
        break;
      }
      case 'journal': {
        if (!target.journal) unsupported(action.type);
        const field = table.fields.get(action.field);
        if (!field || field.type !== 'journal') fail('internal_error', `${target.who} writes to "${action.field}", which is not a journal field of table "${table.name}".`);
        const body = renderText(registry, action.body, ctx);
        if (body.trim()) await target.journal!(action.field, body);
        break;
      }
      case 'createRecord': {
        if (!target.createRecord) unsupported(action.type);
        const made = registry.getTable(action.table);
        const values: RecordData = {};
        for (const [name, raw] of Object.entries(action.values)) values[name] = renderValue(registry, raw, made.fields.get(name), ctx);
        await target.createRecord!(made, values, action.link);
        break;
      }
      case 'emitEvent': {
        if (!target.emitEvent) unsupported(action.type);
        const payload: Record<string, unknown> = {};
        for (const [name, raw] of Object.entries(action.payload ?? {})) payload[name] = renderValue(registry, raw, undefined, ctx);
        await target.emitEvent!(action.event, payload);
        break;
      }
      case 'abort':
        if (!target.abort) unsupported(action.type);
        target.abort!(renderText(registry, action.message, ctx).trim());
        break;
      case 'queue':
        if (!target.queue) unsupported(action.type);
        await target.queue!(action.queue);
        break;
      case 'notify':
        if (!target.notify) unsupported(action.type);
        await target.notify!(action.notification);
        break;
      case 'platform': {
        if (!target.platform) unsupported(action.type);
        const declared = platformAction(action.action)?.parameters ?? {};
        const values: Record<string, unknown> = {};
        for (const [name, raw] of Object.entries(action.with ?? {})) {
          const def = declared[name];
          values[name] = renderValue(registry, raw, def ? parameterField(action.action, name, def) : undefined, ctx);
        }
        await target.platform!(action.action, values);
        break;
      }
      default:
        fail('internal_error', `${target.who} has an action of unknown type "${(action as { type: string }).type}".`);
    }
  }
}

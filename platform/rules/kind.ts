/**
 * The `rule` kind: business rules (platform/rules/business-rules.ts) — before or after a table's creates, updates
 * or deletes, ordered, with a condition, actions and `else` actions. Checked here: the table, the condition (with `previous.*`
 * and the change operators), every field an action names, the targets of created records and the templates.
 */
import { defineKind, type LintContext } from '../definitions/kinds.js';
import { readSchemaPart } from '../definitions/schema.js';
import type { ResolvedTable } from '../definitions/types.js';
import { checkFieldValue } from '../records/field-values.js';
import { parameterField, platformAction, platformActions } from './platform-actions.js';
import { checkTemplate, isTemplate } from './templates.js';
import { RULE_ACTION_TYPES, type Action, type ActionType, type RuleDef } from './types.js';

declare module '../definitions/kinds.js' {
  interface KindTypes { rule: { def: RuleDef; map: 'rules' } }
}

/** Report a template that does not compile. */
export function lintTemplate(ctx: LintContext, at: string, v: unknown, table?: ResolvedTable): void {
  if (!isTemplate(v)) return;
  const problem = checkTemplate(v, table);
  if (problem) ctx.report(at, `The template does not compile: ${problem}`, { value: v });
}

/** A field an action gives a value: it exists, is not a system field, and a literal value fits it. */
export function lintValueFor(ctx: LintContext, target: ResolvedTable | undefined, name: string, v: unknown, fieldAt: string, valueAt: string, who = 'a rule'): void {
  ctx.fieldRef(fieldAt, target, name);
  const f = target?.fields.get(name);
  if (f?.system) ctx.report(fieldAt, `Field "${name}" is set by the system; ${who} cannot set it.`, { value: name });
  else if (f && !isTemplate(v) && f.type !== 'journal') {
    const checked = checkFieldValue(f, v);
    if (!checked.ok) ctx.report(valueAt, checked.message, { value: v });
  }
  lintTemplate(ctx, valueAt, v);
}

/** How an action list is used: who runs it (for messages), which types it allows, and what it may not do there. */
export interface ActionUse {
  /** "a rule", "an SLA action", "a transition"… */
  who: string;
  /** The action types allowed here (the schema says the same; lint names the place in its message). */
  allowed: readonly ActionType[];
  /** The actions run only on delete: setting fields would have no effect. */
  onlyDelete?: boolean;
  /** A field the actions may not set (a workflow's state field: only the transition's `to` changes it). */
  stateField?: string;
  /** Whether the record has a queue field (`queue` actions need one). */
  queueField?: string;
  /** `createRecord` may `link` the created record from the acting record (transitions). */
  link?: boolean;
}

/** Lint a list of actions (rules, SLA warning and breach actions, workflow transitions) on a table. */
export function lintActions(
  ctx: LintContext, table: ResolvedTable | undefined, actions: readonly Action[] | undefined, at: string, use: ActionUse,
): void {
  const guardState = (name: string, pointer: string) => {
    if (use.stateField !== undefined && name === use.stateField) ctx.report(pointer, `The state field "${name}" changes only by the transition's "to".`, { value: name });
  };
  actions?.forEach((a, i) => {
    const p = `${at}/${i}`;
    if (!use.allowed.includes(a.type)) {
      ctx.report(`${p}/type`, `${use.who[0]!.toUpperCase()}${use.who.slice(1)} cannot use a "${a.type}" action.`, { expected: use.allowed.join(', '), value: a.type });
      return;
    }
    switch (a.type) {
      case 'set':
        if (use.onlyDelete) ctx.report(`${p}/type`, `A "set" action has no effect in ${use.who} that runs only on delete.`);
        for (const [name, v] of Object.entries(a.fields)) {
          lintValueFor(ctx, table, name, v, `${p}/fields/${name}`, `${p}/fields/${name}`, use.who);
          guardState(name, `${p}/fields/${name}`);
        }
        break;
      case 'assign':
        if (use.onlyDelete) ctx.report(`${p}/type`, `An "assign" action has no effect in ${use.who} that runs only on delete.`);
        lintValueFor(ctx, table, a.field, a.value, `${p}/field`, `${p}/value`, use.who);
        guardState(a.field, `${p}/field`);
        break;
      case 'journal': {
        ctx.fieldRef(`${p}/field`, table, a.field);
        const f = table?.fields.get(a.field);
        if (f && f.type !== 'journal') ctx.report(`${p}/field`, `Field "${a.field}" is not a journal field (it is ${f.type}).`, { expected: ctx.expected([...table!.fields.values()].filter((x) => x.type === 'journal').map((x) => x.name)), value: a.field });
        lintTemplate(ctx, `${p}/body`, a.body, table);
        break;
      }
      case 'abort':
        lintTemplate(ctx, `${p}/message`, a.message, table);
        break;
      case 'createRecord': {
        const target = ctx.tableRef(`${p}/table`, a.table);
        if (target?.def.abstract) ctx.report(`${p}/table`, `Table "${target.name}" is abstract: create records in a table that extends it.`);
        for (const [name, v] of Object.entries(a.values)) lintValueFor(ctx, target, name, v, `${p}/values/${name}`, `${p}/values/${name}`, use.who);
        if (a.link !== undefined) lintLink(ctx, table, target, a.link, `${p}/link`, use);
        break;
      }
      case 'emitEvent':
        for (const [name, v] of Object.entries(a.payload ?? {})) lintTemplate(ctx, `${p}/payload/${name}`, v);
        break;
      case 'queue':
        if (use.queueField === undefined) ctx.report(`${p}/queue`, 'A queue needs the workflow to name its "queueField" (the field that holds the queue).');
        break;
      case 'notify': {
        const n = ctx.ref('notification', `${p}/notification`, a.notification) ? ctx.defs('notification').get(a.notification) : undefined;
        if (n?.table && table && n.table !== table.name && !table.ancestors.includes(n.table)) {
          ctx.report(`${p}/notification`, `Notification "${a.notification}" is sent for records of table "${n.table}", not "${table.name}": it would never be sent from here.`, { value: a.notification });
        }
        break;
      }
      case 'platform':
        lintPlatformAction(ctx, table, a, p);
        break;
      default:
    }
  });
}

/**
 * A platform action: a registered name, and parameters it declares, every required one given, literals of its type
 * (templates are checked when rendered, as the run checks every value).
 */
function lintPlatformAction(ctx: LintContext, table: ResolvedTable | undefined, a: Extract<Action, { type: 'platform' }>, p: string): void {
  const action = platformAction(a.action);
  if (!action) {
    ctx.report(`${p}/action`, `There is no platform action "${a.action}".`, {
      value: a.action, expected: ctx.expected(platformActions().map((x) => x.name), a.action),
    });
    return;
  }
  const given = a.with ?? {};
  for (const [name, v] of Object.entries(given)) {
    const def = action.parameters[name];
    if (!def) {
      ctx.report(`${p}/with/${name}`, `Platform action "${action.name}" takes no parameter "${name}".`, {
        value: name, expected: ctx.expected(Object.keys(action.parameters), name),
      });
      continue;
    }
    if (isTemplate(v)) { lintTemplate(ctx, `${p}/with/${name}`, v, table); continue; }
    const checked = checkFieldValue(parameterField(action.name, name, def), v);
    if (!checked.ok) ctx.report(`${p}/with/${name}`, `Parameter "${name}" of "${action.name}": ${checked.message}`, { value: v });
  }
  for (const [name, def] of Object.entries(action.parameters)) {
    if (def.required && (given[name] === undefined || given[name] === null || given[name] === '')) {
      ctx.report(`${p}/with`, `Platform action "${action.name}" needs parameter "${name}" (${def.label ?? name}).`, {
        expected: Object.keys(action.parameters).join(', '),
      });
    }
  }
}

/** `link`: a single reference field of the acting record to the created record's table (or one it extends). */
function lintLink(
  ctx: LintContext, table: ResolvedTable | undefined, target: ResolvedTable | undefined, link: string, at: string, use: ActionUse,
): void {
  if (!use.link) { ctx.report(at, `Only a transition's createRecord can link the created record; ${use.who} cannot.`, { value: link }); return; }
  if (!table) return;
  ctx.fieldRef(at, table, link);
  const f = table.fields.get(link);
  if (f && target && (f.type !== 'reference' || f.multiple || (f.reference !== target.name && !target.ancestors.includes(f.reference!)))) {
    ctx.report(at, `Field "${link}" must be a reference to table "${target.name}" (or a table it extends) to link the created record.`, { value: link });
  } else if (link === use.stateField) {
    ctx.report(at, `The state field "${link}" cannot link a created record.`, { value: link });
  }
}

function lintRule(def: RuleDef, ctx: LintContext): void {
  const table = ctx.tableRef('/table', def.table);
  if (def.condition !== undefined) ctx.condition('/condition', table, def.condition, { compilable: false, allowPrevious: true });
  const use: ActionUse = { who: 'a rule', allowed: RULE_ACTION_TYPES, onlyDelete: def.operations.every((o) => o === 'delete') };
  lintActions(ctx, table, def.actions, '/actions', use);
  if (def.else !== undefined && def.condition === undefined) ctx.report('/else', 'A rule without a condition always runs its actions: "else" actions need a "condition".');
  lintActions(ctx, table, def.else, '/else', use);
}

export const ruleKind = defineKind({
  kind: 'rule',
  map: 'rules',
  summary: 'a business rule run before or after records are written',
  schema: readSchemaPart(new URL('./rule.schema.json', import.meta.url)),
  lint: lintRule,
  replaced: [
    { at: '/operations/*', value: 'insert', use: 'write "create" (the operation names roles use).' },
  ],
  // Lower order first; ties by name (the order business rules run in).
  compare: (a, b) => a.order - b.order || a.name.localeCompare(b.name),
});

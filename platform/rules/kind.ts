/**
 * The `rule` kind: business rules (platform/rules/business-rules.ts) — before or after a table's inserts, updates
 * or deletes, ordered, with a condition and actions. Checked here: the table, the condition (with `previous.*`
 * and the change operators), every field an action names, the targets of created records and the templates.
 */
import { defineKind, type LintContext } from '../definitions/kinds.js';
import { readSchemaPart } from '../definitions/schema.js';
import type { ResolvedTable } from '../definitions/types.js';
import { checkFieldValue } from '../records/field-values.js';
import { checkTemplate, isTemplate } from './templates.js';
import type { RuleAction, RuleDef } from './types.js';

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

/** How an action list is used: who runs it (for messages), and what it may not do there. */
export interface ActionUse {
  /** "a rule", "an SLA action"… */
  who: string;
  /** The actions run only on delete: setting fields would have no effect. */
  onlyDelete?: boolean;
  /** Why `abort` is refused here, when it is. */
  noAbort?: string;
}

/** Lint a list of actions (rules, SLA warning and breach actions) on a table. */
export function lintActions(ctx: LintContext, table: ResolvedTable | undefined, actions: readonly RuleAction[] | undefined, at: string, use: ActionUse): void {
  actions?.forEach((a, i) => {
    const p = `${at}/${i}`;
    switch (a.type) {
      case 'set':
        if (use.onlyDelete) ctx.report(`${p}/type`, `A "set" action has no effect in ${use.who} that runs only on delete.`);
        for (const [name, v] of Object.entries(a.fields)) lintValueFor(ctx, table, name, v, `${p}/fields/${name}`, `${p}/fields/${name}`, use.who);
        break;
      case 'assign':
        if (use.onlyDelete) ctx.report(`${p}/type`, `An "assign" action has no effect in ${use.who} that runs only on delete.`);
        lintValueFor(ctx, table, a.field, a.value, `${p}/field`, `${p}/value`, use.who);
        break;
      case 'journal': {
        ctx.fieldRef(`${p}/field`, table, a.field);
        const f = table?.fields.get(a.field);
        if (f && f.type !== 'journal') ctx.report(`${p}/field`, `Field "${a.field}" is not a journal field (it is ${f.type}).`, { expected: ctx.expected([...table!.fields.values()].filter((x) => x.type === 'journal').map((x) => x.name)), value: a.field });
        lintTemplate(ctx, `${p}/body`, a.body, table);
        break;
      }
      case 'abort':
        if (use.noAbort) ctx.report(`${p}/type`, use.noAbort, { expected: 'set, assign, journal, createRecord or emitEvent', value: 'abort' });
        else lintTemplate(ctx, `${p}/message`, a.message, table);
        break;
      case 'createRecord': {
        const target = ctx.tableRef(`${p}/table`, a.table);
        if (target?.def.abstract) ctx.report(`${p}/table`, `Table "${target.name}" is abstract: create records in a table that extends it.`);
        for (const [name, v] of Object.entries(a.values)) lintValueFor(ctx, target, name, v, `${p}/values/${name}`, `${p}/values/${name}`, use.who);
        break;
      }
      case 'emitEvent':
        for (const [name, v] of Object.entries(a.payload ?? {})) lintTemplate(ctx, `${p}/payload/${name}`, v);
        break;
      default:
    }
  });
}

function lintRule(def: RuleDef, ctx: LintContext): void {
  const table = ctx.tableRef('/table', def.table);
  if (def.condition !== undefined) ctx.condition('/condition', table, def.condition, { compilable: false, allowPrevious: true });
  lintActions(ctx, table, def.actions, '/actions', { who: 'a rule', onlyDelete: def.operations.every((o) => o === 'delete') });
}

export const ruleKind = defineKind({
  kind: 'rule',
  map: 'rules',
  summary: 'a business rule run before or after records are written',
  schema: readSchemaPart(new URL('./rule.schema.json', import.meta.url)),
  lint: lintRule,
  // Lower order first; ties by name (the order business rules run in).
  compare: (a, b) => a.order - b.order || a.name.localeCompare(b.name),
});

/**
 * Cross-reference lint of the catalogue kinds: every name an item, set, guide or category follows exists; variables
 * are well-formed questions (valid literal defaults, known orderer facts, dependent choices without cycles); policy
 * and visibility conditions name only variables that exist (answers) or the user's facts (audiences); what an item
 * creates fits its target table (mapped fields exist and take the value, a same-named variable of another type is a
 * clash) — so an item that passes validation can be ordered.
 */
import type { Condition } from '../conditions/types.js';
import type { LintContext } from '../definitions/kinds.js';
import type { ResolvedField, ResolvedTable, SharedChoiceList } from '../definitions/types.js';
import { checkFieldValue } from '../records/field-values.js';
import { lintDependentChoices } from '../records/lint-choices.js';
import type { FieldDef } from '../definitions/model.js';
import { DEFAULT_FACTS, isFactDefault, REQUESTED_ITEM_TABLE, variableTable } from './model.js';
import type {
  CatalogCategoryDef, CatalogDef, CatalogItemDef, MappedValue, OrderGuideDef, VariableDef, VariableSetDef,
} from './types.js';
import type { UiPolicySource } from '../forms/types.js';

const NO_RECORD: ResolvedTable = variableTable('audience', 'audience', {}, new Map());

/** A condition over the user's facts only (who sees or may order something). */
function audience(ctx: LintContext, pointer: string, cond: Condition | undefined): void {
  if (cond !== undefined) ctx.condition(pointer, NO_RECORD, cond, { compilable: false, allowPrevious: false });
}

function choiceLists(ctx: LintContext): ReadonlyMap<string, SharedChoiceList> {
  return ctx.defs('choiceList');
}

/** One group of variables declared together (an item's own, a set's, a guide's). */
function lintVariables(ctx: LintContext, at: string, variables: Record<string, VariableDef>, table: ResolvedTable): void {
  for (const [name, v] of Object.entries(variables)) {
    const vat = `${at}/${name}`;
    if (v.reference !== undefined) ctx.tableRef(`${vat}/reference`, v.reference);
    if (v.choiceList !== undefined) ctx.ref('choiceList', `${vat}/choiceList`, v.choiceList);
    if (v.choiceList !== undefined && v.choices !== undefined) ctx.report(`${vat}/choiceList`, `Variable "${name}" gives both "choices" and "choiceList"; keep one.`);
    for (const key of ['visibleWhen', 'mandatoryWhen', 'readOnlyWhen'] as const) {
      if (v[key] !== undefined) ctx.condition(`${vat}/${key}`, table, v[key], { compilable: false, allowPrevious: false });
    }
    if (v.default === undefined || (v.default === '$now' && (v.type === 'date' || v.type === 'datetime'))) continue;
    if (isFactDefault(v.default)) {
      const fact = v.default.fact.replace(/^user\./, '');
      if (!v.default.fact.startsWith('user.') || !(DEFAULT_FACTS as readonly string[]).includes(fact)) {
        ctx.report(`${vat}/default/fact`, `"${v.default.fact}" is not a fact of the orderer.`, {
          expected: DEFAULT_FACTS.map((f) => `user.${f}`).join(', '), value: v.default.fact,
        });
      }
      continue;
    }
    const field = table.fields.get(name);
    if (field) {
      const checked = checkFieldValue(field, v.default);
      if (!checked.ok) ctx.report(`${vat}/default`, checked.message, { value: v.default });
    }
  }
  // Dependent choices, as for table fields: the synthetic table's own declarations are these variables.
  const declared: ResolvedTable = { ...table, def: { ...table.def, fields: variables as unknown as Record<string, FieldDef> } };
  lintDependentChoices(declared, (pointer, message, extra) => ctx.report(pointer.replace(/^\/fields/, at), message, extra));
}

function lintPolicies(ctx: LintContext, policies: UiPolicySource[] | undefined, table: ResolvedTable): void {
  policies?.forEach((p, i) => {
    ctx.condition(`/uiPolicies/${i}/condition`, table, p.condition, { compilable: false, allowPrevious: false });
    p.actions.forEach((a, j) => {
      const at = `/uiPolicies/${i}/actions/${j}`;
      if (a.field !== undefined && a.fields !== undefined) {
        ctx.report(`${at}/fields`, 'An action names its variables once: give "field" or "fields", not both.');
        return;
      }
      const named = a.fields ? a.fields.map((n, k) => ({ n, pointer: `${at}/fields/${k}` })) : [{ n: a.field!, pointer: `${at}/field` }];
      for (const { n, pointer } of named) {
        const f = table.fields.get(n);
        if (!f) {
          ctx.report(pointer, `There is no variable "${n}" here.`, { expected: ctx.expected(table.fields.keys(), n), value: n });
          continue;
        }
        if (a.value !== undefined) {
          const checked = checkFieldValue(f, a.value);
          if (!checked.ok) ctx.report(`${at}/value`, checked.message, { value: a.value });
        }
      }
    });
  });
}

/** Every single-answer variable an item asks (own and single-row sets'), with clashes reported. */
function itemQuestions(ctx: LintContext, item: CatalogItemDef): { table: ResolvedTable; multiRow: string[] } {
  const all: Record<string, VariableDef> = { ...(item.variables ?? {}) };
  const multiRow: string[] = [];
  const sets = ctx.defs('variableSet');
  item.variableSets?.forEach((name, i) => {
    if (!ctx.ref('variableSet', `/variableSets/${i}`, name)) return;
    const set = sets.get(name);
    if (!set) return;
    if (set.multiRow) {
      if (name in all) ctx.report(`/variableSets/${i}`, `Multi-row set "${name}" is answered under its name, which variable "${name}" already uses.`, { value: name });
      multiRow.push(name);
      return;
    }
    for (const v of Object.keys(set.variables)) {
      if (v in all || multiRow.includes(v)) ctx.report(`/variableSets/${i}`, `Variable "${v}" of set "${name}" is already asked by this item (another set or its own variables).`, { value: name });
      else all[v] = set.variables[v]!;
    }
  });
  return { table: variableTable(item.name, item.title, all, choiceLists(ctx)), multiRow };
}

function lintMapping(
  ctx: LintContext, at: string, fields: Record<string, MappedValue> | undefined, target: ResolvedTable | undefined,
  answers: ResolvedTable, multiRow: string[],
): void {
  for (const [name, value] of Object.entries(fields ?? {})) {
    const fat = `${at}/${name}`;
    ctx.fieldRef(fat, target, name);
    const field = target?.fields.get(name);
    if (field?.system) ctx.report(fat, `Field "${name}" is set by the system; ordering cannot give it a value.`, { value: name });
    if (value !== null && typeof value === 'object') {
      if (multiRow.includes(value.variable)) {
        if (field && field.type !== 'json') ctx.report(`${fat}/variable`, `"${value.variable}" is a multi-row set (a list of rows): only a json field can hold it.`, { value: value.variable });
        continue;
      }
      const v = answers.fields.get(value.variable);
      if (!v) ctx.report(`${fat}/variable`, `There is no variable "${value.variable}" in this item.`, { expected: ctx.expected(answers.fields.keys(), value.variable), value: value.variable });
      else if (field && !compatible(v, field)) ctx.report(`${fat}/variable`, `Variable "${value.variable}" is ${v.type} but field "${name}" is ${field.type}.`, { value: value.variable });
    } else if (field && !field.system) {
      const checked = checkFieldValue(field, value);
      if (!checked.ok) ctx.report(fat, checked.message, { value });
    }
  }
}

const TEXTUAL = new Set(['string', 'text', 'email', 'phone', 'url', 'postcode', 'choice']);

/** Whether an answer of the variable's type can be stored in the field. */
function compatible(v: ResolvedField, field: ResolvedField): boolean {
  if (v.type === field.type) return v.type !== 'reference' || v.reference === field.reference;
  if (field.type === 'text' || field.type === 'string') return TEXTUAL.has(String(v.type)) && !v.multiple;
  if (field.type === 'decimal' || field.type === 'currency') return v.type === 'integer' || v.type === 'decimal' || v.type === 'currency';
  return false;
}

function lintTarget(ctx: LintContext, item: CatalogItemDef, answers: ResolvedTable, multiRow: string[]): void {
  if ('request' in item.creates) {
    const r = item.creates.request;
    const table = ctx.tableRef(r.table === undefined ? '/creates/request' : '/creates/request/table', r.table ?? REQUESTED_ITEM_TABLE);
    if (table && table.name !== REQUESTED_ITEM_TABLE && !table.ancestors.includes(REQUESTED_ITEM_TABLE)) {
      ctx.report('/creates/request/table', `Table "${table.name}" does not extend "${REQUESTED_ITEM_TABLE}": requested items live in that table or one extending it.`, { value: table.name });
    }
    if (table?.def.abstract) ctx.report('/creates/request/table', `Table "${table.name}" is abstract: no record can be created in it.`, { value: table.name });
    lintMapping(ctx, '/creates/request/fields', r.fields, table, answers, multiRow);
    return;
  }
  const r = item.creates.record;
  const table = ctx.tableRef('/creates/record/table', r.table);
  if (table?.def.abstract) ctx.report('/creates/record/table', `Table "${table.name}" is abstract: no record can be created in it.`, { value: table.name });
  if (r.form !== undefined && ctx.ref('form', '/creates/record/form', r.form)) {
    const form = ctx.defs('form').get(r.form);
    if (form && table && form.table !== table.name && !table.ancestors.includes(form.table)) {
      ctx.report('/creates/record/form', `Form "${r.form}" is a form of table "${form.table}", not "${table.name}".`, { value: r.form });
    }
  }
  if (item.quantity !== undefined && item.quantity !== false) ctx.report('/quantity', 'Only items creating requests ask for a quantity; a record producer creates one record.');
  lintMapping(ctx, '/creates/record/fields', r.fields, table, answers, multiRow);
  if (!table) return;
  // Same-named variables fill their field: one whose answer the field cannot hold is a clash, not a mapping.
  const mapped = new Set(Object.keys(r.fields ?? {}));
  for (const [name, v] of answers.fields) {
    const field = table.fields.get(name);
    if (!field || mapped.has(name)) continue;
    const at = item.variables && name in item.variables ? `/variables/${name}` : '/variableSets';
    if (field.system) ctx.report(at, `Variable "${name}" has the name of a system field of "${table.name}"; rename it (it cannot fill that field).`, { value: name });
    else if (!compatible(v, field)) ctx.report(at, `Variable "${name}" (${v.type}) has the name of field "${name}" of "${table.name}" (${field.type}), so it would fill it; rename it or make the types agree.`, { value: name });
  }
}

/** Lint of a catalogue. */
export function lintCatalog(def: CatalogDef, ctx: LintContext): void {
  audience(ctx, '/visibleTo', def.visibleTo);
}

/** Lint of a category: its catalogue and parent exist, and the parent is of the same catalogue. */
export function lintCategory(def: CatalogCategoryDef, ctx: LintContext): void {
  ctx.ref('catalog', '/catalog', def.catalog);
  audience(ctx, '/visibleTo', def.visibleTo);
  if (def.parent === undefined) return;
  if (def.parent === def.name) { ctx.report('/parent', `Category "${def.name}" cannot sit under itself.`, { value: def.parent }); return; }
  if (!ctx.ref('catalogCategory', '/parent', def.parent)) return;
  const parent = ctx.defs('catalogCategory').get(def.parent);
  if (parent && parent.catalog !== def.catalog) {
    ctx.report('/parent', `Category "${def.parent}" belongs to catalogue "${parent.catalog}", not "${def.catalog}".`, { value: def.parent });
  }
}

/** Parent chains that lead back to where they started. */
export function lintCategoryCycles(defs: ReadonlyMap<string, CatalogCategoryDef>, ctx: (def: CatalogCategoryDef) => LintContext): void {
  for (const def of defs.values()) {
    const path = [def.name];
    let next = def.parent;
    while (next !== undefined && !path.includes(next)) {
      path.push(next);
      next = defs.get(next)?.parent;
    }
    if (next === def.name && path.length > 1) ctx(def).report('/parent', `Categories form a cycle: ${[...path, def.name].join(' → ')}.`, { value: def.parent });
  }
}

function lintShelving(ctx: LintContext, def: CatalogItemDef | OrderGuideDef, other: 'catalogItem' | 'orderGuide'): void {
  def.categories.forEach((c, i) => ctx.ref('catalogCategory', `/categories/${i}`, c));
  if (ctx.declared(other, def.name)) {
    ctx.report('/name', `An ${other === 'orderGuide' ? 'order guide' : 'item'} is also named "${def.name}": items and guides share one list, so their names must differ.`, { value: def.name });
  }
  audience(ctx, '/availableFor', def.availableFor);
  audience(ctx, '/notAvailableFor', def.notAvailableFor);
}

/** Lint of an item. */
export function lintItem(item: CatalogItemDef, ctx: LintContext): void {
  lintShelving(ctx, item, 'orderGuide');
  const { table, multiRow } = itemQuestions(ctx, item);
  const own = variableTable(item.name, item.title, item.variables ?? {}, choiceLists(ctx));
  // The item's own variables may depend on each other only; conditions may name any answer the item asks.
  lintVariables(ctx, '/variables', item.variables ?? {}, { ...own, fields: new Map([...table.fields, ...own.fields]) });
  lintPolicies(ctx, item.uiPolicies, table);
  lintTarget(ctx, item, table, multiRow);
  if (item.attachments?.maxFiles !== undefined && item.attachments.required === true && item.attachments.maxFiles < 1) {
    ctx.report('/attachments/maxFiles', 'A required attachment needs room for at least one file.');
  }
}

/** Lint of a variable set. */
export function lintVariableSet(set: VariableSetDef, ctx: LintContext): void {
  const table = variableTable(set.name, set.title, set.variables, choiceLists(ctx));
  lintVariables(ctx, '/variables', set.variables, table);
  lintPolicies(ctx, set.uiPolicies, table);
  if (!set.multiRow && (set.minRows !== undefined || set.maxRows !== undefined)) {
    ctx.report(set.minRows !== undefined ? '/minRows' : '/maxRows', 'Row limits apply to multi-row sets only; add "multiRow": true or remove them.');
  }
  if (set.minRows !== undefined && set.maxRows !== undefined && set.minRows > set.maxRows) {
    ctx.report('/minRows', `At least ${set.minRows} rows but at most ${set.maxRows}: no answer could satisfy both.`, { value: set.minRows });
  }
}

/** Lint of an order guide: its items exist, `when` conditions name its variables, cascades fit their targets. */
export function lintGuide(guide: OrderGuideDef, ctx: LintContext): void {
  lintShelving(ctx, guide, 'catalogItem');
  const table = variableTable(guide.name, guide.title, guide.variables, choiceLists(ctx));
  lintVariables(ctx, '/variables', guide.variables, table);
  lintPolicies(ctx, guide.uiPolicies, table);
  const items = ctx.defs('catalogItem');
  guide.items.forEach((entry, i) => {
    if (entry.when !== undefined) ctx.condition(`/items/${i}/when`, table, entry.when, { compilable: false, allowPrevious: false });
    if (!ctx.ref('catalogItem', `/items/${i}/item`, entry.item)) return;
    const item = items.get(entry.item);
    if (!item) return;
    // Answers cascade by name: one the item's variable cannot hold would refuse the order it prepares.
    const target = itemQuestions({ ...ctx, report: () => undefined, ref: () => true } as LintContext, item).table;
    for (const [name, v] of table.fields) {
      const t = target.fields.get(name);
      if (t && !compatible(v, t)) {
        ctx.report(`/variables/${name}`, `Answers cascade into item "${item.name}", whose variable "${name}" is ${t.type}, not ${v.type}.`, { value: name });
      }
    }
  });
}

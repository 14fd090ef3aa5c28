/**
 * What an item or order guide asks, in the shapes the rest of the engine already understands, so answers are checked
 * by the code that checks record fields and policies run as on forms:
 *
 *  - a synthetic table (`catalog:<name>`) with one field per variable of the item and of its single-row sets, so
 *    checkFieldValue, dependent choices and applyPolicies work on answers unchanged;
 *  - a form: one section per `section` heading (variables before the first heading form an untitled section), the
 *    item's and sets' policies, then each variable's visibleWhen / mandatoryWhen / readOnlyWhen as policies on it;
 *  - multi-row sets, each with its own synthetic table and form, checked row by row.
 *
 * Built once per registry snapshot (registry.memo), after lint, so every name it follows exists. No Node imports:
 * the browser may import it.
 */
import type { Condition } from '../conditions/types.js';
import type { Registry, ResolvedField, ResolvedTable, SharedChoiceList, TableDef } from '../definitions/types.js';
import { entryPolicies } from '../forms/normalise.js';
import type { FormDef, FormSection, UiPolicy, UiPolicySource } from '../forms/types.js';
import { compileEvaluator, type Evaluator } from '../conditions/browser.js';
import { DEFAULT_FACTS, factNeedsProfile, factValue, isFactDefault, type UserFacts } from '../access/fact-defaults.js';
import type { CatalogItemDef, OrderGuideDef, VariableDef, VariableSetDef } from './types.js';

/** The requested-item table items create by default; tables extending it may fulfil items their own way. */
export const REQUESTED_ITEM_TABLE = 'catalog_request_item';
/** The request table (REQ…), the parent of requested items. */
export const REQUEST_TABLE = 'catalog_request';

/** Default multi-row limits. */
export const DEFAULT_MAX_ROWS = 50;
/** The most that may be ordered at once when an item says only `quantity: true`. */
export const DEFAULT_MAX_QUANTITY = 100;

export interface ResolvedMultiRow {
  name: string;
  set: VariableSetDef;
  table: ResolvedTable;
  form: FormDef;
  minRows: number;
  maxRows: number;
}

export interface ResolvedQuestions {
  /** Every single answer (item and single-row set variables) as a field of one synthetic table. */
  table: ResolvedTable;
  form: FormDef;
  multiRow: ResolvedMultiRow[];
  /** Every answerable name: variables, then multi-row set names. */
  variableNames: string[];
  /** Each variable's requested width (absent: full). */
  widths: Record<string, 'half' | 'third'>;
  /** Single answers' declared defaults, facts of the orderer included (see defaultAnswers). */
  declaredDefaults: Record<string, { type: string; value: unknown }>;
  /** Whether a default names a fact of the orderer's profile (email, names, phone, organisation's code or name). */
  needsProfile: boolean;
}

export interface ResolvedItem extends ResolvedQuestions {
  def: CatalogItemDef;
  /** The most that may be ordered at once (1 when the item does not ask). */
  maxQuantity: number;
}

export interface ResolvedGuide extends ResolvedQuestions {
  def: OrderGuideDef;
}

/** The orderer as defaults and audiences see them: the `user` fact plus their contact details and organisation. */
export type OrdererFacts = UserFacts;

export { DEFAULT_FACTS, isFactDefault };

function variableField(name: string, v: VariableDef, table: string, choiceLists: ReadonlyMap<string, SharedChoiceList>): ResolvedField {
  const { section: _s, width: _w, visibleWhen: _v, mandatoryWhen: _m, readOnlyWhen: _r, default: dflt, ...field } = v;
  const out: ResolvedField = { ...field, name, column: name, declaredBy: table, system: false };
  // A fact default is the orderer's, resolved per caller (defaultAnswers); the field keeps only literal defaults.
  if (dflt !== undefined && !isFactDefault(dflt)) out.default = dflt;
  if (v.choiceList !== undefined) {
    const list = choiceLists.get(v.choiceList);
    if (list) out.choices = list.choices.map((c) => ({ ...c }));
  }
  return out;
}

/** A synthetic resolved table over variables: what the field-value and policy code takes. */
export function variableTable(
  name: string, label: string, variables: Record<string, VariableDef>, choiceLists: ReadonlyMap<string, SharedChoiceList>,
): ResolvedTable {
  const tableName = `catalog:${name}`;
  const fields = new Map<string, ResolvedField>();
  for (const [vname, v] of Object.entries(variables)) fields.set(vname, variableField(vname, v, tableName, choiceLists));
  const def: TableDef = { kind: 'table', name: tableName, label, fields: {} };
  return {
    name: tableName, def, physical: tableName, ancestors: [], classes: [tableName], fields, fieldSets: new Map(),
    numberDigits: 7, displayField: fields.keys().next().value ?? 'id', orgField: 'org_id',
  };
}

function sectionsOf(variables: Record<string, VariableDef>, firstTitle?: string): FormSection[] {
  const sections: FormSection[] = [];
  let current: FormSection | undefined;
  for (const [name, v] of Object.entries(variables)) {
    if (!current || v.section !== undefined) {
      const title = v.section ?? (sections.length ? undefined : firstTitle);
      current = { ...(title !== undefined ? { title } : {}), columns: [[]] };
      sections.push(current);
    }
    current.columns[0]!.push(name);
  }
  return sections;
}

const expandPolicy = (p: UiPolicySource): UiPolicy => ({
  ...p, actions: p.actions.flatMap(({ field, fields, ...rest }) => (fields ?? [field!]).map((f) => ({ field: f, ...rest }))),
});

function variablePolicies(variables: Record<string, VariableDef>): UiPolicy[] {
  return Object.entries(variables).flatMap(([field, v]) => entryPolicies({
    field,
    ...(v.visibleWhen ? { visibleWhen: v.visibleWhen } : {}),
    ...(v.mandatoryWhen ? { mandatoryWhen: v.mandatoryWhen } : {}),
    ...(v.readOnlyWhen ? { readOnlyWhen: v.readOnlyWhen } : {}),
  }));
}

function widthsOf(variables: Record<string, VariableDef>): Record<string, 'half' | 'third'> {
  const out: Record<string, 'half' | 'third'> = {};
  for (const [name, v] of Object.entries(variables)) if (v.width === 'half' || v.width === 'third') out[name] = v.width;
  return out;
}

/**
 * The questions of an item or guide: its own variables, then each single-row set's (a section headed by the set's
 * title), with multi-row sets apart.
 */
function resolveQuestions(
  registry: Registry, name: string, title: string, own: Record<string, VariableDef>, setNames: readonly string[],
  policies: readonly UiPolicySource[] | undefined,
): ResolvedQuestions {
  const single: Record<string, VariableDef> = { ...own };
  const sections = sectionsOf(own);
  const declared: UiPolicy[] = (policies ?? []).map(expandPolicy);
  const multiRow: ResolvedMultiRow[] = [];
  for (const setName of setNames) {
    const set = registry.variableSets.get(setName);
    if (!set) continue;
    if (set.multiRow) {
      const table = variableTable(`${name}.${set.name}`, set.title, set.variables, registry.choiceLists);
      const setPolicies = [...(set.uiPolicies ?? []).map(expandPolicy), ...variablePolicies(set.variables)];
      multiRow.push({
        name: set.name, set, table,
        form: { kind: 'form', name: table.name, table: table.name, label: set.title, sections: sectionsOf(set.variables),
          ...(setPolicies.length ? { uiPolicies: setPolicies } : {}) },
        minRows: set.minRows ?? 0, maxRows: set.maxRows ?? DEFAULT_MAX_ROWS,
      });
      continue;
    }
    Object.assign(single, set.variables);
    const setSections = sectionsOf(set.variables, set.title);
    if (set.description !== undefined && setSections[0]) setSections[0].description = set.description;
    sections.push(...setSections);
    declared.push(...(set.uiPolicies ?? []).map(expandPolicy));
  }
  const table = variableTable(name, title, single, registry.choiceLists);
  const uiPolicies = [...declared, ...variablePolicies(single)];
  const form: FormDef = {
    kind: 'form', name: table.name, table: table.name, label: title, sections: sections.length ? sections : [{ columns: [[]] }],
    ...(uiPolicies.length ? { uiPolicies } : {}),
  };
  return {
    table, form, multiRow,
    variableNames: [...table.fields.keys(), ...multiRow.map((m) => m.name)],
    widths: widthsOf(single),
    declaredDefaults: Object.fromEntries(Object.entries(single).filter(([, v]) => v.default !== undefined)
      .map(([n, v]) => [n, { type: v.type, value: v.default }])),
    needsProfile: Object.values(single).some((v) => isFactDefault(v.default) && factNeedsProfile(v.default.fact)),
  };
}

/** The questions of a catalogue item (memoised per snapshot); `not_found` is the caller's to raise. */
export function resolveItem(registry: Registry, name: string): ResolvedItem | undefined {
  const def = registry.catalogItems.get(name);
  if (!def) return undefined;
  return registry.memo(`catalog.item.${name}`, (r) => {
    const q = resolveQuestions(r, def.name, def.title, def.variables ?? {}, def.variableSets ?? [], def.uiPolicies);
    const quantity = def.quantity;
    const maxQuantity = quantity === true ? DEFAULT_MAX_QUANTITY : typeof quantity === 'object' ? quantity.max : 1;
    return { ...q, def, maxQuantity };
  });
}

/** The questions of an order guide (memoised per snapshot). */
export function resolveGuide(registry: Registry, name: string): ResolvedGuide | undefined {
  const def = registry.orderGuides.get(name);
  if (!def) return undefined;
  return registry.memo(`catalog.guide.${name}`, (r) => ({ ...resolveQuestions(r, def.name, def.title, def.variables, [], def.uiPolicies), def }));
}

/**
 * The answers a caller starts with: literal defaults, `"$now"` (today for dates, the current time for date-times)
 * and facts of the orderer. Empty facts give no default.
 */
export function defaultAnswers(q: ResolvedQuestions, user: OrdererFacts, now: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, { type, value: declared }] of Object.entries(q.declaredDefaults)) {
    let value: unknown = declared;
    if (isFactDefault(value)) value = factValue(user, value.fact);
    else if (value === '$now') value = type === 'date' ? now.slice(0, 10) : now;
    if (value !== null && value !== '') out[name] = value;
  }
  return out;
}

const audiences = new WeakMap<object, Evaluator | null>();

/**
 * Whether an audience condition (visibleTo, availableFor…) holds for a user; absent holds. A condition that cannot
 * be evaluated holds for nobody (lint reports it before it could run).
 */
export async function audienceAllows(condition: Condition | undefined, user: OrdererFacts, now: string): Promise<boolean> {
  if (condition === undefined) return true;
  let fn = audiences.get(condition);
  if (fn === undefined) {
    try {
      fn = compileEvaluator(condition);
    } catch {
      fn = null;
    }
    audiences.set(condition, fn);
  }
  if (!fn) return false;
  try {
    return await fn({ user, now, record: {} });
  } catch {
    return false;
  }
}

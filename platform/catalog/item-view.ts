/**
 * What the portal renders: catalogue cards, item and guide cards, and the full page of an item or guide — its
 * texts, price, delivery, quantity and attachment rules, and its form as the form metadata the UI already renders
 * (platform/http/routes/meta.ts `fieldMeta` per variable, sections, the policies it runs live), the defaults
 * resolved for the person asking, and each multi-row set with its columns.
 */
import type { ResolvedTable } from '../definitions/types.js';
import type { FormDef } from '../forms/types.js';
import type { FieldMeta } from '../http/api-types.js';
import { fieldMeta } from '../http/routes/meta.js';
import { defaultAnswers, type OrdererFacts, type ResolvedGuide, type ResolvedItem, type ResolvedQuestions } from './model.js';
import { DEFAULT_MAX_FILES } from './staged-files.js';
import type { CatalogCard, CatalogCategoryDef, CatalogDef, CatalogItemDef, OrderGuideDef, Shelf } from './types.js';
import type { Audience } from './visibility.js';

export type { CatalogCard, Shelf } from './types.js';

const pick = <T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> => {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
};

/** The card of an item or guide. */
export function cardOf(def: CatalogItemDef | OrderGuideDef): CatalogCard {
  if (def.kind === 'orderGuide') {
    return { type: 'guide', name: def.name, title: def.title, categories: [...def.categories], ...pick(def, ['shortDescription', 'icon']) };
  }
  return {
    type: 'item', name: def.name, title: def.title, categories: [...def.categories],
    ...pick(def, ['shortDescription', 'icon', 'price', 'recurringPrice', 'deliveryTime']),
    creates: 'record' in def.creates ? 'record' : 'request',
  };
}

/** A catalogue with the categories the person sees in it. */
export function catalogView(c: CatalogDef, categories: CatalogCategoryDef[]) {
  return {
    name: c.name, title: c.title, ...pick(c, ['description', 'icon']),
    categories: categories.filter((k) => k.catalog === c.name).map((k) => ({
      name: k.name, title: k.title, ...pick(k, ['description', 'icon', 'parent']),
    })),
  };
}

/** A synthetic table's fields as form metadata: a variable is read-only when it says so, never "system". */
function fieldsOf(table: ResolvedTable, widths: Record<string, 'half' | 'third'> = {}): Record<string, FieldMeta & { width?: string }> {
  const out: Record<string, FieldMeta & { width?: string }> = {};
  for (const f of table.fields.values()) {
    const meta: FieldMeta & { width?: string } = { ...fieldMeta(f), readOnly: f.readOnly === true, system: false };
    delete meta.default;
    if (widths[f.name]) meta.width = widths[f.name];
    out[f.name] = meta;
  }
  return out;
}

function formView(form: FormDef, table: ResolvedTable, widths?: Record<string, 'half' | 'third'>) {
  return { ...form, tableLabel: table.def.label ?? table.name, displayField: table.displayField, fields: fieldsOf(table, widths) };
}

/** The questions as the page renders them (see the module comment). */
function questionsView(q: ResolvedQuestions, a: Audience, user: OrdererFacts) {
  return {
    form: formView(q.form, q.table, q.widths),
    variables: q.variableNames,
    defaults: defaultAnswers(q, user, a.now),
    multiRow: q.multiRow.map((m) => ({
      name: m.name, title: m.set.title, ...pick(m.set, ['description']), minRows: m.minRows, maxRows: m.maxRows,
      form: formView(m.form, m.table),
    })),
  };
}

/**
 * The full page of an item; `user`: the facts its defaults start from (ordererFor); `category`: the first of its
 * categories the person sees.
 */
export function itemView(item: ResolvedItem, a: Audience, user: OrdererFacts, category: Shelf | null) {
  const def = item.def;
  const rule = def.attachments;
  return {
    ...cardOf(def),
    ...pick(def, ['description', 'keywords']),
    quantity: { asked: def.quantity !== undefined && def.quantity !== false, max: item.maxQuantity },
    attachments: rule ? { required: rule.required === true, maxFiles: rule.maxFiles ?? DEFAULT_MAX_FILES, ...pick(rule, ['accept', 'maxSize', 'help']) } : null,
    category,
    ...questionsView(item, a, user),
  };
}

/** The full page of an order guide, with the items it may choose for this person (`items`); the rest as for itemView. */
export function guideView(guide: ResolvedGuide, a: Audience, user: OrdererFacts, category: Shelf | null, items: string[]) {
  return {
    ...cardOf(guide.def),
    ...pick(guide.def, ['description', 'keywords']),
    items,
    category,
    ...questionsView(guide, a, user),
  };
}

/**
 * Browsing: the catalogues and categories a person sees, the items and guides they may order (by category, and
 * searched in titles, descriptions and keywords, case-insensitively), and what an order guide chooses.
 */
import { evaluateCondition } from '../conditions/index.js';
import type { FieldError } from '../errors.js';
import { checkAnswers } from './answers.js';
import { cardOf, catalogView, type CatalogCard } from './item-view.js';
import { resolveItem } from './model.js';
import { assertNoErrors } from './order-service.js';
import {
  byOrder, categoryAndBelow, mayOrder, ordererFor, usableGuide, visibleCatalogs, visibleCategories, type Audience,
} from './visibility.js';

/** The catalogues the person sees, each with its categories. */
export async function browseCatalog(a: Audience) {
  const catalogs = await visibleCatalogs(a);
  const categories = [...(await visibleCategories(a)).values()];
  return catalogs.map((c) => catalogView(c, categories));
}

/** Items and guides the person may order, in a category (and those under it) and matching `q`, in order. */
export async function listItems(a: Audience, options: { category?: string; q?: string }): Promise<CatalogCard[]> {
  const seen = await visibleCategories(a);
  const within = options.category !== undefined ? categoryAndBelow(options.category, seen) : null;
  const words = (options.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const defs = [...a.registry.catalogItems.values(), ...a.registry.orderGuides.values()].sort(byOrder);
  const out: CatalogCard[] = [];
  for (const def of defs) {
    if (within && !def.categories.some((c) => within.has(c) && seen.has(c))) continue;
    if (words.length) {
      const text = [def.title, def.shortDescription, def.description, ...(def.keywords ?? [])].filter(Boolean).join('\n').toLowerCase();
      if (!words.every((w) => text.includes(w))) continue;
    }
    if (await mayOrder(a, def, seen)) out.push(cardOf(def));
  }
  return out;
}

/** One item an order guide chose, with the guide's answers cascaded into its same-named variables. */
export interface ChosenItem extends CatalogCard {
  variables: Record<string, unknown>;
}

/**
 * Answer an order guide's questions: the answers are checked as an item's are (422 `validation_failed`), then each of
 * its items whose `when` holds over them (facts `record`: the answers, `user`, `now`) and that the person may order
 * is chosen, with the answers to variables it asks too.
 */
export async function chooseFromGuide(a: Audience, name: string, variables: unknown): Promise<{ guide: string; items: ChosenItem[] }> {
  const guide = await usableGuide(a, name);
  const checked = await checkAnswers(guide, variables, { user: await ordererFor(a, guide), now: a.now });
  const errors: FieldError[] = checked.errors;
  assertNoErrors(errors);
  const seen = await visibleCategories(a);
  const items: ChosenItem[] = [];
  for (const entry of guide.def.items) {
    if (entry.when !== undefined) {
      let holds = false;
      try {
        holds = await evaluateCondition(entry.when, { record: checked.values, user: a.user, now: a.now });
      } catch {
        holds = false;
      }
      if (!holds) continue;
    }
    const item = resolveItem(a.registry, entry.item);
    if (!item || !(await mayOrder(a, item.def, seen))) continue;
    const cascaded: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(checked.values)) if (item.table.fields.has(k)) cascaded[k] = v;
    items.push({ ...cardOf(item.def), variables: cascaded });
  }
  return { guide: guide.def.name, items };
}

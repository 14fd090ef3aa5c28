/**
 * Who sees what of the catalogue. A catalogue is seen when its `visibleTo` holds for the person; a category when its
 * catalogue, every parent and its own `visibleTo` are seen; an item or guide when it is active and shelved in at
 * least one seen category, and it may be ordered when besides `availableFor` holds and `notAvailableFor` does not
 * (not-available wins). The API lists and shows only what a person may order: anything else is `not_found`, so the
 * existence of an item kept from someone is not revealed.
 */
import type { Registry } from '../definitions/types.js';
import { fail } from '../errors.js';
import { audienceAllows, resolveGuide, resolveItem, type OrdererFacts, type ResolvedGuide, type ResolvedItem } from './model.js';
import type { CatalogCategoryDef, CatalogDef, CatalogItemDef, OrderGuideDef } from './types.js';

/** What one person sees of the catalogue at one moment. */
export interface Audience {
  registry: Registry;
  /** The access facts (roles, organisations, capabilities…): all that audiences and policies may name. */
  user: OrdererFacts;
  /** ISO time the conditions see as `now`. */
  now: string;
  /** The access facts with the person's profile (contact details, organisation), read once when first asked for. */
  profile(): Promise<OrdererFacts>;
}

/** The facts answers to these questions start from: the profile only when a default names part of it. */
export function ordererFor(a: Audience, q: { needsProfile: boolean }): Promise<OrdererFacts> {
  return q.needsProfile ? a.profile() : Promise.resolve(a.user);
}

const byOrder = <T extends { order?: number; title: string }>(a: T, b: T) =>
  (a.order ?? Number.MAX_SAFE_INTEGER) - (b.order ?? Number.MAX_SAFE_INTEGER) || a.title.localeCompare(b.title);

/** The catalogues the person sees, in order. */
export async function visibleCatalogs(a: Audience): Promise<CatalogDef[]> {
  const out: CatalogDef[] = [];
  for (const c of a.registry.catalogs.values()) if (await audienceAllows(c.visibleTo, a.user, a.now)) out.push(c);
  return out.sort(byOrder);
}

/** The categories the person sees (catalogue, parents and own audience), by name. */
export async function visibleCategories(a: Audience): Promise<Map<string, CatalogCategoryDef>> {
  const catalogs = new Set((await visibleCatalogs(a)).map((c) => c.name));
  const decided = new Map<string, boolean>();
  const sees = async (name: string, depth = 0): Promise<boolean> => {
    const known = decided.get(name);
    if (known !== undefined) return known;
    const cat = a.registry.catalogCategories.get(name);
    // Lint refuses cycles; the depth bound keeps a bad snapshot from looping.
    let ok = !!cat && depth < 32 && catalogs.has(cat.catalog) && await audienceAllows(cat.visibleTo, a.user, a.now);
    if (ok && cat!.parent !== undefined) ok = await sees(cat!.parent, depth + 1);
    decided.set(name, ok);
    return ok;
  };
  const out = new Map<string, CatalogCategoryDef>();
  for (const cat of [...a.registry.catalogCategories.values()].sort(byOrder)) if (await sees(cat.name)) out.set(cat.name, cat);
  return out;
}

/** Whether the person may order an item or use a guide, given the categories they see. */
export async function mayOrder(
  a: Audience, def: CatalogItemDef | OrderGuideDef, categories: ReadonlyMap<string, CatalogCategoryDef>,
): Promise<boolean> {
  if (def.kind === 'catalogItem' && def.active === false) return false;
  if (!def.categories.some((c) => categories.has(c))) return false;
  if (!(await audienceAllows(def.availableFor, a.user, a.now))) return false;
  return def.notAvailableFor === undefined || !(await audienceAllows(def.notAvailableFor, a.user, a.now));
}

/** The item, resolved, when the person may order it; `not_found` otherwise (never `forbidden`). */
export async function orderableItem(a: Audience, name: string): Promise<ResolvedItem> {
  const item = typeof name === 'string' ? resolveItem(a.registry, name) : undefined;
  if (!item || !(await mayOrder(a, item.def, await visibleCategories(a)))) {
    fail('not_found', `There is no catalogue item "${String(name)}".`);
  }
  return item;
}

/** The order guide, resolved, when the person may use it; `not_found` otherwise. */
export async function usableGuide(a: Audience, name: string): Promise<ResolvedGuide> {
  const guide = typeof name === 'string' ? resolveGuide(a.registry, name) : undefined;
  if (!guide || !(await mayOrder(a, guide.def, await visibleCategories(a)))) {
    fail('not_found', `There is no order guide "${String(name)}".`);
  }
  return guide;
}

/** The category and every category under it (by `parent`), among those seen. */
export function categoryAndBelow(name: string, seen: ReadonlyMap<string, CatalogCategoryDef>): Set<string> {
  const out = new Set<string>([name]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of seen.values()) {
      if (c.parent !== undefined && out.has(c.parent) && !out.has(c.name)) { out.add(c.name); grew = true; }
    }
  }
  return out;
}

export { byOrder };

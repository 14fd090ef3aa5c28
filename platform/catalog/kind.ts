/**
 * The service catalogue's kinds: `catalog`, `catalogCategory`, `catalogItem`, `variableSet` and `orderGuide`, one
 * schema part (catalog.schema.json, with `variable` derived from the field model in schema.ts), lint in lint.ts,
 * and what they ask resolved per snapshot in model.ts for the runtime and the API.
 */
import { defineKind } from '../definitions/kinds.js';
import { CATALOG_SCHEMA } from './schema.js';
import { lintCatalog, lintCategory, lintCategoryCycles, lintGuide, lintItem, lintVariableSet } from './lint.js';
import type { CatalogCategoryDef, CatalogDef, CatalogItemDef, OrderGuideDef, VariableSetDef } from './types.js';

declare module '../definitions/kinds.js' {
  interface KindTypes {
    catalog: { def: CatalogDef; map: 'catalogs' };
    catalogCategory: { def: CatalogCategoryDef; map: 'catalogCategories' };
    catalogItem: { def: CatalogItemDef; map: 'catalogItems' };
    variableSet: { def: VariableSetDef; map: 'variableSets' };
    orderGuide: { def: OrderGuideDef; map: 'orderGuides' };
  }
}

/** Catalogue order: by `order`, then title. */
const byOrder = (a: { order?: number; title: string }, b: { order?: number; title: string }) =>
  (a.order ?? 0) - (b.order ?? 0) || a.title.localeCompare(b.title);

export const catalogKind = defineKind({
  kind: 'catalog',
  map: 'catalogs',
  summary: 'a service catalogue: a storefront of categories and items people can order',
  schema: CATALOG_SCHEMA,
  lint: lintCatalog,
  compare: byOrder,
});

export const catalogCategoryKind = defineKind({
  kind: 'catalogCategory',
  map: 'catalogCategories',
  summary: 'a category of a service catalogue, optionally under another',
  schema: CATALOG_SCHEMA,
  lint: lintCategory,
  lintAll: (defs, ctx) => lintCategoryCycles(defs, ctx),
  compare: byOrder,
});

export const catalogItemKind = defineKind({
  kind: 'catalogItem',
  map: 'catalogItems',
  summary: 'something people order from the catalogue: its questions, rules and what ordering creates',
  schema: CATALOG_SCHEMA,
  lint: lintItem,
  compare: byOrder,
});

export const variableSetKind = defineKind({
  kind: 'variableSet',
  map: 'variableSets',
  summary: 'questions shared by several catalogue items (multi-row sets ask for a list of rows)',
  schema: CATALOG_SCHEMA,
  lint: lintVariableSet,
});

export const orderGuideKind = defineKind({
  kind: 'orderGuide',
  map: 'orderGuides',
  summary: 'questions that choose which catalogue items to order',
  schema: CATALOG_SCHEMA,
  lint: lintGuide,
  compare: byOrder,
});

/** Every catalogue kind, in registration order. */
export const CATALOG_KINDS = [catalogKind, catalogCategoryKind, catalogItemKind, variableSetKind, orderGuideKind] as const;

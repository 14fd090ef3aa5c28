/**
 * Which fields of a table full-text search reads, with their weights, and the text each field gives the index.
 */
import type { ResolvedField, ResolvedTable } from '../definitions/model.js';
import type { Registry } from '../definitions/types.js';
import { plainTextOf } from '../records/rich-text.js';

export type SearchWeight = 'highest' | 'high' | 'normal' | 'low';

/** A searchable field as declared: its name, or its name and weight. */
export type SearchableItem = string | { field: string; weight?: SearchWeight };

/** One searched field of a table, resolved. */
export interface SearchField {
  name: string;
  field: ResolvedField;
  weight: SearchWeight;
}

/** The field types search can read (string-like, text, rich text, tags, choice labels, attachment file names). */
export const SEARCHABLE_TYPES: ReadonlySet<string> = new Set([
  'string', 'text', 'email', 'phone', 'postcode', 'url', 'richtext', 'tags', 'choice', 'attachment',
]);

/** The weights in rank order, best first. */
export const WEIGHTS: readonly SearchWeight[] = ['highest', 'high', 'normal', 'low'];

/** The name of a searchable item. */
export function itemName(item: SearchableItem): string {
  return typeof item === 'string' ? item : item.field;
}

/**
 * The searched fields of `table`: its own `searchable`, else the nearest ancestor's, each with its weight (declared,
 * else "highest" for the display field and "normal" for others). Empty when the table is not searchable. Fields
 * that do not resolve to a searchable column are left out (lint reports them).
 */
export function searchFieldsOf(registry: Registry, table: ResolvedTable): SearchField[] {
  return registry.memo(`search-fields:${table.name}`, () => {
    let declared = table.def.searchable as SearchableItem[] | undefined;
    for (const name of table.ancestors) declared ??= registry.tables.get(name)?.def.searchable as SearchableItem[] | undefined;
    const out: SearchField[] = [];
    for (const item of declared ?? []) {
      const name = itemName(item);
      const field = table.fields.get(name);
      if (!field || field.column === null || field.encrypted || !SEARCHABLE_TYPES.has(field.type)) continue;
      if (out.some((f) => f.name === name)) continue;
      const weight = (typeof item === 'string' ? undefined : item.weight) ?? (name === table.displayField ? 'highest' : 'normal');
      out.push({ name, field, weight });
    }
    return out;
  });
}

/** Strips the two private-use characters that mark matches in highlighted text (see dialects), so stored text never fakes one. */
export function withoutMarks(text: string): string {
  return text.replace(/[\uE000\uE001]/g, ' ');
}

/** The text a field's value gives the index (null when it has none). */
export function indexTextOf(field: ResolvedField, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  let text: string;
  switch (field.type as string) {
    case 'richtext': text = plainTextOf(String(value)); break;
    case 'tags': text = listOf(value).map(String).join(' '); break;
    case 'choice': {
      const labels = new Map((field.choices ?? []).map((c) => [c.value, c.label]));
      text = listOf(value).map((v) => labels.get(String(v)) ?? String(v)).join(' ');
      break;
    }
    case 'attachment': text = listOf(value).map((a) => (a && typeof a === 'object' ? String((a as { name?: unknown }).name ?? '') : '')).join(' '); break;
    default: text = String(value);
  }
  text = withoutMarks(text).trim();
  return text === '' ? null : text;
}

function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' && value.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed;
    } catch { /* a plain string */ }
  }
  return [value];
}

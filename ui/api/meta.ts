/**
 * Definitions as the UI renders them, fetched once per sign-in: tables, forms and menus. A table is edited with its
 * default form (the server's rule, given by GET /api/meta/tables/:t as `defaultForm`); a table without one gets a
 * form generated from its fields, so every declared table can be viewed and edited.
 */
import { ApiError, api } from './client.js';
import type { FieldMeta, FormMeta, MenuDef, TableMeta } from './types.js';

const tables = new Map<string, Promise<TableMeta>>();
const forms = new Map<string, Promise<FormMeta | null>>();
let menus: Promise<MenuDef[]> | null = null;

/** Forget everything (on sign-out, so the next user sees only what they may). */
export function clearMetaCache(): void {
  tables.clear();
  forms.clear();
  menus = null;
}

/** GET /api/meta/tables/:table (cached). Rejects with ApiError (`table_not_found`, `forbidden`…). */
export function fetchTableMeta(table: string): Promise<TableMeta> {
  let p = tables.get(table);
  if (!p) {
    p = api.get<TableMeta>(`/meta/tables/${encodeURIComponent(table)}`).then((r) => r.data);
    p.catch(() => tables.delete(table));
    tables.set(table, p);
  }
  return p;
}

/** GET /api/meta/forms/:form (cached), or null when no such form exists. */
export function fetchFormMeta(form: string): Promise<FormMeta | null> {
  let p = forms.get(form);
  if (!p) {
    p = api.get<FormMeta>(`/meta/forms/${encodeURIComponent(form)}`).then((r) => r.data, (e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    });
    p.catch(() => forms.delete(form));
    forms.set(form, p);
  }
  return p;
}

/** GET /api/meta/menus (cached): the menus this user may see, in order. */
export function fetchMenus(): Promise<MenuDef[]> {
  if (!menus) {
    menus = api.get<MenuDef[]>('/meta/menus').then((r) => r.data);
    menus.catch(() => { menus = null; });
  }
  return menus;
}

/** Field types a generated form leaves out of its columns (they are shown elsewhere or not at all). */
const NOT_ON_GENERATED_FORMS = new Set(['uuid']);

/**
 * The form of a table: its default form — the one the server applies to every write of the table (named like the
 * table, else the table's only form; `defaultForm` of the table's metadata) — else one generated from the table's
 * declared fields (two columns, journals last).
 */
export async function fetchFormForTable(table: string): Promise<FormMeta> {
  const meta = await fetchTableMeta(table);
  const form = meta.defaultForm ? await fetchFormMeta(meta.defaultForm) : null;
  return form ?? generatedForm(meta);
}

export function generatedForm(meta: TableMeta): FormMeta {
  const declared = meta.fields.filter((f) => !f.system && !NOT_ON_GENERATED_FORMS.has(f.type));
  const main = declared.filter((f) => f.type !== 'journal');
  const journals = declared.filter((f) => f.type === 'journal');
  const half = Math.ceil(main.length / 2);
  const sections = [{ title: meta.label, columns: [main.slice(0, half), main.slice(half)].filter((c) => c.length).map((c) => c.map((f) => f.name)) }];
  if (journals.length) sections.push({ title: 'Activity', columns: [journals.map((f) => f.name)] });
  const fields: Record<string, FieldMeta> = {};
  for (const f of meta.fields) fields[f.name] = f;
  return {
    kind: 'form', name: meta.name, table: meta.name, label: meta.label, sections,
    tableLabel: meta.label, tablePluralLabel: meta.pluralLabel, displayField: meta.displayField, fields, generated: true,
  };
}

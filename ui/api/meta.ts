/**
 * Definitions as the UI renders them, fetched once per sign-in: tables, forms, menus and workflows. A table is edited
 * with its default form (the server's rule, given by GET /api/meta/tables/:t as `defaultForm`); a table without one
 * gets a form generated from its fields, so every declared table can be viewed and edited.
 */
import type { WorkflowMeta } from '../workflow/api.js';
import { ApiError, type ApiClient } from './client.js';
import type { FieldMeta, FormMeta, MenuDef, TableMeta } from './types.js';

/**
 * The metadata cache of one sign-in (provided to components as `metaContext`): each answer is fetched once and
 * shared by every component asking for it; a failed fetch is forgotten so the next ask tries again. The shell makes
 * a new one at each sign-in, so each person sees only what they may.
 */
export class Metadata {
  readonly #tables = new Map<string, Promise<TableMeta>>();
  readonly #forms = new Map<string, Promise<FormMeta | null>>();
  readonly #workflows = new Map<string, Promise<WorkflowMeta | null>>();
  #menus: Promise<MenuDef[]> | null = null;

  constructor(private readonly api: ApiClient) {}

  /** GET /api/meta/tables/:table. Rejects with ApiError (`table_not_found`, `forbidden`…). */
  table(table: string): Promise<TableMeta> {
    return cached(this.#tables, table, () => this.api.get<TableMeta>(`/meta/tables/${encodeURIComponent(table)}`).then((r) => r.data));
  }

  /** GET /api/meta/forms/:form, or null when no such form exists. */
  form(form: string): Promise<FormMeta | null> {
    return cached(this.#forms, form, () => this.api.get<FormMeta>(`/meta/forms/${encodeURIComponent(form)}`).then((r) => r.data, orNullWhen(404)));
  }

  /**
   * The form of a table: its default form — the one the server applies to every write of the table (named like the
   * table, else the table's only form; `defaultForm` of the table's metadata) — else one generated from the table's
   * declared fields (two columns, journals last).
   */
  async formForTable(table: string): Promise<FormMeta> {
    const meta = await this.table(table);
    const form = meta.defaultForm ? await this.form(meta.defaultForm) : null;
    return form ?? generatedForm(meta);
  }

  /** GET /api/meta/menus: the menus this user may see, in order. */
  menus(): Promise<MenuDef[]> {
    if (!this.#menus) {
      const p = this.api.get<MenuDef[]>('/meta/menus').then((r) => r.data);
      p.catch(() => { if (this.#menus === p) this.#menus = null; });
      this.#menus = p;
    }
    return this.#menus;
  }

  /** GET /api/workflows/:table: the table's workflow, or null when it has none (or the person may not see it). */
  workflow(table: string): Promise<WorkflowMeta | null> {
    return cached(this.#workflows, table, async () => {
      // The table's metadata says whether there is one: no request that can only answer "none".
      if ((await this.table(table).catch(() => null))?.workflow === false) return null;
      return this.api.get<WorkflowMeta>(`/workflows/${encodeURIComponent(table)}`).then((r) => r.data, orNullWhen(404, 403));
    });
  }
}

/** The cached promise of `key`, or a new one from `fetch`, forgotten again if it fails. */
function cached<T>(cache: Map<string, Promise<T>>, key: string, fetch: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    const made = fetch();
    made.catch(() => { if (cache.get(key) === made) cache.delete(key); });
    cache.set(key, made);
    p = made;
  }
  return p;
}

/** A rejection handler answering null for API errors of the given statuses, rethrowing anything else. */
function orNullWhen(...statuses: number[]) {
  return (e: unknown): null => {
    if (e instanceof ApiError && statuses.includes(e.status)) return null;
    throw e;
  };
}

/** Field types a generated form leaves out of its columns (they are shown elsewhere or not at all). */
const NOT_ON_GENERATED_FORMS = new Set(['uuid']);

/** A form for a table without one: its declared fields in two columns, journals last. */
export function generatedForm(meta: TableMeta): FormMeta {
  const declared = meta.fields.filter((f) => !f.system && !f.hidden && !NOT_ON_GENERATED_FORMS.has(f.type));
  const main = declared.filter((f) => f.type !== 'journal');
  const journals = declared.filter((f) => f.type === 'journal');
  const half = Math.ceil(main.length / 2);
  const sections = [{
    title: meta.label,
    columns: [main.slice(0, half), main.slice(half)].filter((c) => c.length).map((c) => c.map((f) => f.name)),
  }];
  if (journals.length) sections.push({ title: 'Activity', columns: [journals.map((f) => f.name)] });
  const fields: Record<string, FieldMeta> = {};
  for (const f of meta.fields) fields[f.name] = f;
  return {
    kind: 'form', name: meta.name, table: meta.name, label: meta.label, sections,
    tableLabel: meta.label, tablePluralLabel: meta.pluralLabel, displayField: meta.displayField, fields, generated: true,
  };
}

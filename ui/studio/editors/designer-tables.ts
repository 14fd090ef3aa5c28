/**
 * What both designers look up about tables: the tables a reference or a form may name (those running, and those
 * this change set adds or changes), each by its label, and the fields of a table already in force.
 */
import { ApiError, type ApiClient } from '../../api/client.js';
import { fetchChangeSet, fetchStudioDefinition, fetchStudioDefinitions } from '../../api/studio.js';
import type { Definition } from './contract.js';

/** A table as a picker offers it. */
export interface TableChoice { name: string; label: string }

/** The tables of the running registry and of change set `cs` (its deletions left out), by label. */
export async function fetchTableChoices(api: ApiClient, cs: string, signal?: AbortSignal): Promise<TableChoice[]> {
  const [running, set] = await Promise.all([fetchStudioDefinitions(api, { kind: 'table' }, signal), fetchChangeSet(api, cs, signal)]);
  const byName = new Map<string, string>();
  for (const t of running) byName.set(t.name, t.label ?? t.name);
  for (const item of set.definitions ?? []) {
    if (item.kind !== 'table') continue;
    if (item.deleted) {
      byName.delete(item.name);
      continue;
    }
    const label = (item.definition as { label?: unknown } | null)?.label;
    byName.set(item.name, typeof label === 'string' && label ? label : item.name);
  }
  return [...byName].map(([name, label]) => ({ name, label })).sort((a, b) => a.label.localeCompare(b.label));
}

/**
 * Which of `fields` of table `name` are in force, asked of the studio's where-used index (GET /api/studio/uses), which
 * knows every running table whatever the configurator may read: none for a table not yet published, else each field
 * asked about in parallel. A field whose answer fails counts as not in force (removing it asks again).
 */
export async function fetchFieldsInForce(api: ApiClient, name: string, fields: string[], signal?: AbortSignal): Promise<Set<string>> {
  try {
    await api.get('/studio/uses', { query: { kind: 'table', name }, signal });
  } catch {
    return new Set();
  }
  const found = await Promise.allSettled(fields.map((f) => fetchFieldUses(api, name, f, signal)));
  return new Set(fields.filter((_, i) => {
    const r = found[i]!;
    return r.status === 'fulfilled' && r.value.inForce;
  }));
}

/** Table `name` as change set `cs` holds it (or as it runs), or null when there is none. */
export async function fetchTableDefinition(api: ApiClient, cs: string, name: string, signal?: AbortSignal): Promise<Definition | null> {
  try {
    const item = await fetchStudioDefinition(api, cs, 'table', name, signal);
    return item.deleted ? null : (item.definition as Definition);
  } catch {
    return null;
  }
}

/** Whether a field is in force, and where definitions in force use it (each use in words). */
export interface FieldUses { inForce: boolean; uses: { kind: string; name: string; description: string }[] }

/**
 * GET /api/studio/uses for field `field` of table `table`: in force with its uses, or not in force when the running
 * table (or the table itself) does not have it (`not_found`, `table_not_found`, `invalid_query`). Other errors reject.
 */
export async function fetchFieldUses(api: ApiClient, table: string, field: string, signal?: AbortSignal): Promise<FieldUses> {
  try {
    const { data } = await api.get<{ uses: FieldUses['uses'] }>('/studio/uses', { query: { kind: 'table', name: table, field }, signal });
    return { inForce: true, uses: data.uses };
  } catch (e) {
    if (e instanceof ApiError && ['not_found', 'table_not_found', 'invalid_query'].includes(e.code)) return { inForce: false, uses: [] };
    throw e;
  }
}

/**
 * The layer over the files: the published one read from the database, and a candidate (the published layer with a
 * change set on top) built and validated exactly as start-up builds files (platform/definitions/overlay.ts).
 */
import type { Knex } from 'knex';
import type { DefinitionLayer, LayerEntry } from '../definitions/overlay.js';
import { fail } from '../errors.js';
import { fetchCurrentVersion, fetchLayer, type ItemRow } from './store.js';

/** The layer published last (version 0 and no entries when nothing was). */
export async function fetchPublishedLayer(k: Knex | Knex.Transaction): Promise<DefinitionLayer> {
  return fetchLayer(k, await fetchCurrentVersion(k));
}

/**
 * The published layer with a change set's items applied: an edit replaces or adds its definition, a deletion
 * takes the definition out (kept as a deletion entry, so deleting a file definition is refused by the overlay).
 */
export function composeLayer(published: DefinitionLayer, items: readonly ItemRow[], source: string): DefinitionLayer {
  const byKey = new Map<string, LayerEntry>(published.entries.map((e) => [`${e.kind}:${e.name}`, e]));
  for (const i of items) {
    byKey.set(`${i.kind}:${i.name}`, {
      kind: i.kind, name: i.name, source, definition: i.deleted || i.definition === null ? null : JSON.parse(i.definition),
    });
  }
  return { version: published.version, entries: [...byKey.values()] };
}

/** The entries a layer declares (deletions left out), as stored for a version. */
export function declaredEntries(layer: DefinitionLayer): LayerEntry[] {
  return layer.entries.filter((e) => e.definition !== null);
}

/** JSON with object keys sorted: the same definition saved in another key order compares equal. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Refuse (409 `conflict`, listing them) items whose definition another publish changed after the item's edit began:
 * publishing would silently undo that change.
 */
export async function assertNoConflicts(k: Knex | Knex.Transaction, items: readonly ItemRow[], current: DefinitionLayer): Promise<void> {
  const stale = items.filter((i) => i.base_version < current.version);
  if (!stale.length) return;
  const layers = new Map<number, DefinitionLayer>();
  const find = (l: DefinitionLayer, i: ItemRow) => l.entries.find((e) => e.kind === i.kind && e.name === i.name)?.definition ?? null;
  const conflicts: { kind: string; name: string; baseVersion: number }[] = [];
  for (const i of stale) {
    if (!layers.has(i.base_version)) layers.set(i.base_version, await fetchLayer(k, i.base_version));
    if (canonical(find(layers.get(i.base_version)!, i)) !== canonical(find(current, i))) {
      conflicts.push({ kind: i.kind, name: i.name, baseVersion: i.base_version });
    }
  }
  if (conflicts.length) {
    fail('conflict', `Published since these edits began, in version ${current.version}: ${conflicts.map((c) => `${c.kind} "${c.name}"`).join(', ')}. `
    + 'Open them again in a new change set to edit the published definitions.', { extra: { conflicts, currentVersion: current.version } });
  }
}

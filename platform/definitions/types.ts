/**
 * The registry snapshot's type, and (re-exported) the model every kind shares. The model lives in model.ts so that
 * the kind contract (kinds.ts) can use it without importing this file back.
 */
import type { DefOf, KindMaps, KindName } from './kinds.js';
import type { DefinitionSource, PhysicalTable, ResolvedTable } from './model.js';

export * from './model.js';

/**
 * An immutable snapshot of every valid definition, resolved. The running system holds one at a time and swaps
 * it atomically when definitions change; an invalid change never replaces it. Each registered kind adds its named,
 * typed map (`rules`, `workflows`, `forms`…; see kinds.ts).
 */
export interface Registry extends KindMaps {
  /** Content hash of the snapshot (changes whenever any definition changes). */
  readonly version: string;
  /** Tables with their hierarchy resolved (the declared shapes are in `tableDefs`). */
  readonly tables: ReadonlyMap<string, ResolvedTable>;
  readonly physicalTables: ReadonlyMap<string, PhysicalTable>;
  /** Where each definition came from, keyed `${kind}:${name}`. */
  readonly sources: ReadonlyMap<string, DefinitionSource>;
  /** The table, or a `table_not_found` FormworkError. */
  getTable(name: string): ResolvedTable;
  /** A definition of a kind by name, or a `not_found` FormworkError. */
  get<K extends KindName>(kind: K, name: string): DefOf<K>;
  /**
   * A value derived from this snapshot, built once on first use and kept as long as the snapshot (indexes,
   * compiled conditions, caches). `key` names the value; one key, one builder.
   */
  memo<T>(key: string, build: (registry: Registry) => T): T;
}

/**
 * References between records of data files. Ids are set by the system, so a data file cannot know them: a record
 * gives a reference field as a key of the target table instead — `"service_area": { "code": "LDN" }` — naming
 * fields that identify one record (a data file's `key` for that table, a unique field, or its display field).
 * Seeding (./seed.ts) resolves it to the id of the record found by those fields, after the files that create the
 * targets; the lint (./lint-references.ts) checks it before start. Shared by both, so they agree.
 */
import type { ResolvedField, ResolvedTable } from '../definitions/types.js';
import type { DataFile } from './types.js';

/** A reference written as a key of the target table. */
export type RecordKey = Record<string, unknown>;

/** One reference by key in a data file's records. */
export interface KeyReference {
  /** Index of the record in `records`. */
  index: number;
  /** JSON pointer of the value inside the data file (`/records/3/service_area`). */
  at: string;
  field: ResolvedField;
  /** The table the field refers to (records of tables extending it qualify too). */
  target: string;
  key: RecordKey;
}

/** Whether a record's value is a reference written as a key (an object, not a fact or list). */
export function isRecordKey(value: unknown): value is RecordKey {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The references by key of a data file's records (the file's table resolved). */
export function keyReferences(file: DataFile, table: ResolvedTable): KeyReference[] {
  const out: KeyReference[] = [];
  (file.records ?? []).forEach((record, index) => {
    for (const [name, value] of Object.entries(record)) {
      const field = table.fields.get(name);
      if (field?.type !== 'reference' || !field.reference || !isRecordKey(value)) continue;
      out.push({ index, at: `/records/${index}/${name}`, field, target: field.reference, key: value });
    }
  });
  return out;
}

/** How a key is shown in messages: `code "LDN"`, `region "south", code "LDN"`. */
export function describeKey(key: RecordKey): string {
  return Object.entries(key).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ');
}

/** Whether data file `file`'s records go into `target` or a table extending it. */
export function holdsRecordsOf(file: DataFile, target: string, tables: ReadonlyMap<string, ResolvedTable>): boolean {
  if (!file.table || !file.records) return false;
  const t = tables.get(file.table);
  return !!t && (t.name === target || t.ancestors.includes(target));
}

/** The records of `files` a key picks out in `target`'s family: file and record index. */
export function recordsMatching(
  files: readonly DataFile[], tables: ReadonlyMap<string, ResolvedTable>, target: string, key: RecordKey,
): { file: DataFile; index: number }[] {
  const out: { file: DataFile; index: number }[] = [];
  const wanted = Object.entries(key).map(([k, v]) => [k, JSON.stringify(v)] as const);
  for (const file of files) {
    if (!holdsRecordsOf(file, target, tables)) continue;
    file.records!.forEach((r, index) => {
      if (wanted.every(([k, v]) => JSON.stringify(r[k] ?? null) === v)) out.push({ file, index });
    });
  }
  return out;
}

/**
 * The field sets that identify one record of `target`: the `key` of each data file of its family, each unique
 * field, and its display field (the name people see it by), as sorted lists.
 */
export function identifyingKeys(target: ResolvedTable, files: readonly DataFile[], tables: ReadonlyMap<string, ResolvedTable>): string[][] {
  const sets = new Map<string, string[]>();
  const add = (fields: string[]) => {
    const sorted = [...fields].sort();
    if (sorted.every((f) => target.fields.has(f) && !target.fields.get(f)!.system)) sets.set(sorted.join(','), sorted);
  };
  for (const file of files) if (file.key && holdsRecordsOf(file, target.name, tables)) add(file.key);
  for (const field of target.fields.values()) if (field.unique) add([field.name]);
  add([target.displayField]);
  return [...sets.values()];
}

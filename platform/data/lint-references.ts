/**
 * Lint of references between data files' records (see ./references.ts): a reference field holds a key of the target
 * table, never an id (ids are set by the system); the key's fields identify one record of the target; some data
 * file declares that record — in reference data when the referrer is reference data, before the referrer when in
 * the same file — and no two files need each other's records first.
 */
import { closestNames, expectedNames } from '../definitions/suggest.js';
import type { DefinitionError, DefinitionSource, ResolvedTable } from '../definitions/types.js';
import { describeKey, holdsRecordsOf, identifyingKeys, isRecordKey, keyReferences, recordsMatching, type KeyReference, type RecordKey } from './references.js';
import type { DataFile } from './types.js';

export interface ReferenceLintInput {
  data: { def: DataFile; source: DefinitionSource }[];
  tables: ReadonlyMap<string, ResolvedTable>;
}

const isScalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);
const keyText = (fields: string[]) => `{ ${fields.map((f) => `"${f}": …`).join(', ')} }`;

export function lintDataReferences(input: ReferenceLintInput): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const files = input.data.map((d) => d.def);
  const sourceOf = new Map(input.data.map((d) => [d.def, d.source]));
  const report = (file: DataFile, pointer: string, message: string, extra: Partial<DefinitionError> = {}) => {
    const source = sourceOf.get(file)!;
    errors.push({ file: source.file, pointer: source.pointer + pointer, message, ...extra });
  };
  /** Files whose records a file's references need created first (other files only), with the first pointer. */
  const needs = new Map<DataFile, Map<DataFile, string>>();

  for (const file of files) {
    const table = file.table ? input.tables.get(file.table) : undefined;
    if (!table || !file.records) continue;
    // An id written by hand: it names nothing on a fresh install.
    file.records.forEach((record, i) => {
      for (const [name, value] of Object.entries(record)) {
        const field = table.fields.get(name);
        if (field?.type !== 'reference' || !field.reference || value === null || isRecordKey(value)) continue;
        const target = input.tables.get(field.reference);
        const keys = target ? identifyingKeys(target, files, input.tables) : [];
        report(file, `/records/${i}/${name}`, `Field "${name}" refers to a record of table "${field.reference}": a data file cannot know its id (ids are set by the system), so give the target's key instead.`, {
          expected: keys.length ? `an object naming fields that identify one record, e.g. ${keyText(keys[0]!)}` : 'an object naming fields of the target table that identify one record',
          value,
        });
      }
    });
    for (const ref of keyReferences(file, table)) checkReference(file, ref);
  }

  function checkReference(file: DataFile, ref: KeyReference): void {
    const target = input.tables.get(ref.target);
    if (!target) return;
    const fields = Object.keys(ref.key);
    if (!fields.length) {
      report(file, ref.at, `The reference "${ref.field.name}" names no field of table "${target.name}".`, { expected: identifyingText(target) });
      return;
    }
    let ok = true;
    for (const k of fields) {
      const f = target.fields.get(k);
      const value = ref.key[k];
      if (!f) {
        report(file, `${ref.at}/${k}`, `Field "${k}" is not a field of table "${target.name}".`, { expected: expectedNames([...target.fields.values()].filter((x) => !x.system).map((x) => x.name), k), value: k });
        ok = false;
      } else if (f.system) {
        report(file, `${ref.at}/${k}`, `Field "${k}" is set by the system, so a data file cannot know it.`, { expected: identifyingText(target), value: k });
        ok = false;
      } else if (!isScalar(value)) {
        report(file, `${ref.at}/${k}`, `A key field's value must be text, a number or true/false; got ${JSON.stringify(value)}.`, { value });
        ok = false;
      }
    }
    if (!ok) return;
    const sorted = [...fields].sort().join(',');
    if (!identifyingKeys(target, files, input.tables).some((s) => s.join(',') === sorted)) {
      report(file, ref.at, `Fields ${fields.map((f) => `"${f}"`).join(', ')} do not identify one record of table "${target.name}".`, { expected: identifyingText(target) });
      return;
    }
    const demo = file.demo === true;
    const all = recordsMatching(files, input.tables, target.name, ref.key);
    const usable = demo ? all : all.filter((m) => m.file.demo !== true);
    if (!usable.length) {
      const message = all.length
        ? `The record of table "${target.name}" with ${describeKey(ref.key)} is declared only in demo data (${sourceOf.get(all[0]!.file)!.file}), so it would not exist without it: declare it in a file without "demo": true.`
        : `No data file declares a record of table "${target.name}" with ${describeKey(ref.key)}, so seeding could not resolve this reference.`;
      report(file, ref.at, message, { expected: candidates(target, ref.key, demo), value: ref.key });
      return;
    }
    if (usable.length > 1) {
      const where = usable.map((m) => `${m.file.name}#/records/${m.index}`).join(', ');
      report(file, ref.at, `More than one record of table "${target.name}" has ${describeKey(ref.key)} (${where}): the key must pick out one.`, { expected: identifyingText(target), value: ref.key });
      return;
    }
    const [match] = usable;
    if (match!.file === file) {
      if (match!.index >= ref.index) {
        report(file, ref.at, match!.index === ref.index
          ? 'The record refers to itself: it does not exist yet when it is created.'
          : `The record refers to /records/${match!.index}, declared later in this file: records are created in order, so put the target first.`, { value: ref.key });
      }
      return;
    }
    const mine = needs.get(file) ?? new Map<DataFile, string>();
    if (!mine.has(match!.file)) mine.set(match!.file, ref.at);
    needs.set(file, mine);
  }

  function identifyingText(target: ResolvedTable): string {
    const keys = identifyingKeys(target, files, input.tables);
    return `one of: ${keys.map(keyText).join(', ')} (a data file's "key" for table "${target.name}", a unique field, or its display field)`;
  }

  /** The declared keys closest to the one given, for `expected`. */
  function candidates(target: ResolvedTable, key: RecordKey, demo: boolean): string {
    const fields = Object.keys(key);
    const shown = new Set<string>();
    for (const file of files) {
      if (!holdsRecordsOf(file, target.name, input.tables) || (!demo && file.demo)) continue;
      for (const r of file.records ?? []) {
        if (fields.every((f) => r[f] !== undefined)) shown.add(describeKey(Object.fromEntries(fields.map((f) => [f, r[f]]))));
      }
    }
    if (!shown.size) return `a record of table "${target.name}" declared in a data file${demo ? '' : ' without "demo": true'} (none is)`;
    const closest = closestNames(shown, describeKey(key), 5);
    return `one of: ${closest.join('; ')}${shown.size > closest.length ? ` (and ${shown.size - closest.length} more)` : ''}`;
  }

  // Files that need each other's records first cannot be ordered: report each cycle once, at its first reference.
  const state = new Map<DataFile, 'visiting' | 'done'>();
  const stack: DataFile[] = [];
  const visit = (file: DataFile) => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of needs.get(file)?.keys() ?? []) {
      if (state.get(next) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        report(file, needs.get(file)!.get(next)!, `Data files ${cycle.map((f) => `"${f.name}"`).join(' → ')} each need records of the next one created first, so none can be seeded first.`, {
          expected: 'references that go one way: move the records one file needs into the file that refers to them, or drop one reference',
        });
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return errors;
}

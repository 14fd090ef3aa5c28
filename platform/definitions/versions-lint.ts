/**
 * Checks of a table's `versions` option (content versions, platform/versions) that need its resolved fields: the
 * content fields exist, are the table's own data (not system columns or journals) and are stored in the clear, and
 * `publishedWhen` is a condition on the record as it is (no `previous.*`: a record is published or not, whatever
 * changed).
 */
import { checkCondition } from '../conditions/facts.js';
import type { DefinitionError, ResolvedTable } from './model.js';

/** Report problems of `t`'s `versions` option through `at` (the table resolver's reporter). */
export function lintContentVersions(
  t: ResolvedTable, at: (table: string, pointer: string, message: string, extra?: Partial<DefinitionError>) => void,
): void {
  const versions = t.def.versions;
  if (!versions) return;
  versions.fields.forEach((name, i) => {
    const pointer = `/versions/fields/${i}`;
    const f = t.fields.get(name);
    if (!f) {
      at(t.name, pointer, `Content field "${name}" is not a field of table "${t.name}".`, { expected: `one of: ${[...t.fields.keys()].join(', ')}`, value: name });
    } else if (f.system) {
      at(t.name, pointer, `Field "${name}" is a system field: only the table's own fields can be versioned content.`, { value: name });
    } else if (f.column === null) {
      at(t.name, pointer, `Field "${name}" is a journal: its entries are kept already and cannot be versioned content.`, { value: name });
    } else if (f.encrypted) {
      // Versions keep their values as JSON in the clear; an encrypted field's value must never be stored so.
      at(t.name, pointer, `Field "${name}" is encrypted at rest and cannot be versioned content.`, { value: name });
    }
  });
  const problems = checkCondition(versions.publishedWhen, { hasField: (name) => t.fields.has(name), allowPrevious: false }, '/versions/publishedWhen');
  for (const p of problems) at(t.name, p.pointer, p.message, p.expected ? { expected: p.expected } : {});
}

/**
 * Lint of a table's `ratings.feedback`: the feedback table must exist, and its three fields must be able to hold the
 * rated record, the rating and the comment — checked here so a definition that would fail on the first rating is
 * refused when it is loaded instead.
 */
import { expectedNames } from './suggest.js';
import type { DefinitionError, ResolvedField, ResolvedTable } from './model.js';

type Report = (pointer: string, message: string, extra?: Partial<DefinitionError>) => void;

/** Field types each feedback field may have (a reference must point at the rated table or one it extends). */
const FITS: Record<'record' | 'value' | 'comment', string[]> = {
  record: ['reference', 'string'],
  value: ['integer', 'decimal', 'string'],
  comment: ['string', 'text'],
};

/**
 * Report every problem of `table`'s ratings feedback.
 * @param tables every resolved table
 * @param declared whether a table of that name is declared at all (an invalid one has its own errors)
 */
export function lintRatingsFeedback(
  table: ResolvedTable, tables: ReadonlyMap<string, ResolvedTable>, declared: (name: string) => boolean, report: Report,
): void {
  const ratings = table.def.ratings;
  const feedback = ratings?.feedback;
  if (!ratings || !feedback) return;
  const at = '/ratings/feedback';
  if (!ratings.comments) report(at, `Table "${table.name}" sends ratings with a comment as feedback but does not take comments; set "comments": true.`, { expected: '"comments": true' });
  const target = tables.get(feedback.table);
  if (!target) {
    if (!declared(feedback.table)) report(`${at}/table`, `Feedback table "${feedback.table}" is not declared.`, { expected: expectedNames(tables.keys(), feedback.table), value: feedback.table });
    return;
  }
  const seen = new Set<string>();
  for (const role of ['record', 'value', 'comment'] as const) {
    const name = feedback.fields[role];
    const pointer = `${at}/fields/${role}`;
    const field: ResolvedField | undefined = target.fields.get(name);
    const usable = [...target.fields.values()].filter((f) => !f.system && FITS[role].includes(f.type)).map((f) => f.name);
    if (!field || field.system) {
      report(pointer, `"${name}" is not a field of feedback table "${target.name}" that can be set.`, { expected: expectedNames(usable, name), value: name });
      continue;
    }
    if (seen.has(name)) report(pointer, `Field "${name}" of "${target.name}" already receives another part of the feedback.`, { value: name });
    seen.add(name);
    const fits = FITS[role].includes(field.type) && !field.multiple
      && (field.type !== 'reference' || field.reference === table.name || table.ancestors.includes(field.reference ?? ''));
    if (!fits) {
      const want = role === 'record' ? `a reference to "${table.name}" or a string field` : `a field of type ${FITS[role].join(' or ')}`;
      report(pointer, `Field "${name}" of "${target.name}" is ${field.multiple ? 'multiple ' : ''}${field.type}${field.reference ? ` (to "${field.reference}")` : ''}; the ${role} of a rating needs ${want}.`, { expected: want, value: name });
    }
  }
}

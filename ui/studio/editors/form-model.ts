/**
 * The form designer's model: pure functions from a form definition and one change to the whole new definition.
 * A form is sections of columns of entries; an entry is a field name or an object placing a field with its
 * conditions. Entries are moved as they are (conditions included) and every property the designer does not know
 * is carried over untouched.
 */
import type { Definition } from './contract.js';

/** One entry of a column: a field name (or dot-walked path), or a field placed with conditions. */
export type FormEntry = string | ({ field: string } & Record<string, unknown>);

/** One section as the definition holds it. */
export type SectionDef = Record<string, unknown> & { title?: string; columns: FormEntry[][] };

/** Where an entry is: section, column and place in the column. */
export interface Place { section: number; column: number; index: number }

/** The most columns a section offers. */
export const MAX_COLUMNS = 3;

/** The field an entry places. */
export const entryField = (e: FormEntry): string => (typeof e === 'string' ? e : String(e.field ?? ''));

/** The form's sections (each with at least an empty column list). */
export function sectionsOf(def: Definition): SectionDef[] {
  const sections = Array.isArray(def.sections) ? (def.sections as unknown[]) : [];
  return sections.map((s) => {
    const section = (s && typeof s === 'object' ? s : {}) as SectionDef;
    const columns = Array.isArray(section.columns) ? section.columns.map((c) => (Array.isArray(c) ? [...c] : [])) : [];
    return { ...section, columns };
  });
}

/** The definition with its sections replaced. */
const withSections = (def: Definition, sections: SectionDef[]): Definition => ({ ...def, sections });

/** Every field the form places, in order. */
export function placedFields(def: Definition): string[] {
  return sectionsOf(def).flatMap((s) => s.columns.flat().map(entryField));
}

/** A new section at the end, with one empty column. */
export function addSection(def: Definition, title: string): Definition {
  const section: SectionDef = title ? { title, columns: [[]] } : { columns: [[]] };
  return withSections(def, [...sectionsOf(def), section]);
}

/** Section `index` removed, its fields with it (they are offered again to add). */
export function removeSection(def: Definition, index: number): Definition {
  return withSections(def, sectionsOf(def).filter((_, i) => i !== index));
}

/** Section `index` moved `delta` places; unchanged at either end. */
export function moveSection(def: Definition, index: number, delta: number): Definition {
  const sections = sectionsOf(def);
  const to = index + delta;
  if (to < 0 || to >= sections.length || index < 0 || index >= sections.length) return def;
  const [moved] = sections.splice(index, 1);
  sections.splice(to, 0, moved!);
  return withSections(def, sections);
}

/** Section `index`'s title or description changed: an empty value removes it. */
export function updateSection(def: Definition, index: number, patch: { title?: string; description?: string }): Definition {
  return withSections(def, sectionsOf(def).map((s, i) => {
    if (i !== index) return s;
    const next: SectionDef = { ...s };
    for (const [k, v] of Object.entries(patch)) {
      if (v) next[k] = v;
      else delete next[k];
    }
    return next;
  }));
}

/**
 * Section `index` given `count` columns (1 to 3). Fewer columns append the fields of the dropped columns to the
 * last one kept, so no field leaves the form; more columns are added empty.
 */
export function setColumnCount(def: Definition, index: number, count: number): Definition {
  const n = Math.max(1, Math.min(MAX_COLUMNS, Math.trunc(count)));
  return withSections(def, sectionsOf(def).map((s, i) => {
    if (i !== index) return s;
    const columns = s.columns.slice(0, n);
    while (columns.length < n) columns.push([]);
    columns[n - 1] = [...columns[n - 1]!, ...s.columns.slice(n).flat()];
    return { ...s, columns };
  }));
}

/** Field `field` placed at the end of a section's column. */
export function addFormField(def: Definition, section: number, column: number, field: string): Definition {
  return withSections(def, sectionsOf(def).map((s, i) => {
    if (i !== section) return s;
    const columns = s.columns.map((c, j) => (j === column ? [...c, field] : c));
    return { ...s, columns };
  }));
}

/** The entry at `at` removed. */
export function removeFormField(def: Definition, at: Place): Definition {
  return withSections(def, sectionsOf(def).map((s, i) => (i !== at.section ? s : {
    ...s, columns: s.columns.map((c, j) => (j === at.column ? c.filter((_, k) => k !== at.index) : c)),
  })));
}

/** Every column of the form in reading order (section by section, left to right). */
function columnOrder(sections: SectionDef[]): { section: number; column: number }[] {
  return sections.flatMap((s, section) => s.columns.map((_, column) => ({ section, column })));
}

/**
 * The entry at `at` moved one place up (−1) or down (+1) in reading order: within its column, and from the top
 * (bottom) of a column to the end (start) of the column before (after) it, which may be in the section before
 * (after). Answers the new definition and where the entry now is; unchanged at the form's first or last place.
 */
export function moveFormField(def: Definition, at: Place, delta: -1 | 1): { definition: Definition; at: Place } {
  const sections = sectionsOf(def);
  const column = sections[at.section]?.columns[at.column];
  if (!column || at.index < 0 || at.index >= column.length) return { definition: def, at };
  const to = at.index + delta;
  if (to >= 0 && to < column.length) return moveFormFieldTo(def, at, { ...at, index: to });
  const order = columnOrder(sections);
  const here = order.findIndex((c) => c.section === at.section && c.column === at.column);
  const next = order[here + delta];
  if (!next) return { definition: def, at };
  const length = sections[next.section]!.columns[next.column]!.length;
  return moveFormFieldTo(def, at, { ...next, index: delta < 0 ? length : 0 });
}

/**
 * The entry at `from` moved to `to` (the place it takes in its new column, counted before it is taken out when the
 * column is the same). Answers the new definition and where the entry now is.
 */
export function moveFormFieldTo(def: Definition, from: Place, to: Place): { definition: Definition; at: Place } {
  const sections = sectionsOf(def);
  const source = sections[from.section]?.columns[from.column];
  const target = sections[to.section]?.columns[to.column];
  if (!source || !target || from.index < 0 || from.index >= source.length) return { definition: def, at: from };
  const [entry] = source.splice(from.index, 1);
  const index = Math.max(0, Math.min(target.length, to.index));
  target.splice(index, 0, entry!);
  return { definition: withSections(def, sections), at: { ...to, index } };
}

/** Operators in words, for conditions read out (the condition builder edits them). */
const OPERATORS: Record<string, string> = {
  equal: 'is', notEqual: 'is not', lessThan: 'is less than', lessThanInclusive: 'is at most', greaterThan: 'is more than',
  greaterThanInclusive: 'is at least', in: 'is one of', notIn: 'is none of', contains: 'contains',
  doesNotContain: 'does not contain', startsWith: 'starts with', endsWith: 'ends with', isEmpty: 'is empty',
  isNotEmpty: 'is not empty', between: 'is between', matches: 'matches', changes: 'changes', changesTo: 'changes to',
  changesFrom: 'changes from', inLast: 'is in the last', notInLast: 'is not in the last', inNext: 'is in the next',
  before: 'is before', after: 'is after',
};

/** How a value reads in a condition: lists joined with "or", a span as "3 days", a fact by its label. */
function valueWords(value: unknown, label: (fact: string) => string, choice: (fact: string, v: string) => string, fact: string): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => valueWords(v, label, choice, fact)).join(' or ');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.fact === 'string') return label(o.fact);
    if (o.amount !== undefined && o.unit !== undefined) return `${String(o.amount)} ${String(o.unit)}`;
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return choice(fact, String(value));
}

/**
 * A condition in words ("Priority is High and Category is not Hardware"), facts read by `label` and choice values
 * by `choice`. Nested groups are put in brackets.
 */
export function conditionWords(
  condition: unknown, label: (fact: string) => string, choice: (fact: string, value: string) => string = (_f, v) => v,
): string {
  if (!condition || typeof condition !== 'object') return 'always';
  const c = condition as Record<string, unknown>;
  const group = (items: unknown, joiner: string) => {
    const parts = (Array.isArray(items) ? items : []).map((x) => {
      const text = conditionWords(x, label, choice);
      return x && typeof x === 'object' && ('all' in x || 'any' in x) ? `(${text})` : text;
    });
    return parts.length ? parts.join(joiner) : 'always';
  };
  if ('all' in c) return group(c.all, ' and ');
  if ('any' in c) return group(c.any, ' or ');
  if ('not' in c) return `not (${conditionWords(c.not, label, choice)})`;
  const fact = String(c.fact ?? '');
  const op = OPERATORS[String(c.operator)] ?? String(c.operator ?? '');
  const value = valueWords(c.value, label, choice, fact);
  return `${label(fact)} ${op}${value ? ` ${value}` : ''}`;
}

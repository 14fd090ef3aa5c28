/**
 * The table designer's model: pure functions from a table definition and one change to the whole new definition.
 * Fields are an object keyed by machine name whose key order is the display order, so every change rebuilds that
 * object in order; every property the designer does not know (of the table, of a field, of a choice) is carried
 * over untouched, so a definition round-trips through the designer unchanged.
 */
import type { Definition } from './contract.js';

/** One field as the definition holds it. */
export type FieldDef = Record<string, unknown>;

/** One option of a choice field. */
export interface ChoiceDef extends Record<string, unknown> { value: string; label: string }

/** Every field type, in words, in the order offered. */
export const FIELD_TYPES: readonly { value: string; label: string }[] = [
  { value: 'string', label: 'Text, one line' },
  { value: 'text', label: 'Text, several lines' },
  { value: 'richtext', label: 'Formatted text' },
  { value: 'tags', label: 'Tags' },
  { value: 'integer', label: 'Whole number' },
  { value: 'decimal', label: 'Decimal number' },
  { value: 'currency', label: 'Amount of money' },
  { value: 'boolean', label: 'Yes or no' },
  { value: 'date', label: 'Date' },
  { value: 'datetime', label: 'Date and time' },
  { value: 'choice', label: 'Choice from a list' },
  { value: 'reference', label: 'Reference to a record' },
  { value: 'email', label: 'Email address' },
  { value: 'phone', label: 'Phone number' },
  { value: 'url', label: 'Web address' },
  { value: 'postcode', label: 'Postcode (UK)' },
  { value: 'json', label: 'Structured data (JSON)' },
  { value: 'journal', label: 'Comments or work notes' },
  { value: 'attachment', label: 'Files' },
];

/** A field type in words ("Whole number"); an unknown type as it is written. */
export function typeLabel(type: unknown): string {
  return FIELD_TYPES.find((t) => t.value === type)?.label ?? String(type ?? 'No type');
}

/** Types whose values are text with a length. */
export const TEXT_TYPES = new Set(['string', 'text', 'richtext', 'email', 'phone', 'url', 'journal']);
/** Types with a smallest and largest value. */
export const NUMBER_TYPES = new Set(['integer', 'decimal', 'currency']);

/** Properties that only mean something for some types, and the types they belong to. */
const TYPE_PROPERTIES: Record<string, (type: string) => boolean> = {
  choices: (t) => t === 'choice',
  choiceList: (t) => t === 'choice',
  multiple: (t) => t === 'choice',
  dependsOn: (t) => t === 'choice',
  reference: (t) => t === 'reference',
  maxLength: (t) => TEXT_TYPES.has(t),
  minLength: (t) => TEXT_TYPES.has(t),
  pattern: (t) => TEXT_TYPES.has(t),
  patternMessage: (t) => TEXT_TYPES.has(t),
  min: (t) => NUMBER_TYPES.has(t),
  max: (t) => NUMBER_TYPES.has(t),
  scale: (t) => t === 'decimal' || t === 'currency',
  currency: (t) => t === 'currency',
  journalType: (t) => t === 'journal',
  accept: (t) => t === 'attachment',
  maxSize: (t) => t === 'attachment',
};

const MAX_NAME = 63;

/**
 * A machine name made from a label: lower case, words joined by underscores, starting with a letter, at most 63
 * characters, and not one of `taken` (a number is added until it is free). "Reference to Customer" → "reference_to_customer".
 */
export function machineNameFrom(label: string, taken: Iterable<string> = []): string {
  const used = new Set(taken);
  let base = label.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(base)) base = `field${base ? `_${base}` : ''}`;
  base = base.slice(0, MAX_NAME).replace(/_+$/, '');
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base.slice(0, MAX_NAME - String(n).length - 1)}_${n}`;
  return name;
}

/** Whether `name` is a valid machine name. */
export const isMachineName = (name: string) => /^[a-z][a-z0-9_]*$/.test(name) && name.length <= MAX_NAME;

/** The table's fields in order, as [machine name, field] pairs. */
export function fieldEntries(def: Definition): [string, FieldDef][] {
  const fields = def.fields;
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return [];
  return Object.entries(fields as Record<string, unknown>).map(([k, v]) => [k, (v && typeof v === 'object' ? v : {}) as FieldDef]);
}

/** The definition with its fields replaced by `entries` (in that order); every other property kept where it was. */
export function withFields(def: Definition, entries: [string, FieldDef][]): Definition {
  return { ...def, fields: Object.fromEntries(entries) };
}

/** The definition with the table's own properties changed: an `undefined` or empty-string value removes one. */
export function updateTable(def: Definition, patch: Record<string, unknown>): Definition {
  const next: Definition = { ...def };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === '') delete next[k];
    else next[k] = v;
  }
  return next;
}

/** A new field labelled `label` of `type` at the end; its machine name is made from the label. */
export function addField(def: Definition, label: string, type = 'string'): { definition: Definition; name: string } {
  const entries = fieldEntries(def);
  const name = machineNameFrom(label, entries.map(([k]) => k));
  const field: FieldDef = { type, label };
  if (type === 'choice') field.choices = [];
  return { definition: withFields(def, [...entries, [name, field]]), name };
}

/**
 * The definition without field `name`; the table's lists of field names (search, sets, display and summary field)
 * lose it too.
 */
export function removeField(def: Definition, name: string): Definition {
  const next = withFields(def, fieldEntries(def).filter(([k]) => k !== name));
  return renameInTable(next, name, null);
}

/** Field `name` moved `delta` places (−1 up, +1 down); unchanged at either end. */
export function moveField(def: Definition, name: string, delta: number): Definition {
  const entries = fieldEntries(def);
  const from = entries.findIndex(([k]) => k === name);
  return from < 0 ? def : moveFieldTo(def, name, from + delta);
}

/** Field `name` moved to position `to` (clamped to the list). */
export function moveFieldTo(def: Definition, name: string, to: number): Definition {
  const entries = fieldEntries(def);
  const from = entries.findIndex(([k]) => k === name);
  const target = Math.max(0, Math.min(entries.length - 1, to));
  if (from < 0 || from === target) return def;
  const [moved] = entries.splice(from, 1);
  entries.splice(target, 0, moved!);
  return withFields(def, entries);
}

/**
 * Field `from` renamed `to`, in place. The table's own references to it follow: display field, searchable fields
 * (weighted ones too), summary field, field sets, other fields' `dependsOn`, and `fetchFrom` through it. A name
 * already taken leaves the definition as it is.
 */
export function renameField(def: Definition, from: string, to: string): Definition {
  const entries = fieldEntries(def);
  if (from === to || entries.some(([k]) => k === to)) return def;
  return renameInTable(withFields(def, entries.map(([k, v]) => [k === from ? to : k, v])), from, to);
}

/** Every mention of field `from` in the table's own lists renamed `to`, or dropped when `to` is null. */
function renameInTable(def: Definition, from: string, to: string | null): Definition {
  const next: Definition = { ...def };
  const list = (v: unknown) => Array.isArray(v)
    ? v.flatMap((x) => (x === from ? (to === null ? [] : [to]) : [x])) : v;
  if (next.displayField === from) {
    if (to === null) delete next.displayField;
    else next.displayField = to;
  }
  if (next.summaryField === from) {
    if (to === null) delete next.summaryField;
    else next.summaryField = to;
  }
  if (Array.isArray(next.searchable)) {
    // An item is a name or `{ field, weight }`: the weight stays with the renamed field.
    next.searchable = (next.searchable as unknown[]).flatMap((x) => {
      if (!x || typeof x !== 'object' || (x as { field?: unknown }).field !== from) return list([x]) as unknown[];
      return to === null ? [] : [{ ...x, field: to }];
    });
    if (!(next.searchable as unknown[]).length) delete next.searchable;
  }
  if (next.fieldSets && typeof next.fieldSets === 'object') {
    next.fieldSets = Object.fromEntries(Object.entries(next.fieldSets as Record<string, unknown>).map(([k, v]) => [k, list(v)]));
  }
  const fields = fieldEntries(next).map(([k, f]): [string, FieldDef] => {
    const g: FieldDef = { ...f };
    if (g.dependsOn === from) {
      if (to === null) delete g.dependsOn;
      else g.dependsOn = to;
    }
    if (typeof g.fetchFrom === 'string' && g.fetchFrom.startsWith(`${from}.`) && to !== null) {
      g.fetchFrom = `${to}${g.fetchFrom.slice(from.length)}`;
    }
    return [k, g];
  });
  return withFields(next, fields);
}

/** Field `name` changed: an `undefined` or empty-string value removes a property. */
export function updateField(def: Definition, name: string, patch: Record<string, unknown>): Definition {
  return withFields(def, fieldEntries(def).map(([k, f]) => {
    if (k !== name) return [k, f];
    const g: FieldDef = { ...f };
    for (const [p, v] of Object.entries(patch)) {
      if (v === undefined || v === '') delete g[p];
      else g[p] = v;
    }
    return [k, g];
  }));
}

/**
 * Field `name` given another type: the properties that belong only to other types, and the default, are dropped
 * (they would not fit); a new choice field starts with no options, a reference field with no target.
 */
export function setFieldType(def: Definition, name: string, type: string): Definition {
  return withFields(def, fieldEntries(def).map(([k, f]) => {
    if (k !== name || f.type === type) return [k, f];
    const g: FieldDef = {};
    for (const [p, v] of Object.entries(f)) {
      if (p === 'default' || (TYPE_PROPERTIES[p] && !TYPE_PROPERTIES[p](type))) continue;
      g[p] = v;
    }
    g.type = type;
    if (type === 'choice' && !g.choices && !g.choiceList) g.choices = [];
    return [k, g];
  }));
}

/** The options of a choice field (an empty list when it has none or names a shared list). */
export function choicesOf(field: FieldDef): ChoiceDef[] {
  return Array.isArray(field.choices) ? (field.choices as ChoiceDef[]) : [];
}

/** Field `name`'s options replaced by what `change` makes of them. */
export function changeChoices(def: Definition, name: string, change: (choices: ChoiceDef[]) => ChoiceDef[]): Definition {
  const field = fieldEntries(def).find(([k]) => k === name)?.[1];
  return field ? updateField(def, name, { choices: change([...choicesOf(field)]) }) : def;
}

/** A new option at the end, its value made from its label. */
export function addChoice(def: Definition, name: string, label: string): Definition {
  return changeChoices(def, name, (cs) => [...cs, { value: machineNameFrom(label, cs.map((c) => c.value)), label }]);
}

/**
 * Option `index` changed. While its value is still the one made from its old label, a new label makes a new
 * value too (an option the configurator named stays as named).
 */
export function updateChoice(def: Definition, name: string, index: number, patch: { value?: string; label?: string }): Definition {
  return changeChoices(def, name, (cs) => cs.map((c, i) => {
    if (i !== index) return c;
    const next: ChoiceDef = { ...c, ...patch };
    if (patch.label !== undefined && patch.value === undefined && c.value === machineNameFrom(c.label ?? '')) {
      next.value = machineNameFrom(patch.label, cs.filter((_, j) => j !== i).map((o) => o.value));
    }
    return next;
  }));
}

/** Option `index` removed. */
export function removeChoice(def: Definition, name: string, index: number): Definition {
  return changeChoices(def, name, (cs) => cs.filter((_, i) => i !== index));
}

/** Option `index` moved `delta` places; unchanged at either end. */
export function moveChoice(def: Definition, name: string, index: number, delta: number): Definition {
  return changeChoices(def, name, (cs) => {
    const to = index + delta;
    if (to < 0 || to >= cs.length || index < 0 || index >= cs.length) return cs;
    const [moved] = cs.splice(index, 1);
    cs.splice(to, 0, moved!);
    return cs;
  });
}

/**
 * Field `name` given a new label. A field whose machine name may still change (`renamable`: not in force) and is
 * still the one made from its old label is renamed after the new label too, so a new field's name follows what is
 * typed until the configurator names it. Answers the field's name afterwards.
 */
export function relabelField(def: Definition, name: string, label: string, renamable: boolean): { definition: Definition; name: string } {
  const entries = fieldEntries(def);
  const field = entries.find(([k]) => k === name)?.[1];
  if (!field) return { definition: def, name };
  let next = updateField(def, name, { label });
  const others = entries.map(([k]) => k).filter((k) => k !== name);
  if (renamable && label.trim() && name === machineNameFrom(String(field.label ?? ''), others)) {
    const to = machineNameFrom(label, others);
    next = renameField(next, name, to);
    return { definition: next, name: to };
  }
  return { definition: next, name };
}

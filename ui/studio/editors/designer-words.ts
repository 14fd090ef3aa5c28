/**
 * Fields, facts and choice values as people read them in the designers: labels first, machine names only when a
 * field has no label.
 */
import { choicesOf, type FieldDef } from './table-model.js';

/** A field as people read it: its label, else its machine name. */
export function fieldLabel(name: string, f: FieldDef | undefined): string {
  return f && typeof f.label === 'string' && f.label ? f.label : name;
}

/** A field path as people read it: the field's label, a dot-walked path's first field by label. */
export function pathLabel(path: string, fields: Map<string, FieldDef>): string {
  const [head, ...rest] = path.split('.');
  const label = fieldLabel(head!, fields.get(head!));
  return rest.length ? `${label} → ${rest.join(' → ')}` : label;
}

/** A fact (`record.priority`) as people read it: the field's label. */
export function factLabel(fact: string, fields: Map<string, FieldDef>): string {
  const m = /^(record|previous)\.(.+)$/.exec(fact);
  if (!m) return fact;
  const label = pathLabel(m[2]!, fields);
  return m[1] === 'previous' ? `${label} before the change` : label;
}

/** A stored choice value read by its option's label. */
export function choiceLabel(fact: string, v: string, fields: Map<string, FieldDef>): string {
  const field = fields.get(fact.replace(/^(record|previous)\./, ''));
  return (field ? choicesOf(field).find((c) => c.value === v)?.label : undefined) ?? v;
}

/**
 * A condition tree as a sentence for people: "Priority is High and (State is New or Assigned to is empty)". Fields,
 * choices and units are named by their labels; a JSON leaf is described from its fact where it can be.
 */
import type { FieldMeta } from '../api/types.js';
import { isList, isRange, isRelative, OPERATOR_LABELS, SPAN_UNITS, takesValue } from './condition-operators.js';
import { rawCondition, type ConditionNode, type GroupNode, type LeafNode, type RawNode } from './condition-model.js';

const ROOTS: Record<string, string> = { previous: 'before the change', user: 'of the person', record: '' };

/** "assigned_to" → "assigned to". */
const words = (name: string) => name.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

function valueWords(value: string, field: FieldMeta): string {
  // A queue, person or role is known to people by its label, which this sentence does not have: not by its key.
  if (field.names) return `the chosen ${words(field.names)}`;
  if (field.type === 'choice') return field.choices?.find((c) => c.value === value)?.label ?? value;
  if (field.type === 'boolean') return value === 'true' ? 'Yes' : 'No';
  if (field.type === 'reference') return 'the chosen record';
  if (field.type === 'string' || field.type === 'text' || field.type === 'email' || field.type === 'url') return `"${value}"`;
  return value;
}

function listWords(items: string[], joiner: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${joiner} ${items[items.length - 1]}`;
}

/** One leaf in words; "(incomplete)" for a leaf with no field yet. */
export function leafWords(n: LeafNode, fields: Map<string, FieldMeta>): string {
  const field = fields.get(n.field);
  if (!field || !n.operator) return '(an unfinished condition)';
  const op = OPERATOR_LABELS[n.operator] ?? words(n.operator);
  if (!takesValue(n.operator)) return `${field.label} ${op}`;
  if (isRelative(n.operator)) {
    const unit = SPAN_UNITS[n.unit] ?? [n.unit, n.unit];
    return `${field.label} ${op} ${n.value || '?'} ${n.value === '1' ? unit[0] : unit[1]}`;
  }
  if (isList(n.operator)) return `${field.label} ${op} ${listWords(n.values.map((v) => valueWords(v, field)), 'or') || '?'}`;
  if (isRange(n.operator)) return `${field.label} ${op} ${valueWords(n.value, field) || '?'} and ${valueWords(n.value2, field) || '?'}`;
  return `${field.label} ${op} ${n.value === '' ? '?' : valueWords(n.value, field)}`;
}

/** A fact in words: "State before the change", "roles of the person", "the time now". */
export function factWords(fact: string, fields: Map<string, FieldMeta>): string {
  if (fact === 'now') return 'the time now';
  const [root, ...rest] = fact.split('.');
  const tail = rest.join('.');
  const label = (tail && fields.get(tail)?.label) ?? words(tail || root!);
  const where = ROOTS[root!];
  if (where === undefined) return fields.get(root!)?.label ?? words(fact);
  return where ? `${label} ${where}` : label;
}

/** A kept value in words: a field's choices by label, a named queue, person or role not spelled out by its key. */
function keptValueWords(v: unknown, field: FieldMeta | undefined): string {
  if (Array.isArray(v)) return listWords(v.map((x) => keptValueWords(x, field)), 'or');
  if (field && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return valueWords(String(v), field);
  return JSON.stringify(v);
}

/** A condition kept as written, in words where its fact and values allow. */
export function rawWords(n: RawNode, fields: Map<string, FieldMeta>): string {
  const c = rawCondition(n) as unknown;
  if (typeof c === 'object' && c !== null && typeof (c as { fact?: unknown }).fact === 'string') {
    const leaf = c as { fact: string; operator?: unknown; value?: unknown };
    const op = OPERATOR_LABELS[String(leaf.operator)] ?? words(String(leaf.operator));
    const v = leaf.value;
    const field = fields.get(leaf.fact.replace(/^record\./, ''));
    let value = '';
    if (typeof v === 'object' && v !== null && typeof (v as { fact?: unknown }).fact === 'string') value = ` ${factWords((v as { fact: string }).fact, fields)}`;
    else if (v !== undefined && v !== true) value = ` ${keptValueWords(v, field)}`;
    return `${factWords(leaf.fact, fields)} ${op}${value}`;
  }
  return '(a condition written as JSON)';
}

function nodeWords(n: ConditionNode, fields: Map<string, FieldMeta>, nested: boolean): string {
  if (n.type === 'leaf') return leafWords(n, fields);
  if (n.type === 'raw') return rawWords(n, fields);
  const parts = n.children.map((c) => nodeWords(c, fields, true));
  let text: string;
  if (!parts.length) text = n.match === 'all' ? 'always true' : 'never true';
  else text = parts.join(n.match === 'all' ? ' and ' : ' or ');
  if (n.negated) return `not (${text})`;
  return nested && parts.length > 1 ? `(${text})` : text;
}

/** The whole condition in words, starting with a capital letter. */
export function conditionWords(root: GroupNode, fields: FieldMeta[]): string {
  const text = nodeWords(root, new Map(fields.map((f) => [f.name, f])), false);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

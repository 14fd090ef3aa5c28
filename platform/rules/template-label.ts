/**
 * The `label` template helper: a stored value as people read it. `{{label record "priority"}}` prints
 *  - a choice: its option's label ("High", not "2"); several choices: their labels joined with ", ";
 *  - a boolean: "Yes" / "No";
 *  - a date: "5 March 2026"; a date-time: "5 March 2026, 14:05 UTC" (templates have no reader's time zone);
 *  - a reference: the value of the first field of the table fetched through it (`fetchFrom: "<reference>.<field>"`,
 *    normally the target's display field), which the record carries; templates are rendered synchronously and
 *    cannot read the referenced record, so validation refuses `label` on a reference without such a field;
 *  - anything else as stored; a missing value as nothing.
 * Choices and references need the record's table, which the renderer passes as Handlebars data (`table`), never as
 * data a template can read. Shared by rule, workflow, SLA and notification templates.
 */
import type Handlebars from 'handlebars';
import { closestNames } from '../definitions/suggest.js';
import type { ResolvedField, ResolvedTable } from '../definitions/types.js';

export const LABEL_HELPER = 'label';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

const missing = (v: unknown) => v === null || v === undefined || v === '';

/** The field of `table` fetched through reference `name` first (what `label` prints for the reference). */
export function fetchedThrough(table: ResolvedTable, name: string): ResolvedField | undefined {
  for (const f of table.fields.values()) if (f.fetchFrom?.split('.')[0] === name) return f;
  return undefined;
}

function formatDate(value: string, withTime: boolean): string {
  const d = new Date(withTime ? value : `${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return value;
  return withTime ? `${DAY.format(d)}, ${TIME.format(d)} UTC` : DAY.format(d);
}

/** One value as people read it (see the file comment). */
function scalarLabel(field: ResolvedField | undefined, value: unknown): string {
  if (missing(value)) return '';
  if (typeof value === 'boolean' && (!field || field.type === 'boolean')) return value ? 'Yes' : 'No';
  if (field?.type === 'choice') return field.choices?.find((c) => c.value === value)?.label ?? String(value);
  if (typeof value === 'string' && (field ? field.type === 'date' : DATE_ONLY.test(value)) && DATE_ONLY.test(value)) return formatDate(value, false);
  if (typeof value === 'string' && (field ? field.type === 'datetime' : DATE_TIME.test(value)) && DATE_TIME.test(value)) return formatDate(value, true);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** What `{{label <object> "<field>"}}` prints for `object` (a record) of `table`. */
export function labelOf(table: ResolvedTable | undefined, object: unknown, name: string): string {
  if (!object || typeof object !== 'object' || !Object.prototype.hasOwnProperty.call(object, name)) return '';
  const record = object as Record<string, unknown>;
  const value = record[name];
  const field = table?.fields.get(name);
  if (field?.type === 'reference' && table) {
    const shown = fetchedThrough(table, name);
    if (missing(value)) return '';
    return shown && !missing(record[shown.name]) ? scalarLabel(shown, record[shown.name]) : String(value);
  }
  if (Array.isArray(value)) return value.map((v) => scalarLabel(field, v)).filter(Boolean).join(', ');
  return scalarLabel(field, value);
}

/** Register `label` in a Handlebars environment. */
export function registerLabelHelper(env: typeof Handlebars): void {
  env.registerHelper(LABEL_HELPER, (object: unknown, name: unknown, options?: Handlebars.HelperOptions) => {
    const table = (options?.data as { table?: ResolvedTable } | undefined)?.table;
    return typeof name === 'string' ? labelOf(table, object, name) : '';
  });
}

type Node = { type: string; [k: string]: unknown };

/**
 * The problem with one `label` call (a Handlebars AST node), or null: it takes a record path and a field name in
 * quotes; with the table, the field must be one of its fields, and a reference must have a field fetched through it.
 */
export function checkLabelCall(node: Node, table: ResolvedTable | undefined): string | null {
  const params = (node.params as Node[] | undefined) ?? [];
  const usage = 'write {{label record "<field>"}} (or previous)';
  if (params.length !== 2 || node.hash) return `"label" takes a record and a field name: ${usage}`;
  const [object, field] = params as [Node, Node];
  if (object.type !== 'PathExpression') return `the first argument of "label" is the record: ${usage}`;
  if (field.type !== 'StringLiteral') return `the second argument of "label" is a field name in quotes: ${usage}`;
  const name = String(field.value);
  if (!table) return null;
  const f = table.fields.get(name);
  if (!f) return `"label": field "${name}" is not a field of table "${table.name}" (closest: ${closestNames(table.fields.keys(), name, 3).join(', ')})`;
  if (f.type === 'reference' && !fetchedThrough(table, name)) {
    return `"label" of reference "${name}" would print an id: add a field with "fetchFrom": "${name}.<display field>" to table "${table.name}", which it prints instead`;
  }
  return null;
}

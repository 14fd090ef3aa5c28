/**
 * What a list page works with besides its rendering: the rows of one load with their labels aside, the view read
 * from the URL, and which columns a table shows when none are chosen.
 */
import type { Condition } from '../../platform/conditions/browser.js';
import type { FieldMeta, ListMeta, RecordData, TableMeta } from '../api/types.js';

/** Columns besides the number and display field when none are given. */
const EXTRA_COLUMNS = 4;
/** Field types left out of the default columns: long or structured values that do not fit a cell. */
const NOT_LISTED_TYPES = new Set(['text', 'richtext', 'json', 'journal', 'attachment', 'uuid']);
/** Field types a list cannot show at all (no column, or no value one cell can hold). */
const NEVER_LISTED_TYPES = new Set(['json', 'journal', 'attachment']);
/** System fields that identify a row to the engine, not to people. */
const ENGINE_FIELDS = new Set(['id', 'class', 'version']);

/** What one load of the list gives: the table's metadata, its rows, and why the rows cannot be shown (if so). */
export interface Rows {
  meta: TableMeta;
  /** The rows with their stored values (what sorting, filtering, selection and row actions work on). */
  records: RecordData[];
  /** Each row's labels from the server (`display=all`): references, choices, booleans, people, by field name. */
  labels: Map<RecordData, Map<string, string>>;
  total: number | null;
  totalKind: ListMeta['totalKind'];
  error: string;
  /** The table's workflow state field (changed only by transitions), or null. */
  stateField: string | null;
}

/** Sort, filter, page and search in force. */
export interface View { filter: Condition | null; sort: string | null; offset: number; limit: number; search: string }

/** A field the server answered as `{ value, display }` (`display=all`). */
function isDisplayPair(v: unknown): v is { value: unknown; display: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'value' in v && 'display' in v;
}

/** One row's stored values, and its labels aside, from an answer with `display=all`. */
export function splitRow(meta: TableMeta, row: RecordData): { record: RecordData; shown: Map<string, string> } {
  const json = new Set(meta.fields.filter((f) => f.type === 'json').map((f) => f.name));
  const record: RecordData = {};
  const shown = new Map<string, string>();
  for (const [name, v] of Object.entries(row)) {
    if (json.has(name) || !isDisplayPair(v)) {
      record[name] = v;
      continue;
    }
    record[name] = v.value;
    if (v.display !== null && v.display !== undefined) shown.set(name, Array.isArray(v.display) ? v.display.join(', ') : String(v.display));
  }
  return { record, shown };
}

/** The rows' stored values, and their labels aside, from an answer with `display=all`. */
export function splitLabels(meta: TableMeta, answered: RecordData[]): Pick<Rows, 'records' | 'labels'> {
  const labels = new Map<RecordData, Map<string, string>>();
  const records = answered.map((row) => {
    const { record, shown } = splitRow(meta, row);
    labels.set(record, shown);
    return record;
  });
  return { records, labels };
}

export function parseCondition(text: string | null): Condition | null {
  if (!text) return null;
  try {
    const c = JSON.parse(text) as unknown;
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Condition) : null;
  } catch {
    return null;
  }
}

export function parseOffset(text: string | null): number {
  return text && /^\d{1,9}$/.test(text) ? Number(text) : 0;
}

/** The columns a table shows when none are chosen: its number and display field, then a few more of its own. */
export function defaultColumns(meta: TableMeta): string[] {
  const known = new Set(meta.fields.map((f) => f.name));
  const cols: string[] = [];
  if (meta.numberPrefix && known.has('number')) cols.push('number');
  if (known.has(meta.displayField) && !cols.includes(meta.displayField) && meta.displayField !== 'id') cols.push(meta.displayField);
  const extra = meta.fields
    .filter((f) => !f.system && !f.hidden && !NOT_LISTED_TYPES.has(f.type) && !cols.includes(f.name))
    .slice(0, EXTRA_COLUMNS);
  cols.push(...extra.map((f) => f.name));
  if (!cols.length) cols.push('id');
  return cols;
}

/**
 * The fields a person may pick as columns: those the table's metadata gives them (it leaves out what they may not
 * read) that a cell can show, except the engine's own identifiers and fields kept out of sight (`hidden`); the
 * table's own fields first, then the number and who changed it when.
 */
export function columnCandidates(meta: TableMeta): FieldMeta[] {
  const shown = meta.fields.filter((f) => !f.hidden && !ENGINE_FIELDS.has(f.name) && !NEVER_LISTED_TYPES.has(f.type));
  return [...shown.filter((f) => !f.system), ...shown.filter((f) => f.system)];
}

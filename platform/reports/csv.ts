/**
 * CSV output for exports and reports (csv-stringify; RFC 4180 quoting, CRLF record ends). Two rules keep a cell a
 * single, inert cell when a spreadsheet opens the file (OWASP CSV injection):
 *  - a cell holding a line break (CR or LF) is always quoted. csv-stringify quotes only the record delimiter
 *    (CRLF) unless `quote_record_delimiter` is on, and a spreadsheet starts a new row at a bare LF or CR;
 *  - every line of a cell that starts as a formula (`=`, `+`, `-`, `@`, a tab, a carriage return, or their
 *    full-width forms, which some spreadsheets normalise) gets a leading single quote, not only the first line:
 *    a program that splits the cell on its line breaks would otherwise find the formula.
 */
import { Transform } from 'node:stream';
import { stringify, type Options, type Stringifier } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import type { ResolvedTable } from '../definitions/types.js';
import { plainTextOf } from '../records/rich-text.js';

/** The position before each formula start at the beginning of the cell or of one of its lines. */
const FORMULA_STARTS = /(?<=^|[\r\n])(?=[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20])/g;
/** Whether a cell may need {@link FORMULA_STARTS} at all: most cells are one line of plain text. */
const MAY_HOLD_FORMULA = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]|[\r\n]/;

const OPTIONS: Options = { record_delimiter: 'windows', quote_record_delimiter: true };

/**
 * Make one cell safe to open in a spreadsheet. Numbers pass through (a negative number is a number, not a formula);
 * booleans become `true` / `false` (csv-stringify would write `1` and an empty cell, and false would read as
 * missing); objects and arrays become their JSON.
 */
export function csvCell(value: unknown): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return MAY_HOLD_FORMULA.test(s) ? s.replace(FORMULA_STARTS, '\'') : s;
}

export interface CsvColumn { key: string; header: string }

/** The header line of `columns`, as cells. */
export function csvHeader(columns: CsvColumn[]): (string | number)[] {
  return columns.map((c) => csvCell(c.header));
}

/** One record as the cells of `columns`. */
export function csvRow(record: Record<string, unknown>, columns: CsvColumn[]): (string | number)[] {
  return columns.map((c) => csvCell(record[c.key]));
}

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const MOMENT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short',
});

/**
 * Records with display values (platform/records/display-values.ts, mode `true`) as spreadsheet cells for people:
 * dates and date-times in words ("1 December 2026", "1 December 2026 at 09:30 UTC": the server knows no reader's
 * time zone, so it says which it uses), a list of labels as one cell ("Slow, Outage"), tags as one cell joined by
 * "; " (a tag may hold a comma), rich text as its plain text. Returns new records.
 */
export function readableCells(table: ResolvedTable, records: Record<string, unknown>[]): Record<string, unknown>[] {
  const fields = [...table.fields.values()];
  const dates = fields.filter((f) => f.type === 'date' || f.type === 'datetime');
  const lists = fields.filter((f) => f.type === 'choice' && f.multiple).map((f) => f.name);
  const tags = fields.filter((f) => f.type === 'tags').map((f) => f.name);
  const rich = fields.filter((f) => f.type === 'richtext').map((f) => f.name);
  return records.map((r) => {
    const out: Record<string, unknown> = { ...r };
    for (const name of lists) if (Array.isArray(out[name])) out[name] = (out[name] as unknown[]).join(', ');
    for (const name of tags) if (Array.isArray(out[name])) out[name] = (out[name] as unknown[]).join('; ');
    for (const name of rich) if (typeof out[name] === 'string') out[name] = plainTextOf(out[name] as string);
    for (const f of dates) {
      const v = out[f.name];
      if (typeof v !== 'string' || !v) continue;
      const d = new Date(f.type === 'date' ? `${v}T00:00:00Z` : v);
      if (!Number.isNaN(d.getTime())) out[f.name] = (f.type === 'date' ? DAY : MOMENT).format(d);
    }
    return out;
  });
}

/**
 * A stream that turns rows of cells ({@link csvHeader}, {@link csvRow}) into CSV text: pipe it to the response
 * so that a large export is written as it is read, with backpressure.
 */
export function csvStream(): Stringifier {
  return stringify(OPTIONS);
}

/**
 * A stream gathering the stringifier's per-record strings into chunks of about `size` bytes, so the response is
 * written in a few large writes rather than one small write (and one HTTP chunk) per record. The first record (the
 * header line) passes at once: the response starts as soon as the export is known to be valid.
 */
export function csvChunks(size = 64 * 1024): Transform {
  let parts: Buffer[] = [];
  let length = 0;
  let started = false;
  const take = (): Buffer => {
    const out = Buffer.concat(parts, length);
    parts = [];
    length = 0;
    return out;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      length += chunk.length;
      const flush = !started || length >= size;
      started = true;
      done(null, flush ? take() : undefined);
    },
    flush(done) {
      done(null, length ? take() : undefined);
    },
  });
}

/** Rows to CSV text with a header line, for small outputs held in memory. */
export function toCsv(rows: Record<string, unknown>[], columns: CsvColumn[]): string {
  return stringifySync([csvHeader(columns), ...rows.map((r) => csvRow(r, columns))], OPTIONS);
}

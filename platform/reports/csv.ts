/**
 * CSV output for exports and reports (csv-stringify). Cells that a spreadsheet would run as a formula — starting
 * with `=`, `+`, `-`, `@`, a tab or a carriage return — are prefixed with a single quote (OWASP CSV injection).
 */
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r]/;

/** Make one cell safe to open in a spreadsheet. Numbers and booleans pass through unchanged. */
export function csvCell(value: unknown): string | number | boolean {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return FORMULA_START.test(s) ? `'${s}` : s;
}

export interface CsvColumn { key: string; header: string }

/** Rows to CSV text with a header line (RFC 4180 quoting, CRLF line ends). */
export function toCsv(rows: Record<string, unknown>[], columns: CsvColumn[]): string {
  return stringify([
    columns.map((c) => csvCell(c.header)),
    ...rows.map((r) => columns.map((c) => csvCell(r[c.key]))),
  ], { record_delimiter: 'windows' });
}

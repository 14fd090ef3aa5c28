/**
 * The names of a multi-row set's cells in problems and control ids (`set[2].field`), shared by the order form, its
 * rows, and the mapping of the server's refusals.
 */
import { ApiError } from '../api/client.js';

/** The key of one cell of a multi-row set in problems and control ids: `set[2].field` (rows counted from 0). */
export function cellKey(set: string, row: number, field: string): string {
  return `${set}[${row}].${field}`;
}

/** The set, row and field a cell key names, or null for any other key. */
export function parseCellKey(key: string): { set: string; row: number; field: string } | null {
  const m = /^\/?([^[\]/]+)(?:\[|\/)(\d+)(?:\]\.|\/)(.+)$/.exec(key);
  return m ? { set: m[1]!, row: Number(m[2]), field: m[3]! } : null;
}

/**
 * An API refusal with its problems' cell names in the form's keys: the server names a cell `set[0].field` (rows from
 * 0, as the form does) or as a JSON pointer `/set/0/field`.
 */
export function serverProblems(err: unknown): unknown {
  if (!(err instanceof ApiError) || !err.errors.length) return err;
  const errors = err.errors.map((p) => {
    const cell = parseCellKey(p.field);
    return cell ? { ...p, field: cellKey(cell.set, cell.row, cell.field) } : p;
  });
  return new ApiError(err.status, err.code, err.message, errors, err.body, err.headers);
}

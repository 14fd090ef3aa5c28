import type { FieldMeta, RecordData } from '../api/types.js';

/**
 * Initial values from a page's URL query (a link's or a copy's prefill), by field name: numbers and booleans parsed,
 * multiple choices and tags split at commas. Names that are not fields, and system fields, are ignored.
 */
export function queryValues(fields: Readonly<Record<string, FieldMeta>>, params: URLSearchParams): RecordData {
  const values: RecordData = {};
  for (const [k, v] of params) {
    const f = Object.hasOwn(fields, k) ? fields[k] : undefined;
    if (!f || f.system) continue;
    if (f.type === 'integer' || f.type === 'decimal' || f.type === 'currency') values[k] = Number(v);
    else if (f.type === 'boolean') values[k] = v === 'true';
    else if ((f.type === 'choice' && f.multiple) || f.type === 'tags') values[k] = v.split(',');
    else values[k] = v;
  }
  return values;
}

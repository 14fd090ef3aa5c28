/**
 * Conversions between stored values and what form controls hold, and the checks the browser makes before
 * submitting (the server checks everything again).
 */
import type { FieldMeta } from '../api/types.js';
import { lowerFirst } from '../format.js';

export function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO 8601 instant as the value of `<input type="datetime-local">` in the browser's time zone. */
export function isoToLocalInput(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The value of `<input type="datetime-local">` (local time) as an ISO 8601 instant in UTC, or null. */
export function localInputToIso(local: string): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export interface Parsed { value: unknown; problem: string | null }

/**
 * Parse what was typed in a number field. Accepts thousands separators, spaces and a leading currency symbol;
 * refuses anything else with a GOV.UK-style message.
 */
export function parseNumber(field: FieldMeta, text: string): Parsed {
  const cleaned = text.trim().replace(/[,\s]/g, '').replace(/^[£$€]/, '');
  if (cleaned === '') return { value: null, problem: null };
  const label = field.label;
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(cleaned)) {
    return { value: text, problem: `${label} must be a number${field.type === 'integer' ? ', like 12' : ''}` };
  }
  const n = Number(cleaned);
  if (field.type === 'integer' && !Number.isInteger(n)) return { value: text, problem: `${label} must be a whole number` };
  const scale = field.type === 'integer' ? 0 : field.scale ?? 2;
  const decimals = (cleaned.split('.')[1] ?? '').length;
  if (decimals > scale) return { value: text, problem: `${label} must have ${scale === 0 ? 'no' : `at most ${scale}`} decimal places` };
  if (field.min !== undefined && n < field.min) return { value: n, problem: `${label} must be ${field.min} or more` };
  if (field.max !== undefined && n > field.max) return { value: n, problem: `${label} must be ${field.max} or less` };
  return { value: n, problem: null };
}

/** Parse a JSON field's text: empty is null; invalid JSON is a problem. */
export function parseJson(field: FieldMeta, text: string): Parsed {
  if (text.trim() === '') return { value: null, problem: null };
  try {
    return { value: JSON.parse(text) as unknown, problem: null };
  } catch {
    return { value: text, problem: `${field.label} must be valid JSON, like {"key": "value"}` };
  }
}

/** GOV.UK wording for a missing mandatory value: "Enter …" for typed values, "Select …" for choices. */
export function requiredMessage(field: FieldMeta): string {
  const label = lowerFirst(field.label);
  switch (field.type) {
    case 'choice':
      return field.multiple ? `Select at least one option for ${label}` : `Select ${label}`;
    case 'boolean':
      return `Select ${label}`;
    case 'reference':
      return `Choose ${label} from the list`;
    default:
      return `Enter ${label}`;
  }
}

/** Whether two stored values are the same (arrays and objects by content). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

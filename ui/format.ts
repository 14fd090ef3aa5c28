/**
 * Display text of stored values (lists, activity, read-only fields), in British English conventions.
 */
import type { FieldMeta } from './api/types.js';
import { richTextToPlain } from './rich-text.js';

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

export function formatDate(value: string): string {
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? value : dateFormat.format(d);
}

export function formatDateTime(value: string): string {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : dateTimeFormat.format(d);
}

const relativeFormat = new Intl.RelativeTimeFormat('en-GB', { numeric: 'auto' });
/** Each unit, and how many of it make the next (weeks: how many are still said in weeks). */
const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [['minute', 60], ['hour', 24], ['day', 7], ['week', 5]];

/**
 * A date-time as people say it relative to `now`: "just now", "5 minutes ago", "yesterday", "in 3 hours", up to a
 * few weeks either way; further away, the date and time ({@link formatDateTime}).
 */
export function formatRelative(value: string, now: number = Date.now()): string {
  const t = new Date(value).getTime();
  if (Number.isNaN(t)) return value;
  let amount = (t - now) / 1000;
  if (Math.abs(amount) < 45) return 'just now';
  amount /= 60;
  for (const [unit, next] of RELATIVE_STEPS) {
    if (Math.abs(amount) < next) return relativeFormat.format(Math.round(amount), unit);
    amount /= next;
  }
  return formatDateTime(value);
}

export function formatTime(ms: number): string {
  return timeFormat.format(new Date(ms));
}

/** The currency symbol of an ISO 4217 code in en-GB ("£" for GBP, "US$" for USD). */
export function currencySymbol(code = 'GBP'): string {
  try {
    const parts = new Intl.NumberFormat('en-GB', { style: 'currency', currency: code }).formatToParts(0);
    return parts.find((p) => p.type === 'currency')?.value ?? code;
  } catch {
    return code;
  }
}

export function formatCurrency(value: number, code = 'GBP'): string {
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency: code }).format(value);
  } catch {
    return `${code} ${value}`;
  }
}

/** "Short description" → "short description" for use mid-sentence; "URL" and "PIN code" stay as they are. */
export function lowerFirst(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

export function choiceLabel(field: FieldMeta, value: unknown): string {
  return field.choices?.find((c) => c.value === value)?.label ?? String(value);
}

/**
 * A record's average rating as people read it: the share who found it useful ("67%") or stars ("4.2 out of 5");
 * empty before the first rating.
 */
export function formatRatingAverage(scale: 'useful' | 'stars', value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  if (scale === 'useful') return `${Math.round(value * 100)}%`;
  return `${value.toLocaleString('en-GB', { maximumFractionDigits: 1 })} out of 5`;
}

/**
 * A value as text. References need their target's display value, which the caller resolves and passes in
 * `references` (id → text); an unresolved one shows as "Record <short id>".
 */
export function formatValue(field: FieldMeta | undefined, value: unknown, references?: ReadonlyMap<string, string>): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return '';
  if (!field) return typeof value === 'object' ? JSON.stringify(value) : String(value);
  switch (field.type) {
    case 'boolean':
      return value ? 'Yes' : 'No';
    case 'choice':
      return Array.isArray(value) ? value.map((v) => choiceLabel(field, v)).join(', ') : choiceLabel(field, value);
    case 'date':
      return formatDate(String(value));
    case 'datetime':
      return formatDateTime(String(value));
    case 'currency':
      return typeof value === 'number' ? formatCurrency(value, field.currency) : String(value);
    case 'decimal':
      return typeof value === 'number' ? value.toLocaleString('en-GB', { maximumFractionDigits: field.scale ?? 2 }) : String(value);
    case 'reference':
      return references?.get(String(value)) ?? `Record ${String(value).slice(0, 8)}`;
    case 'json':
      return JSON.stringify(value);
    case 'tags':
      return Array.isArray(value) ? value.join(', ') : String(value);
    case 'richtext':
      return richTextToPlain(String(value));
    case 'attachment':
      return Array.isArray(value) ? value.map((a) => (a as { name?: string }).name ?? '').join(', ') : '';
    default:
      return String(value);
  }
}

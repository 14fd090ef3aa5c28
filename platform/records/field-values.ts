import { DEFAULT_SCALE, INTEGER_RANGE, YEAR_RANGE, integerDigits, isCalendarDay, unstorableIn, unstorableText } from '../db/storage-types.js';
import type { ResolvedField } from '../definitions/types.js';
import { plainTextOf, sanitizeRichText } from './rich-text.js';

/** The outcome of checking one value against its field: the normalised value, or a field error. */
export type Checked = { ok: true; value: unknown } | { ok: false; code: string; message: string };

const ok = (value: unknown): Checked => ({ ok: true, value });
const bad = (code: string, message: string): Checked => ({ ok: false, code, message });

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// UK postcodes, including GIR 0AA and BFPO-style overseas territories' formats (BS 7666).
const POSTCODE = /^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2})$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ATTACHMENT_KEYS = new Set(['id', 'name', 'type', 'size']);

const patternCache = new Map<string, RegExp>();
function compiledPattern(source: string): RegExp {
  let re = patternCache.get(source);
  if (!re) { re = new RegExp(source, 'u'); patternCache.set(source, re); }
  return re;
}

function label(field: ResolvedField): string {
  return field.label ?? field.name;
}

/** The longest value of a string-like field without `maxLength` (string, email, phone, url), in characters. */
export const DEFAULT_MAX_LENGTH = 255;
/** The longest value of a text field or journal entry without `maxLength`, in characters (fits the default body limit). */
export const DEFAULT_LONG_MAX_LENGTH = 100_000;

/** The field types whose values are free text, bounded by `maxLength`. */
const FREE_TEXT = new Set(['string', 'text', 'richtext', 'journal', 'email', 'phone', 'url']);
/** The most tags a tags field holds, and the most characters of one tag. */
export const TAG_LIMITS = Object.freeze({ count: 20, length: 50 });
const LONG_TEXT = new Set(['text', 'richtext', 'journal']);

/**
 * The most characters (Unicode code points) a value of a free-text field may hold: its `maxLength`, else
 * {@link DEFAULT_LONG_MAX_LENGTH} for text, rich text (its sanitised HTML) and journal fields and
 * {@link DEFAULT_MAX_LENGTH} for string, email, phone and url fields. Undefined for other types (their values are
 * bounded otherwise).
 */
export function maxLengthOf(field: Pick<ResolvedField, 'type' | 'maxLength'>): number | undefined {
  if (!FREE_TEXT.has(field.type)) return undefined;
  return field.maxLength ?? (LONG_TEXT.has(field.type) ? DEFAULT_LONG_MAX_LENGTH : DEFAULT_MAX_LENGTH);
}

/** No database stores such text alike (see unstorableText): refused, naming the field, the character and where. */
const unstorable = (field: ResolvedField, what: string, where = ''): Checked =>
  bad('invalid_character', `${label(field)} must not contain ${what}${where}.`);

function checkString(field: ResolvedField, value: unknown): Checked {
  if (typeof value !== 'string') return bad('type', `${label(field)} must be text; got ${JSON.stringify(value)}.`);
  const what = unstorableText(value);
  if (what) return unstorable(field, what);
  const length = [...value].length;
  const max = maxLengthOf(field) ?? DEFAULT_MAX_LENGTH;
  if (length > max) return bad('too_long', `${label(field)} must be ${max} characters or fewer; got ${length}.`);
  if (field.minLength !== undefined && length < field.minLength) {
    return bad('too_short', `${label(field)} must be ${field.minLength} characters or more; got ${length}.`);
  }
  if (field.pattern && !compiledPattern(field.pattern).test(value)) {
    return bad('pattern', field.patternMessage ?? `${label(field)} must match ${field.pattern}.`);
  }
  return ok(value);
}

/** Digits after the point of a finite number as JavaScript writes it, exponent notation included (1.5e-7 has 8). */
function decimalPlaces(value: number): number {
  const m = /^-?\d+(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  return m ? Math.max(0, (m[1]?.length ?? 0) - Number(m[2] ?? 0)) : Infinity;
}

/**
 * Numbers are checked against their column on every database: an integer within PostgreSQL's `integer`, a decimal
 * with at most `scale` places (more are refused, never rounded) and fewer digits before the point than its
 * decimal(18, scale) holds. -0 is stored as 0.
 */
function checkNumber(field: ResolvedField, value: unknown, integer: boolean): Checked {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return bad('type', `${label(field)} must be a number; got ${JSON.stringify(value)}.`);
  }
  if (integer) {
    if (!Number.isInteger(value)) return bad('type', `${label(field)} must be a whole number; got ${value}.`);
    if (value < INTEGER_RANGE.min || value > INTEGER_RANGE.max) {
      return bad('range', `${label(field)} must be a whole number from ${INTEGER_RANGE.min} to ${INTEGER_RANGE.max}; got ${value}.`);
    }
  } else {
    const scale = field.scale ?? DEFAULT_SCALE;
    if (decimalPlaces(value) > scale) return bad('scale', `${label(field)} must have at most ${scale} decimal places; got ${value}.`);
    const digits = integerDigits(field.scale);
    if (Math.abs(value) >= 10 ** digits) {
      return bad('range', `${label(field)} must have at most ${digits} digits before the decimal point; got ${value}.`);
    }
  }
  if (field.min !== undefined && value < field.min) return bad('min', `${label(field)} must be ${field.min} or more; got ${value}.`);
  if (field.max !== undefined && value > field.max) return bad('max', `${label(field)} must be ${field.max} or less; got ${value}.`);
  return ok(value === 0 ? 0 : value);
}

const inYears = (year: number) => year >= YEAR_RANGE.min && year <= YEAR_RANGE.max;

function checkDate(field: ResolvedField, value: unknown): Checked {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (m && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]))) {
    return inYears(Number(m[1])) ? ok(value) : bad('range', `${label(field)} must be a date from 0001-01-01 to 9999-12-31; got ${JSON.stringify(value)}.`);
  }
  return bad('type', `${label(field)} must be a date (YYYY-MM-DD); got ${JSON.stringify(value)}.`);
}

/** A date-time is stored as its instant in UTC, which must fall in years 0001–9999 too. */
function checkDatetime(field: ResolvedField, value: unknown): Checked {
  const m = typeof value === 'string' ? DATETIME.exec(value) : null;
  if (m && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3])) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6] ?? 0) < 60) {
    const d = new Date(value as string);
    if (!Number.isNaN(d.getTime())) {
      if (inYears(d.getUTCFullYear())) return ok(d.toISOString());
      return bad('range', `${label(field)} must be a date and time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z (in UTC); got ${JSON.stringify(value)}.`);
    }
  }
  return bad('type', `${label(field)} must be a date and time (ISO 8601 with a time zone); got ${JSON.stringify(value)}.`);
}

/**
 * A json value is stored as it is, but every string and key in it must be storable text (PostgreSQL's jsonb
 * refuses \u0000 and unpaired surrogates); the first found is named by its JSON pointer.
 */
function checkJson(field: ResolvedField, value: unknown): Checked {
  for (const spot of unstorableIn(value)) {
    const pointer = spot.path.map((k) => `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
    const place = pointer ? ` at ${pointer}` : '';
    return unstorable(field, spot.what, spot.inKey ? ` in a key${place}` : place);
  }
  return ok(value);
}

function checkChoice(field: ResolvedField, value: unknown, previous: unknown): Checked {
  const allowed = new Map((field.choices ?? []).map((c) => [c.value, c]));
  const one = (v: unknown, prev: unknown[]): string | null => {
    if (typeof v !== 'string') return `${label(field)} must be one of the listed choices; got ${JSON.stringify(v)}.`;
    const choice = allowed.get(v);
    // An inactive choice stays valid on records that already hold it, as in ServiceNow.
    if (!choice || (choice.inactive && !prev.includes(v))) {
      return `${label(field)} must be one of ${[...allowed.values()].filter((c) => !c.inactive).map((c) => c.value).join(', ')}; got ${JSON.stringify(v)}.`;
    }
    return null;
  };
  if (field.multiple) {
    if (!Array.isArray(value)) return bad('type', `${label(field)} must be a list of choices; got ${JSON.stringify(value)}.`);
    const prev = Array.isArray(previous) ? previous : [];
    for (const v of value) {
      const msg = one(v, prev);
      if (msg) return bad('choice', msg);
    }
    if (new Set(value).size !== value.length) return bad('choice', `${label(field)} lists a choice twice.`);
    return ok(value);
  }
  const msg = one(value, [previous]);
  return msg ? bad('choice', msg) : ok(value);
}

/**
 * Tags are normalised rather than refused where the intent is clear: each trimmed with inner runs of white space made
 * one space, empty ones dropped, and a repeat (compared without regard to case) dropped in favour of the first
 * spelling. What is left must be at most {@link TAG_LIMITS} many and long.
 */
function checkTags(field: ResolvedField, value: unknown): Checked {
  if (!Array.isArray(value)) return bad('type', `${label(field)} must be a list of tags; got ${JSON.stringify(value)}.`);
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const v of value) {
    if (typeof v !== 'string') return bad('type', `Each tag of ${label(field)} must be text; got ${JSON.stringify(v)}.`);
    const what = unstorableText(v);
    if (what) return unstorable(field, what, ` (in the tag ${JSON.stringify(v)})`);
    const tag = v.replace(/\s+/g, ' ').trim();
    if (!tag) continue;
    const length = [...tag].length;
    if (length > TAG_LIMITS.length) {
      return bad('too_long', `Each tag of ${label(field)} must be ${TAG_LIMITS.length} characters or fewer; "${tag}" has ${length}.`);
    }
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
  }
  if (tags.length > TAG_LIMITS.count) return bad('too_many', `${label(field)} may hold at most ${TAG_LIMITS.count} tags; got ${tags.length}.`);
  return ok(tags);
}

/**
 * Rich text is sanitised before it is measured, so the limit applies to what is stored. Markup with no words and
 * no image or rule in it (an editor's empty `<p></p>`) is no value, so `required` sees it as empty.
 */
function checkRichText(field: ResolvedField, value: unknown): Checked {
  if (typeof value !== 'string') return bad('type', `${label(field)} must be text (HTML); got ${JSON.stringify(value)}.`);
  const what = unstorableText(value);
  if (what) return unstorable(field, what);
  const clean = sanitizeRichText(value);
  if (!/<(img|hr)\b/i.test(clean) && plainTextOf(clean) === '') return ok(null);
  return checkString(field, clean);
}

/**
 * An attachment field holds one entry per file, {id, name, type, size}, written by the attachment service
 * (platform/files) as it stores or removes files; the files themselves and their metadata are in sys_attachment.
 */
function checkAttachments(field: ResolvedField, value: unknown): Checked {
  const valid = Array.isArray(value) && value.every((a) => {
    if (!a || typeof a !== 'object' || Array.isArray(a)) return false;
    const e = a as Record<string, unknown>;
    return typeof e.id === 'string' && UUID.test(e.id) && typeof e.name === 'string' && !unstorableText(e.name)
      && typeof e.type === 'string' && !unstorableText(e.type) && Number.isSafeInteger(e.size) && Object.keys(e).every((k) => ATTACHMENT_KEYS.has(k));
  });
  if (!valid) return bad('type', `${label(field)} must be a list of {id, name, type, size}.`);
  return ok(value);
}

/**
 * Check and normalise one client-supplied value for a field. `null` is always accepted here (required is
 * checked separately). `previous` is the stored value on update, so inactive choices already held stay valid.
 */
export function checkFieldValue(field: ResolvedField, value: unknown, previous?: unknown): Checked {
  if (value === null || value === undefined) return ok(null);
  switch (field.type) {
    case 'string': case 'text': case 'journal':
      return checkString(field, value);
    case 'email': {
      const r = checkString(field, value);
      if (!r.ok) return r;
      return EMAIL.test(value as string) ? r : bad('format', `${label(field)} must be an email address like name@example.com.`);
    }
    case 'phone': {
      const r = checkString(field, value);
      if (!r.ok) return r;
      const digits = (value as string).replace(/\D/g, '').length;
      return /^\+?[0-9 ()-]+$/.test(value as string) && digits >= 7 && digits <= 15
        ? ok((value as string).trim())
        : bad('format', `${label(field)} must be a telephone number, like 01632 960 001 or +44 808 157 0192.`);
    }
    case 'url': {
      const r = checkString(field, value);
      if (!r.ok) return r;
      try {
        const u = new URL(value as string);
        if (u.protocol === 'http:' || u.protocol === 'https:') return r;
      } catch { /* reported below */ }
      return bad('format', `${label(field)} must be a web address starting with http:// or https://.`);
    }
    case 'postcode': {
      if (typeof value !== 'string' || !POSTCODE.test(value.trim())) {
        return bad('format', `${label(field)} must be a UK postcode, like SW1A 2AA; got ${JSON.stringify(value)}.`);
      }
      const compact = value.replace(/\s+/g, '').toUpperCase();
      return ok(`${compact.slice(0, -3)} ${compact.slice(-3)}`);
    }
    case 'integer': return checkNumber(field, value, true);
    case 'decimal': case 'currency': return checkNumber(field, value, false);
    case 'boolean':
      return typeof value === 'boolean' ? ok(value) : bad('type', `${label(field)} must be true or false; got ${JSON.stringify(value)}.`);
    case 'date': return checkDate(field, value);
    case 'datetime': return checkDatetime(field, value);
    case 'choice': return checkChoice(field, value, previous);
    case 'reference': case 'uuid':
      return typeof value === 'string' && UUID.test(value)
        ? ok(value.toLowerCase())
        : bad('type', `${label(field)} must be the id of a record; got ${JSON.stringify(value)}.`);
    case 'json': return checkJson(field, value);
    case 'attachment': return checkAttachments(field, value);
    case 'richtext': return checkRichText(field, value);
    case 'tags': return checkTags(field, value);
    default: return bad('type', `${label(field)} has an unknown type.`);
  }
}

/** Whether a value counts as empty for `required`. */
export function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

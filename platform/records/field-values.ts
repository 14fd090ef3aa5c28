import type { ResolvedField } from '../definitions/types.js';

/** The outcome of checking one value against its field: the normalised value, or a field error. */
export type Checked = { ok: true; value: unknown } | { ok: false; code: string; message: string };

const ok = (value: unknown): Checked => ({ ok: true, value });
const bad = (code: string, message: string): Checked => ({ ok: false, code, message });

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// UK postcodes, including GIR 0AA and BFPO-style overseas territories' formats (BS 7666).
const POSTCODE = /^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2})$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
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

function checkString(field: ResolvedField, value: unknown): Checked {
  if (typeof value !== 'string') return bad('type', `${label(field)} must be text; got ${JSON.stringify(value)}.`);
  const length = [...value].length;
  const max = field.maxLength ?? (field.type === 'text' ? undefined : 255);
  if (max !== undefined && length > max) return bad('too_long', `${label(field)} must be ${max} characters or fewer; got ${length}.`);
  if (field.minLength !== undefined && length < field.minLength) {
    return bad('too_short', `${label(field)} must be ${field.minLength} characters or more; got ${length}.`);
  }
  if (field.pattern && !compiledPattern(field.pattern).test(value)) {
    return bad('pattern', field.patternMessage ?? `${label(field)} must match ${field.pattern}.`);
  }
  return ok(value);
}

function checkNumber(field: ResolvedField, value: unknown, integer: boolean): Checked {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return bad('type', `${label(field)} must be a number; got ${JSON.stringify(value)}.`);
  }
  if (integer && !Number.isSafeInteger(value)) return bad('type', `${label(field)} must be a whole number; got ${value}.`);
  if (!integer) {
    const scale = field.scale ?? 2;
    const decimals = (String(value).split('.')[1] ?? '').length;
    if (decimals > scale || /e/i.test(String(value))) {
      return bad('scale', `${label(field)} must have at most ${scale} decimal places; got ${value}.`);
    }
  }
  if (field.min !== undefined && value < field.min) return bad('min', `${label(field)} must be ${field.min} or more; got ${value}.`);
  if (field.max !== undefined && value > field.max) return bad('max', `${label(field)} must be ${field.max} or less; got ${value}.`);
  return ok(value);
}

function checkDate(field: ResolvedField, value: unknown): Checked {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])) return ok(value);
  }
  return bad('type', `${label(field)} must be a date (YYYY-MM-DD); got ${JSON.stringify(value)}.`);
}

function checkDatetime(field: ResolvedField, value: unknown): Checked {
  if (typeof value === 'string' && DATETIME.test(value)) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return ok(d.toISOString());
  }
  return bad('type', `${label(field)} must be a date and time (ISO 8601 with a time zone); got ${JSON.stringify(value)}.`);
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
 * An attachment field holds one entry per file, {id, name, type, size}, written by the attachment service
 * (platform/files) as it stores or removes files; the files themselves and their metadata are in sys_attachment.
 */
function checkAttachments(field: ResolvedField, value: unknown): Checked {
  const valid = Array.isArray(value) && value.every((a) => {
    if (!a || typeof a !== 'object' || Array.isArray(a)) return false;
    const e = a as Record<string, unknown>;
    return typeof e.id === 'string' && UUID.test(e.id) && typeof e.name === 'string' && typeof e.type === 'string'
      && Number.isSafeInteger(e.size) && Object.keys(e).every((k) => ATTACHMENT_KEYS.has(k));
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
    case 'json': return ok(value);
    case 'attachment': return checkAttachments(field, value);
    default: return bad('type', `${label(field)} has an unknown type.`);
  }
}

/** Whether a value counts as empty for `required`. */
export function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * What storage depends on of a field, and what every database can hold. The limits below are those of the
 * narrower database for each column type (PostgreSQL's int4, numeric(p,s), date years and text without NUL), so
 * that the field model refuses the same values on SQLite and on PostgreSQL before any SQL runs.
 */

/** What storage depends on of a field (structurally a resolved field; db stays below definitions). */
export interface StoredFieldShape {
  type: string;
  multiple?: boolean;
  scale?: number;
}

/** The whole numbers an `integer` column holds everywhere: PostgreSQL's `integer` (SQLite's is 64-bit). */
export const INTEGER_RANGE = { min: -2_147_483_648, max: 2_147_483_647 } as const;

/** Total digits of a `decimal` column; its scale (digits after the point) is the field's `scale`, default 2. */
export const DECIMAL_PRECISION = 18;

/** The default `scale` of decimal and currency fields. */
export const DEFAULT_SCALE = 2;

/**
 * How many digits a decimal column of `scale` holds before the point: precision minus scale (16 for the default
 * decimal(18,2)). A value must be smaller in size than 10 to that power, or PostgreSQL refuses it.
 */
export function integerDigits(scale: number | undefined): number {
  return DECIMAL_PRECISION - (scale ?? DEFAULT_SCALE);
}

/** The years a date or date-time column holds everywhere: PostgreSQL has no year 0, ISO strings past 9999 need a sign. */
export const YEAR_RANGE = { min: 1, max: 9999 } as const;

/** Whether year-month-day is a day of the proleptic Gregorian calendar (2025-02-30 is not). */
export function isCalendarDay(y: number, m: number, d: number): boolean {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

// NUL: PostgreSQL text and jsonb cannot hold U+0000. An unpaired surrogate is not Unicode: drivers write it as
// U+FFFD (so the value read back differs) and jsonb refuses its escape.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/**
 * Why `text` cannot be stored as it is on every database, in words ("the NUL character (U+0000)"), or null when
 * it can: text holding U+0000 or an unpaired UTF-16 surrogate is refused rather than stored differently per database.
 */
export function unstorableText(text: string): string | null {
  const m = UNSTORABLE.exec(text);
  if (!m) return null;
  return m[0] === '\u0000' ? 'the NUL character (U+0000)' : `an unpaired surrogate (U+${m[0].charCodeAt(0).toString(16).toUpperCase()})`;
}

/** A string or key inside a JSON value that {@link unstorableText} refuses: where (the keys down to it), and why. */
export interface UnstorableSpot {
  /** The keys (array indexes as text) from the value's root to the string, or to the object holding the key. */
  path: string[];
  /** What is wrong, in words. */
  what: string;
  /** Whether it is a key of the object at `path` rather than the string at `path`. */
  inKey: boolean;
}

/**
 * Every string and key of a JSON value that cannot be stored alike on every database, in no particular order; the
 * value under a refused key is not looked into. Iterative, so a deeply nested value cannot overflow the stack.
 */
export function* unstorableIn(value: unknown): Generator<UnstorableSpot> {
  const stack: { v: unknown; path: string[] }[] = [{ v: value, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    const what = typeof v === 'string' ? unstorableText(v) : null;
    if (what) yield { path, what, inKey: false };
    if (v === null || typeof v !== 'object') continue;
    for (const [key, child] of Object.entries(v)) {
      const inKey = Array.isArray(v) ? null : unstorableText(key);
      if (inKey) yield { path, what: inKey, inKey: true };
      else stack.push({ v: child, path: [...path, key] });
    }
  }
}

/**
 * The storage type of a field: what schema sync compares to decide whether a definition change is additive.
 * Field types that store alike (string, email, phone, url, postcode, single choice) share one storage type, so
 * changing between them is not a type change.
 */
export function storageTypeOf(field: StoredFieldShape): string {
  switch (field.type) {
    case 'uuid': case 'reference': return 'uuid';
    case 'integer': return 'integer';
    case 'decimal': case 'currency': return `decimal(${DECIMAL_PRECISION},${field.scale ?? DEFAULT_SCALE})`;
    case 'boolean': return 'boolean';
    case 'date': return 'date';
    case 'datetime': return 'datetime';
    case 'json': case 'attachment': return 'json';
    case 'choice': return field.multiple ? 'json' : 'text';
    case 'tags': return 'json';
    default: return 'text';
  }
}

/**
 * Whether a field holds a list of strings stored as a JSON array (a multiple choice, or tags): such fields are
 * filtered with contains / doesNotContain / isEmpty and cannot be sorted.
 */
export function isStringList(field: Pick<StoredFieldShape, 'type' | 'multiple'>): boolean {
  return (field.type === 'choice' && !!field.multiple) || field.type === 'tags';
}

/** The conversion key the dialects use for a field's values (`choice-multiple` for multiple choice and tags). */
export function valueTypeOf(field: Omit<StoredFieldShape, 'scale'>): string {
  return isStringList(field) ? 'choice-multiple' : field.type;
}

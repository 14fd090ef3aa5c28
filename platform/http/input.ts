/**
 * The one way routes read their input. Each route declares a JSON Schema for its query (and its body, where it
 * takes one), compiled with ajv once when its router is built, and reads the request through it:
 *
 *   const listQuery = compileQuery<ListParams>({ limit: param.wholeNumber, unread: param.boolean });
 *   …
 *   const { limit, unread } = readQuery(req, listQuery);
 *
 * Query strings are coerced to the declared types (ajv `coerceTypes`: "10" → 10, "true" → true) and defaults are
 * filled in; parameters the route does not declare are refused, so a typo is an error rather than silently ignored.
 * Bodies are never coerced: JSON already has types. Every failure is a FormworkError that problem.ts turns into
 * application/problem+json, with one entry per parameter or member in `errors`:
 *
 *   query → invalid_query (400): unknown parameter, given twice, wrong type or value, missing.
 *   body  → invalid_payload (400) when its shape is wrong (not an object, unknown members);
 *           validation_failed (422) when a member's value is (missing, wrong type, not one of the choices, text
 *           holding the NUL character or an unpaired surrogate, which no database stores alike).
 * A query parameter holding the NUL character is invalid_query too.
 *
 * A schema may say what it expects in words with the `expected` annotation ("a whole number of 0 or more"); the
 * message then reads `Query parameter "limit" must be a whole number of 0 or more; got "ten".`
 */
import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import type { Request } from 'express';
import { unstorableIn, unstorableText } from '../db/storage-types.js';
import { fail, type FieldError } from '../errors.js';

/** A JSON Schema as routes declare it (ajv's draft-07 vocabulary plus the `expected` annotation). */
export type InputSchema = SchemaObject;

/** A compiled query or body schema: build once per router, use per request. */
export interface CompiledInput<T> {
  readonly kind: 'query' | 'body';
  /** The declared query parameters (or body members), in declaration order, for messages. */
  readonly names: readonly string[];
  /** @internal the ajv validator; read through {@link readQuery} / {@link readBody}. */
  readonly validate: ValidateFunction<T>;
  /** What the whole body must be, in words, for a body that is not even the right JSON type. */
  readonly expected: string;
  /** Whether a request without a body is refused (else it reads as `{}`). */
  readonly required: boolean;
  /** Whether {@link readBody} leaves checking the body's text to the service (see {@link BodyOptions}). */
  readonly textCheckedByService?: boolean;
}

/** How {@link compileBody} treats the body as a whole. */
export interface BodyOptions {
  /** What the whole body must be, in words ("Send <expected>."); default "a JSON object". */
  expected?: string;
  /** Refuse a request without a body (invalid_payload); by default it reads as `{}`. */
  required?: boolean;
  /**
   * The service the body goes to checks every text in it itself, naming each value as its users know it (the record
   * service, by field label): leave text to it. Otherwise a string or key holding the NUL character or an unpaired
   * surrogate, anywhere in the body, is refused here (validation_failed), as no database stores it alike.
   */
  textCheckedBy?: 'service';
}

/** ISO 8601: a date (`2026-12-07`) or a date-time with a zone (`2026-12-07T10:00Z`, seconds optional). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Adds what every input validator shares: the `expected` annotation and the formats routes use. */
function withVocabulary(ajv: Ajv): Ajv {
  ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });
  ajv.addFormat('iso-date-time', { type: 'string', validate: (s: string) => ISO_DATE.test(s) && !Number.isNaN(Date.parse(s)) });
  ajv.addFormat('timestamp', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
  return ajv;
}

// Two instances because their options differ: a query is all strings until coerced; a body must not be coerced.
// allErrors: a client learns every bad parameter in one answer; verbose: errors carry their schema's `expected`.
const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true, useDefaults: true } as const;
const queryAjv = withVocabulary(new Ajv({ ...AJV_OPTIONS, coerceTypes: true }));
const bodyAjv = withVocabulary(new Ajv(AJV_OPTIONS));

/** Shorthands for the parameter schemas routes use most; each says what it expects in words. */
export const param = {
  /** Any text, given once. */
  text: { type: 'string' },
  /** Text of at least one character. */
  nonEmpty: { type: 'string', minLength: 1, expected: 'text of at least one character' },
  /** 0 to 999,999,999 (what fits every database's integer and every page size check after it). */
  wholeNumber: { type: 'integer', minimum: 0, maximum: 999_999_999, expected: 'a whole number of 0 or more' },
  /** `true` or `false`. */
  boolean: { type: 'boolean', expected: 'true or false' },
  /** A whole number in `[min, max]`, `fallback` when absent. */
  range: (min: number, max: number, fallback?: number): InputSchema => ({
    type: 'integer', minimum: min, maximum: max, expected: `a whole number from ${min} to ${max}`,
    ...(fallback === undefined ? {} : { default: fallback }),
  }),
  /** One of `values`, `fallback` when absent. */
  oneOf: (values: readonly string[], fallback?: string): InputSchema => ({
    type: 'string', enum: [...values], expected: `one of ${values.join(', ')}`,
    ...(fallback === undefined ? {} : { default: fallback }),
  }),
} satisfies Record<string, InputSchema | ((...args: never[]) => InputSchema)>;

/**
 * Compile the query schema of a route: `properties` are its parameters (each a schema for one string value,
 * coerced), `required` those it cannot do without. Undeclared parameters are refused.
 */
export function compileQuery<T>(properties: Record<string, InputSchema>, required: readonly string[] = []): CompiledInput<T> {
  const schema = { type: 'object', properties, additionalProperties: false, ...(required.length ? { required: [...required] } : {}) };
  return { kind: 'query', names: Object.keys(properties), validate: queryAjv.compile<T>(schema), expected: 'query parameters', required: false };
}

/**
 * Compile the body schema of a route. A schema of `type: 'object'` with `properties` that does not say otherwise
 * refuses members it does not declare (mass assignment).
 */
export function compileBody<T>(schema: InputSchema, options: BodyOptions = {}): CompiledInput<T> {
  const closed = schema.type === 'object' && schema.additionalProperties === undefined && schema.properties
    ? { ...schema, additionalProperties: false } : schema;
  const names = closed.properties ? Object.keys(closed.properties as object) : [];
  return {
    kind: 'body', names, validate: bodyAjv.compile<T>(closed), expected: options.expected ?? 'a JSON object', required: options.required === true,
    textCheckedByService: options.textCheckedBy === 'service',
  };
}

/** The query schema of routes that take no parameter. */
export const NO_QUERY = compileQuery<Record<string, never>>({});

/**
 * The request's query, validated, coerced and defaulted by `compiled`.
 * Errors: invalid_query, naming each bad parameter in `errors`.
 */
export function readQuery<T>(req: Request, compiled: CompiledInput<T>): T {
  const raw = req.query as Record<string, unknown>;
  const unstorable = Object.entries(raw).flatMap(([name, value]) => {
    const what = [value].flat().map((v) => (typeof v === 'string' ? unstorableText(v) : null)).find(Boolean);
    return what ? [{ field: name, code: 'invalid_character', message: `Query parameter "${name}" must not contain ${what}.` }] : [];
  });
  if (unstorable.length) fail('invalid_query', unstorable.map((e) => e.message).join(' '), { fieldErrors: unstorable });
  // A copy: ajv coerces in place, and the raw values are kept for messages.
  const data: Record<string, unknown> = { ...raw };
  if (compiled.validate(data)) return data as T;
  const errors = queryErrors(compiled, compiled.validate.errors ?? [], raw);
  fail('invalid_query', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
}

/**
 * The request's body, validated by `compiled`; a request without a body reads as `{}` (so "all members optional"
 * needs no body at all) unless the body is `required`. Errors: invalid_payload (no body when one is required, wrong
 * JSON type, unknown members), validation_failed (a member's value; text holding the NUL character or an unpaired
 * surrogate anywhere, unless the service checks it), naming each member in `errors`.
 */
export function readBody<T>(req: Request, compiled: CompiledInput<T>): T {
  if (req.body === undefined && compiled.required) fail('invalid_payload', `Send ${compiled.expected}.`);
  const body: unknown = req.body === undefined ? {} : req.body;
  if (compiled.validate(body)) {
    if (!compiled.textCheckedByService) assertStorableText(body);
    return body as T;
  }
  const all = compiled.validate.errors ?? [];
  const root = all.find((e) => e.instancePath === '' && e.keyword !== 'additionalProperties' && e.keyword !== 'required');
  if (root) fail('invalid_payload', `Send ${compiled.expected}.`);
  const unknown = all.filter((e) => e.keyword === 'additionalProperties');
  if (unknown.length) {
    const keys = unknown.map((e) => String(e.params.additionalProperty));
    fail('invalid_payload', `Unexpected ${keys.map((k) => `"${k}"`).join(', ')}; send only ${compiled.names.join(', ') || 'an empty object'}.`, {
      fieldErrors: keys.map((k) => ({ field: k, code: 'unknown_field', message: `"${k}" cannot be set here.` })),
    });
  }
  const errors = dedupe(all.map(memberError));
  fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
}

/**
 * Refuses (validation_failed) every string and key of a body that holds the NUL character or an unpaired surrogate,
 * naming the member by its dotted path.
 */
function assertStorableText(body: unknown): void {
  const errors: FieldError[] = [...unstorableIn(body)].map(({ path, what, inKey }) => {
    const name = path.join('.') || 'body';
    return { field: name, code: 'invalid_character', message: inKey ? `A key in ${name} must not contain ${what}.` : `${name} must not contain ${what}.` };
  });
  if (errors.length) fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
}

/** Stable sub-codes of field errors, by ajv keyword (keywords not listed keep their own name). */
const FIELD_CODES: Record<string, string> = {
  enum: 'choice', minimum: 'range', maximum: 'range', minLength: 'too_short', maxLength: 'too_long',
  minItems: 'too_few', maxItems: 'too_many', format: 'invalid',
};

/** The parameter or member an error is about: its own name, or the one it misses (`required`). */
function nameOf(e: ErrorObject): string {
  if (e.keyword === 'required') return String(e.params.missingProperty);
  if (e.keyword === 'additionalProperties') return String(e.params.additionalProperty);
  return e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

/** `expected` of the schema that failed, else ajv's own words ("must be integer"). */
function mustBe(e: ErrorObject): string {
  const expected = (e.parentSchema as { expected?: unknown } | undefined)?.expected;
  if (typeof expected === 'string') return `must be ${expected}`;
  if (e.keyword === 'enum') return `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
  return e.message ?? 'is not valid';
}

function queryErrors(compiled: CompiledInput<unknown>, all: ErrorObject[], raw: Record<string, unknown>): FieldError[] {
  const expected = compiled.names.length ? `expected ${compiled.names.join(', ')}` : 'this endpoint takes none';
  const errors = all.map((e): FieldError => {
    const name = nameOf(e);
    if (e.keyword === 'additionalProperties') {
      return { field: name, code: 'unknown_parameter', message: `Unknown query parameter "${name}"; ${expected}.` };
    }
    if (e.keyword === 'required') return { field: name, code: 'required', message: `Query parameter "${name}" is required.` };
    const value = raw[name];
    if (Array.isArray(value)) return { field: name, code: 'repeated', message: `Query parameter "${name}" must be given once.` };
    return { field: name, code: FIELD_CODES[e.keyword] ?? e.keyword, message: `Query parameter "${name}" ${mustBe(e)}; got "${String(value)}".` };
  });
  // An unknown parameter is the likeliest mistake (a typo): it comes first.
  return dedupe(errors).sort((a, b) => Number(b.code === 'unknown_parameter') - Number(a.code === 'unknown_parameter'));
}

function memberError(e: ErrorObject): FieldError {
  const name = nameOf(e);
  if (e.keyword === 'required') return { field: name, code: 'required', message: `${name} is required.` };
  return { field: name, code: FIELD_CODES[e.keyword] ?? e.keyword, message: `${name} ${mustBe(e)}.` };
}

/** One error per field: a value that fails its type fails several keywords, and the first says it best. */
function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.field) && seen.add(e.field));
}

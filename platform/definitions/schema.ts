/**
 * The definition schema, assembled from parts: the shapes every kind shares (common.schema.json) and each registered
 * kind's own part (beside its runtime code). `definitions.schema.json` at the repository root is that assembly
 * written out for editors and the designer's help texts (`npm run build:schema`; a test keeps it current).
 * Validation (JSON Schema 2020-12, ajv) reports every error, each with its file, JSON pointer, the offending value
 * and what was expected.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { AnyKindModule, SchemaPart } from './kinds.js';
import type { LoadedDocument } from './loader.js';
import type { DefinitionError } from './types.js';

const require = createRequire(import.meta.url);
// ajv and ajv-formats are CommonJS; their default exports are the classes / plugin.
const Ajv2020 = require('ajv/dist/2020.js').default as typeof import('ajv/dist/2020.js').default;
const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;

const SCHEMA_ID = 'https://formwork.dev/definitions.schema.json';

/** Read a schema part (a JSON file beside a kind's code). */
export function readSchemaPart(url: URL): SchemaPart {
  return JSON.parse(readFileSync(url, 'utf8')) as SchemaPart;
}

const COMMON = readSchemaPart(new URL('./common.schema.json', import.meta.url));

const assembled = new WeakMap<readonly AnyKindModule[], Record<string, unknown>>();

/** `ref`: where a definition or part of one comes from, for its maintainers; never shown to the people using it. */
const REF = {
  description: 'For the pack\'s maintainers, never shown to its users: the requirement ids or other references this '
    + 'comes from (e.g. "ABC-FR-22"). Labels, help and descriptions are written for the people who use the pack.',
  oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }],
};

/**
 * A copy of a schema shape in which every closed object (no other properties allowed) also takes `ref`, so any part of
 * any kind — a table, a field, a form's policy, a rule, a catalogue variable — can keep its requirement ids there.
 */
function withRefs(shape: unknown): unknown {
  if (Array.isArray(shape)) return shape.map(withRefs);
  if (shape === null || typeof shape !== 'object') return shape;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(shape)) out[k] = k === 'properties' || k === '$defs' ? mapValues(v, withRefs) : withRefs(v);
  const closed = out.additionalProperties === false || out.unevaluatedProperties === false;
  const props = out.properties as Record<string, unknown> | undefined;
  if (closed && props && typeof props === 'object' && !('ref' in props)) {
    out.properties = { ...props, ref: { $ref: '#/$defs/ref', description: REF.description } };
  }
  return out;
}

function mapValues(value: unknown, fn: (v: unknown) => unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(v)]));
}

/** The whole schema for a list of kinds: common shapes, every kind's part, and the `definition` switch on `kind`. */
export function assembleSchema(kinds: readonly AnyKindModule[]): Record<string, unknown> {
  const cached = assembled.get(kinds);
  if (cached) return cached;
  const $defs: Record<string, unknown> = {};
  const add = (part: SchemaPart) => {
    for (const [name, shape] of Object.entries(part.$defs)) {
      if (name in $defs && $defs[name] !== shape) throw new Error(`Schema part defines "${name}" twice.`);
      $defs[name] = shape;
    }
  };
  add(COMMON);
  for (const k of new Set(kinds.map((m) => m.schema))) add(k);
  for (const [name, shape] of Object.entries($defs)) $defs[name] = withRefs(shape);
  $defs.ref = REF;
  const names = kinds.map((k) => k.kind);
  $defs.definition = {
    type: 'object',
    description: 'One definition. The `kind` property decides which shape applies; errors are reported against that kind only.',
    required: ['kind'],
    properties: {
      kind: {
        description: `What this document declares: ${kinds.map((k) => `${k.kind} (${k.summary})`).join('; ')}.`,
        enum: names,
      },
    },
    allOf: names.map((kind) => ({
      if: { type: 'object', properties: { kind: { const: kind } }, required: ['kind'] },
      then: { $ref: `#/$defs/${kind}` },
    })),
  };
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: 'Formwork definition',
    description: 'A Formwork definition file: one definition object with a `kind` and a `name`. One definition per file.',
    $ref: '#/$defs/definition',
    $defs,
  };
  assembled.set(kinds, schema);
  return schema;
}

/** The assembled schema as written to `definitions.schema.json`. */
export function schemaFileText(kinds: readonly AnyKindModule[]): string {
  return `${JSON.stringify(assembleSchema(kinds), null, 2)}\n`;
}

const validators = new WeakMap<readonly AnyKindModule[], ValidateFunction>();

function compiled(kinds: readonly AnyKindModule[]): ValidateFunction {
  let validator = validators.get(kinds);
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
    addFormats(ajv);
    ajv.addSchema(assembleSchema(kinds));
    validator = ajv.getSchema(`${SCHEMA_ID}#/$defs/definition`)!;
    validators.set(kinds, validator);
  }
  return validator;
}

const clip = (v: unknown): unknown => {
  if (v === undefined) return undefined;
  const s = JSON.stringify(v);
  if (s === undefined) return undefined;
  return s.length > 120 ? `${s.slice(0, 117)}...` : v;
};

function describe(e: ErrorObject, file: string, base: string): DefinitionError | null {
  const at = base + e.instancePath;
  const p = e.params as Record<string, unknown>;
  if (e.propertyName !== undefined && e.keyword !== 'propertyNames') {
    return { file, pointer: `${at}/${e.propertyName}`, message: `The name "${e.propertyName}" is not allowed: ${e.message ?? ''}.`, expected: e.keyword === 'pattern' ? `a name matching ${String(p.pattern)}` : e.message, value: e.propertyName };
  }
  switch (e.keyword) {
    case 'if': case 'anyOf': case 'oneOf': case 'allOf':
      // The branch's own errors say what is wrong; these summaries only repeat it.
      return null;
    case 'required':
      return { file, pointer: at, message: `Missing required property "${String(p.missingProperty)}".`, expected: `property "${String(p.missingProperty)}"` };
    case 'additionalProperties': {
      const allowed = Object.keys(((e.parentSchema as { properties?: object })?.properties) ?? {});
      return {
        file, pointer: `${at}/${String(p.additionalProperty)}`,
        message: `Unknown property "${String(p.additionalProperty)}".`,
        expected: allowed.length ? `one of: ${allowed.join(', ')}` : 'no other properties',
      };
    }
    case 'enum':
      return { file, pointer: at, message: `Value ${JSON.stringify(clip(e.data))} is not allowed.`, expected: `one of: ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`, value: clip(e.data) };
    case 'const':
      return { file, pointer: at, message: `Value ${JSON.stringify(clip(e.data))} is not allowed.`, expected: JSON.stringify(p.allowedValue), value: clip(e.data) };
    case 'type':
      return { file, pointer: at, message: `Wrong type: ${e.message ?? ''}.`, expected: String(p.type), value: clip(e.data) };
    case 'pattern':
      return { file, pointer: at, message: `Value ${JSON.stringify(clip(e.data))} does not have the expected form.`, expected: `text matching ${String(p.pattern)}`, value: clip(e.data) };
    case 'propertyNames':
      return null;
    default:
      return { file, pointer: at, message: `${e.message ?? 'Invalid value'}.`, expected: e.message, value: clip(e.data) };
  }
}

/** Validate documents against the schema of the kinds; returns every error (empty when all are valid). */
export function validateAgainstSchema(
  kinds: readonly AnyKindModule[], documents: LoadedDocument[],
): { errors: DefinitionError[]; invalid: Set<LoadedDocument> } {
  const validate = compiled(kinds);
  const errors: DefinitionError[] = [];
  const invalid = new Set<LoadedDocument>();
  for (const doc of documents) {
    if (validate(doc.value)) continue;
    invalid.add(doc);
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const d = describe(e, doc.file, doc.pointer);
      if (!d) continue;
      const key = `${d.pointer}|${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push(d);
    }
    if (![...seen].length) errors.push({ file: doc.file, pointer: doc.pointer, message: 'The definition does not match the schema.' });
  }
  return { errors, invalid };
}

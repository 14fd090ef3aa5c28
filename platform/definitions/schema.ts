/**
 * Validation of definition documents against `definitions.schema.json` (JSON Schema 2020-12, ajv). Every error
 * is reported, each with its file, JSON pointer, the offending value and what was expected.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { LoadedDocument } from './loader.js';
import type { DefinitionError } from './types.js';

const require = createRequire(import.meta.url);
// ajv and ajv-formats are CommonJS; their default exports are the classes / plugin.
const Ajv2020 = require('ajv/dist/2020.js').default as typeof import('ajv/dist/2020.js').default;
const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;

export const SCHEMA_PATH = new URL('../../definitions.schema.json', import.meta.url);

let validator: ValidateFunction | undefined;
let schemaJson: Record<string, unknown> | undefined;

/** The parsed schema (the designer serves it to the browser for help texts). */
export function definitionSchema(): Record<string, unknown> {
  schemaJson ??= JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  return schemaJson;
}

function compiled(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
    addFormats(ajv);
    // Documents are validated one by one (the loader splits array files), each as a definition: against the
    // root schema an array nested in an array file would pass and then be silently dropped.
    const schema = definitionSchema();
    ajv.addSchema(schema);
    validator = ajv.getSchema(`${String(schema.$id)}#/$defs/definition`)!;
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

/** Validate documents against the schema; returns every error (empty when all are valid). */
export function validateAgainstSchema(documents: LoadedDocument[]): { errors: DefinitionError[]; invalid: Set<LoadedDocument> } {
  const validate = compiled();
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

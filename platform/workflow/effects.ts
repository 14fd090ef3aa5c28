/**
 * Rendering the values of `set` and `createRecord` effects: a string holding `{{…}}` is a Handlebars template over
 * `{ record, previous, user, now }` (platform/rules/templates.ts, the rules' engine and semantics): exactly one
 * `{{path}}` gives the value at that path as is, other templates give text, converted to the field's type where it
 * is a number or boolean; an empty result is null. Anything else is a literal.
 */
import type { ResolvedField } from '../definitions/types.js';
import { compileTemplate, isTemplate, lookupPath, singlePath, type Template, type TemplateContext } from '../rules/templates.js';

const NUMERIC = /^-?\d+(\.\d+)?$/;
const TEXT_TYPES = new Set(['string', 'text', 'email', 'phone', 'url', 'postcode', 'choice', 'journal']);
const compiled = new Map<string, Template>();

function coerce(field: ResolvedField | undefined, value: unknown): unknown {
  if (value === '' || value === undefined) return null;
  if (!field) return value;
  if (typeof value === 'string') {
    const v = value.trim();
    if ((field.type === 'integer' || field.type === 'decimal' || field.type === 'currency') && NUMERIC.test(v)) return Number(v);
    if (field.type === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
    return value;
  }
  if ((typeof value === 'number' || typeof value === 'boolean') && TEXT_TYPES.has(field.type) && !field.multiple) return String(value);
  return value;
}

export function renderValue(raw: unknown, field: ResolvedField | undefined, ctx: TemplateContext): unknown {
  if (!isTemplate(raw)) return raw === undefined ? null : structuredClone(raw);
  const path = singlePath(raw);
  if (path) return coerce(field, structuredClone(lookupPath(ctx, path)));
  let t = compiled.get(raw);
  if (!t) { t = compileTemplate(raw); compiled.set(raw, t); }
  return coerce(field, t(ctx));
}

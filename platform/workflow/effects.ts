/**
 * Rendering the values of `set` and `createRecord` effects: a string holding `{{…}}` is a Handlebars template over
 * `{ record, previous, user, now }` (platform/rules/templates.ts, the rules' engine and semantics): exactly one
 * `{{path}}` gives the value at that path as is, other templates give text, converted to the field's type where it
 * is a number or boolean; an empty result is null. Anything else is a literal.
 */
import type { ResolvedField } from '../definitions/types.js';
import { coerceToField, compileTemplate, isTemplate, lookupPath, singlePath, type Template, type TemplateContext } from '../rules/templates.js';

const compiled = new Map<string, Template>();

export function renderValue(raw: unknown, field: ResolvedField | undefined, ctx: TemplateContext): unknown {
  if (!isTemplate(raw)) return raw === undefined ? null : structuredClone(raw);
  const path = singlePath(raw);
  if (path) return coerceToField(field, structuredClone(lookupPath(ctx, path)));
  let t = compiled.get(raw);
  if (!t) { t = compileTemplate(raw); compiled.set(raw, t); }
  return coerceToField(field, t(ctx));
}

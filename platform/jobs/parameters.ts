/**
 * A job's parameters: declared with the field model (the definition's own, and a platform job's), checked with the
 * same value checks as record fields, and put into a sweep's condition where it says `{ "param": "name" }`.
 */
import type { Condition } from '../conditions/types.js';
import type { FieldDef, ResolvedField } from '../definitions/types.js';
import type { FieldError } from '../errors.js';
import { checkFieldValue } from '../records/field-values.js';
import { platformJob } from './platform-jobs.js';
import type { JobDef } from './types.js';

/** The parameters a job takes: a platform job's declared ones, with the definition's declarations over them. */
export function declaredParameters(def: JobDef): Record<string, FieldDef> {
  const fromPlatform = def.platform ? platformJob(def.platform)?.parameters ?? {} : {};
  return { ...fromPlatform, ...(def.parameters ?? {}) };
}

/** A parameter as a field, for the value checks records use. */
export function parameterField(job: string, name: string, def: FieldDef): ResolvedField {
  return { ...def, name, label: def.label ?? name, column: name, declaredBy: `job:${job}`, system: false };
}

/** Check values against declarations; each problem names `parameters.<name>`. Returns the values as normalised. */
export function checkParameters(
  job: string, declared: Record<string, FieldDef>, values: Record<string, unknown>,
): { values: Record<string, unknown>; errors: FieldError[] } {
  const out: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(values)) {
    const def = declared[name];
    if (!def) {
      const known = Object.keys(declared);
      errors.push({
        field: `parameters.${name}`, code: 'unknown_field',
        message: `The job has no parameter "${name}"${known.length ? `; it takes ${known.join(', ')}` : ''}.`,
      });
      continue;
    }
    const checked = checkFieldValue(parameterField(job, name, def), value);
    if (!checked.ok) errors.push({ field: `parameters.${name}`, code: checked.code, message: checked.message });
    else if (checked.value === null && def.required) {
      errors.push({ field: `parameters.${name}`, code: 'required', message: `${def.label ?? name} needs a value.` });
    } else out[name] = checked.value;
  }
  return { values: out, errors };
}

/** The values in force: each declaration's default, then the administrator's values. */
export function parameterValues(declared: Record<string, FieldDef>, overrides: Record<string, unknown> | null): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(declared)) values[name] = def.default === undefined ? null : def.default;
  for (const [name, v] of Object.entries(overrides ?? {})) if (name in declared) values[name] = v;
  return values;
}

const isParamRef = (v: unknown): v is { param: string } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { param?: unknown }).param === 'string';

/** The names a condition reads as `{ "param": "name" }`. */
export function conditionParameters(cond: unknown, found: string[] = []): string[] {
  if (isParamRef(cond)) found.push(cond.param);
  else if (Array.isArray(cond)) cond.forEach((c) => conditionParameters(c, found));
  else if (cond && typeof cond === 'object') Object.values(cond).forEach((c) => conditionParameters(c, found));
  return found;
}

/** The condition with every `{ "param": "name" }` replaced by the parameter's value. */
export function withParameters(cond: Condition, values: Record<string, unknown>): Condition {
  const walk = (v: unknown): unknown => {
    if (isParamRef(v)) return values[v.param] ?? null;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(cond) as Condition;
}

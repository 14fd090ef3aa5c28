/**
 * Turning an API refusal into what a sign-in page shows: errors on its own fields, and the rest as general
 * problems at the top of the error summary.
 */
import { ApiError } from '../api/client.js';
import type { SummaryItem } from '../fw-error-summary.js';

export interface Problems {
  fields: Map<string, string>;
  general: string[];
}

export function problemsOf(err: unknown, known: readonly string[]): Problems {
  const fields = new Map<string, string>();
  const general: string[] = [];
  if (!(err instanceof ApiError)) {
    general.push('Something went wrong. Try again.');
    return { fields, general };
  }
  for (const p of err.errors) {
    if (known.includes(p.field) && !fields.has(p.field)) fields.set(p.field, p.message);
    else general.push(p.message);
  }
  if (!fields.size && !general.length) {
    if (err.code === 'rate_limited') {
      const wait = Number(err.headers?.get('retry-after'));
      general.push(Number.isFinite(wait) && wait > 0 ? `There have been too many attempts. Wait ${Math.ceil(wait)} seconds, then try again.` : 'There have been too many attempts. Wait a minute, then try again.');
    } else {
      general.push(err.message);
    }
  }
  return { fields, general };
}

/** The error summary's items: general problems first, then each field's error linked to `${prefix}-${field}`. */
export function summaryOf(problems: Problems, order: readonly string[], prefix: string): SummaryItem[] {
  return [
    ...problems.general.map((text) => ({ text })),
    ...order.filter((f) => problems.fields.has(f)).map((f) => ({ text: problems.fields.get(f)!, target: `${prefix}-${f}` })),
  ];
}

export const noProblems = (): Problems => ({ fields: new Map(), general: [] });

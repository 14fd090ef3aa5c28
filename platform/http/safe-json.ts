/** The check every parsed JSON document from a client passes: request bodies, and JSON carried in a query (`filter`). */
import { fail } from '../errors.js';

/** Keys that would reach an object's prototype if any later merge honoured them (JSON.parse makes them own keys). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Record bodies are flat with JSON fields; deeper nesting is refused rather than walked by every later step. */
const MAX_DEPTH = 64;

/** RFC 6901 JSON pointer of a path. */
function pointer(path: readonly string[]): string {
  return path.map((p) => '/' + p.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * Throws `invalid_payload` (or `code`) when any key anywhere in `body` is `__proto__`, `constructor` or
 * `prototype` (naming its JSON pointer), or when it nests deeper than {@link MAX_DEPTH}. Iterative, so hostile
 * nesting cannot overflow the stack.
 *
 * @param what names the document in messages ("request body", "filter")
 */
export function assertSafeJson(body: unknown, code: 'invalid_payload' | 'invalid_query' = 'invalid_payload', what = 'request body'): void {
  const stack: { value: unknown; path: string[] }[] = [{ value: body, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_DEPTH) fail(code, `The ${what} nests deeper than ${MAX_DEPTH} levels at "${pointer(path)}".`);
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: [...path, String(i)] }));
      continue;
    }
    for (const key of Object.keys(value)) {
      const at = [...path, key];
      if (FORBIDDEN_KEYS.has(key)) {
        fail(code, `The ${what} may not contain the key "${key}" (at "${pointer(at)}").`, {
          fieldErrors: [{ field: pointer(at), code: 'forbidden_key', message: `The key "${key}" is not allowed.` }],
        });
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: at });
    }
  }
}

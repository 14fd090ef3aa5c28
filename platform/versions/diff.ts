/**
 * Word-level differences between two versions of a record's content (jsdiff's `diffWords`), as plain-text segments.
 * Rich text is compared on its words (its HTML reduced by `plainTextOf`), so markup never shows in a difference.
 */
import { diffWords } from 'diff';
import type { ResolvedField } from '../definitions/types.js';
import { plainTextOf } from '../records/rich-text.js';
import type { DiffSegment } from './types.js';

/** A content value as the words people compare: rich text without markup, lists joined, empty as ''. */
export function plainValue(field: ResolvedField | undefined, value: unknown): string {
  if (value === null || value === undefined) return '';
  // `richtext` arrives as a field type of its own; compared by name so this module does not depend on its typing.
  if ((field?.type as string | undefined) === 'richtext' && typeof value === 'string') return plainTextOf(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The segments turning `older` into `newer`, word by word. */
export function diffSegments(older: string, newer: string): DiffSegment[] {
  return diffWords(older, newer).map((c) => ({
    text: c.value, ...(c.added ? { added: true as const } : {}), ...(c.removed ? { removed: true as const } : {}),
  }));
}

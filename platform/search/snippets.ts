/**
 * Snippets: a window of a field's text around its first match, as plain text parts flagged `match` (never HTML;
 * the page marks them). Built here from the text each database marked, so both give the same shape.
 */

import type { SnippetPart } from '../http/api-types.js';

/** Characters of context kept before the first match and in the whole snippet (about). */
const BEFORE = 60;
const LENGTH = 220;

/** The parts of a snippet of `marked` (text with matches between `open` and `close`). */
export function snippetOf(marked: string, open: string, close: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let rest = marked;
  while (rest.length) {
    const i = rest.indexOf(open);
    if (i < 0) { parts.push({ text: rest, match: false }); break; }
    if (i > 0) parts.push({ text: rest.slice(0, i), match: false });
    const j = rest.indexOf(close, i + 1);
    const end = j < 0 ? rest.length : j;
    parts.push({ text: rest.slice(i + 1, end), match: true });
    rest = j < 0 ? '' : rest.slice(j + 1);
  }
  // Adjacent marked words (a phrase) read as one match.
  const merged: SnippetPart[] = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (last && last.match === p.match) last.text += p.text;
    else merged.push({ ...p });
  }
  return windowed(merged.map((p) => ({ ...p, text: p.text.replace(/\s+/g, ' ') })));
}

/** Keep about {@link LENGTH} characters starting a little before the first match, cut at word boundaries. */
function windowed(parts: SnippetPart[]): SnippetPart[] {
  let offset = 0;
  for (const p of parts) {
    if (p.match) break;
    offset += p.text.length;
  }
  let start = Math.max(0, offset - BEFORE);
  const full = parts.reduce((n, p) => n + p.text.length, 0);
  let end = Math.min(full, start + LENGTH);
  const out: SnippetPart[] = [];
  let pos = 0;
  for (const p of parts) {
    const a = Math.max(start, pos);
    const b = Math.min(end, pos + p.text.length);
    if (a < b || (p.match && a <= b && a === pos)) {
      // A match is never cut: the window grows to hold it whole.
      if (p.match) {
        start = Math.min(start, pos);
        end = Math.max(end, pos + p.text.length);
        out.push({ text: p.text, match: true });
      } else {
        out.push({ text: p.text.slice(a - pos, b - pos), match: false });
      }
    }
    pos += p.text.length;
  }
  if (out.length && !out[0]!.match && start > 0) out[0]!.text = `…${out[0]!.text.replace(/^\S*\s/, '')}`;
  const last = out[out.length - 1];
  if (last && !last.match && end < full) last.text = `${last.text.replace(/\s\S*$/, '')}…`;
  return out.filter((p) => p.text !== '');
}

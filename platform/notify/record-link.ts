/**
 * How a notification names the record it links to: by its number and title ("INC0001234: Printer jams"), never by a
 * bare address with an internal id. Templates write `{{url}}` where the link goes; the dispatcher renders the body
 * once with a marker there and makes of it, per channel:
 *
 *  - in-app: the record's name (the notification itself opens the record);
 *  - mail text: the name followed by the address in angle brackets, the plain-text form of a link;
 *  - mail HTML, when the definition has no `html` template of its own: the text, escaped, in paragraphs, with the
 *    name as a link to the address.
 */
import type { ResolvedTable } from '../definitions/types.js';
import type { RecordData } from '../records/types.js';

/** Where `{{url}}` was in a rendered text (no template value can contain it: NUL never reaches a record). */
export const LINK_MARK = '\u0000link\u0000';

/** The record as people name it: its number and its display value, either alone when the other is missing. */
export function recordName(table: ResolvedTable, record: RecordData): string {
  const number = typeof record.number === 'string' && record.number ? record.number : '';
  const shown = table.displayField !== 'number' ? record[table.displayField] : undefined;
  const title = typeof shown === 'string' || typeof shown === 'number' ? String(shown).trim() : '';
  return [number, title].filter(Boolean).join(': ') || (table.def.label ?? table.name);
}

/** The text with each link marker replaced by `replacement`. */
export function replaceLinks(text: string, replacement: string): string {
  return text.split(LINK_MARK).join(replacement);
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The HTML part of a mail made from its text (with link markers): paragraphs, line breaks and the named link. */
export function htmlFromText(text: string, name: string, url: string): string {
  const anchor = `<a href="${escapeHtml(url)}">${escapeHtml(name)}</a>`;
  return text.split(/\n{2,}/).map((para) => `<p>${para.split(LINK_MARK).map(escapeHtml).join(anchor).replace(/\n/g, '<br>')}</p>`).join('');
}

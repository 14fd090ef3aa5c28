/**
 * The one way the browser shows stored rich text: cleaned again with DOMPurify to the allow-list the server
 * sanitises with (platform/records/rich-text-policy.ts), so a value that slipped past the server (an older row, a
 * direct database write) still cannot run script. Lists and summaries use the plain text instead.
 */
import DOMPurify from 'dompurify';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { RICH_TEXT_POLICY, imageSourceAllowed, linkAllowed } from '../platform/records/rich-text-policy.js';

const ATTRIBUTES = [...new Set(Object.values(RICH_TEXT_POLICY.attributes).flat())];

let purifier: ReturnType<typeof DOMPurify> | null = null;

/** The purifier with the policy's hooks, made on first use (it needs a window, which importing this file must not). */
function getPurifier(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  const p = DOMPurify(window);
  // Attributes are allowed per element (DOMPurify's list is global), and link and image targets by the shared rules.
  p.addHook('uponSanitizeAttribute', (node, data) => {
    const tag = node.nodeName.toLowerCase();
    if (!(RICH_TEXT_POLICY.attributes[tag] ?? []).includes(data.attrName)) data.keepAttr = false;
    else if (tag === 'a' && data.attrName === 'href' && !linkAllowed(data.attrValue)) data.keepAttr = false;
    else if (tag === 'img' && data.attrName === 'src' && !imageSourceAllowed(data.attrValue)) data.keepAttr = false;
  });
  p.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName.toLowerCase() === 'img' && !node.hasAttribute('src')) node.remove();
  });
  purifier = p;
  return p;
}

/** `html` cleaned to the rich-text allow-list (a string of HTML that can run nothing). */
export function cleanRichText(html: string): string {
  return getPurifier().sanitize(html, {
    ALLOWED_TAGS: [...RICH_TEXT_POLICY.tags],
    ALLOWED_ATTR: ATTRIBUTES,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  });
}

/** Stored rich text as a Lit template part, cleaned first ({@link cleanRichText}). */
export function renderRichText(html: string): ReturnType<typeof unsafeHTML> {
  return unsafeHTML(cleanRichText(html));
}

/** The words of stored rich text, blocks separated by spaces: what lists and summaries show. */
export function richTextToPlain(html: string): string {
  // A parsed document is inert (no script runs, no image loads); only its text is read.
  const doc = new DOMParser().parseFromString(html.replace(/<(\/(p|div|li|h[1-6]|blockquote|pre|tr)|br\s*\/?)>/gi, '$& '), 'text/html');
  return (doc.body.textContent ?? '').replace(/\s+/g, ' ').trim();
}

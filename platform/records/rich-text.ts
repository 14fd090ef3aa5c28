/**
 * Rich text values: HTML kept to an allow-list on every write, and the plain text of it for search and summaries.
 * The allow-list lives in rich-text-policy.ts (browser-safe), so the browser's renderer cleans with the same one.
 */
import sanitizeHtml from 'sanitize-html';
import { RICH_TEXT_POLICY, imageSourceAllowed, linkAllowed } from './rich-text-policy.js';

export { imageSourceAllowed } from './rich-text-policy.js';

/** `html` cleaned to the allow-list: no script, no event handlers, no `javascript:` URLs, images only as allowed. */
export function sanitizeRichText(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...RICH_TEXT_POLICY.tags],
    allowedAttributes: Object.fromEntries(Object.entries(RICH_TEXT_POLICY.attributes).map(([tag, attrs]) => [tag, [...attrs]])),
    allowedSchemes: [...RICH_TEXT_POLICY.schemes],
    allowedSchemesByTag: { img: [...RICH_TEXT_POLICY.imageSchemes] },
    allowProtocolRelative: false,
    exclusiveFilter: (frame) => frame.tag === 'img' && !imageSourceAllowed(frame.attribs.src ?? ''),
    // A second look at links with the browser renderer's own rule, so both ends refuse the same targets.
    transformTags: {
      a: (tagName, attribs) => {
        const { href, ...rest } = attribs;
        return { tagName, attribs: href !== undefined && linkAllowed(href) ? { ...rest, href } : rest };
      },
    },
  });
}

/** The words of `html` without markup, block elements separated by spaces (for search, snippets and summaries). */
export function plainTextOf(html: string): string {
  const text = sanitizeHtml(html.replace(/<(\/(p|div|li|h[1-6]|blockquote|pre|tr)|br\s*\/?)>/gi, '$& '), {
    allowedTags: [], allowedAttributes: {},
  });
  return decodeEntities(text).replace(/\s+/g, ' ').trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, e: string) => ENTITIES[e] ?? _);
}

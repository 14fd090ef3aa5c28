/**
 * What rich text may hold: one allow-list for the server's sanitiser (rich-text.ts) and the browser's renderer, so
 * the two can never disagree. Browser-safe: no imports.
 */
export const RICH_TEXT_POLICY = Object.freeze({
  tags: Object.freeze([
    'p', 'br', 'h2', 'h3', 'h4', 'strong', 'b', 'em', 'i', 'u', 's', 'code', 'pre', 'blockquote',
    'ul', 'ol', 'li', 'a', 'img', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ]),
  attributes: Object.freeze({
    a: Object.freeze(['href', 'title']),
    img: Object.freeze(['src', 'alt', 'width', 'height']),
    th: Object.freeze(['scope', 'colspan', 'rowspan']),
    td: Object.freeze(['colspan', 'rowspan']),
    ol: Object.freeze(['start']),
  }) as Readonly<Record<string, readonly string[]>>,
  /** URL schemes links may use (relative links are allowed too). */
  schemes: Object.freeze(['http', 'https', 'mailto']),
  /** Images: data URLs (checked further by type and size) and the platform's own attachment paths. */
  imageSchemes: Object.freeze(['data', 'http', 'https']),
  /** A record attachment's download path, the only non-data image source. */
  imagePath: /^\/api\/tables\/[a-z0-9_]+\/[0-9a-f-]{36}\/attachments\/[a-z0-9_]+\/[0-9a-f-]{36}$/,
  /** The longest data URL an image may have, in characters (about 200 KB of image). */
  maxDataUrlLength: 280_000,
});

/** Whether an image source is allowed: an attachment of the platform, or a data URL of an image within the size limit. */
export function imageSourceAllowed(src: string): boolean {
  if (src.startsWith('data:')) return /^data:image\/(png|jpeg|gif|webp);base64,/i.test(src) && src.length <= RICH_TEXT_POLICY.maxDataUrlLength;
  return RICH_TEXT_POLICY.imagePath.test(src);
}

/**
 * Whether a link target is allowed: relative (a path, a query or a fragment, never protocol-relative) or one of the
 * policy's schemes. Control characters and white space are ignored before the scheme is read, as browsers ignore
 * them (`jav&#x09;ascript:` is `javascript:` to a browser).
 */
export function linkAllowed(href: string): boolean {
  const compact = href.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (compact.startsWith('//') || compact.startsWith('\\')) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact);
  return scheme ? RICH_TEXT_POLICY.schemes.includes(scheme[1]!.toLowerCase()) : true;
}

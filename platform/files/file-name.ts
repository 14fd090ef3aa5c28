/**
 * File names: what a client sends is only ever a display name. It is cleaned (no folders, no control or
 * direction-changing characters, no characters Windows refuses, bounded length) and then used for nothing but
 * showing and the download's Content-Disposition; stored content is named by random keys.
 */

/** The longest display name kept, in characters. */
export const MAX_FILE_NAME_LENGTH = 200;
/**
 * The longest display name kept, in bytes of UTF-8: what common file systems allow for one name (ext4, APFS, ZFS),
 * so a download saves under the name shown. 200 characters outside ASCII would take up to 800.
 */
export const MAX_FILE_NAME_BYTES = 255;
/** An extension (with its dot) at most this many characters long is kept when a name is shortened. */
const MAX_KEPT_EXTENSION = 16;

// C0 and C1 controls, DEL, zero-width characters, bidirectional overrides and isolates (which can disguise
// "evil\u202Efdp.exe" as "evilexe.pdf"), the byte order mark, and unpaired surrogates (not Unicode; no database
// or file system stores them as sent). With the u flag, a surrogate pair is one code point and does not match.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]/gu;
const WINDOWS_RESERVED = /[<>:"|?*]/g;
const utf8 = new TextEncoder();
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Whether `name` is within both bounds. */
function fits(name: string): boolean {
  return [...name].length <= MAX_FILE_NAME_LENGTH && utf8.encode(name).length <= MAX_FILE_NAME_BYTES;
}

/**
 * `name` cut to {@link MAX_FILE_NAME_LENGTH} characters and {@link MAX_FILE_NAME_BYTES} bytes, keeping a short
 * extension and never splitting a user-perceived character (an emoji sequence, a letter with its accents).
 */
function shorten(name: string): string {
  if (fits(name)) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && [...name.slice(dot)].length <= MAX_KEPT_EXTENSION ? name.slice(dot) : '';
  let stem = '';
  for (const { segment } of graphemes.segment(ext ? name.slice(0, dot) : name)) {
    if (!fits(stem + segment + ext)) break;
    stem += segment;
  }
  stem = stem.replace(/[\s.]+$/u, '');
  return stem ? stem + ext : `file${ext}`;
}

/**
 * The display name of an uploaded file: the last segment of any path, without invisible characters, with
 * `<>:"|?*` replaced by `_`, without leading dots or trailing dots and spaces, at most
 * {@link MAX_FILE_NAME_LENGTH} characters and {@link MAX_FILE_NAME_BYTES} bytes of UTF-8 (a longer name is shortened,
 * keeping its extension when that is at most 16 characters, rather than refused: the client rarely chose it).
 * `fallback` when nothing is left.
 */
export function sanitiseFileName(raw: string | undefined | null, fallback = 'file'): string {
  if (!raw) return fallback;
  let name = raw.normalize('NFC').replace(INVISIBLE, '');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name.replace(WINDOWS_RESERVED, '_').replace(/\s+/gu, ' ');
  name = name.replace(/^[\s.]+/u, '').replace(/[\s.]+$/u, '');
  return shorten(name) || fallback;
}

/**
 * The file name a `Content-Disposition` request header carries: `filename*` (RFC 8187, UTF-8 or ISO-8859-1)
 * before `filename` (quoted or a token). Not yet sanitised; undefined when there is none.
 */
export function fileNameFromDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const extended = /(?:^|;)\s*filename\*\s*=\s*([^';\s]+)'[^']*'([^;\s]*)/i.exec(header);
  if (extended) {
    const charset = extended[1]!.toLowerCase();
    const value = extended[2]!;
    try {
      if (charset === 'utf-8') return decodeURIComponent(value);
      if (charset === 'iso-8859-1') return unescape(value);
    } catch {
      // Not valid percent-encoding: fall back to the plain parameter below.
    }
  }
  const quoted = /(?:^|;)\s*filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1');
  const token = /(?:^|;)\s*filename\s*=\s*([^;\s"]+)/i.exec(header);
  return token?.[1];
}

/** RFC 8187 value-chars: percent-encode everything but attr-char. */
function encodeExtended(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<name>` (RFC 6266): every browser saves the file
 * under its real name and none renders it in place.
 */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeExtended(name)}`;
}

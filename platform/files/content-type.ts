/**
 * Content types of uploads: the declared type (the request's Content-Type), the field's `accept` allow-list, and
 * the check of the content against the declared type by its magic bytes (file-type).
 *
 * Text has no magic bytes. A declared text type (text/*, JSON, XML, SVG) is accepted when file-type recognises no
 * binary format in the content and the content holds no NUL byte (checked over the whole file, not just the
 * start); it is served as UTF-8 only when every byte was valid UTF-8. A declared binary type must be what file-type
 * finds. A type file-type cannot recognise at all and that is not text is refused (fail closed): its content could
 * be anything.
 */
import { fileTypeFromBuffer, supportedMimeTypes } from 'file-type';

/** Bytes of the start of a file given to file-type (its own default is 4,100; zip-based formats need more). */
export const SNIFF_BYTES = 64 * 1024;

/** Spellings of the same type that browsers and tools send. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'image/x-icon': 'image/vnd.microsoft.icon',
  'application/x-pdf': 'application/pdf',
  'application/x-zip-compressed': 'application/zip',
  'audio/mp3': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'text/x-csv': 'text/csv',
  'application/csv': 'text/csv',
};

/** Container formats file-type reports for the formats built on them, when the sample does not show which. */
const CONTAINERS: Record<string, (declared: string) => boolean> = {
  'application/zip': (t) => /^application\/(vnd\.openxmlformats-officedocument\.|vnd\.oasis\.opendocument\.|epub\+zip|java-archive|vnd\.ms-.*\.macroenabled)/.test(t),
  'application/x-cfb': (t) => /^application\/(msword|vnd\.ms-excel|vnd\.ms-powerpoint|vnd\.ms-outlook|vnd\.visio)$/.test(t),
  'application/xml': (t) => isTextType(t),
};

/**
 * The media type of a Content-Type value, lower case, without parameters, with aliases resolved; null when it is
 * not a `type/subtype`.
 */
export function mediaType(value: string | undefined | null): string | null {
  if (!value) return null;
  const type = value.split(';')[0]!.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,99}$/.test(type)) return null;
  return ALIASES[type] ?? type;
}

/** Types whose content is text (no magic bytes to check). */
export function isTextType(type: string): boolean {
  return type.startsWith('text/') || /^application\/(json|xml|[\w.-]+\+json|[\w.-]+\+xml)$/.test(type) || type === 'image/svg+xml';
}

/**
 * Whether the field's `accept` list allows a file: entries are content types (`application/pdf`), families
 * (`image/*`) or file name extensions (`.docx`, matched against the display name). No list allows everything.
 */
export function isAccepted(accept: readonly string[] | undefined, type: string, fileName: string): boolean {
  if (!accept || accept.length === 0) return true;
  const name = fileName.toLowerCase();
  return accept.some((entry) => {
    const e = entry.trim().toLowerCase();
    if (e.startsWith('.')) return name.endsWith(e);
    if (e.endsWith('/*')) return type.startsWith(e.slice(0, -1));
    return (ALIASES[e] ?? e) === type;
  });
}

/** What file-type recognised in the start of a file, with aliases resolved; undefined when nothing. */
export async function detectType(sample: Uint8Array): Promise<{ mime: string; ext: string } | undefined> {
  const detected = await fileTypeFromBuffer(sample);
  return detected && { mime: ALIASES[detected.mime] ?? detected.mime, ext: detected.ext };
}

/**
 * Why the content does not match the declared type, or null when it does (see the module comment). For a text
 * type, `text` summarises the whole file ({@link TextChecker}): a recognised binary format only counts against
 * text that is not valid UTF-8, since a text that happens to start with "BM" or "MZ" is still text.
 */
export function contentProblem(
  declared: string, detected: { mime: string; ext: string } | undefined, text: TextSummary | null, label: string,
): string | null {
  const compatible = detected !== undefined && (detected.mime === declared || CONTAINERS[detected.mime]?.(declared) === true);
  const mismatch = () => `${label} was sent as ${declared}, but its content is ${detected!.mime} (.${detected!.ext}).`;
  if (isTextType(declared)) {
    if (text && !text.text) return detected && !compatible ? mismatch() : `${label} was sent as ${declared}, but its content is not text.`;
    if (detected && !compatible && text && !text.utf8) return mismatch();
    return null;
  }
  if (detected) return compatible ? null : mismatch();
  if (supportedMimeTypes.has(declared)) return `${label} was sent as ${declared}, but its content is not a ${declared} file.`;
  return `${label} was sent as ${declared}, a type whose content Formwork cannot check; upload a file of a common type.`;
}

/** What {@link TextChecker} found over a whole file. */
export interface TextSummary {
  /** No NUL byte anywhere. */
  text: boolean;
  /** Every byte was valid UTF-8. */
  utf8: boolean;
}

/** Checks text content over the whole file: no NUL byte anywhere; notes whether every byte was valid UTF-8. */
export class TextChecker {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #utf8 = true;
  #binary = false;

  write(chunk: Uint8Array): void {
    if (chunk.includes(0)) this.#binary = true;
    if (!this.#utf8) return;
    try {
      this.#decoder.decode(chunk, { stream: true });
    } catch {
      this.#utf8 = false;
    }
  }

  /** Whether the content is text; call after the last chunk. */
  end(): TextSummary {
    if (this.#utf8) {
      try {
        this.#decoder.decode();
      } catch {
        this.#utf8 = false;
      }
    }
    return { text: !this.#binary, utf8: this.#utf8 };
  }
}

import { Transform, type TransformCallback } from 'node:stream';
import { FormworkError } from '../errors.js';
import { contentProblem, detectType, isTextType, SNIFF_BYTES, TextChecker } from './content-type.js';
import type { ScanSession, ScanVerdict } from './types.js';

export interface InspectorOptions {
  /** Largest size allowed, in bytes. */
  maxSize: number;
  /** The declared (and accepted) content type. */
  declared: string;
  /** One session per configured scanner, already started. */
  scans: ScanSession[];
  /** How messages name the file and field: 'File "x.pdf" for Evidence'. */
  label: string;
  fieldName: string;
}

/** What an inspected upload turned out to be, once the stream ended without error. */
export interface Inspection {
  size: number;
  /** The type to serve it as: the declared type, `; charset=utf-8` added to text that is valid UTF-8. */
  servedType: string;
  verdicts: ScanVerdict[];
}

/**
 * Sits between the request body and the store, and fails the stream — so the store keeps nothing — as soon as the
 * upload is refused: larger than `maxSize` (`payload_too_large`, while streaming, not after), content that is not
 * the declared type (`file_rejected`, code `type_mismatch`, checked by magic bytes as soon as the first
 * {@link SNIFF_BYTES} arrived), or a scanner finding something (`file_rejected`, code `infected`) or unable to
 * decide (`scanner_unavailable`). Every chunk is passed on to each scanner while it flows to the store.
 */
export class UploadInspector extends Transform {
  readonly #o: InspectorOptions;
  readonly #text: TextChecker | null;
  #size = 0;
  #sample: Buffer[] = [];
  #sampled = 0;
  #detected: { mime: string; ext: string } | undefined;
  #sniffed = false;
  #result: Inspection | null = null;

  constructor(options: InspectorOptions) {
    super();
    this.#o = options;
    this.#text = isTextType(options.declared) ? new TextChecker() : null;
  }

  /** The outcome, once the stream finished without error. */
  get result(): Inspection | null {
    return this.#result;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#inspect(chunk).then(() => callback(null, chunk), (e: unknown) => callback(e as Error));
  }

  override _flush(callback: TransformCallback): void {
    this.#finish().then(() => callback(), (e: unknown) => callback(e as Error));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#result) for (const s of this.#o.scans) s.abort();
    callback(error);
  }

  async #inspect(chunk: Buffer): Promise<void> {
    this.#size += chunk.length;
    if (this.#size > this.#o.maxSize) {
      throw new FormworkError('payload_too_large', `${this.#o.label} is larger than the ${formatBytes(this.#o.maxSize)} allowed.`, {
        fieldErrors: [{ field: this.#o.fieldName, code: 'too_large', message: `The file must be smaller than ${formatBytes(this.#o.maxSize)}.` }],
        extra: { maxSize: this.#o.maxSize },
      });
    }
    this.#text?.write(chunk);
    if (!this.#sniffed) {
      this.#sample.push(chunk);
      this.#sampled += chunk.length;
      if (this.#sampled >= SNIFF_BYTES) await this.#sniff();
    }
    for (const s of this.#o.scans) await s.write(chunk);
  }

  async #sniff(): Promise<void> {
    this.#sniffed = true;
    const sample = Buffer.concat(this.#sample, this.#sampled).subarray(0, SNIFF_BYTES);
    this.#sample = [];
    this.#detected = await detectType(sample);
    // Binary types are judged on their magic bytes now, before the rest is read; text once all of it was seen.
    if (!this.#text) this.#assertContent(null);
  }

  async #finish(): Promise<void> {
    const { label, fieldName } = this.#o;
    if (this.#size === 0) {
      throw new FormworkError('file_rejected', `${label} is empty.`, {
        fieldErrors: [{ field: fieldName, code: 'empty', message: 'The selected file is empty.' }],
      });
    }
    if (!this.#sniffed) await this.#sniff();
    const text = this.#text?.end() ?? null;
    if (text) this.#assertContent(text);
    const verdicts = await Promise.all(this.#o.scans.map((s) => s.finish()));
    const infected = verdicts.find((v): v is { clean: false; signature: string } => !v.clean);
    if (infected) {
      throw new FormworkError('file_rejected', `${label} contains a virus (${infected.signature}); it was not stored.`, {
        fieldErrors: [{ field: fieldName, code: 'infected', message: 'The selected file contains a virus.' }],
        extra: { signature: infected.signature },
      });
    }
    const servedType = text?.utf8 && !/;\s*charset=/i.test(this.#o.declared) ? `${this.#o.declared}; charset=utf-8` : this.#o.declared;
    this.#result = { size: this.#size, servedType, verdicts };
  }

  #assertContent(text: { text: boolean; utf8: boolean } | null): void {
    const problem = contentProblem(this.#o.declared, this.#detected, text, this.#o.label);
    if (problem) {
      throw new FormworkError('file_rejected', problem, {
        fieldErrors: [{ field: this.#o.fieldName, code: 'type_mismatch', message: `The content of the selected file is not ${this.#o.declared}.` }],
      });
    }
  }
}

/** 2048 → "2 KB", 10485760 → "10 MB" (binary multiples, as file managers show them). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/**
 * The steps every upload takes once its name and declared type are known, shared by record attachments
 * (attachment-service.ts) and files staged for a catalogue order (platform/catalog/staged-files.ts): the declared
 * type read from Content-Type, the configured scanners started, and the body streamed through an
 * {@link UploadInspector} into a store — so a refused file leaves nothing stored and is refused with the
 * inspector's own error, wherever it was sent.
 */
import type { Readable } from 'node:stream';
import type { Config } from '../config.js';
import { fail, FormworkError } from '../errors.js';
import { ClamdScanner } from './clamd-scanner.js';
import { mediaType } from './content-type.js';
import { EicarScanner } from './eicar-scanner.js';
import type { AttachmentStore, Scanner, StoredContent } from './types.js';
import { UploadInspector, type Inspection } from './upload-inspector.js';

/**
 * The file's type as its Content-Type declares it (parameters dropped). Errors: unsupported_media_type when the
 * request names none or not a media type.
 */
export function declaredType(contentType: string | undefined): string {
  const declared = mediaType(contentType);
  if (!declared) {
    fail('unsupported_media_type', `Send the file's type as Content-Type (for example "application/pdf"); got ${contentType ? `"${contentType}"` : 'none'}.`);
  }
  return declared;
}

/** The built-in EICAR check, always; and clamd when CLAMD_HOST is set. */
export function configuredScanners(config: Pick<Config, 'clamdHost' | 'clamdPort' | 'clamdTimeoutMs'>): Scanner[] {
  const scanners: Scanner[] = [new EicarScanner()];
  const { clamdHost: host, clamdPort: port, clamdTimeoutMs: timeoutMs } = config;
  if (host) scanners.push(new ClamdScanner({ host, port, timeoutMs }));
  return scanners;
}

/** What to stream and how to judge it. */
export interface StreamUploadOptions {
  body: Readable;
  store: AttachmentStore;
  scanners: Scanner[];
  /** Largest size allowed, in bytes. */
  maxSize: number;
  /** The declared (and accepted) content type. */
  declared: string;
  /** How messages name the file (and field): 'File "x.pdf" for Evidence'. */
  label: string;
  /** The field problems are reported on. */
  fieldName: string;
}

/** A file streamed into its store: where it is, and what inspection found. */
export interface StreamedUpload {
  stored: StoredContent;
  inspection: Inspection;
  /** Whether an antivirus engine looked at it (the scan status to record: clean or unscanned). */
  antivirus: boolean;
}

/**
 * Start every scanner, then stream the body through an inspector into the store. Errors: those the scanners give
 * when they cannot start (scanner_unavailable, the ones started being aborted), the inspector's refusal
 * (payload_too_large, file_rejected, scanner_unavailable), invalid_payload when the client went away mid-upload,
 * or the store's own failure.
 */
export async function streamUpload(o: StreamUploadOptions): Promise<StreamedUpload> {
  const scans = [];
  try {
    for (const s of o.scanners) scans.push(await s.start());
  } catch (e) {
    for (const s of scans) s.abort();
    throw e;
  }
  const inspector = new UploadInspector({ maxSize: o.maxSize, declared: o.declared, scans, label: o.label, fieldName: o.fieldName });
  // The inspector may refuse the file before the store reads from it: keep the refusal, which is the answer.
  let refusal: unknown = null;
  inspector.on('error', (e) => { refusal ??= e; });
  // A client going away mid-upload ends the store's read with an error instead of leaving it waiting.
  const abort = () => {
    if (!o.body.readableEnded) inspector.destroy(new FormworkError('invalid_payload', 'The upload was interrupted before the whole file arrived.'));
  };
  o.body.once('error', abort);
  o.body.once('close', abort);
  o.body.pipe(inspector);
  let stored: StoredContent;
  try {
    stored = await o.store.put(inspector);
  } catch (e) {
    throw refusal ?? e;
  } finally {
    o.body.off('error', abort);
    o.body.off('close', abort);
    o.body.unpipe(inspector);
  }
  return { stored, inspection: inspector.result!, antivirus: o.scanners.some((s) => s.antivirus) };
}

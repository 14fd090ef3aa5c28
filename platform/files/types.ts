import type { Readable } from 'node:stream';

/** What a store kept: its own key for the content, and the size and SHA-256 (hex) of the bytes it wrote. */
export interface StoredContent {
  key: string;
  size: number;
  sha256: string;
}

/**
 * Where attachment content lives. Keys are made by the store (random ids), never from anything a user sent, and a
 * key the store did not make names nothing. Content is streamed both ways: no file is held in memory whole.
 */
export interface AttachmentStore {
  /** 'database' or 'files': recorded with each attachment so it is read back from the store that holds it. */
  readonly name: StoreName;
  /**
   * Store everything `source` yields. When `source` fails (a size limit, a rejected file, an aborted upload) or the
   * store cannot write, nothing is kept and the promise rejects with that error.
   */
  put(source: Readable): Promise<StoredContent>;
  /** The content under `key`, streamed; `not_found` when the store holds no such key. */
  get(key: string): Promise<Readable>;
  /** Remove the content under `key`; removing what is not there is not an error. */
  delete(key: string): Promise<void>;
}

export type StoreName = 'database' | 'files';

/** A scanner's answer for one file. */
export type ScanVerdict = { clean: true } | { clean: false; signature: string };

/** One file being scanned: it sees every chunk, in order, then gives its verdict. */
export interface ScanSession {
  write(chunk: Buffer): Promise<void>;
  /** The verdict once every chunk was written; fails with `scanner_unavailable` when the scanner could not decide. */
  finish(): Promise<ScanVerdict>;
  /** Give up (the upload failed for another reason). */
  abort(): void;
}

/** The scanning hook: every upload passes through each configured scanner while it is being stored. */
export interface Scanner {
  /** For messages and logs: 'builtin', 'clamd'. */
  readonly name: string;
  /** Whether a clean verdict means an antivirus engine looked at the file (the built-in EICAR check does not count). */
  readonly antivirus: boolean;
  /** Begin scanning one file; fails with `scanner_unavailable` when the scanner cannot be reached. */
  start(): Promise<ScanSession>;
}

/** An attachment as the API shows it. */
export interface AttachmentInfo {
  id: string;
  field: string;
  name: string;
  /** The verified content type. */
  type: string;
  size: number;
  sha256: string;
  /** 'clean' (an antivirus scanner found nothing) or 'unscanned' (only the built-in EICAR check ran). */
  scanStatus: string;
  createdBy: string | null;
  createdAt: string;
}

/** What the record's attachment field holds for each file (its history shows these). */
export interface AttachmentEntry {
  id: string;
  name: string;
  type: string;
  size: number;
}

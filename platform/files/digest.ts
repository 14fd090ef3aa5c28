import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** A pass-through that counts the bytes and computes their SHA-256 on the way (what a store reports it wrote). */
export class DigestStream extends Transform {
  readonly #hash = createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    this.#hash.update(chunk);
    callback(null, chunk);
  }

  /** The hex digest; call once, after the stream ended. */
  sha256(): string {
    return this.#hash.digest('hex');
  }
}

import type { Knex } from 'knex';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { v7 as uuidv7 } from 'uuid';
import { fail } from '../errors.js';
import { DigestStream } from './digest.js';
import type { AttachmentStore, StoredContent } from './types.js';

/** Bytes per row: large enough that a file is few rows, small enough that no row is a burden to read or write. */
export const BLOB_CHUNK_SIZE = 256 * 1024;

const TABLE = 'sys_attachment_blob';

/**
 * The 'database' store: content as numbered chunks of {@link BLOB_CHUNK_SIZE} bytes in `sys_attachment_blob`
 * (bytea on PostgreSQL, blob on SQLite), written and read one chunk at a time, so a large file never needs one
 * large buffer and app instances need no shared disk. Chunks are written outside the record transaction (an upload
 * may take minutes; holding the write lock that long would stall every other writer); a failed upload deletes what
 * it wrote, and content only counts once a `sys_attachment` row names it.
 */
export class DatabaseStore implements AttachmentStore {
  readonly name = 'database' as const;

  constructor(private readonly knex: Knex) {}

  async put(source: Readable): Promise<StoredContent> {
    const key = uuidv7();
    const digest = new DigestStream();
    const knex = this.knex;
    try {
      await pipeline(source, digest, async (chunks: AsyncIterable<Buffer>) => {
        let seq = 0;
        let pending: Buffer[] = [];
        let length = 0;
        const write = async (data: Buffer) => { await knex(TABLE).insert({ blob_id: key, seq: seq++, data }); };
        for await (const chunk of chunks) {
          pending.push(chunk);
          length += chunk.length;
          while (length >= BLOB_CHUNK_SIZE) {
            const all = Buffer.concat(pending, length);
            await write(all.subarray(0, BLOB_CHUNK_SIZE));
            const rest = all.subarray(BLOB_CHUNK_SIZE);
            pending = rest.length ? [Buffer.from(rest)] : [];
            length = rest.length;
          }
        }
        // An empty file is still one (empty) chunk, so that its key exists.
        if (length || seq === 0) await write(Buffer.concat(pending, length));
      });
    } catch (e) {
      await this.delete(key);
      throw e;
    }
    return { key, size: digest.size, sha256: digest.sha256() };
  }

  async get(key: string): Promise<Readable> {
    const first = await this.#chunk(key, 0);
    if (!first) fail('not_found', `The attachment content "${key}" is missing from the database store.`);
    const next = (seq: number) => this.#chunk(key, seq);
    return Readable.from((async function* chunks() {
      yield first;
      for (let seq = 1; ; seq += 1) {
        const data = await next(seq);
        if (!data) return;
        yield data;
      }
    })());
  }

  async delete(key: string): Promise<void> {
    await this.knex(TABLE).where({ blob_id: key }).delete();
  }

  async #chunk(key: string, seq: number): Promise<Buffer | null> {
    const row = await this.knex(TABLE).where({ blob_id: key, seq }).first('data');
    if (!row) return null;
    return Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data as Uint8Array);
  }
}

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fail } from '../errors.js';
import { DigestStream } from './digest.js';
import type { AttachmentStore, StoredContent } from './types.js';

/** Keys are 32 random hex digits: nothing else is ever joined to the directory. */
const KEY = /^[0-9a-f]{32}$/;

/**
 * The 'files' store: content in a directory (FORMWORK_FILES_DIR), one file per attachment, named by a random key
 * and fanned out by its first two digits (`ab/ab12…`). A file is written under a temporary name and renamed once
 * complete and synced, so a reader never sees half a file and a failed upload leaves nothing behind. The user's
 * file name plays no part, so no name can reach outside the directory.
 */
export class DirectoryStore implements AttachmentStore {
  readonly name = 'files' as const;

  constructor(readonly root: string) {}

  async put(source: Readable): Promise<StoredContent> {
    const key = randomBytes(16).toString('hex');
    const dir = join(this.root, key.slice(0, 2));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const final = join(dir, key);
    const partial = `${final}.part`;
    const digest = new DigestStream();
    // The file is opened first (not lazily by the stream), so that a failure can always remove it.
    const created = await open(partial, 'wx', 0o600);
    try {
      await pipeline(source, digest, created.createWriteStream());
      const written = await open(partial, 'r');
      try {
        await written.sync();
      } finally {
        await written.close();
      }
      await rename(partial, final);
    } catch (e) {
      await rm(partial, { force: true });
      throw e;
    }
    return { key, size: digest.size, sha256: digest.sha256() };
  }

  async get(key: string): Promise<Readable> {
    const path = this.#path(key);
    try {
      await stat(path);
    } catch {
      fail('not_found', `The attachment content "${key}" is missing from the files store.`);
    }
    return createReadStream(path);
  }

  async delete(key: string): Promise<void> {
    // A key this store never made names nothing here: there is nothing to remove.
    if (KEY.test(key)) await rm(this.#path(key), { force: true });
  }

  #path(key: string): string {
    if (!KEY.test(key)) fail('not_found', 'The files store has no such key.');
    return join(this.root, key.slice(0, 2), key);
  }
}

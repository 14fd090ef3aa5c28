import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import {
  attachmentDisposition, BLOB_CHUNK_SIZE, ClamdScanner, contentProblem, DatabaseStore, detectType, DirectoryStore, EICAR,
  EicarScanner, fileNameFromDisposition, isAccepted, MAX_FILE_NAME_BYTES, mediaType, sanitiseFileName, TextChecker, type AttachmentStore,
} from '../../../platform/files/index.js';
import { FormworkError } from '../../../platform/errors.js';
import { createTestEngine, fixture, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';
import { filesIn } from '../../support/files.js';
import { closedPort, MARKER, startFakeClamd, type FakeClamd } from './fake-clamd.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const read = async (r: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
};
/** A stream of `data` in pieces of `size` bytes. */
const pieces = (data: Buffer, size: number) => Readable.from((function* () {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
})());
/** A stream that yields `good` and then fails. */
const failing = (good: Buffer) => Readable.from((async function* () { yield good; throw new FormworkError('payload_too_large', 'too big'); })());

describe('files', () => {
  describe('sanitiseFileName()', () => {
    it('keeps only the last segment of any path, Unix or Windows', () => {
      expect(sanitiseFileName('../../etc/passwd')).to.equal('passwd');
      expect(sanitiseFileName('..\\..\\Windows\\System32\\evil.dll')).to.equal('evil.dll');
      expect(sanitiseFileName('/var/www/../x/report.pdf')).to.equal('report.pdf');
      expect(sanitiseFileName('..')).to.equal('file');
      expect(sanitiseFileName('dir/')).to.equal('file');
    });

    it('removes control, zero-width and direction-changing characters and Windows-reserved ones', () => {
      expect(sanitiseFileName('a\u0000b\nc\u007f.txt')).to.equal('abc.txt');
      expect(sanitiseFileName('invoice\u202Efdp.exe')).to.equal('invoicefdp.exe');
      expect(sanitiseFileName('what?<is>:"this"|*.txt')).to.equal('what__is___this___.txt');
      expect(sanitiseFileName('  .hidden. . ')).to.equal('hidden');
    });

    it('limits the length to 200 characters, keeping the extension', () => {
      const name = sanitiseFileName(`${'e'.repeat(300)}.pdf`);
      expect(name).to.equal(`${'e'.repeat(196)}.pdf`);
    });

    it('limits the length to 255 bytes of UTF-8, keeping the extension and whole characters', () => {
      const accented = sanitiseFileName(`${'é'.repeat(300)}.pdf`);
      expect(accented).to.equal(`${'é'.repeat(125)}.pdf`);
      expect(Buffer.byteLength(accented)).to.equal(254);
      // A family emoji is one character of seven code points (25 bytes); a flag is two regional indicators.
      const emoji = sanitiseFileName(`${'👍🏽'.repeat(40)}${'🇬🇧'.repeat(40)}.jpeg`);
      expect(Buffer.byteLength(emoji)).to.be.at.most(MAX_FILE_NAME_BYTES);
      expect(emoji).to.match(/^(👍🏽)+(🇬🇧)*\.jpeg$/u);
      const accents = sanitiseFileName(`${'e\u0301\u0323'.repeat(200)}.txt`);
      expect(Buffer.byteLength(accents)).to.be.at.most(MAX_FILE_NAME_BYTES);
      expect(accents.normalize('NFD')).to.match(/^(e\u0323\u0301)+\.txt$/u);
    });

    it('drops a long extension rather than the whole name, and unpaired surrogates', () => {
      const name = sanitiseFileName(`report.${'x'.repeat(300)}`);
      expect(name).to.have.length(200);
      expect(name.startsWith('report.xxx')).to.equal(true);
      expect(sanitiseFileName('a\ud800b.txt')).to.equal('ab.txt');
    });

    it('falls back to "file" when nothing is left', () => {
      expect(sanitiseFileName(undefined)).to.equal('file');
      expect(sanitiseFileName('\u0001\u0002')).to.equal('file');
    });
  });

  describe('fileNameFromDisposition() and attachmentDisposition()', () => {
    it('prefers filename* (RFC 8187) to filename, and unquotes', () => {
      expect(fileNameFromDisposition(`attachment; filename="plain.txt"; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.pdf`)).to.equal('naïve résumé.pdf');
      expect(fileNameFromDisposition('attachment; filename="a \\"quoted\\" name.txt"')).to.equal('a "quoted" name.txt');
      expect(fileNameFromDisposition('attachment; filename=token.csv')).to.equal('token.csv');
      expect(fileNameFromDisposition('attachment')).to.equal(undefined);
      expect(fileNameFromDisposition(undefined)).to.equal(undefined);
    });

    it('writes an ASCII fallback and the UTF-8 name', () => {
      expect(attachmentDisposition('naïve "x".pdf')).to.equal(`attachment; filename="na_ve _x_.pdf"; filename*=UTF-8''na%C3%AFve%20%22x%22.pdf`);
      expect(attachmentDisposition("it's (1).txt")).to.equal(`attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`);
    });
  });

  describe('content types', () => {
    it('normalises media types and their aliases', () => {
      expect(mediaType('Image/JPG; q=1')).to.equal('image/jpeg');
      expect(mediaType('text/plain; charset=utf-8')).to.equal('text/plain');
      expect(mediaType('nonsense')).to.equal(null);
      expect(mediaType(undefined)).to.equal(null);
    });

    it('matches accept lists by type, family and extension', () => {
      expect(isAccepted(undefined, 'application/zip', 'x.zip')).to.equal(true);
      expect(isAccepted(['image/*'], 'image/png', 'x.png')).to.equal(true);
      expect(isAccepted(['image/*'], 'application/pdf', 'x.pdf')).to.equal(false);
      expect(isAccepted(['.docx'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'Letter.DOCX')).to.equal(true);
      expect(isAccepted(['image/jpg'], 'image/jpeg', 'x.jpg')).to.equal(true);
    });

    it('refuses binary content under a different declared type, and unknown types it cannot check', async () => {
      const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]);
      expect(contentProblem('image/png', await detectType(exe), null, 'File')).to.match(/application\/x-msdownload/);
      expect(contentProblem('application/pdf', await detectType(Buffer.from('hello')), null, 'File')).to.match(/not a application\/pdf file/);
      expect(contentProblem('application/x-custom', undefined, null, 'File')).to.match(/cannot check/);
      expect(contentProblem('application/vnd.openxmlformats-officedocument.wordprocessingml.document', { mime: 'application/zip', ext: 'zip' }, null, 'File')).to.equal(null);
    });

    it('takes text for text when it is UTF-8 without NUL bytes, even if it starts like a binary format', async () => {
      const check = (b: Buffer) => { const t = new TextChecker(); t.write(b); return t.end(); };
      const bmw = Buffer.from('BMW service report\n');
      expect(contentProblem('text/plain', await detectType(bmw), check(bmw), 'File')).to.equal(null);
      const bmp = Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]);
      expect(contentProblem('text/plain', await detectType(bmp), check(bmp), 'File')).to.match(/image\/bmp/);
      expect(check(Buffer.from([0xa3, 0x31, 0x30]))).to.deep.equal({ text: true, utf8: false });
    });
  });

  describe('EicarScanner', () => {
    it('finds the EICAR string anywhere, also split across chunks', async () => {
      const data = Buffer.concat([Buffer.from('prefix '), EICAR, Buffer.from(' suffix')]);
      for (const size of [1, 7, 30, 1000]) {
        const session = await new EicarScanner().start();
        for (let i = 0; i < data.length; i += size) await session.write(data.subarray(i, i + size));
        expect(await session.finish(), `chunks of ${size}`).to.deep.equal({ clean: false, signature: 'Eicar-Test-Signature' });
      }
      const clean = await new EicarScanner().start();
      await clean.write(EICAR.subarray(0, 60));
      expect(await clean.finish()).to.deep.equal({ clean: true });
    });
  });

  describe('ClamdScanner (INSTREAM against a loopback clamd)', () => {
    let clamd: FakeClamd;
    before(async () => { clamd = await startFakeClamd(); });
    after(async () => { await clamd.close(); });
    afterEach(() => { clamd.forcedAnswer = null; });

    const scan = async (scanner: ClamdScanner, data: Buffer, size = 1000) => {
      const session = await scanner.start();
      for (let i = 0; i < data.length; i += size) await session.write(data.subarray(i, i + size));
      return session.finish();
    };

    it('sends the file as length-prefixed chunks and reports a clean answer', async () => {
      const data = Buffer.alloc(5000, 'a');
      expect(await scan(new ClamdScanner({ host: '127.0.0.1', port: clamd.port, timeoutMs: 5000 }), data)).to.deep.equal({ clean: true });
      expect(clamd.received.at(-1)!.equals(data)).to.equal(true);
      expect(clamd.chunkSizes).to.deep.equal([1000, 1000, 1000, 1000, 1000]);
    });

    it('reports the signature clamd found', async () => {
      const verdict = await scan(new ClamdScanner({ host: '127.0.0.1', port: clamd.port, timeoutMs: 5000 }), Buffer.concat([Buffer.from('x'), MARKER]));
      expect(verdict).to.deep.equal({ clean: false, signature: 'Formwork.Test.Marker' });
    });

    it('fails closed with scanner_unavailable when clamd answers an error or cannot be reached', async () => {
      clamd.forcedAnswer = 'INSTREAM size limit exceeded. ERROR';
      await expectError(scan(new ClamdScanner({ host: '127.0.0.1', port: clamd.port, timeoutMs: 5000 }), Buffer.from('x')), 'scanner_unavailable');
      await expectError(new ClamdScanner({ host: '127.0.0.1', port: await closedPort(), timeoutMs: 5000 }).start(), 'scanner_unavailable');
    });
  });

  describe('stores', () => {
    let fw: TestEngine;
    let dir: string;
    before(async () => {
      fw = await createTestEngine({ roots: [fixture('packs/files')], seed: false });
      dir = mkdtempSync(join(tmpdir(), 'formwork-store-'));
    });
    after(async () => {
      await fw?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    const stores = (): AttachmentStore[] => [new DatabaseStore(fw.db.knex), new DirectoryStore(dir)];

    it('put, get and delete round-trip the bytes in both stores, with size and SHA-256', async () => {
      const data = Buffer.alloc(BLOB_CHUNK_SIZE * 2 + 12345);
      for (let i = 0; i < data.length; i += 1) data[i] = (i * 31 + 7) % 251;
      for (const store of stores()) {
        const stored = await store.put(pieces(data, 65536));
        expect(stored, store.name).to.deep.include({ size: data.length, sha256: sha256(data) });
        expect((await read(await store.get(stored.key))).equals(data), store.name).to.equal(true);
        await store.delete(stored.key);
        await expectError(store.get(stored.key), 'not_found');
      }
      expect(Number((await fw.db.knex('sys_attachment_blob').count({ n: '*' }))[0]!.n)).to.equal(0);
    });

    it('keeps nothing when the source fails part-way', async () => {
      for (const store of stores()) {
        await expectError(store.put(failing(Buffer.alloc(BLOB_CHUNK_SIZE + 10, 1))), 'payload_too_large');
      }
      expect(Number((await fw.db.knex('sys_attachment_blob').count({ n: '*' }))[0]!.n)).to.equal(0);
      expect(filesIn(dir)).to.deep.equal([]);
    });

    it('the files store names files by random keys and refuses any other key', async () => {
      const store = new DirectoryStore(dir);
      const { key } = await store.put(Readable.from([Buffer.from('x')]));
      expect(key).to.match(/^[0-9a-f]{32}$/);
      await expectError(store.get('../../etc/passwd'), 'not_found');
      await expectError(store.get(`${key.slice(0, 2)}/../${key}`), 'not_found');
      await store.delete('../outside');
      await store.delete(key);
    });
  });
});

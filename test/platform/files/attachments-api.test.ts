/**
 * The attachment API over real HTTP, on the database of the run (SQLite or PostgreSQL), with both stores:
 * upload and download round trips, limits, type checks, scanning (the built-in EICAR check and a loopback clamd),
 * access, file names, history and delete.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { createTestEngine, fixture, type TestEngine } from '../../support/engine.js';
import { filesIn } from '../../support/files.js';
import { closedPort, MARKER, startFakeClamd, type FakeClamd } from './fake-clamd.js';
import { EICAR } from '../../../platform/files/index.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300)]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Reply { status: number; headers: Headers; body: any; bytes: Buffer; text: string }

describe('Attachments API', () => {
  let fw: TestEngine;
  let server: RunningServer;
  const tokens: Record<'owner' | 'other' | 'reader' | 'clerk', string> = { owner: '', other: '', reader: '', clerk: '' };

  async function call(
    who: keyof typeof tokens, method: string, path: string, body?: BodyInit, headers: Record<string, string> = {},
  ): Promise<Reply> {
    const init: RequestInit & { duplex?: 'half' } = { method, headers: { authorization: `Bearer ${tokens[who]}`, ...headers }, body };
    if (body instanceof ReadableStream) init.duplex = 'half';
    const res = await fetch(server.url + path, init);
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    const json = /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : null;
    return { status: res.status, headers: res.headers, body: json, bytes, text };
  }

  const upload = (who: keyof typeof tokens, id: string, field: string, data: Buffer | ReadableStream, type: string | null, name = 'file.bin', headers: Record<string, string> = {}) =>
    call(who, 'POST', `/api/tables/dossier/${id}/attachments/${field}`, data as BodyInit, {
      ...(type ? { 'content-type': type } : {}),
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
      ...headers,
    });

  async function dossier(who: keyof typeof tokens = 'owner'): Promise<string> {
    const r = await call(who, 'POST', '/api/tables/dossier', JSON.stringify({ title: 'Case papers' }), { 'content-type': 'application/json' });
    expect(r.status, r.text).to.equal(201);
    return r.body.data.id;
  }

  function expectProblem(r: Reply, status: number, code: string): any {
    expect(r.status, r.text).to.equal(status);
    expect(r.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(r.body.code, r.text).to.equal(code);
    return r.body;
  }

  /** What is stored anywhere: metadata rows, database chunks, and files. */
  async function stored() {
    const count = async (table: string) => Number((await fw.db.knex(table).count({ n: '*' }))[0]!.n);
    return { rows: await count('sys_attachment'), chunks: await count('sys_attachment_blob'), files: filesIn(fw.config.filesDir).length };
  }

  /** A request body streamed in pieces, without Content-Length (chunked). */
  function streamed(data: Buffer, size: number): ReadableStream<Uint8Array> {
    let offset = 0;
    return new ReadableStream({
      pull(controller) {
        if (offset >= data.length) { controller.close(); return; }
        controller.enqueue(new Uint8Array(data.subarray(offset, offset + size)));
        offset += size;
      },
    });
  }

  before(async () => {
    fw = await createTestEngine({ roots: [fixture('packs/files')] });
    for (const [who, role] of [['owner', 'files_owner'], ['other', 'files_owner'], ['reader', 'files_reader'], ['clerk', 'files_clerk']] as const) {
      const u = await createUser(fw, { roles: [role], password: null, totp: false });
      tokens[who] = await createToken(fw, u.username);
    }
    server = await serve(fw);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  for (const store of ['files', 'database'] as const) {
    describe(`with the ${store} store`, () => {
      let previous: 'files' | 'database';
      before(() => { previous = fw.config.fileStore; fw.config.fileStore = store; });
      after(() => { fw.config.fileStore = previous; });

      it('uploads a file and downloads the same bytes, with its verified type and safe headers', async () => {
        const id = await dossier();
        const r = await upload('owner', id, 'papers', PNG, 'image/png', 'pixel.png');
        expect(r.status, r.text).to.equal(201);
        const a = r.body.data;
        expect(a).to.include({ field: 'papers', name: 'pixel.png', type: 'image/png', size: PNG.length, sha256: sha256(PNG), scanStatus: 'unscanned' });
        expect(r.headers.get('location')).to.equal(a.href);
        expect(r.headers.get('etag')).to.equal('W/"2"');
        expect(r.body.meta.recordVersion).to.equal(2);

        const d = await call('owner', 'GET', a.href);
        expect(d.status).to.equal(200);
        expect(d.bytes.equals(PNG)).to.equal(true);
        expect(sha256(d.bytes)).to.equal(a.sha256);
        expect(d.headers.get('content-type')).to.equal('image/png');
        expect(d.headers.get('content-length')).to.equal(String(PNG.length));
        expect(d.headers.get('content-disposition')).to.equal(`attachment; filename="pixel.png"; filename*=UTF-8''pixel.png`);
        expect(d.headers.get('x-content-type-options')).to.equal('nosniff');
        expect(d.headers.get('content-security-policy')).to.match(/^sandbox(;|$)/);

        const row = await fw.db.knex('sys_attachment').where({ id: a.id }).first();
        expect(row).to.include({ store, record_id: id, field: 'papers', file_name: 'pixel.png' });
        expect(row.store_key).not.to.contain('pixel');
        if (store === 'database') {
          expect(await fw.db.knex('sys_attachment_blob').where({ blob_id: row.store_key }).pluck('seq')).to.deep.equal([0]);
        } else {
          expect(filesIn(fw.config.filesDir)).to.include(`${row.store_key.slice(0, 2)}/${row.store_key}`);
        }
      });

      it('streams a file of several chunks in (without Content-Length) and out unchanged', async () => {
        const id = await dossier();
        const line = Buffer.from('line of a long log file, with some text: åéîøü\n');
        const data = Buffer.concat(Array.from({ length: Math.ceil(700_000 / line.length) }, () => line));
        const r = await upload('owner', id, 'archive', streamed(data, 50_000), 'text/plain', 'long.log');
        expect(r.status, r.text).to.equal(201);
        expect(r.body.data).to.include({ size: data.length, sha256: sha256(data), type: 'text/plain; charset=utf-8' });
        const d = await call('owner', 'GET', r.body.data.href);
        expect(d.bytes.equals(data)).to.equal(true);
        expect(d.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
        if (store === 'database') {
          const key = (await fw.db.knex('sys_attachment').where({ id: r.body.data.id }).first('store_key')).store_key;
          expect(await fw.db.knex('sys_attachment_blob').where({ blob_id: key }).count({ n: '*' }).then((x) => Number(x[0]!.n))).to.equal(3);
        }
      });

      it('refuses a file over the field\'s maxSize with 413, from Content-Length or while streaming, storing nothing', async () => {
        const id = await dossier();
        const before = await stored();
        const big = Buffer.alloc(3000, 'x');
        const r1 = await upload('owner', id, 'papers', big, 'text/plain', 'big.txt');
        const p1 = expectProblem(r1, 413, 'payload_too_large');
        expect(p1.errors[0]).to.include({ field: 'papers', code: 'too_large', message: 'The selected file must be smaller than 2 KB.' });
        const r2 = await upload('owner', id, 'papers', streamed(big, 500), 'text/plain', 'big.txt');
        expectProblem(r2, 413, 'payload_too_large');
        expect(await stored()).to.deep.equal(before);
        const record = await call('owner', 'GET', `/api/tables/dossier/${id}`);
        expect(record.body.data).to.include({ version: 1, papers: null });
      });
    });
  }

  describe('checks of the file', () => {
    it('refuses a type the field does not accept, and a missing Content-Type, with 415', async () => {
      const id = await dossier();
      const before = await stored();
      const p = expectProblem(await upload('owner', id, 'papers', Buffer.from('PK\u0003\u0004'), 'application/zip', 'a.zip'), 415, 'unsupported_media_type');
      expect(p.errors[0]).to.include({ field: 'papers', code: 'type_not_allowed' });
      expect(p.accept).to.deep.equal(['application/pdf', 'image/png', 'text/plain', 'text/csv', '.docx']);
      expectProblem(await upload('owner', id, 'papers', Buffer.from('hello'), null, 'a.txt'), 415, 'unsupported_media_type');
      expect(await stored()).to.deep.equal(before);
    });

    it('refuses an upload sent with a Content-Encoding (it would be stored encoded) with 415, storing nothing', async () => {
      const id = await dossier();
      const before = await stored();
      const p = expectProblem(await upload('owner', id, 'papers', Buffer.from('not gzip at all'), 'text/plain', 'a.txt', { 'content-encoding': 'gzip' }),
        415, 'unsupported_media_type');
      expect(p.errors[0]).to.include({ field: 'papers', code: 'encoding_not_allowed' });
      expect(await stored()).to.deep.equal(before);
      const r = await upload('owner', id, 'papers', Buffer.from('plain'), 'text/plain', 'b.txt', { 'content-encoding': 'identity' });
      expect(r.status, r.text).to.equal(201);
    });

    it('refuses content that is not its declared type: a Windows program sent as image/png', async () => {
      const id = await dossier();
      const before = await stored();
      const p = expectProblem(await upload('owner', id, 'papers', EXE, 'image/png', 'holiday.png'), 422, 'file_rejected');
      expect(p.errors[0]).to.include({ field: 'papers', code: 'type_mismatch' });
      expect(p.detail).to.contain('application/x-msdownload');
      expect(await stored()).to.deep.equal(before);
    });

    it('takes text without magic bytes as text when it is text, and refuses binary sent as text', async () => {
      const id = await dossier();
      const csv = Buffer.from('make,model\nBMW,320d\n');
      const ok = await upload('owner', id, 'papers', Buffer.from('BMW service report\n'), 'text/plain', 'bmw.txt');
      expect(ok.status, ok.text).to.equal(201);
      expect((await upload('owner', id, 'papers', csv, 'text/csv', 'cars.csv')).status).to.equal(201);
      const p = expectProblem(await upload('owner', id, 'papers', Buffer.from([0x61, 0x00, 0x62]), 'text/plain', 'nul.txt'), 422, 'file_rejected');
      expect(p.errors[0].code).to.equal('type_mismatch');
    });

    it('always refuses the EICAR test file, with no antivirus configured, storing nothing', async () => {
      expect(fw.config.clamdHost).to.equal(null);
      const id = await dossier();
      const before = await stored();
      const p = expectProblem(await upload('owner', id, 'papers', EICAR, 'text/plain', 'eicar.com.txt'), 422, 'file_rejected');
      expect(p.errors[0]).to.include({ field: 'papers', code: 'infected' });
      expect(p.signature).to.equal('Eicar-Test-Signature');
      const inside = Buffer.concat([Buffer.alloc(100_000, 'a'), EICAR, Buffer.alloc(100_000, 'b')]);
      expectProblem(await upload('owner', id, 'archive', streamed(inside, 4096), 'text/plain', 'padded.txt'), 422, 'file_rejected');
      expect(await stored()).to.deep.equal(before);
    });

    it('keeps the JSON-only rule for every other route, and stores a JSON file as it was sent', async () => {
      const id = await dossier();
      expectProblem(await call('owner', 'POST', '/api/tables/dossier', 'title=x', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
      expectProblem(await call('owner', 'PATCH', `/api/tables/dossier/${id}`, 'x', { 'content-type': 'application/octet-stream' }), 415, 'unsupported_media_type');
      const json = Buffer.from('{ "__proto__": { "x": 1 },\n  "kept": "exactly as sent" }\n');
      const r = await upload('owner', id, 'archive', json, 'application/json', 'data.json');
      expect(r.status, r.text).to.equal(201);
      expect((await call('owner', 'GET', r.body.data.href)).bytes.equals(json)).to.equal(true);
    });

    it('makes path traversal in the file name harmless', async () => {
      const id = await dossier();
      const r1 = await upload('owner', id, 'papers', Buffer.from('a'), 'text/plain', '../../../etc/passwd.txt');
      expect(r1.body.data.name).to.equal('passwd.txt');
      const r2 = await call('owner', 'POST', `/api/tables/dossier/${id}/attachments/papers?name=${encodeURIComponent('..\\..\\boot\u202Etxt.ini')}`, Buffer.from('b'), { 'content-type': 'text/plain' });
      expect(r2.status, r2.text).to.equal(201);
      expect(r2.body.data.name).to.equal('boottxt.ini');
      for (const path of filesIn(fw.config.filesDir)) expect(path).to.match(/^[0-9a-f]{2}\/[0-9a-f]{32}$/);
      const d = await call('owner', 'GET', r1.body.data.href);
      expect(d.headers.get('content-disposition')).to.equal(`attachment; filename="passwd.txt"; filename*=UTF-8''passwd.txt`);
    });

    it('shortens a long file name to 255 bytes of UTF-8, keeping its extension, in the field, the list and the download', async () => {
      const id = await dossier();
      const r = await upload('owner', id, 'papers', Buffer.from('a'), 'text/plain', `${'😀'.repeat(300)}\u0000.txt`);
      expect(r.status, r.text).to.equal(201);
      const name = `${'😀'.repeat(62)}.txt`;
      expect(r.body.data.name).to.equal(name);
      expect(Buffer.byteLength(name)).to.equal(252);
      const record = await call('owner', 'GET', `/api/tables/dossier/${id}`);
      expect(record.body.data.papers.map((a: { name: string }) => a.name)).to.deep.equal([name]);
      // The ASCII fallback has one "_" per UTF-16 unit the name holds outside ASCII.
      const d = await call('owner', 'GET', r.body.data.href);
      expect(d.headers.get('content-disposition')).to.equal(`attachment; filename="${'_'.repeat(124)}.txt"; filename*=UTF-8''${encodeURIComponent(name)}`);
    });
  });

  describe('with clamd configured', () => {
    let clamd: FakeClamd;
    before(async () => {
      clamd = await startFakeClamd();
      Object.assign(fw.config, { clamdHost: '127.0.0.1', clamdPort: clamd.port, clamdTimeoutMs: 5000 });
    });
    after(async () => {
      fw.config.clamdHost = null;
      await clamd.close();
    });

    it('stores a file clamd finds clean, marked "clean", after clamd saw exactly its bytes', async () => {
      const id = await dossier();
      const r = await upload('owner', id, 'papers', PNG, 'image/png', 'scan.png');
      expect(r.status, r.text).to.equal(201);
      expect(r.body.data.scanStatus).to.equal('clean');
      expect(clamd.received.at(-1)!.equals(PNG)).to.equal(true);
    });

    it('refuses a file clamd finds infected with 422 file_rejected, storing nothing', async () => {
      const id = await dossier();
      const before = await stored();
      const p = expectProblem(await upload('owner', id, 'papers', Buffer.concat([Buffer.from('notes '), MARKER]), 'text/plain', 'x.txt'), 422, 'file_rejected');
      expect(p.signature).to.equal('Formwork.Test.Marker');
      expect(await stored()).to.deep.equal(before);
    });

    it('fails closed with 503 scanner_unavailable when clamd cannot be reached, storing nothing', async () => {
      const id = await dossier();
      const before = await stored();
      fw.config.clamdPort = await closedPort();
      try {
        expectProblem(await upload('owner', id, 'papers', Buffer.from('fine'), 'text/plain', 'x.txt'), 503, 'scanner_unavailable');
      } finally {
        fw.config.clamdPort = clamd.port;
      }
      expect(await stored()).to.deep.equal(before);
    });
  });

  describe('the record, its history, the list and delete', () => {
    it('records the attachment in the field and its history, and lists it', async () => {
      const id = await dossier();
      const a = (await upload('owner', id, 'papers', Buffer.from('hello'), 'text/plain', 'hello.txt')).body.data;
      const record = await call('owner', 'GET', `/api/tables/dossier/${id}`);
      expect(record.body.data.papers).to.deep.equal([{ id: a.id, name: 'hello.txt', type: 'text/plain', size: 5 }]);
      const history = (await call('owner', 'GET', `/api/tables/dossier/${id}/history`)).body.data;
      const change = history.find((h: { field: string; operation: string }) => h.field === 'papers' && h.operation === 'update');
      expect(change).to.include({ oldValue: null, version: 2 });
      expect(change.newValue).to.deep.equal([{ id: a.id, name: 'hello.txt', type: 'text/plain', size: 5 }]);
      const list = (await call('owner', 'GET', `/api/tables/dossier/${id}/attachments`)).body.data;
      expect(list.map((x: { id: string }) => x.id)).to.deep.equal([a.id]);
      expect(list[0]).to.include({ name: 'hello.txt', field: 'papers', href: a.href });
    });

    it('deletes an attachment: gone from the field (history shows it), the list and downloads', async () => {
      const id = await dossier();
      const a = (await upload('owner', id, 'papers', Buffer.from('one'), 'text/plain', 'one.txt')).body.data;
      const b = (await upload('owner', id, 'papers', Buffer.from('two'), 'text/plain', 'two.txt')).body.data;
      const del = await call('owner', 'DELETE', a.href);
      expect(del.status, del.text).to.equal(204);
      expect(del.headers.get('etag')).to.equal('W/"4"');
      expectProblem(await call('owner', 'GET', a.href), 404, 'not_found');
      expectProblem(await call('owner', 'DELETE', a.href), 404, 'not_found');
      expect((await call('owner', 'GET', `/api/tables/dossier/${id}`)).body.data.papers.map((x: { id: string }) => x.id)).to.deep.equal([b.id]);
      expect((await call('owner', 'GET', `/api/tables/dossier/${id}/attachments`)).body.data.map((x: { id: string }) => x.id)).to.deep.equal([b.id]);
      const history = (await call('owner', 'GET', `/api/tables/dossier/${id}/history`)).body.data;
      expect(history.find((h: { version: number }) => h.version === 4).newValue).to.have.length(1);
      expect(await fw.db.knex('sys_attachment').where({ id: a.id }).first('deleted_at')).to.have.property('deleted_at').that.is.a('string');
    });

    it('closes a deleted record\'s attachments with it, in the delete\'s transaction', async () => {
      const id = await dossier();
      const a = (await upload('owner', id, 'papers', Buffer.from('kept until the record goes'), 'text/plain', 'a.txt')).body.data;
      await fw.records.deleteOne('dossier', id, { actor: fw.systemActor });
      const row = await fw.db.knex('sys_attachment').where({ id: a.id }).first('deleted_at', 'deleted_by');
      expect(row.deleted_at).to.be.a('string');
      expect(row.deleted_by).to.equal(fw.systemActor.id);
      expectProblem(await call('owner', 'GET', a.href), 404, 'not_found');
    });

    it('answers 404 for an unknown attachment, a field that is not an attachment field, and a malformed id', async () => {
      const id = await dossier();
      expectProblem(await call('owner', 'GET', `/api/tables/dossier/${id}/attachments/papers/018f0000-0000-7000-8000-000000000000`), 404, 'not_found');
      expectProblem(await call('owner', 'GET', `/api/tables/dossier/${id}/attachments/papers/not-an-id`), 404, 'not_found');
      expectProblem(await upload('owner', id, 'title', Buffer.from('x'), 'text/plain'), 404, 'not_found');
      expectProblem(await upload('owner', 'nope', 'papers', Buffer.from('x'), 'text/plain'), 404, 'not_found');
      expectProblem(await call('owner', 'PUT', `/api/tables/dossier/${id}/attachments/papers`, 'x', { 'content-type': 'text/plain' }), 405, 'method_not_allowed');
    });
  });

  describe('access', () => {
    let id: string;
    let papers: { href: string };
    let secret: { href: string };
    before(async () => {
      id = await dossier('owner');
      papers = (await upload('owner', id, 'papers', Buffer.from('open'), 'text/plain', 'open.txt')).body.data;
      secret = (await upload('owner', id, 'secret_papers', Buffer.from('closed'), 'text/plain', 'closed.txt')).body.data;
    });

    it('answers 404 to a user who cannot read the record, on list, download, upload and delete', async () => {
      expectProblem(await call('other', 'GET', `/api/tables/dossier/${id}/attachments`), 404, 'not_found');
      expectProblem(await call('other', 'GET', papers.href), 404, 'not_found');
      expectProblem(await upload('other', id, 'papers', Buffer.from('x'), 'text/plain'), 404, 'not_found');
      expectProblem(await call('other', 'DELETE', papers.href), 404, 'not_found');
    });

    it('lets a user who may read but not update download, but not upload or delete (403)', async () => {
      expect((await call('reader', 'GET', papers.href)).text).to.equal('open');
      expectProblem(await upload('reader', id, 'papers', Buffer.from('x'), 'text/plain'), 403, 'forbidden');
      expectProblem(await call('reader', 'DELETE', papers.href), 403, 'forbidden');
    });

    it('leaves out fields the user may not read: not listed, downloads and uploads 404', async () => {
      const list = (await call('clerk', 'GET', `/api/tables/dossier/${id}/attachments`)).body.data;
      expect(list.map((a: { field: string }) => a.field)).to.deep.equal(['papers']);
      expectProblem(await call('clerk', 'GET', secret.href), 404, 'not_found');
      expectProblem(await upload('clerk', id, 'secret_papers', Buffer.from('x'), 'text/plain'), 404, 'not_found');
      expect((await upload('clerk', id, 'papers', Buffer.from('by the clerk'), 'text/plain', 'c.txt')).status).to.equal(201);
    });
  });
});

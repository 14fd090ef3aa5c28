/**
 * A request body that cannot be read is a problem with the body, never with the URL: a body that does not
 * decompress as its Content-Encoding says (bad bytes, truncated) is 400 invalid_payload, an encoding or charset the
 * server does not support is 415 unsupported_media_type (body-parser's status), and none of them is a 500.
 */
import { expect } from 'chai';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { createTestEngine, type TestEngine } from '../../support/engine.js';

describe('HTTP: request bodies that cannot be read', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let auth: string;

  before(async () => {
    fw = await createTestEngine();
    const admin = await createUser(fw, { roles: ['admin'], password: null, totp: false });
    auth = `Bearer ${await createToken(fw, admin.username)}`;
    server = await serve(fw);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const post = async (body: Uint8Array | string, headers: Record<string, string>, method = 'POST', path = '/api/tables/task') => {
    const res = await fetch(server.url + path, {
      method, headers: { authorization: auth, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), text, doc: JSON.parse(text) as Record<string, any> };
  };
  const json = Buffer.from(JSON.stringify({ short_description: 'Compressed' }));

  it('answers a body that does not decompress as its Content-Encoding says with 400 invalid_payload about the body', async () => {
    const gz = gzipSync(json);
    const cases: [string, Uint8Array | string][] = [
      ['gzip', 'not gzip at all'],
      ['gzip', gz.subarray(0, gz.length - 8)],
      ['gzip', gz.subarray(0, 12)],
      ['deflate', 'xx'],
      ['br', 'xx'],
      ['GZIP', Buffer.concat([gz.subarray(0, 10), Buffer.alloc(40, 0xff)])],
    ];
    for (const [coding, body] of cases) {
      const r = await post(body, { 'content-encoding': coding });
      expect(r.status, `${coding}: ${r.text}`).to.equal(400);
      expect(r.type).to.match(/^application\/problem\+json/);
      expect(r.doc.code, r.text).to.equal('invalid_payload');
      expect(r.doc.detail).to.match(new RegExp(`request body does not decompress as its Content-Encoding "${coding.toLowerCase()}"`));
      expect(r.doc.detail).to.not.match(/URL/);
    }
    // The same on an update, and on a method whose body is not usually sent.
    const made = (await post(json, {})).doc.data;
    expect((await post('nope', { 'content-encoding': 'gzip' }, 'PATCH', `/api/tables/task/${made.id}`)).doc.code).to.equal('invalid_payload');
    expect((await post('nope', { 'content-encoding': 'gzip' }, 'DELETE', `/api/tables/task/${made.id}`)).doc.code).to.equal('invalid_payload');
  });

  it('answers an unsupported Content-Encoding with 415 unsupported_media_type naming it', async () => {
    for (const coding of ['br2', 'compress', 'gzip, gzip', 'x-gzip-but-not']) {
      const r = await post(json, { 'content-encoding': coding });
      expect(r.status, r.text).to.equal(415);
      expect(r.doc.code).to.equal('unsupported_media_type');
      expect(r.doc.detail).to.contain(`Content-Encoding "${coding}" is not supported`);
    }
  });

  it('answers an unsupported or unknown charset with 415, and a body in another charset than declared with 400', async () => {
    for (const charset of ['latin1', 'bogus-9']) {
      const r = await post(json, { 'content-type': `application/json; charset=${charset}` });
      expect([r.status, r.doc.code], r.text).to.deep.equal([415, 'unsupported_media_type']);
      expect(r.doc.detail).to.contain(`charset "${charset}" is not supported`);
    }
    const utf16 = await post(json, { 'content-type': 'application/json; charset=utf-16' });
    expect([utf16.status, utf16.doc.code], utf16.text).to.deep.equal([400, 'invalid_payload']);
  });

  it('still reads bodies compressed as declared', async () => {
    for (const [coding, body] of [['gzip', gzipSync(json)], ['deflate', deflateSync(json)], ['br', brotliCompressSync(json)]] as const) {
      const r = await post(body, { 'content-encoding': coding });
      expect(r.status, r.text).to.equal(201);
      expect(r.doc.data.short_description).to.equal('Compressed');
    }
  });

  it('answers a body that decompresses past the limit with 413', async () => {
    const r = await post(gzipSync(Buffer.alloc(5_000_000, 32)), { 'content-encoding': 'gzip' });
    expect([r.status, r.doc.code]).to.deep.equal([413, 'payload_too_large']);
  });
});

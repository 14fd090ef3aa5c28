import { expect } from 'chai';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../platform/http/app.js';
import { requestId } from '../../../platform/http/middleware/index.js';
import { problemHandler } from '../../../platform/http/problem.js';
import type { RecordData } from '../../../platform/records/types.js';
import { createToken, createUser } from '../../support/auth.js';
import { DB_KIND } from '../../support/db.js';
import { createTestEngine, type TestEngine } from '../../support/engine.js';

interface Running { url: string; close(): Promise<void> }

function listen(app: express.Express): Promise<Running> {
  return new Promise((resolve) => {
    const server: Server = app.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

/** Assert an RFC 9457 problem document with `status` and `code`; returns it. */
async function expectProblem(res: Response, status: number, code: string): Promise<Record<string, any>> {
  const text = await res.text();
  expect(res.status, text).to.equal(status);
  expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
  const body = JSON.parse(text);
  expect(body.code, text).to.equal(code);
  expect(body.type).to.equal(`https://formwork.dev/problems/${code}`);
  expect(body.status).to.equal(status);
  expect(body.title).to.be.a('string');
  expect(body.detail).to.be.a('string');
  expect(body.instance).to.be.a('string').and.match(/^\//);
  expect(body).not.to.have.property('stack');
  return body;
}

describe('HTTP API', () => {
  let fw: TestEngine;
  let server: Running;
  /** Every request authenticates as a user holding the admin role, with an API token. */
  let auth: Record<string, string>;

  const call = (path: string, init: RequestInit = {}) =>
    fetch(server.url + path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });
  const send = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(path, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const raw = (method: string, path: string, body: string, contentType = 'application/json') =>
    call(path, { method, headers: { 'content-type': contentType }, body });
  const create = async (table: string, data: RecordData): Promise<RecordData> => {
    const res = await send('POST', `/api/tables/${table}`, data);
    const text = await res.text();
    expect(res.status, text).to.equal(201);
    return JSON.parse(text).data;
  };
  const incident = (over: RecordData = {}): RecordData => ({ short_description: 'Printer on fire', category: 'hardware', ...over });

  before(async () => {
    fw = await createTestEngine();
    const admin = await createUser(fw, { roles: ['admin'], password: null, totp: false });
    auth = { authorization: `Bearer ${await createToken(fw, admin.username)}` };
    server = await listen(createApp(fw));
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  describe('POST /api/tables/:table', () => {
    it('creates one record: 201 with Location, ETag and the record', async () => {
      const res = await send('POST', '/api/tables/incident', incident());
      expect(res.status).to.equal(201);
      const { data } = await res.json();
      expect(data.id).to.be.a('string');
      expect(data.number).to.match(/^INC\d+$/);
      expect(data).to.include({ short_description: 'Printer on fire', category: 'hardware', state: 'new', class: 'incident', version: 1 });
      expect(res.headers.get('location')).to.equal(`/api/tables/incident/${data.id}`);
      expect(res.headers.get('etag')).to.equal('W/"1"');
    });

    it('creates many from an array: 201 with every record', async () => {
      const res = await send('POST', '/api/tables/task', [{ short_description: 'One' }, { short_description: 'Two' }]);
      expect(res.status).to.equal(201);
      const { data } = await res.json();
      expect(data.map((r: RecordData) => r.short_description)).to.deep.equal(['One', 'Two']);
      expect(data.every((r: RecordData) => typeof r.id === 'string' && r.version === 1)).to.equal(true);
    });

    it('rejects an unknown field with 400 unknown_field naming it in errors[]', async () => {
      const body = await expectProblem(await send('POST', '/api/tables/incident', incident({ colour: 'red' })), 400, 'unknown_field');
      expect(body.errors).to.deep.include({ field: 'colour', code: 'unknown_field', message: body.errors[0].message });
    });

    it('rejects missing and invalid values with 422 validation_failed and per-field errors', async () => {
      const body = await expectProblem(await send('POST', '/api/tables/incident', { category: 'nonsense', impact: 9 }), 422, 'validation_failed');
      const fields = body.errors.map((e: { field: string }) => e.field);
      expect(fields).to.include.members(['short_description', 'category', 'impact']);
      for (const e of body.errors) expect(e).to.have.all.keys('field', 'code', 'message');
      expect(body.errors.find((e: { field: string }) => e.field === 'short_description').code).to.equal('required');
    });

    it('rejects system fields with 400 invalid_payload', async () => {
      const body = await expectProblem(await send('POST', '/api/tables/task', { short_description: 'x', version: 7 }), 400, 'invalid_payload');
      expect(body.errors[0].field).to.equal('version');
    });

    it('rejects bodies that are not a record or an array of records with 400 invalid_payload', async () => {
      await expectProblem(await raw('POST', '/api/tables/task', '{"short_description": '), 400, 'invalid_payload');
      await expectProblem(await raw('POST', '/api/tables/task', '"just a string"'), 400, 'invalid_payload');
      await expectProblem(await raw('POST', '/api/tables/task', '42'), 400, 'invalid_payload');
      await expectProblem(await raw('POST', '/api/tables/task', '[]'), 400, 'invalid_payload');
      await expectProblem(await raw('POST', '/api/tables/task', '[1, 2]'), 400, 'invalid_payload');
      await expectProblem(await call('/api/tables/task', { method: 'POST' }), 400, 'invalid_payload');
    });

    it('rejects a body that is not application/json with 415 unsupported_media_type', async () => {
      await expectProblem(await raw('POST', '/api/tables/task', 'short_description=x', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
      await expectProblem(await raw('POST', '/api/tables/task', '{"short_description":"x"}', 'text/plain'), 415, 'unsupported_media_type');
    });

    it('rejects a body larger than the configured limit with 413 payload_too_large', async () => {
      const small = await listen(createApp({ ...fw, config: { ...fw.config, bodyLimit: '200b' } }));
      try {
        const res = await fetch(`${small.url}/api/tables/task`, {
          method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ short_description: 'x'.repeat(500) }),
        });
        await expectProblem(res, 413, 'payload_too_large');
        const ok = await fetch(`${small.url}/api/tables/task`, {
          method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ short_description: 'small' }),
        });
        expect(ok.status).to.equal(201);
      } finally {
        await small.close();
      }
    });

    it('rejects __proto__, constructor and prototype keys anywhere with 400 invalid_payload naming the pointer', async () => {
      // Raw text: JSON.stringify of an object literal cannot carry an own "__proto__" key.
      const cases: [string, string][] = [
        ['{"short_description":"x","__proto__":{"polluted":true}}', '/__proto__'],
        ['{"short_description":"x","description":{"constructor":{"prototype":{"polluted":true}}}}', '/description/constructor'],
        ['[{"short_description":"x"},{"short_description":"y","prototype":1}]', '/1/prototype'],
      ];
      for (const [text, pointer] of cases) {
        const body = await expectProblem(await raw('POST', '/api/tables/task', text), 400, 'invalid_payload');
        expect(body.errors[0].field, text).to.equal(pointer);
      }
      await expectProblem(await raw('PATCH', '/api/tables/task/018f0000-0000-7000-8000-000000000001', '{"__proto__":{"x":1}}'), 400, 'invalid_payload');
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      const filter = encodeURIComponent('{"all":[{"fact":"record.short_description","operator":"equal","value":"y","constructor":{}}]}');
      const body = await expectProblem(await call(`/api/tables/task?filter=${filter}`), 400, 'invalid_query');
      expect(body.errors[0].field).to.equal('/all/0/constructor');
    });

    it('rejects an unknown table with 404 table_not_found', async () => {
      await expectProblem(await send('POST', '/api/tables/no_such_table', { a: 1 }), 404, 'table_not_found');
      await expectProblem(await call('/api/tables/no_such_table'), 404, 'table_not_found');
      await expectProblem(await call('/api/tables/no_such_table/018f0000-0000-7000-8000-000000000001'), 404, 'table_not_found');
    });
  });

  describe('GET /api/tables/:table/:id', () => {
    it('returns the record with its version as a weak ETag, and 304 for a matching If-None-Match', async () => {
      const created = await create('incident', incident());
      const res = await call(`/api/tables/incident/${created.id}`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('etag')).to.equal('W/"1"');
      expect((await res.json()).data).to.deep.equal(created);

      const cached = await call(`/api/tables/incident/${created.id}`, { headers: { 'if-none-match': 'W/"1"' } });
      expect(cached.status).to.equal(304);
      expect(await cached.text()).to.equal('');
      const stale = await call(`/api/tables/incident/${created.id}`, { headers: { 'if-none-match': '"0"' } });
      expect(stale.status).to.equal(200);
    });

    it('reads a subtype record through its parent table', async () => {
      const created = await create('incident', incident());
      const { data } = await (await call(`/api/tables/task/${created.id}`)).json();
      expect(data.class).to.equal('incident');
    });

    it('returns 404 not_found for a missing or malformed id', async () => {
      await expectProblem(await call('/api/tables/task/018f0000-0000-7000-8000-00000000dead'), 404, 'not_found');
      await expectProblem(await call('/api/tables/task/not-a-uuid'), 404, 'not_found');
      await expectProblem(await call("/api/tables/task/1' or '1'='1"), 404, 'not_found');
    });
  });

  describe('GET /api/tables/:table', () => {
    const marker = 'LIST-1';
    before(async () => {
      const rows = [1, 2, 3, 1, 2].map((impact, i) => incident({ short_description: `List ${i}`, caller_reference: marker, impact }));
      const res = await send('POST', '/api/tables/incident', rows);
      expect(res.status).to.equal(201);
    });
    const filter = encodeURIComponent(JSON.stringify({ fact: 'record.caller_reference', operator: 'equal', value: marker }));

    it('filters, sorts, pages and counts', async () => {
      const res = await call(`/api/tables/incident?filter=${filter}&sort=-impact,short_description&limit=2&offset=1`);
      expect(res.status).to.equal(200);
      const body = await res.json();
      expect(body.meta).to.deep.equal({ total: 5, totalKind: 'exact', limit: 2, offset: 1 });
      expect(body.data.map((r: RecordData) => r.short_description)).to.deep.equal(['List 1', 'List 4']);
      const all = await (await call(`/api/tables/incident?filter=${filter}&sort=short_description`)).json();
      expect(all.data.map((r: RecordData) => r.short_description)).to.deep.equal(['List 0', 'List 1', 'List 2', 'List 3', 'List 4']);
      expect(all.meta).to.deep.equal({ total: 5, totalKind: 'exact', limit: 20, offset: 0 });
    });

    it('returns only the requested fields (plus id and version)', async () => {
      const body = await (await call(`/api/tables/incident?filter=${filter}&fields=number,impact&limit=1`)).json();
      expect(Object.keys(body.data[0]).sort()).to.deep.equal(['id', 'impact', 'number', 'version']);
    });

    it('skips the count with total=false', async () => {
      const body = await (await call(`/api/tables/incident?filter=${filter}&total=false&limit=3`)).json();
      expect(body.meta).to.deep.equal({ total: null, totalKind: null, limit: 3, offset: 0 });
      expect(body.data).to.have.length(3);
    });

    it('rejects a malformed filter, limit, offset, total or unknown parameter with 400 invalid_query', async () => {
      await expectProblem(await call('/api/tables/incident?filter=' + encodeURIComponent('{"fact": ')), 400, 'invalid_query');
      await expectProblem(await call('/api/tables/incident?filter=' + encodeURIComponent('[1]')), 400, 'invalid_query');
      await expectProblem(await call('/api/tables/incident?limit=ten'), 400, 'invalid_query');
      await expectProblem(await call('/api/tables/incident?limit=2.5'), 400, 'invalid_query');
      await expectProblem(await call('/api/tables/incident?limit=-1'), 400, 'invalid_query');
      await expectProblem(await call('/api/tables/incident?limit=5000'), 400, 'invalid_query');
      await expectProblem(await call('/api/tables/incident?limit=1&limit=2'), 400, 'invalid_query');
      await expectProblem(await call('/api/tables/incident?offset=x'), 400, 'invalid_query');
      await expectProblem(await call('/api/tables/incident?total=maybe'), 400, 'invalid_query');
      await expectProblem(await call('/api/tables/incident?sort=a,,b'), 400, 'invalid_query');
      await expectProblem(await call('/api/tables/incident?state=new'), 400, 'invalid_query');
    });

    it('names an unknown operator with 400 unknown_operator', async () => {
      const bad = encodeURIComponent(JSON.stringify({ fact: 'record.impact', operator: 'sortOf', value: 1 }));
      const body = await expectProblem(await call(`/api/tables/incident?filter=${bad}`), 400, 'unknown_operator');
      expect(body.detail).to.contain('sortOf');
    });

    it('names unknown fields in sort, fields and filter with 400 unknown_field', async () => {
      await expectProblem(await call('/api/tables/incident?sort=-nope'), 400, 'unknown_field');
      await expectProblem(await call('/api/tables/incident?fields=number,nope'), 400, 'unknown_field');
      const bad = encodeURIComponent(JSON.stringify({ fact: 'record.nope', operator: 'equal', value: 1 }));
      await expectProblem(await call(`/api/tables/incident?filter=${bad}`), 400, 'unknown_field');
    });

    it('keeps injection attempts in sort keys, fields and filter values inert', async () => {
      const sort = encodeURIComponent('short_description; drop table task; --');
      await expectProblem(await call(`/api/tables/incident?sort=${sort}`), 400, 'unknown_field');
      const fields = encodeURIComponent('number, (select 1)');
      await expectProblem(await call(`/api/tables/incident?fields=${fields}`), 400, 'unknown_field');
      const fact = encodeURIComponent(JSON.stringify({ fact: "record.impact = 1 or '1'='1", operator: 'equal', value: 1 }));
      await expectProblem(await call(`/api/tables/incident?filter=${fact}`), 400, 'unknown_field');
      const value = encodeURIComponent(JSON.stringify({ fact: 'record.short_description', operator: 'equal', value: "x' or '1'='1'; drop table task; --" }));
      const res = await call(`/api/tables/incident?filter=${value}`);
      expect(res.status).to.equal(200);
      expect((await res.json()).meta.total).to.equal(0);
      const still = await call(`/api/tables/incident?filter=${filter}`);
      expect((await still.json()).meta.total).to.equal(5);
    });
  });

  describe('PATCH /api/tables/:table/:id', () => {
    it('updates with a current If-Match and returns the new ETag', async () => {
      const created = await create('incident', incident());
      const res = await send('PATCH', `/api/tables/incident/${created.id}`, { impact: 1 }, { 'if-match': 'W/"1"' });
      expect(res.status).to.equal(200);
      expect(res.headers.get('etag')).to.equal('W/"2"');
      expect((await res.json()).data).to.include({ id: created.id, impact: 1, version: 2 });
      const strong = await send('PATCH', `/api/tables/incident/${created.id}`, { impact: 2 }, { 'if-match': '"2"' });
      expect(strong.status).to.equal(200);
      expect(strong.headers.get('etag')).to.equal('W/"3"');
    });

    it('refuses a stale If-Match with 412 precondition_failed and the current version, changing nothing', async () => {
      const created = await create('incident', incident());
      await send('PATCH', `/api/tables/incident/${created.id}`, { impact: 1 });
      const body = await expectProblem(
        await send('PATCH', `/api/tables/incident/${created.id}`, { impact: 2 }, { 'if-match': 'W/"1"' }), 412, 'precondition_failed');
      expect(body.currentVersion).to.equal(2);
      const { data } = await (await call(`/api/tables/incident/${created.id}`)).json();
      expect(data).to.include({ impact: 1, version: 2 });
      const foreign = await send('PATCH', `/api/tables/incident/${created.id}`, { impact: 2 }, { 'if-match': '"abc"' });
      expect((await expectProblem(foreign, 412, 'precondition_failed')).currentVersion).to.equal(2);
    });

    it('updates without If-Match (last write wins)', async () => {
      const created = await create('task', { short_description: 'Before' });
      const res = await send('PATCH', `/api/tables/task/${created.id}`, { short_description: 'After' });
      expect(res.status).to.equal(200);
      expect((await res.json()).data).to.include({ short_description: 'After', version: 2 });
    });

    it('rejects an array body with 400 invalid_payload and a cleared required field with 422', async () => {
      const created = await create('task', { short_description: 'Keep me' });
      await expectProblem(await send('PATCH', `/api/tables/task/${created.id}`, [{ short_description: 'x' }]), 400, 'invalid_payload');
      const body = await expectProblem(await send('PATCH', `/api/tables/task/${created.id}`, { short_description: '' }), 422, 'validation_failed');
      expect(body.errors[0].field).to.equal('short_description');
    });
  });

  describe('DELETE /api/tables/:table/:id', () => {
    it('deletes with 204, after which the record is 404', async () => {
      const created = await create('task', { short_description: 'Doomed' });
      const res = await call(`/api/tables/task/${created.id}`, { method: 'DELETE', headers: { 'if-match': 'W/"1"' } });
      expect(res.status).to.equal(204);
      await expectProblem(await call(`/api/tables/task/${created.id}`), 404, 'not_found');
      await expectProblem(await call(`/api/tables/task/${created.id}`, { method: 'DELETE' }), 404, 'not_found');
    });

    it('refuses a stale If-Match with 412 and keeps the record', async () => {
      const created = await create('task', { short_description: 'Survivor' });
      await send('PATCH', `/api/tables/task/${created.id}`, { short_description: 'Survivor 2' });
      const body = await expectProblem(await call(`/api/tables/task/${created.id}`, { method: 'DELETE', headers: { 'if-match': 'W/"1"' } }), 412, 'precondition_failed');
      expect(body.currentVersion).to.equal(2);
      expect((await call(`/api/tables/task/${created.id}`)).status).to.equal(200);
    });
  });

  describe('history and journal', () => {
    it('lists field history after an update', async () => {
      const created = await create('incident', incident({ impact: 3 }));
      await send('PATCH', `/api/tables/incident/${created.id}`, { impact: 1 });
      const res = await call(`/api/tables/incident/${created.id}/history`);
      expect(res.status).to.equal(200);
      const { data } = await res.json();
      const change = data.find((h: { field: string; operation: string }) => h.field === 'impact' && h.operation === 'update');
      expect(change).to.include({ recordId: created.id, oldValue: 3, newValue: 1, version: 2 });
    });

    it('lists journal entries added through a journal field', async () => {
      const created = await create('incident', incident({ comments: 'First comment' }));
      await send('PATCH', `/api/tables/incident/${created.id}`, { work_notes: 'Internal note' });
      const all = (await (await call(`/api/tables/incident/${created.id}/journal`)).json()).data;
      expect(all.map((j: { body: string }) => j.body)).to.have.members(['First comment', 'Internal note']);
      const notes = (await (await call(`/api/tables/incident/${created.id}/journal?field=work_notes`)).json()).data;
      expect(notes).to.have.length(1);
      expect(notes[0]).to.include({ field: 'work_notes', entryType: 'work_note', body: 'Internal note' });
      await expectProblem(await call(`/api/tables/incident/${created.id}/journal?field=impact`), 400, 'unknown_field');
    });
  });

  describe('routing, methods and headers', () => {
    it('answers a method a path does not support with 405 and Allow', async () => {
      const res = await send('PUT', '/api/tables/task', { short_description: 'x' });
      expect(res.headers.get('allow')).to.contain('GET').and.contain('POST');
      await expectProblem(res, 405, 'method_not_allowed');
      const one = await call('/api/tables/task/018f0000-0000-7000-8000-000000000001', { method: 'POST' });
      expect(one.headers.get('allow')).to.contain('PATCH').and.contain('DELETE');
      await expectProblem(one, 405, 'method_not_allowed');
      await expectProblem(await call('/api/tables/task/018f0000-0000-7000-8000-000000000001/journal', { method: 'POST' }), 405, 'method_not_allowed');
      await expectProblem(await call('/api/meta/menus', { method: 'DELETE' }), 405, 'method_not_allowed');
    });

    it('answers an unknown route with a 404 not_found problem', async () => {
      const body = await expectProblem(await call('/api/nothing/here?x=1'), 404, 'not_found');
      expect(body.instance).to.equal('/api/nothing/here');
      await expectProblem(await call('/api'), 404, 'not_found');
    });

    it('sets security headers and echoes or generates a request id', async () => {
      const res = await call('/api/meta/menus', { headers: { 'x-request-id': 'abc-123' } });
      expect(res.headers.get('x-request-id')).to.equal('abc-123');
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('referrer-policy')).to.equal('no-referrer');
      expect(res.headers.get('x-frame-options')).to.equal('DENY');
      expect(res.headers.get('content-security-policy')).to.contain("default-src 'none'");
      expect(res.headers.get('cache-control')).to.equal('no-store');
      expect(res.headers.get('x-powered-by')).to.equal(null);
      const generated = await call('/api/meta/menus', { headers: { 'x-request-id': 'bad id\twith spaces' } });
      expect(generated.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      const problem = await expectProblem(await call('/api/tables/nope', { headers: { 'x-request-id': 'req-42' } }), 404, 'table_not_found');
      expect(problem.requestId).to.equal('req-42');
    });

    it('turns an unexpected error into a 500 internal_error without leaking it', async () => {
      const app = express();
      app.use(requestId());
      app.get('/boom', () => { throw new Error('secret database password in stack'); });
      app.use(problemHandler(fw));
      const s = await listen(app);
      try {
        const body = await expectProblem(await fetch(`${s.url}/boom`), 500, 'internal_error');
        expect(JSON.stringify(body)).not.to.contain('secret');
      } finally {
        await s.close();
      }
    });
  });

  describe('meta', () => {
    it('GET /api/meta/tables/:table returns the resolved table', async () => {
      const res = await call('/api/meta/tables/incident');
      expect(res.status).to.equal(200);
      const { data } = await res.json();
      expect(data).to.include({ name: 'incident', label: 'Incident', pluralLabel: 'Incidents', extends: 'task', numberPrefix: 'INC', displayField: 'short_description' });
      expect(data.ancestors).to.deep.equal(['task']);
      const field = (name: string) => data.fields.find((f: { name: string }) => f.name === name);
      expect(field('short_description')).to.include({ type: 'string', label: 'Short description', required: true, readOnly: false, maxLength: 160, system: false });
      expect(field('id')).to.include({ system: true, readOnly: true });
      expect(field('category').choices).to.deep.include({ value: 'hardware', label: 'Hardware' });
      expect(field('symptoms')).to.include({ multiple: true });
      expect(field('parent')).to.include({ type: 'reference', reference: 'task' });
      expect(field('work_notes')).to.include({ type: 'journal', journalType: 'work_note' });
      expect(field('caller_reference')).to.include({ pattern: '^[A-Za-z0-9-]*$' });
      expect(data.fields[0]).not.to.have.property('column');
      await expectProblem(await call('/api/meta/tables/nope'), 404, 'table_not_found');
    });

    it('GET /api/meta/forms/:form returns the form with its fields\' metadata and table label', async () => {
      const res = await call('/api/meta/forms/incident');
      expect(res.status).to.equal(200);
      const { data } = await res.json();
      expect(data).to.include({ name: 'incident', table: 'incident', tableLabel: 'Incident' });
      expect(data.sections).to.have.length(3);
      // The form's field conditions reach the browser as ordinary UI policies, and its columns as plain field names.
      expect(data.uiPolicies.map((p: { name: string }) => p.name)).to.deep.equal(['affected_sites_visible_when', 'affected_sites_mandatory_when']);
      expect(data.uiPolicies[0]).to.deep.include({ actions: [{ field: 'affected_sites', visible: true }], reverse: true });
      expect(data.sections[1].columns[0]).to.deep.equal(['description', 'caller_reference', 'site_postcode', 'affected_sites']);
      expect(data.fields.short_description).to.include({ required: true, label: 'Short description' });
      expect(data.fields.symptoms).to.include({ multiple: true });
      expect(data.fields.comments).to.include({ journalType: 'comment' });
      await expectProblem(await call('/api/meta/forms/nope'), 404, 'not_found');
    });

    it('GET /api/meta/menus returns menus by order', async () => {
      const { data } = await (await call('/api/meta/menus')).json();
      expect(data.map((m: { name: string }) => m.name)).to.include('work');
      const orders = data.map((m: { order?: number }) => m.order ?? Infinity);
      expect(orders).to.deep.equal([...orders].sort((a: number, b: number) => a - b));
      expect(data.find((m: { name: string }) => m.name === 'work').items[0]).to.include({ label: 'Tasks', table: 'task' });
    });

    it('GET /api/health checks the database and names the registry version', async () => {
      const res = await call('/api/health');
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ status: 'ok', registry: fw.registry.current.version, database: DB_KIND });
    });
  });
});

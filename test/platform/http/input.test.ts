import { expect } from 'chai';
import express, { type Request } from 'express';
import type { AddressInfo } from 'node:net';
import type { FormworkError } from '../../../platform/errors.js';
import { compileBody, compileQuery, NO_QUERY, param, readBody, readQuery } from '../../../platform/http/input.js';
import { LIST_PARAMS, toQuerySpec, type ListParams } from '../../../platform/http/list-query.js';
import { problemHandler } from '../../../platform/http/problem.js';
import type { Formwork } from '../../../platform/context.js';

/** A request as readQuery / readBody see it. */
const request = (query: Record<string, unknown>, body?: unknown) => ({ query, body }) as unknown as Request;

/** Run `read` and return the FormworkError it throws (failing when it does not). */
function refusal(read: () => unknown): FormworkError {
  try {
    read();
  } catch (e) {
    return e as FormworkError;
  }
  throw new Error('expected the input to be refused');
}

describe('http/input', () => {
  const pageQuery = compileQuery<{ limit?: number; offset?: number; unread: boolean; table?: string; format: string }>({
    limit: param.range(1, 100), offset: param.wholeNumber, unread: { ...param.boolean, default: false }, table: param.text,
    format: param.oneOf(['json', 'csv'], 'json'),
  });

  describe('readQuery()', () => {
    it('coerces numbers and booleans and fills in defaults', () => {
      expect(readQuery(request({ limit: '20', offset: '0', unread: 'true', table: 'task' }), pageQuery))
        .to.deep.equal({ limit: 20, offset: 0, unread: true, table: 'task', format: 'json' });
      expect(readQuery(request({}), pageQuery)).to.deep.equal({ unread: false, format: 'json' });
    });

    it('leaves the request\'s own query untouched', () => {
      const query = { limit: '20' };
      readQuery(request(query), pageQuery);
      expect(query).to.deep.equal({ limit: '20' });
    });

    it('refuses an unknown parameter with invalid_query, naming it and the parameters expected', () => {
      const e = refusal(() => readQuery(request({ colour: 'red' }), pageQuery));
      expect(e.code).to.equal('invalid_query');
      expect(e.fieldErrors).to.deep.equal([{
        field: 'colour', code: 'unknown_parameter', message: 'Unknown query parameter "colour"; expected limit, offset, unread, table, format.',
      }]);
      expect(refusal(() => readQuery(request({ x: '1' }), NO_QUERY)).message).to.equal('Unknown query parameter "x"; this endpoint takes none.');
    });

    it('refuses a value of the wrong type, naming the parameter, what it expects and what it got', () => {
      for (const [query, code] of [
        [{ limit: 'ten' }, 'type'], [{ limit: '2.5' }, 'type'], [{ limit: '0' }, 'range'], [{ limit: '101' }, 'range'],
        [{ offset: '-1' }, 'range'], [{ unread: 'maybe' }, 'type'], [{ format: 'xml' }, 'choice'], [{ limit: '' }, 'type'],
      ] as const) {
        const e = refusal(() => readQuery(request(query), pageQuery));
        expect(e.code, JSON.stringify(query)).to.equal('invalid_query');
        const [name, value] = Object.entries(query)[0]!;
        expect(e.fieldErrors, JSON.stringify(query)).to.have.length(1);
        expect(e.fieldErrors[0], JSON.stringify(query)).to.include({ field: name, code });
        expect(e.fieldErrors[0]!.message).to.contain(`Query parameter "${name}" must be `).and.contain(`got "${value}"`);
      }
      expect(refusal(() => readQuery(request({ limit: 'ten' }), pageQuery)).message)
        .to.equal('Query parameter "limit" must be a whole number from 1 to 100; got "ten".');
    });

    it('refuses a parameter given twice', () => {
      const e = refusal(() => readQuery(request({ table: ['a', 'b'] }), pageQuery));
      expect(e.code).to.equal('invalid_query');
      expect(e.fieldErrors).to.deep.equal([{ field: 'table', code: 'repeated', message: 'Query parameter "table" must be given once.' }]);
    });

    it('names every bad parameter at once, unknown ones first, and refuses a missing required one', () => {
      const e = refusal(() => readQuery(request({ limit: 'x', unread: 'y', colour: 'red' }), pageQuery));
      expect(e.fieldErrors.map((f) => `${f.field}:${f.code}`)).to.deep.equal(['colour:unknown_parameter', 'limit:type', 'unread:type']);
      const check = compileQuery<{ username: string }>({ username: param.nonEmpty }, ['username']);
      expect(refusal(() => readQuery(request({}), check)).fieldErrors).to.deep.equal([
        { field: 'username', code: 'required', message: 'Query parameter "username" is required.' },
      ]);
      expect(refusal(() => readQuery(request({ username: '' }), check)).fieldErrors[0]).to.include({ field: 'username', code: 'too_short' });
    });
  });

  describe('list queries', () => {
    const list = compileQuery<ListParams>(LIST_PARAMS);

    it('turns the list parameters into a query spec', () => {
      const spec = toQuerySpec(readQuery(request({ filter: '{"fact":"record.a","operator":"equal","value":1}', sort: '-a, +b,c', limit: '5', fields: 'a, b', total: 'false' }), list));
      expect(spec).to.deep.equal({
        withTotal: false, filter: { fact: 'record.a', operator: 'equal', value: 1 }, limit: 5, fields: ['a', 'b'],
        sort: [{ field: 'a', direction: 'desc' }, { field: 'b', direction: 'asc' }, { field: 'c', direction: 'asc' }],
      });
      expect(toQuerySpec(readQuery(request({}), list))).to.deep.equal({ withTotal: true });
    });

    it('refuses a filter that is not a JSON condition object and empty list items with invalid_query', () => {
      for (const query of [{ filter: '{"fact": ' }, { filter: '[1]' }, { filter: '{"constructor": {}}' }, { sort: 'a,,b' }, { sort: '-' }, { fields: ',' }]) {
        expect(refusal(() => toQuerySpec(readQuery(request(query), list))).code, JSON.stringify(query)).to.equal('invalid_query');
      }
    });
  });

  describe('readBody()', () => {
    const grant = compileBody<{ userId: string; note?: string | null; side?: string }>({
      type: 'object',
      properties: { userId: param.nonEmpty, note: { type: ['string', 'null'] }, side: param.oneOf(['a', 'b']) },
      required: ['userId'],
    });

    it('returns a valid body as it is, and reads a missing one as {}', () => {
      expect(readBody(request({}, { userId: 'u1', note: null }), grant)).to.deep.equal({ userId: 'u1', note: null });
      expect(readBody(request({}), compileBody({ type: 'object' }))).to.deep.equal({});
    });

    it('refuses a body of the wrong JSON type, or a missing required body, with invalid_payload', () => {
      expect(refusal(() => readBody(request({}, [1]), grant))).to.include({ code: 'invalid_payload', message: 'Send a JSON object.' });
      const required = compileBody({ type: 'object' }, { expected: 'the fields to change', required: true });
      expect(refusal(() => readBody(request({}), required))).to.include({ code: 'invalid_payload', message: 'Send the fields to change.' });
    });

    it('refuses members the schema does not declare with invalid_payload, naming each', () => {
      const e = refusal(() => readBody(request({}, { userId: 'u1', owner: 'x', admin: true }), grant));
      expect(e.code).to.equal('invalid_payload');
      expect(e.fieldErrors.map((f) => `${f.field}:${f.code}`)).to.deep.equal(['owner:unknown_field', 'admin:unknown_field']);
    });

    it('refuses bad member values with validation_failed, one error per member', () => {
      const e = refusal(() => readBody(request({}, { note: 3, side: 'c' }), grant));
      expect(e.code).to.equal('validation_failed');
      expect(e.fieldErrors.map((f) => `${f.field}:${f.code}`).sort()).to.deep.equal(['note:type', 'side:choice', 'userId:required']);
      expect(e.fieldErrors.find((f) => f.field === 'side')!.message).to.equal('side must be one of a, b.');
    });

    it('never coerces a body', () => {
      const e = refusal(() => readBody(request({}, { userId: 42 }), grant));
      expect(e.fieldErrors[0]).to.include({ field: 'userId', code: 'type' });
    });
  });

  describe('through express', () => {
    it('answers with an application/problem+json document holding the per-parameter errors', async () => {
      const fw = { log: { error() {} } } as unknown as Formwork;
      const app = express();
      app.set('query parser', 'simple');
      app.get('/items', (req, res) => {
        res.json({ data: readQuery(req, pageQuery) });
      });
      app.use(problemHandler(fw));
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const ok = await fetch(`${base}/items?limit=5&unread=true`);
        expect(await ok.json()).to.deep.equal({ data: { limit: 5, unread: true, format: 'json' } });
        const res = await fetch(`${base}/items?limit=5&limit=6&state=new`);
        expect(res.status).to.equal(400);
        expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
        const body = await res.json();
        expect(body).to.include({ code: 'invalid_query', status: 400, type: 'https://formwork.dev/problems/invalid_query', instance: '/items' });
        expect(body.errors).to.deep.equal([
          { field: 'state', code: 'unknown_parameter', message: 'Unknown query parameter "state"; expected limit, offset, unread, table, format.' },
          { field: 'limit', code: 'repeated', message: 'Query parameter "limit" must be given once.' },
        ]);
        expect(body.detail).to.equal(body.errors.map((e: { message: string }) => e.message).join(' '));
      } finally {
        server.closeAllConnections();
        await new Promise((done) => server.close(done));
      }
    });
  });
});

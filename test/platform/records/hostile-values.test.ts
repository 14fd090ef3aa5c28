/**
 * Hostile values: one table of cases, run unchanged on SQLite and on PostgreSQL, each with the one outcome both must
 * give (the status, the problem code and the field's sub-code, or the value read back). A value the database could
 * refuse (a NUL character, an unpaired surrogate, an integer or decimal past its column, a date outside years
 * 1–9999) is refused by the field model before any SQL runs — through the API, through a rule's `set` and through a
 * data file alike — and a filter value the column could not compare with is refused as `invalid_query`.
 */
import { expect } from 'chai';
import { seed } from '../../../platform/data/seed.js';
import { createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { createTestEngine, fixture, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

/**
 * One value written to one field of `hv_item` (test/fixtures/packs/hostile). `raw` is the value's JSON text, so that
 * -0 and 1e400 reach the server as written. Refused: `code` is the field's sub-code (422 validation_failed, naming
 * `field`, or `errorField` when a rule copies the value elsewhere). Accepted: `stored` is what a read gives back.
 */
interface WriteCase { case: string; field: string; raw: string; code?: string; errorField?: string; stored?: unknown }

const long = (n: number, c = 'x') => JSON.stringify(c.repeat(n));

const WRITES: WriteCase[] = [
  { case: 'NUL in a string', field: 'title', raw: '"a\\u0000b"', code: 'invalid_character' },
  { case: 'NUL in a text', field: 'notes', raw: '"line\\u0000"', code: 'invalid_character' },
  { case: 'NUL in a url', field: 'site', raw: '"https://example.com/\\u0000"', code: 'invalid_character' },
  { case: 'NUL in a journal entry', field: 'log', raw: '"\\u0000"', code: 'invalid_character' },
  { case: 'an unpaired surrogate in a string', field: 'title', raw: '"a\\ud800b"', code: 'invalid_character' },
  { case: 'a string past the default 255 characters', field: 'title', raw: long(256), code: 'too_long' },
  { case: '255 characters outside the BMP in a string', field: 'title', raw: long(255, '😀'), stored: '😀'.repeat(255) },
  { case: 'a text past the default 100,000 characters', field: 'notes', raw: long(100_001), code: 'too_long' },
  { case: 'a text of 100,000 characters', field: 'notes', raw: long(100_000), stored: 'x'.repeat(100_000) },
  { case: 'a text past its declared maxLength', field: 'brief', raw: long(21), code: 'too_long' },
  { case: 'a journal entry past 100,000 characters', field: 'log', raw: long(100_001), code: 'too_long' },
  { case: 'a string with its own larger maxLength', field: 'code', raw: long(1000), stored: 'x'.repeat(1000) },
  { case: 'an integer past the column (2^31)', field: 'count', raw: '2147483648', code: 'range' },
  { case: 'an integer below the column (-2^31 - 1)', field: 'count', raw: '-2147483649', code: 'range' },
  { case: 'the largest integer', field: 'count', raw: '2147483647', stored: 2147483647 },
  { case: 'the smallest integer', field: 'count', raw: '-2147483648', stored: -2147483648 },
  { case: 'a huge whole number in an integer', field: 'count', raw: '1e300', code: 'range' },
  { case: 'minus zero in an integer', field: 'count', raw: '-0', stored: 0 },
  { case: 'a fraction in an integer', field: 'count', raw: '1.5', code: 'type' },
  { case: 'a number given as a string', field: 'count', raw: '"12"', code: 'type' },
  { case: 'an infinite number (1e400)', field: 'amount', raw: '1e400', code: 'type' },
  { case: '1e20 in a decimal(18,2)', field: 'amount', raw: '1e20', code: 'range' },
  { case: '10^16 in a decimal(18,2)', field: 'amount', raw: '10000000000000000', code: 'range' },
  { case: '-10^16 in a decimal(18,2)', field: 'amount', raw: '-10000000000000000', code: 'range' },
  { case: 'the largest whole decimal(18,2) a double holds', field: 'amount', raw: '9999999999999998', stored: 9999999999999998 },
  { case: 'a decimal with cents', field: 'amount', raw: '-1234.56', stored: -1234.56 },
  { case: 'a decimal with more places than its scale', field: 'amount', raw: '0.125', code: 'scale' },
  { case: 'the smallest double in a decimal', field: 'amount', raw: '5e-324', code: 'scale' },
  { case: 'minus zero in a decimal', field: 'amount', raw: '-0', stored: 0 },
  { case: 'a decimal given as a string', field: 'price', raw: '"12.50"', code: 'type' },
  { case: 'a tiny number within scale 10', field: 'ratio', raw: '1e-7', stored: 1e-7 },
  { case: 'a number past decimal(18,10)', field: 'ratio', raw: '100000000', code: 'range' },
  { case: 'the largest decimal(18,10) with places', field: 'ratio', raw: '99999999.5', stored: 99999999.5 },
  { case: 'a currency past decimal(18,2)', field: 'price', raw: '1e17', code: 'range' },
  { case: 'year 0 in a date', field: 'due', raw: '"0000-01-01"', code: 'range' },
  { case: 'a day that does not exist', field: 'due', raw: '"2026-02-30"', code: 'type' },
  { case: 'the first date', field: 'due', raw: '"0001-01-01"', stored: '0001-01-01' },
  { case: 'the last date', field: 'due', raw: '"9999-12-31"', stored: '9999-12-31' },
  { case: 'year 0 in a date-time', field: 'at', raw: '"0000-06-01T00:00:00Z"', code: 'range' },
  { case: 'a date-time that is year 0 in UTC', field: 'at', raw: '"0001-01-01T00:00:00+01:00"', code: 'range' },
  { case: 'a date-time that is year 10000 in UTC', field: 'at', raw: '"9999-12-31T23:59:59-01:00"', code: 'range' },
  { case: 'a date-time on a day that does not exist', field: 'at', raw: '"2026-02-30T10:00:00Z"', code: 'type' },
  { case: 'the first date-time', field: 'at', raw: '"0001-01-01T00:00:00Z"', stored: '0001-01-01T00:00:00.000Z' },
  { case: 'the last date-time', field: 'at', raw: '"9999-12-31T23:59:59.999Z"', stored: '9999-12-31T23:59:59.999Z' },
  { case: 'nanoseconds in a date-time', field: 'at', raw: '"2026-01-01T00:00:00.123456789Z"', stored: '2026-01-01T00:00:00.123Z' },
  { case: 'NUL in a json value', field: 'data', raw: '{"note":"a\\u0000b"}', code: 'invalid_character' },
  { case: 'NUL in a json key', field: 'data', raw: '{"a\\u0000":1}', code: 'invalid_character' },
  { case: 'NUL deep in a json array', field: 'data', raw: '[[["x",{"y":["\\u0000"]}]]]', code: 'invalid_character' },
  { case: 'an unpaired surrogate in json', field: 'data', raw: '{"note":"\\udc00"}', code: 'invalid_character' },
  { case: 'a json string', field: 'data', raw: '"plain"', stored: 'plain' },
  { case: 'NUL in a choice', field: 'kind', raw: '"a\\u0000"', code: 'choice' },
  { case: 'NUL in a multiple choice', field: 'tags', raw: '["a\\u0000"]', code: 'choice' },
  { case: 'a boolean given as a string', field: 'flag', raw: '"true"', code: 'type' },
  // A before rule copies data.count and data.title into typed fields: its values are checked like the client's.
  { case: 'a rule copying 2^31 into an integer', field: 'data', raw: '{"count":2147483648}', code: 'range', errorField: 'copied_count' },
  { case: 'a rule copying a text too long', field: 'data', raw: `{"title":${long(256)}}`, code: 'too_long', errorField: 'copied_title' },
];

/** One list filter: `status` 200 (answered) or 400 with `code`. */
interface FilterCase { case: string; filter: string; code?: string }

const leaf = (fact: string, operator: string, value: string) => `{"fact":"record.${fact}","operator":"${operator}","value":${value}}`;

const FILTERS: FilterCase[] = [
  { case: 'NUL in an equal value', filter: leaf('title', 'equal', '"a\\u0000"'), code: 'invalid_query' },
  { case: 'NUL in a contains value', filter: leaf('title', 'contains', '"\\u0000"'), code: 'invalid_query' },
  { case: 'NUL in a startsWith value', filter: leaf('notes', 'startsWith', '"x\\u0000"'), code: 'invalid_query' },
  { case: 'NUL in an in list', filter: leaf('title', 'in', '["x","\\u0000"]'), code: 'invalid_query' },
  { case: 'NUL in a multiple-choice contains', filter: leaf('tags', 'contains', '"\\u0000"'), code: 'invalid_query' },
  { case: 'an unpaired surrogate in a filter value', filter: leaf('title', 'equal', '"\\ud800"'), code: 'invalid_query' },
  { case: 'NUL nested under all/not', filter: `{"all":[{"not":${leaf('title', 'equal', '"\\u0000"')}}]}`, code: 'invalid_query' },
  { case: 'an integer past the column', filter: leaf('count', 'equal', '2147483648'), code: 'invalid_query' },
  { case: 'a fraction against an integer', filter: leaf('count', 'greaterThan', '1.5'), code: 'invalid_query' },
  { case: 'the largest integer', filter: leaf('count', 'lessThanInclusive', '2147483647') },
  { case: 'an integer range past the column', filter: leaf('count', 'between', '[0, 3000000000]'), code: 'invalid_query' },
  { case: 'a huge decimal', filter: leaf('amount', 'lessThan', '1e20') },
  { case: 'a tiny decimal', filter: leaf('amount', 'greaterThan', '5e-324') },
  { case: 'a day that does not exist', filter: leaf('due', 'equal', '"2026-02-30"'), code: 'invalid_query' },
  { case: 'year 0 in a date', filter: leaf('due', 'before', '"0000-01-01"'), code: 'invalid_query' },
  { case: 'year 0 in a date-time', filter: leaf('at', 'after', '"0000-01-01T00:00:00Z"'), code: 'invalid_query' },
  { case: 'the last date-time', filter: leaf('at', 'before', '"9999-12-31T23:59:59Z"') },
];

describe('hostile values (the same outcome on SQLite and PostgreSQL)', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let auth: Record<string, string>;

  const call = (method: string, path: string, body?: string) => fetch(server.url + path, {
    method, body, headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  });

  before(async () => {
    fw = await createTestEngine({ roots: [fixture('packs/hostile'), fixture('packs/hostile-seed')], seed: false });
    const editor = await createUser(fw, { roles: ['hv_editor'], password: null, totp: false });
    auth = { authorization: `Bearer ${await createToken(fw, editor.username)}` };
    server = await serve(fw);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  /** Check the answer to writing `c` (by create or by update) against the case's one outcome. */
  async function expectOutcome(c: WriteCase, res: Response, created: boolean): Promise<void> {
    const text = await res.text();
    if (c.code) {
      expect(res.status, text).to.equal(422);
      const body = JSON.parse(text);
      expect(body.code, text).to.equal('validation_failed');
      const errors = body.errors as { field: string; code: string; message: string }[];
      expect(errors.map((e) => [e.field, e.code]), text).to.deep.equal([[c.errorField ?? c.field, c.code]]);
      expect(errors[0]!.message).to.be.a('string').and.not.include('\u0000');
      return;
    }
    expect(res.status, text).to.equal(created ? 201 : 200);
    const id = JSON.parse(text).data.id as string;
    if (c.field === 'log') return;
    const read = await call('GET', `/api/tables/hv_item/${id}`);
    const { data } = await read.json();
    expect(data[c.field], c.case).to.deep.equal(c.stored);
  }

  describe('written through the API', () => {
    for (const c of WRITES) {
      it(`${c.code ? 'refuses' : 'accepts'} ${c.case} on create and on update`, async () => {
        await expectOutcome(c, await call('POST', '/api/tables/hv_item', `{"title":"t","${c.field}":${c.raw}}`), true);
        const made = await call('POST', '/api/tables/hv_item', '{"title":"t"}');
        const { data } = await made.json();
        await expectOutcome(c, await call('PATCH', `/api/tables/hv_item/${data.id}`, `{"${c.field}":${c.raw}}`), false);
      });
    }
  });

  describe('list filters', () => {
    for (const c of FILTERS) {
      it(`${c.code ? 'refuses' : 'answers'} ${c.case}`, async () => {
        const res = await call('GET', `/api/tables/hv_item?filter=${encodeURIComponent(c.filter)}`);
        const text = await res.text();
        if (!c.code) {
          expect(res.status, text).to.equal(200);
          return;
        }
        expect(res.status, text).to.equal(400);
        expect(JSON.parse(text).code, text).to.equal(c.code);
      });
    }
  });

  it('tells forms the length limit in force on each free-text field, declared or default', async () => {
    const res = await call('GET', '/api/meta/tables/hv_item');
    const { data } = await res.json();
    const limits = Object.fromEntries((data.fields as { name: string; maxLength?: number }[]).map((f) => [f.name, f.maxLength]));
    expect(limits).to.include({ title: 255, notes: 100_000, brief: 20, code: 1000, site: 255, log: 100_000 });
    expect(limits.count).to.equal(undefined);
    expect(limits.due).to.equal(undefined);
  });

  it('refuses a NUL character in any query parameter as invalid_query, naming it', async () => {
    const res = await call('GET', '/api/tables/hv_item?sort=title%00');
    const body = await res.json();
    expect(res.status).to.equal(400);
    expect(body.code).to.equal('invalid_query');
    expect(body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).to.deep.equal([['sort', 'invalid_character']]);
  });

  it('refuses a NUL character in a body outside records (sign-in) as validation_failed, not a database error', async () => {
    const res = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"a\\u0000b","password":"x"}',
    });
    const body = await res.json();
    expect(res.status).to.equal(422);
    expect(body.code).to.equal('validation_failed');
    expect(body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).to.deep.equal([['username', 'invalid_character']]);
  });

  it('refuses a data file value past its column before writing any of the file', async () => {
    const e = await expectError(seed(fw, { demo: false }), 'validation_failed');
    expect(e.fieldErrors.map((f) => [f.field, f.code])).to.deep.equal([['count', 'range']]);
    expect(e.extra).to.include({ file: 'hv_seed', pointer: '/records/1' });
    const fits = await fw.db.knex('hv_item').where({ title: 'fits' }).count({ n: '*' });
    expect(Number(fits[0]!.n)).to.equal(0);
  });
});

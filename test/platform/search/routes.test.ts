import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../platform/http/app.js';
import { createToken, createUser } from '../../support/auth.js';
import { createTestEngine, fixture, packRoot, type TestEngine } from '../../support/engine.js';

/** Assert an RFC 9457 problem document with `status` and `code`; returns it. */
async function expectProblem(res: Response, status: number, code: string): Promise<Record<string, any>> {
  const text = await res.text();
  expect(res.status, text).to.equal(status);
  expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
  const body = JSON.parse(text);
  expect(body.code, text).to.equal(code);
  expect(body.status).to.equal(status);
  expect(body.title).to.be.a('string');
  expect(body.detail).to.be.a('string');
  return body;
}

const GUIDES = [
  { title: 'Printer setup', body: 'Install the driver before anything else.', labels: ['hardware', 'howto'] },
  { title: 'Printer jams', body: 'Clear the paper path.', labels: ['hardware'] },
  { title: 'Toner codes', body: 'Which toner fits which printer.', labels: ['supplies'] },
  { title: 'Router guide', body: 'Connect the cable first.', labels: ['network'] },
];
const NOTES = [
  { title: 'Printer on floor two', body: 'Out of paper.' },
  { title: 'Lunch menu', body: 'A printer friendly version is on the wall.' },
];

describe('Search over HTTP', () => {
  let fw: TestEngine;
  let server: Server;
  let base: string;
  let auth: Record<string, string>;

  const get = (path: string, headers: Record<string, string> = auth) => fetch(base + path, { headers });
  const json = async (path: string) => {
    const res = await get(path);
    const text = await res.text();
    expect(res.status, text).to.equal(200);
    return JSON.parse(text);
  };
  const titles = (body: { results?: { title: string }[]; data?: { title: string }[] }) =>
    (body.results ?? body.data ?? []).map((r) => r.title);

  before(async () => {
    fw = await createTestEngine({ roots: [packRoot('core'), fixture('packs/search-http')] });
    const user = await createUser(fw, { roles: ['sh_reader'], password: null, totp: false });
    for (const g of GUIDES) await fw.records.createOne('sh_guide', g, { actor: fw.systemActor });
    for (const n of NOTES) await fw.records.createOne('sh_note', n, { actor: fw.systemActor });
    await fw.records.createOne('sh_memo', { title: 'Printer memo' }, { actor: fw.systemActor });
    // The reader's organisation owns them all (the system actor's records belong to none).
    for (const t of ['sh_guide', 'sh_note', 'sh_memo']) await fw.db.knex(t).update({ org_id: user.user.org_id });
    auth = { authorization: `Bearer ${await createToken(fw, user.username)}` };
    server = await new Promise<Server>((resolve) => { const s = createApp(fw).listen(0, '127.0.0.1', () => resolve(s)); });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    if (server) await new Promise((done) => { server.closeAllConnections(); server.close(done); });
    await fw?.dispose();
  });

  it('answers results grouped and counted per table, in the contract\'s shape', async () => {
    const body = await json('/api/search?q=printer');
    expect(body.query).to.equal('printer');
    expect(body.total).to.equal(5);
    expect(body.meta).to.deep.equal({ limit: 20, offset: 0 });
    expect(body.groups).to.have.deep.members([
      { table: 'sh_guide', label: 'Guide', pluralLabel: 'Guides', count: 3 },
      { table: 'sh_note', label: 'Note', pluralLabel: 'Notes', count: 2 },
    ]);
    expect(titles(body)).to.have.members(['Printer setup', 'Printer jams', 'Toner codes', 'Printer on floor two', 'Lunch menu']);
    const toner = body.results.find((r: { title: string }) => r.title === 'Toner codes');
    expect(Object.keys(toner)).to.have.members(['table', 'tableLabel', 'id', 'number', 'title', 'summary', 'tags', 'score', 'reasons', 'snippets']);
    expect(toner).to.deep.include({ table: 'sh_guide', tableLabel: 'Guide', summary: 'Which toner fits which printer.', tags: ['supplies'] });
    expect(toner.number).to.match(/^GDE\d+$/);
    expect(toner.reasons).to.deep.equal([{ field: 'body', label: 'Body' }]);
    expect(toner.snippets).to.deep.equal([{ field: 'body', label: 'Body', parts: [{ text: 'Which toner fits which ', match: false }, { text: 'printer', match: true }, { text: '.', match: false }] }]);
    const lunch = body.results.find((r: { title: string }) => r.title === 'Lunch menu');
    expect(lunch).not.to.have.property('number');
    expect(lunch).not.to.have.property('tags');
  });

  it('pages through the results without repeating or losing one', async () => {
    const all = titles(await json('/api/search?q=printer'));
    const seen: string[] = [];
    for (const offset of [0, 2, 4]) {
      const page = await json(`/api/search?q=printer&limit=2&offset=${offset}`);
      expect(page.meta).to.deep.equal({ limit: 2, offset });
      expect(page.total).to.equal(5);
      seen.push(...titles(page));
    }
    expect(seen).to.deep.equal(all);
    expect((await json('/api/search?q=printer&offset=5')).results).to.deep.equal([]);
  });

  it('narrows to the tables and tags asked for', async () => {
    const notes = await json('/api/search?q=printer&tables=sh_note');
    expect(notes.groups).to.deep.equal([{ table: 'sh_note', label: 'Note', pluralLabel: 'Notes', count: 2 }]);
    expect(titles(notes)).to.have.members(['Printer on floor two', 'Lunch menu']);
    const hardware = await json('/api/search?q=printer&tags=hardware');
    expect(hardware.total).to.equal(2);
    expect(titles(hardware)).to.have.members(['Printer setup', 'Printer jams']);
    expect(titles(await json('/api/search?q=printer&tags=hardware,howto'))).to.deep.equal(['Printer setup']);
    expect((await json('/api/search?q=printer&tags=nothing')).total).to.equal(0);
  });

  it('refuses a table that is unknown or not searchable with invalid_query naming the parameter', async () => {
    for (const tables of ['sh_nowhere', 'sh_memo', 'sh_guide,sh_nowhere']) {
      const problem = await expectProblem(await get(`/api/search?q=printer&tables=${tables}`), 400, 'invalid_query');
      expect(problem.errors.map((e: { field: string }) => e.field)).to.deep.equal(['tables']);
    }
    await expectProblem(await get('/api/search?q=printer&limit=500'), 400, 'invalid_query');
  });

  it('suggests records while typing, on the last word as a prefix', async () => {
    const body = await json('/api/search/suggest?q=prin');
    expect(body.suggestions).to.have.length(5);
    expect(Object.keys(body.suggestions[0])).to.have.members(['table', 'tableLabel', 'id', 'title']);
    expect(body.suggestions.map((s: { title: string }) => s.title)).to.include.members(['Printer setup', 'Lunch menu']);
    expect((await json('/api/search/suggest?q=prin&limit=2')).suggestions).to.have.length(2);
    expect((await json('/api/search/suggest?q=router%20gui')).suggestions.map((s: { title: string }) => s.title)).to.deep.equal(['Router guide']);
    expect((await json('/api/search/suggest?q=')).suggestions).to.deep.equal([]);
  });

  it('filters a list by ?q=, best match first unless sorted, with a filter too', async () => {
    const ranked = titles(await json('/api/tables/sh_guide?q=printer'));
    expect(ranked.slice(0, 2)).to.have.members(['Printer setup', 'Printer jams']);
    expect(ranked[2]).to.equal('Toner codes');
    expect(titles(await json('/api/tables/sh_guide?q=printer&sort=title'))).to.deep.equal(['Printer jams', 'Printer setup', 'Toner codes']);
    const filter = encodeURIComponent(JSON.stringify({ fact: 'record.title', operator: 'notEqual', value: 'Printer jams' }));
    const filtered = await json(`/api/tables/sh_guide?q=printer&filter=${filter}&sort=-title`);
    expect(titles(filtered)).to.deep.equal(['Toner codes', 'Printer setup']);
    expect(filtered.meta.total).to.equal(2);
    expect((await json('/api/tables/sh_guide?q=%20')).meta.total).to.equal(4);
  });

  it('answers ?q= on a table that is not searchable with invalid_query', async () => {
    const problem = await expectProblem(await get('/api/tables/sh_memo?q=printer'), 400, 'invalid_query');
    expect(problem.detail).to.contain('not searchable');
  });

  it('asks for sign-in first', async () => {
    for (const path of ['/api/search?q=printer', '/api/search/suggest?q=prin', '/api/tables/sh_guide?q=printer']) {
      await expectProblem(await get(path, {}), 401, 'unauthenticated');
    }
  });

  it('answers pathological search text with invalid_query or nothing, never a server error', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `w${i}`).join(' ');
    // Ten thousand words overflow the request line Node accepts (431) before the search sees them; what fits is refused.
    const huge = await get(`/api/search?q=${encodeURIComponent(many)}`);
    expect(huge.status).to.be.oneOf([400, 431]);
    const terms = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    for (const path of ['/api/search', '/api/search/suggest', '/api/tables/sh_guide']) {
      const tooMany = await expectProblem(await get(`${path}?q=${encodeURIComponent(terms)}`), 400, 'invalid_query');
      expect(tooMany.errors.map((e: { field: string }) => e.field)).to.deep.equal(['q']);
      await expectProblem(await get(`${path}?q=${encodeURIComponent('x'.repeat(501))}`), 400, 'invalid_query');
      await expectProblem(await get(`${path}?q=a%00b`), 400, 'invalid_query');
    }
    expect((await json(`/api/search?q=${encodeURIComponent('"unbalanced printer')}`)).total).to.equal(0);
    expect(titles(await json(`/api/search?q=${encodeURIComponent('printer "paper')}`))).to.have.members(['Printer jams', 'Printer on floor two']);
    for (const q of ['-', '*', '"', '( ) " * -', 'NEAR(', 'title:printer', "'; drop table sh_guide; --"]) {
      const body = await json(`/api/search?q=${encodeURIComponent(q)}`);
      expect(body.results, q).to.be.an('array');
      if (q !== 'title:printer') expect(body.total, q).to.equal(0);
    }
    expect((await json('/api/tables/sh_guide?q=*')).meta.total).to.equal(0);
  });
});

/**
 * The rich text and tags field types through the records API, on the test database of the run: rich text sanitised
 * on every write and measured after sanitising; tags normalised (trimmed, spaces collapsed, repeats in any case
 * dropped keeping the first spelling) or refused with field codes, a refused write changing nothing; tags filtered
 * with the operators of a multiple choice and never sorted; tag suggestions (GET /api/tables/:t/tags/:field)
 * counted over the records the caller may read; readable CSV export joining tags with "; ".
 */
import { expect } from 'chai';
import { createIdentityEngine, createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { fixture, packRoot, type TestEngine } from '../../support/engine.js';
import { expectProblem, parseCsv, TokenClient } from '../access/api/support.js';

describe('API: rich text and tags fields (rt_note)', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let author: TokenClient;
  let reader: TokenClient;
  let stranger: TokenClient;

  const note = async (data: Record<string, unknown>) =>
    (await author.ok('POST', '/api/tables/rt_note', { title: 'A note', ...data }, 201)).data;
  const fieldError = (body: { errors?: { field: string; code: string }[] }, field: string) =>
    body.errors?.find((e) => e.field === field)?.code;
  const list = async (client: TokenClient, filter: unknown) => {
    const body = await client.ok('GET', `/api/tables/rt_note?filter=${encodeURIComponent(JSON.stringify(filter))}&sort=title&limit=100`, undefined, 200);
    return (body.data as { title: string }[]).map((r) => r.title);
  };
  const suggestions = (client: TokenClient, query = '') => client.call('GET', `/api/tables/rt_note/tags/tags${query}`);

  before(async () => {
    ({ fw } = await createIdentityEngine({ roots: [packRoot('core'), fixture('packs/richtext-tags')] }));
    server = await serve(fw);
    const a = await createUser(fw, { roles: ['rt_author'] });
    author = new TokenClient(server.url, await createToken(fw, a.username));
    const r = await createUser(fw, { roles: ['rt_reader'] });
    reader = new TokenClient(server.url, await createToken(fw, r.username));
    const s = await createUser(fw, { roles: [] });
    stranger = new TokenClient(server.url, await createToken(fw, s.username));
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  describe('richtext', () => {
    it('sanitises on create and on update, keeping the formatting', async () => {
      const n = await note({ body: '<p>Hello <strong>there</strong><img src=x onerror="window.hacked=1"></p><script>alert(1)</script>' });
      expect(n.body).to.equal('<p>Hello <strong>there</strong></p>');
      const updated = (await author.ok('PATCH', `/api/tables/rt_note/${n.id}`, { body: '<h2 onclick="x()">Step</h2><a href="javascript:alert(1)">go</a>' }, 200)).data;
      expect(updated.body).to.equal('<h2>Step</h2><a>go</a>');
      const stored = (await author.ok('GET', `/api/tables/rt_note/${n.id}`, undefined, 200)).data;
      expect(stored.body).to.equal('<h2>Step</h2><a>go</a>');
      // Markup without words (an empty editor, or nothing but script) is no value.
      const emptied = (await author.ok('PATCH', `/api/tables/rt_note/${n.id}`, { body: '<p></p><p> </p><script>x()</script>' }, 200)).data;
      expect(emptied.body).to.equal(null);
    });

    it('measures the sanitised HTML against maxLength, and refuses what is not text', async () => {
      // 40 characters of script vanish: what is left fits the Teaser's 40.
      const n = await note({ short: `<p>Short</p><script>${'x'.repeat(40)}</script>` });
      expect(n.short).to.equal('<p>Short</p>');
      const long = expectProblem(await author.call('POST', '/api/tables/rt_note', { title: 'Long', short: `<p>${'y'.repeat(40)}</p>` }), 422, 'validation_failed');
      expect(fieldError(long, 'short')).to.equal('too_long');
      const typed = expectProblem(await author.call('POST', '/api/tables/rt_note', { title: 'Typed', body: { html: '<p>x</p>' } }), 422, 'validation_failed');
      expect(fieldError(typed, 'body')).to.equal('type');
      const nul = expectProblem(await author.call('POST', '/api/tables/rt_note', { title: 'Nul', body: '<p>a\u0000b</p>' }), 422, 'validation_failed');
      expect(fieldError(nul, 'body')).to.equal('invalid_character');
    });

    it('filters with contains on the stored HTML', async () => {
      await note({ title: 'Rich filter', body: '<p>The <em>quarterly</em> reading</p>' });
      expect(await list(author, { fact: 'body', operator: 'contains', value: 'QUARTERLY' })).to.deep.equal(['Rich filter']);
    });
  });

  describe('tags', () => {
    it('normalises: trimmed, spaces collapsed, empty and repeated tags dropped, first spelling kept', async () => {
      const n = await note({ tags: ['  Billing ', 'billing', 'Smart \t  meter', '', ' ', 'BILLING', 'smart meter', 'Tariff'] });
      expect(n.tags).to.deep.equal(['Billing', 'Smart meter', 'Tariff']);
      const cleared = (await author.ok('PATCH', `/api/tables/rt_note/${n.id}`, { tags: [] }, 200)).data;
      expect(cleared.tags).to.deep.equal([]);
    });

    it('refuses too many, too long and non-text tags with field codes, changing nothing', async () => {
      const n = await note({ title: 'Kept', tags: ['kept'] });
      const cases: [unknown, string][] = [
        [Array.from({ length: 21 }, (_, i) => `tag ${i}`), 'too_many'],
        [['ok', 'z'.repeat(51)], 'too_long'],
        ['billing', 'type'],
        [['ok', 7], 'type'],
        [['bad\u0000tag'], 'invalid_character'],
      ];
      for (const [tags, code] of cases) {
        const p = expectProblem(await author.call('PATCH', `/api/tables/rt_note/${n.id}`, { title: 'Changed', tags }), 422, 'validation_failed');
        expect(fieldError(p, 'tags'), JSON.stringify(tags)).to.equal(code);
      }
      // Twenty distinct tags (repeats do not count) and 50 characters are within the limits.
      const twenty = [...Array.from({ length: 20 }, (_, i) => `tag ${i}`), 'TAG 0'];
      expect((await author.ok('POST', '/api/tables/rt_note', { title: 'Twenty', tags: twenty }, 201)).data.tags).to.have.length(20);
      expect((await author.ok('POST', '/api/tables/rt_note', { title: 'Fifty', tags: ['w'.repeat(50)] }, 201)).data.tags).to.deep.equal(['w'.repeat(50)]);
      const stored = (await author.ok('GET', `/api/tables/rt_note/${n.id}`, undefined, 200)).data;
      expect(stored).to.include({ title: 'Kept' });
      expect(stored.tags).to.deep.equal(['kept']);
    });

    it('filters with contains, doesNotContain and isEmpty, refuses other operators and sorting', async () => {
      await note({ title: 'F1 gas', tags: ['Filter-gas', 'Filter-common'] });
      await note({ title: 'F2 power', tags: ['Filter-power', 'Filter-common'] });
      await note({ title: 'F3 none' });
      const ours = { fact: 'title', operator: 'startsWith', value: 'F' };
      expect(await list(author, { all: [ours, { fact: 'tags', operator: 'contains', value: 'Filter-gas' }] })).to.deep.equal(['F1 gas']);
      expect(await list(author, { all: [ours, { fact: 'tags', operator: 'contains', value: 'Filter-common' }] })).to.deep.equal(['F1 gas', 'F2 power']);
      expect(await list(author, { all: [ours, { fact: 'tags', operator: 'doesNotContain', value: 'Filter-gas' }] }))
        .to.include.members(['F2 power', 'F3 none']).and.not.include('F1 gas');
      expect(await list(author, { all: [ours, { fact: 'tags', operator: 'isEmpty' }] })).to.include('F3 none').and.not.include('F1 gas');
      const bad = await author.call('GET', `/api/tables/rt_note?filter=${encodeURIComponent(JSON.stringify({ fact: 'tags', operator: 'startsWith', value: 'F' }))}`);
      expectProblem(bad, 400, 'invalid_query');
      expectProblem(await author.call('GET', '/api/tables/rt_note?sort=tags'), 400, 'invalid_query');
    });

    it('exports readable CSV with tags joined by "; " and rich text as plain text', async () => {
      await note({ title: 'Exported', tags: ['Alpha', 'Beta, gamma'], body: '<p>One <strong>two</strong></p><p>three</p>' });
      const filter = encodeURIComponent(JSON.stringify({ fact: 'title', operator: 'equal', value: 'Exported' }));
      const r = await author.call('GET', `/api/tables/rt_note/export?fields=title,tags,body&display=true&filter=${filter}`);
      expect(r.status, r.text).to.equal(200);
      const rows = parseCsv(r.text);
      expect(rows[0]).to.deep.equal(['Title', 'Tags', 'Body']);
      expect(rows[1]).to.deep.equal(['Exported', 'Alpha; Beta, gamma', 'One two three']);
    });
  });

  describe('GET /api/tables/:table/tags/:field', () => {
    before(async () => {
      await note({ title: 'S1', tags: ['Sug-meter', 'Sug-billing'] });
      await note({ title: 'S2', tags: ['Sug-meter', 'Sug-outage'] });
      await note({ title: 'S3', tags: ['Sug-meter', 'Sug-billing'] });
      await note({ title: 'S4 draft', stage: 'draft', tags: ['Sug-secret', 'Sug-billing', 'Sug-meter'] });
    });

    it('counts the tags in use, most used first, then by tag, filtered by a prefix in any case', async () => {
      const body = (await author.ok('GET', '/api/tables/rt_note/tags/tags?prefix=sug-&limit=10', undefined, 200));
      expect(body.tags).to.deep.equal([
        { tag: 'Sug-meter', count: 4 }, { tag: 'Sug-billing', count: 3 }, { tag: 'Sug-outage', count: 1 }, { tag: 'Sug-secret', count: 1 },
      ]);
      const one = await author.ok('GET', '/api/tables/rt_note/tags/tags?prefix=SUG-B&limit=1', undefined, 200);
      expect(one.tags).to.deep.equal([{ tag: 'Sug-billing', count: 3 }]);
      // LIKE wildcards in the prefix are plain characters.
      expect((await author.ok('GET', '/api/tables/rt_note/tags/tags?prefix=Sug%25', undefined, 200)).tags).to.deep.equal([]);
    });

    it('counts only the records the caller may read', async () => {
      const body = await reader.ok('GET', '/api/tables/rt_note/tags/tags?prefix=Sug', undefined, 200);
      expect(body.tags).to.deep.equal([{ tag: 'Sug-meter', count: 3 }, { tag: 'Sug-billing', count: 2 }, { tag: 'Sug-outage', count: 1 }]);
      expectProblem(await suggestions(stranger), 403, 'forbidden');
    });

    it('answers bad requests with problem documents', async () => {
      expectProblem(await suggestions(author, '?limit=0'), 400, 'invalid_query');
      expectProblem(await suggestions(author, '?limit=51'), 400, 'invalid_query');
      expectProblem(await suggestions(author, `?prefix=${'p'.repeat(51)}`), 400, 'invalid_query');
      expectProblem(await suggestions(author, '?prefix=a%00b'), 400, 'invalid_query');
      expectProblem(await author.call('GET', '/api/tables/rt_note/tags/title'), 400, 'invalid_query');
      expectProblem(await author.call('GET', '/api/tables/rt_note/tags/nothing'), 400, 'unknown_field');
      expectProblem(await author.call('GET', '/api/tables/no_such_table/tags/tags'), 404, 'table_not_found');
      expectProblem(await author.call('POST', '/api/tables/rt_note/tags/tags', {}), 405, 'method_not_allowed');
    });
  });
});

/**
 * Content versions meet search, lists and masking (test pack versions-search): the search index and search results
 * hold the published content while a revision is in draft (on writes and on a rebuild, for a table and one extending
 * it); readers' list filters on content fields are refused and their sorts order by the published content; a field
 * masked on a record (`readableWhen`) stays out of its versions; a table inheriting `versions` says so in its metadata.
 */
import { expect } from 'chai';
import { rebuildSearchIndexes } from '../../../platform/search/index.js';
import { createIdentityEngine, createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { fixture, packRoot, type TestEngine } from '../../support/engine.js';
import { expectProblem, TokenClient } from '../access/api/support.js';

interface Hit { id: string; title: string; summary: string; tags?: string[] }

describe('Content versions with search, list filters and sorts, and masking', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let editor: TokenClient;
  let insiderEditor: TokenClient;
  let reader: TokenClient;

  before(async () => {
    ({ fw } = await createIdentityEngine({ roots: [packRoot('core'), fixture('packs/versions-search')] }));
    server = await serve(fw);
    const token = async (roles: string[]) => new TokenClient(server.url, await createToken(fw, (await createUser(fw, { roles })).username));
    editor = await token(['vs_editor']);
    insiderEditor = await token(['vs_editor', 'vs_insider']);
    reader = await token(['vs_reader']);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const create = async (table: string, data: Record<string, unknown>) => (await editor.ok('POST', `/api/tables/${table}`, data, 201)).data;
  const update = async (table: string, id: string, data: Record<string, unknown>) =>
    (await editor.ok('PATCH', `/api/tables/${table}/${id}`, data, 200)).data;
  const search = async (as: TokenClient, q: string, tags = ''): Promise<Hit[]> =>
    (await as.ok('GET', `/api/search?q=${encodeURIComponent(q)}&tables=vs_page${tags && `&tags=${tags}`}`, undefined, 200)).results;
  const listed = async (as: TokenClient, query: string) => (await as.ok('GET', `/api/tables/vs_page?${query}`, undefined, 200)).data;
  const filterParam = (condition: unknown) => `filter=${encodeURIComponent(JSON.stringify(condition))}`;

  it('finds a draft\'s words only once it is published, for readers and editors alike', async () => {
    const page = await create('vs_page', { title: 'Meter guide', body: 'Read the meter monthly.', labels: ['meters'], stage: 'published' });
    expect((await search(reader, 'monthly')).map((h) => h.id)).to.deep.equal([page.id]);

    await update('vs_page', page.id, { stage: 'draft', title: 'Meter guide revised', body: 'Read the meter fortnightly.', labels: ['meters', 'billing'] });
    expect(await search(reader, 'fortnightly')).to.deep.equal([]);
    expect(await search(reader, 'revised')).to.deep.equal([]);
    expect(await search(editor, 'fortnightly')).to.deep.equal([]);
    expect((await reader.ok('GET', '/api/search/suggest?q=fortn', undefined, 200)).suggestions).to.deep.equal([]);
    // The list's own search box reads the same index.
    expect(await listed(reader, 'q=fortnightly')).to.deep.equal([]);
    const [hit] = await search(reader, 'monthly');
    expect(hit).to.include({ id: page.id, title: 'Meter guide', summary: 'Read the meter monthly.' });
    expect(hit!.tags).to.deep.equal(['meters']);
    // Nor are a draft's tags: the tag filter reads the published ones.
    expect(await search(reader, 'meter', 'billing')).to.deep.equal([]);
    expect((await search(reader, 'meter', 'meters')).map((h) => h.id)).to.deep.equal([page.id]);

    // A write that changes no searched field but publishes the draft brings its words into the index.
    await update('vs_page', page.id, { stage: 'published' });
    const [found] = await search(reader, 'fortnightly');
    expect(found).to.include({ id: page.id, title: 'Meter guide revised', summary: 'Read the meter fortnightly.' });
    expect(found!.tags).to.deep.equal(['meters', 'billing']);
    expect(await search(reader, 'monthly')).to.deep.equal([]);
    expect((await search(reader, 'meter', 'billing')).map((h) => h.id)).to.deep.equal([page.id]);
  });

  it('indexes the published content on a rebuild too, for records of a table extending the versioned one', async () => {
    const guide = await create('vs_guide', { title: 'Boiler guide', body: 'Bleed the radiators yearly.', stage: 'published', audience: 'Homes' });
    await update('vs_guide', guide.id, { stage: 'draft', body: 'Bleed the radiators quarterly.' });
    const never = await create('vs_page', { title: 'Unpublished plan', body: 'Gasworks schedule.' });

    await rebuildSearchIndexes(fw.db, fw.registry.current, 'vs_page');
    expect(await search(reader, 'quarterly')).to.deep.equal([]);
    expect((await search(reader, 'yearly')).map((h) => h.id)).to.deep.equal([guide.id]);
    // Never published: its working copy is what readers see, so it is what search finds.
    expect((await search(reader, 'gasworks')).map((h) => h.id)).to.deep.equal([never.id]);

    await update('vs_guide', guide.id, { stage: 'published' });
    expect((await search(reader, 'quarterly')).map((h) => h.id)).to.deep.equal([guide.id]);
  });

  it('refuses readers\' list filters and tag counts on content fields, and sorts their lists by the published content', async () => {
    const alpha = await create('vs_page', { title: 'Alpha notes', stage: 'published', owner_note: 'sorting' });
    const beta = await create('vs_page', { title: 'Beta notes', stage: 'published', owner_note: 'sorting' });
    await update('vs_page', alpha.id, { stage: 'draft', title: 'Zulu notes' });
    const mine = filterParam({ fact: 'owner_note', operator: 'equal', value: 'sorting' });

    const byTitle = filterParam({ fact: 'title', operator: 'contains', value: 'Zulu' });
    const refused = expectProblem(await reader.get(`/api/tables/vs_page?${byTitle}`), 400, 'invalid_query');
    expect(refused.detail).to.match(/Field "title" of table "vs_page" holds content that may be in draft/);
    expectProblem(await reader.get(`/api/tables/vs_guide?${filterParam({ fact: 'body', operator: 'isEmpty' })}`), 400, 'invalid_query');
    // Counting a content field's tags would tell a draft's tags likewise; editors get the counts.
    expectProblem(await reader.get('/api/tables/vs_page/tags/labels'), 400, 'invalid_query');
    expect((await editor.ok('GET', '/api/tables/vs_page/tags/labels', undefined, 200)).tags).to.be.an('array').that.is.not.empty;
    expect((await listed(editor, byTitle)).map((r: { id: string }) => r.id)).to.deep.equal([alpha.id]);

    // Readers order by the published titles (Alpha before Beta), editors by the working copy (Beta before Zulu).
    const order = async (as: TokenClient, sort: string) => (await listed(as, `${mine}&sort=${sort}`)).map((r: { id: string }) => r.id);
    expect(await order(reader, 'title')).to.deep.equal([alpha.id, beta.id]);
    expect(await order(reader, '-title')).to.deep.equal([beta.id, alpha.id]);
    expect(await order(editor, 'title')).to.deep.equal([beta.id, alpha.id]);
    expect((await listed(reader, `${mine}&sort=title`)).map((r: { title: string }) => r.title)).to.deep.equal(['Alpha notes', 'Beta notes']);
  });

  it('keeps a field masked on the record out of the swapped content and out of its versions', async () => {
    const page = await create('vs_page', { title: 'Vault', body: 'Opening hours.', secret: 'code 1234', stage: 'published' });
    await update('vs_page', page.id, { stage: 'draft', body: 'New opening hours.', secret: 'code 5678' });

    const asReader = (await reader.ok('GET', `/api/tables/vs_page/${page.id}`, undefined, 200)).data;
    expect(asReader).to.include({ body: 'Opening hours.' });
    expect(asReader).to.not.have.property('secret');

    await update('vs_page', page.id, { stage: 'published' });
    const path = (rest: string) => `/api/tables/vs_page/${page.id}/versions${rest}`;
    const labels = (list: { changed: { label: string }[] }[]) => list.map((v) => v.changed.map((c) => c.label));
    expect(labels((await editor.ok('GET', path(''), undefined, 200)).data)).to.deep.equal([['Body'], ['Title', 'Body']]);
    expect(labels((await insiderEditor.ok('GET', path(''), undefined, 200)).data)).to.deep.equal([['Body', 'Secret'], ['Title', 'Body', 'Secret']]);
    expect((await editor.ok('GET', path('/1'), undefined, 200)).data.values).to.deep.equal({ title: 'Vault', body: 'Opening hours.', labels: null });
    expect((await insiderEditor.ok('GET', path('/1'), undefined, 200)).data.values).to.include({ secret: 'code 1234' });
    const fields = async (as: TokenClient) => (await as.ok('GET', path('/2/diff'), undefined, 200)).data.fields.map((f: { field: string }) => f.field);
    expect(await fields(editor)).to.deep.equal(['title', 'body', 'labels']);
    expect(await fields(insiderEditor)).to.deep.equal(['title', 'body', 'labels', 'secret']);
  });

  it('marks a table inheriting versions as keeping them, and shows its readers the published version', async () => {
    expect((await reader.ok('GET', '/api/meta/tables/vs_guide', undefined, 200)).data.versions).to.equal(true);
    expect((await reader.ok('GET', '/api/meta/tables/vs_page', undefined, 200)).data.versions).to.equal(true);
    const guide = await create('vs_guide', { title: 'Fuse guide', stage: 'published' });
    const status = (await reader.ok('GET', `/api/tables/vs_guide/${guide.id}/versions/published`, undefined, 200)).data;
    expect(status).to.deep.include({ editor: false });
    expect(status.published.number).to.equal(1);
  });
});

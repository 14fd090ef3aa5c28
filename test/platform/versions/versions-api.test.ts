/**
 * Content versions over HTTP (a table's `versions` option, platform/versions): versions are kept only when a write
 * leaves the record published with changed content; a reader sees the last published content while a revision is in
 * draft (one record, lists and its history), an editor the working copy; the list, one version and word-level differences are for
 * people who may update the record (403 for readers, 404 for people who cannot read it).
 */
import { expect } from 'chai';
import { createIdentityEngine, createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { fixture, packRoot, type TestEngine } from '../../support/engine.js';
import { expectProblem, TokenClient } from '../access/api/support.js';

describe('API: content versions (/api/tables/:t/:id/versions)', () => {
  let fw: TestEngine;
  let clock: Awaited<ReturnType<typeof createIdentityEngine>>['clock'];
  let server: RunningServer;
  let editor: TokenClient;
  let reader: TokenClient;
  let author: TokenClient;
  let outsider: TokenClient;
  let editorName: string;

  before(async () => {
    ({ fw, clock } = await createIdentityEngine({ roots: [packRoot('core'), fixture('packs/versions')] }));
    server = await serve(fw);
    const e = await createUser(fw, { roles: ['vd_editor'] });
    await fw.db.knex('sys_user').where({ id: e.user.id }).update({ display_name: 'Edna Editor' });
    editorName = 'Edna Editor';
    editor = new TokenClient(server.url, await createToken(fw, e.username));
    reader = new TokenClient(server.url, await createToken(fw, (await createUser(fw, { roles: ['vd_reader'] })).username));
    author = new TokenClient(server.url, await createToken(fw, (await createUser(fw, { roles: ['vd_author'] })).username));
    outsider = new TokenClient(server.url, await createToken(fw, (await createUser(fw, { roles: [] })).username));
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const path = (id: string, rest = '') => `/api/tables/vdoc/${id}/versions${rest}`;
  const create = async (as: TokenClient, data: Record<string, unknown>) => (await as.ok('POST', '/api/tables/vdoc', data, 201)).data;
  const update = async (as: TokenClient, id: string, data: Record<string, unknown>) =>
    (await as.ok('PATCH', `/api/tables/vdoc/${id}`, data, 200)).data;

  it('keeps a version only when a write leaves the record published with changed content', async () => {
    const doc = await create(editor, { title: 'Meter readings', body: 'Read the meter monthly.' });
    expect((await editor.ok('GET', path(doc.id), undefined, 200)).data).to.deep.equal([]);

    clock.advance(60_000);
    await update(editor, doc.id, { stage: 'published' });
    // A change of a field that is not content, while published: no new version.
    await update(editor, doc.id, { owner_note: 'checked' });
    let list = (await editor.ok('GET', path(doc.id), undefined, 200)).data;
    expect(list).to.have.length(1);
    expect(list[0]).to.include({ number: 1, publishedBy: editorName });
    expect(list[0].changed.map((c: { label: string }) => c.label)).to.deep.equal(['Title', 'Body']);

    // Back to draft and changed: no version until it is published again.
    await update(editor, doc.id, { stage: 'draft', body: 'Read the meter every week.' });
    expect((await editor.ok('GET', path(doc.id), undefined, 200)).data).to.have.length(1);
    clock.advance(60_000);
    await update(editor, doc.id, { stage: 'published' });
    // Published again without a content change (draft and back): still two.
    await update(editor, doc.id, { stage: 'draft' });
    await update(editor, doc.id, { stage: 'published' });
    list = (await editor.ok('GET', path(doc.id), undefined, 200)).data;
    expect(list.map((v: { number: number }) => v.number)).to.deep.equal([2, 1]);
    expect(list[0].changed).to.deep.equal([{ field: 'body', label: 'Body' }]);
    expect(Date.parse(list[0].publishedAt)).to.be.greaterThan(Date.parse(list[1].publishedAt));

    const one = (await editor.ok('GET', path(doc.id, '/1'), undefined, 200)).data;
    expect(one.values).to.deep.equal({ title: 'Meter readings', body: 'Read the meter monthly.' });
  });

  it('shows readers the published content while a revision is in draft, and editors the working copy', async () => {
    const doc = await create(editor, { title: 'Tariff guide', body: 'Old prices apply.', stage: 'published' });
    await update(editor, doc.id, { stage: 'draft', title: 'Tariff guide 2027', body: 'New prices apply.', owner_note: 'revising' });

    const asReader = (await reader.ok('GET', `/api/tables/vdoc/${doc.id}`, undefined, 200)).data;
    expect(asReader).to.include({ title: 'Tariff guide', body: 'Old prices apply.', stage: 'draft', owner_note: 'revising' });
    const asEditor = (await editor.ok('GET', `/api/tables/vdoc/${doc.id}`, undefined, 200)).data;
    expect(asEditor).to.include({ title: 'Tariff guide 2027', body: 'New prices apply.' });

    // Lists: the page's content fields substituted the same way.
    const filter = encodeURIComponent(JSON.stringify({ fact: 'owner_note', operator: 'equal', value: 'revising' }));
    const listed = (await reader.ok('GET', `/api/tables/vdoc?filter=${filter}`, undefined, 200)).data;
    expect(listed.map((r: { title: string }) => r.title)).to.deep.equal(['Tariff guide']);
    const edited = (await editor.ok('GET', `/api/tables/vdoc?filter=${filter}`, undefined, 200)).data;
    expect(edited.map((r: { title: string }) => r.title)).to.deep.equal(['Tariff guide 2027']);

    // Their history does not tell the draft either: content changes after the published version are left out.
    type Entry = { field: string; newValue: unknown };
    const readerHistory: Entry[] = (await reader.ok('GET', `/api/tables/vdoc/${doc.id}/history`, undefined, 200)).data;
    expect(readerHistory.filter((e) => e.field === 'title').map((e) => e.newValue)).to.deep.equal(['Tariff guide']);
    expect(readerHistory.some((e) => e.field === 'owner_note' && e.newValue === 'revising')).to.equal(true);
    const editorHistory: Entry[] = (await editor.ok('GET', `/api/tables/vdoc/${doc.id}/history`, undefined, 200)).data;
    expect(editorHistory.filter((e) => e.field === 'title').map((e) => e.newValue)).to.have.members(['Tariff guide', 'Tariff guide 2027']);

    // Which version each is shown.
    expect((await reader.ok('GET', path(doc.id, '/published'), undefined, 200)).data)
      .to.deep.include({ editor: false, published: { number: 1, publishedAt: (await editor.ok('GET', path(doc.id), undefined, 200)).data[0].publishedAt } });
    expect((await editor.ok('GET', path(doc.id, '/published'), undefined, 200)).data.editor).to.equal(true);

    // Published again: readers see the new content.
    await update(editor, doc.id, { stage: 'published' });
    expect((await reader.ok('GET', `/api/tables/vdoc/${doc.id}`, undefined, 200)).data.title).to.equal('Tariff guide 2027');
  });

  it('shows a record never published as it is, and decides editing record by record', async () => {
    const draft = await create(editor, { title: 'Unpublished note', body: 'Draft only.' });
    expect((await reader.ok('GET', `/api/tables/vdoc/${draft.id}`, undefined, 200)).data.title).to.equal('Unpublished note');
    expect((await reader.ok('GET', path(draft.id, '/published'), undefined, 200)).data).to.deep.equal({ editor: false, published: null });

    // An author edits only what they wrote: their own revision shows to them, another's published content does not.
    const own = await create(author, { title: 'My guide', body: 'First.', stage: 'published' });
    await update(author, own.id, { stage: 'draft', body: 'Second.' });
    expect((await author.ok('GET', `/api/tables/vdoc/${own.id}`, undefined, 200)).data.body).to.equal('Second.');
    expect((await author.ok('GET', path(own.id), undefined, 200)).data).to.have.length(1);
    const theirs = await create(editor, { title: 'Their guide', body: 'Public.', stage: 'published' });
    await update(editor, theirs.id, { stage: 'draft', body: 'Private draft.' });
    expect((await author.ok('GET', `/api/tables/vdoc/${theirs.id}`, undefined, 200)).data.body).to.equal('Public.');
    expectProblem(await author.get(path(theirs.id)), 403, 'forbidden');
  });

  it('marks the content a reader may not filter by in the table metadata, and not for an editor', async () => {
    type Meta = { fields: { name: string; queryable?: false }[] };
    const unqueryable = (m: Meta) => m.fields.filter((f) => f.queryable === false).map((f) => f.name).sort();
    expect(unqueryable((await reader.ok('GET', '/api/meta/tables/vdoc', undefined, 200)).data as Meta)).to.deep.equal(['body', 'title']);
    expect(unqueryable((await editor.ok('GET', '/api/meta/tables/vdoc', undefined, 200)).data as Meta)).to.deep.equal([]);
  });

  it('gives word-level differences between versions', async () => {
    const doc = await create(editor, { title: 'Outage FAQ', body: 'Call the desk before noon.', stage: 'published' });
    await update(editor, doc.id, { body: 'Call the service desk before 2pm.' });
    await update(editor, doc.id, { title: 'Outage questions' });

    const d = (await editor.ok('GET', path(doc.id, '/2/diff'), undefined, 200)).data;
    expect(d).to.include({ number: 2, against: 1 });
    const body = d.fields.find((f: { field: string }) => f.field === 'body');
    expect(body).to.include({ label: 'Body', changed: true });
    expect(body.segments.filter((s: { added?: boolean }) => s.added).map((s: { text: string }) => s.text.trim())).to.deep.equal(['service', '2pm']);
    expect(body.segments.filter((s: { removed?: boolean }) => s.removed).map((s: { text: string }) => s.text.trim())).to.deep.equal(['noon']);
    // Reassembled: the unchanged and added parts give the newer text, the unchanged and removed ones the older.
    const text = (keep: (s: { added?: boolean; removed?: boolean }) => boolean) => body.segments.filter(keep).map((s: { text: string }) => s.text).join('');
    expect(text((s) => !s.removed)).to.equal('Call the service desk before 2pm.');
    expect(text((s) => !s.added)).to.equal('Call the desk before noon.');
    expect(d.fields.find((f: { field: string }) => f.field === 'title')).to.deep.include({ changed: false, segments: [{ text: 'Outage FAQ' }] });

    const across = (await editor.ok('GET', path(doc.id, '/3/diff?against=1'), undefined, 200)).data;
    expect(across.against).to.equal(1);
    expect(across.fields.every((f: { changed: boolean }) => f.changed)).to.equal(true);
    const first = (await editor.ok('GET', path(doc.id, '/1/diff'), undefined, 200)).data;
    expect(first.against).to.equal(null);
    expect(first.fields[0].segments).to.deep.equal([{ text: 'Outage FAQ', added: true }]);
  });

  it('answers with the record API\'s codes', async () => {
    const doc = await create(editor, { title: 'Access check', body: 'x', stage: 'published' });
    expectProblem(await reader.get(path(doc.id)), 403, 'forbidden');
    expectProblem(await reader.get(path(doc.id, '/1')), 403, 'forbidden');
    expectProblem(await reader.get(path(doc.id, '/1/diff')), 403, 'forbidden');
    expectProblem(await outsider.get(path(doc.id)), 403, 'forbidden');
    expectProblem(await editor.get(path('018f0000-0000-7000-8000-00000000dead')), 404, 'not_found');
    expectProblem(await editor.get(path('not-a-uuid')), 404, 'not_found');
    expectProblem(await editor.get(path(doc.id, '/9')), 404, 'not_found');
    expectProblem(await editor.get(path(doc.id, '/first')), 404, 'not_found');
    expectProblem(await editor.get(path(doc.id, '/1/diff?against=1')), 400, 'invalid_query');
    expectProblem(await editor.get(path(doc.id, '/1/diff?against=zero')), 400, 'invalid_query');
    expectProblem(await editor.get(path(doc.id, '/1/diff?against=7')), 404, 'not_found');
    expectProblem(await editor.get('/api/tables/nope/018f0000-0000-7000-8000-00000000dead/versions'), 404, 'table_not_found');
    expectProblem(await editor.post(path(doc.id), {}), 405, 'method_not_allowed');
  });

  it('forgets a deleted record\'s versions with it', async () => {
    const doc = await create(editor, { title: 'Short-lived', body: 'Gone soon.', stage: 'published' });
    const r = await editor.delete(`/api/tables/vdoc/${doc.id}`);
    expect(r.status, r.text).to.equal(204);
    expect(await fw.db.knex('sys_content_version').where({ record_id: doc.id }).count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });
});

/**
 * Ratings and view counts over HTTP (/api/tables/:t/:id/rating and /view), on the test database of the run: one
 * rating per person and record, changed and removed with the record's count and average recomputed; a commented
 * rating filed as a feedback record as the person (refused, and nothing kept, when they may not file one); value and
 * comment checks; 404 for records the person may not read; one view per person and day; lists sorted by the counters.
 */
import { expect } from 'chai';
import { createToken, createUser, createIdentityEngine, serve, type RunningServer } from '../../support/auth.js';
import { fixture, packRoot, type TestEngine } from '../../support/engine.js';
import { expectProblem, TokenClient } from '../access/api/support.js';

describe('API: ratings and views (/api/tables/:t/:id/rating, /view)', () => {
  let fw: TestEngine;
  let clock: Awaited<ReturnType<typeof createIdentityEngine>>['clock'];
  let server: RunningServer;
  let author: TokenClient;
  let readers: TokenClient[];
  let lurker: TokenClient;
  let readerIds: string[];

  const guide = async (title: string, stage = 'published') => (await author.ok('POST', '/api/tables/rated_guide', { title, stage }, 201)).data;
  const rating = (id: string) => `/api/tables/rated_guide/${id}/rating`;

  before(async () => {
    ({ fw, clock } = await createIdentityEngine({ roots: [packRoot('core'), fixture('packs/ratings')] }));
    server = await serve(fw);
    const a = await createUser(fw, { roles: ['rg_author'], org: 'RATE' });
    author = new TokenClient(server.url, await createToken(fw, a.username));
    readers = [];
    readerIds = [];
    for (let i = 0; i < 3; i++) {
      const r = await createUser(fw, { roles: ['rg_reader'], org: 'RATE' });
      readers.push(new TokenClient(server.url, await createToken(fw, r.username)));
      readerIds.push(r.user.id);
    }
    const l = await createUser(fw, { roles: ['rg_lurker'], org: 'RATE' });
    lurker = new TokenClient(server.url, await createToken(fw, l.username));
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  it('starts a new record at 0 views and 0 ratings, and labels the counters for people', async () => {
    const g = await guide('Resetting a meter');
    expect(g).to.include({ view_count: 0, rating_count: 0, rating_average: null });
    const meta = await author.ok('GET', '/api/meta/tables/rated_guide', undefined, 200);
    const fields = (meta.data?.fields ?? meta.fields) as { name: string; label: string; readOnly: boolean }[];
    const byName = new Map(fields.map((f) => [f.name, f]));
    expect(byName.get('view_count')).to.include({ label: 'Views', readOnly: true });
    expect(byName.get('rating_count')).to.include({ label: 'Ratings', readOnly: true });
    expect(byName.get('rating_average')).to.include({ label: 'Found useful', readOnly: true });
  });

  it('keeps one rating per person, changes and removes it, and recomputes the count and average', async () => {
    const g = await guide('Reading a smart meter');
    const [r1, r2, r3] = readers as [TokenClient, TokenClient, TokenClient];
    expect(await r1.ok('GET', rating(g.id), undefined, 200)).to.deep.include({ scale: 'useful', count: 0, average: null, yes: 0, no: 0, mine: null });
    await r1.ok('PUT', rating(g.id), { value: 1 }, 200);
    await r1.ok('PUT', rating(g.id), { value: 1 }, 200);
    await r2.ok('PUT', rating(g.id), { value: 1 }, 200);
    const third = await r3.ok('PUT', rating(g.id), { value: 0 }, 200);
    expect(third).to.deep.include({ count: 3, yes: 2, no: 1, mine: { value: 0, comment: null } });
    expect(third.average).to.be.closeTo(0.6667, 0.0001);
    let stored = (await author.ok('GET', `/api/tables/rated_guide/${g.id}`, undefined, 200)).data;
    expect(stored.rating_count).to.equal(3);
    expect(stored.rating_average).to.be.closeTo(0.6667, 0.0001);

    const changed = await r3.ok('PUT', rating(g.id), { value: 1 }, 200);
    expect(changed).to.deep.include({ count: 3, average: 1, yes: 3, no: 0 });
    const removed = await r1.ok('DELETE', rating(g.id), undefined, 200);
    expect(removed).to.deep.include({ count: 2, average: 1, mine: null });
    await r2.ok('DELETE', rating(g.id), undefined, 200);
    await r3.ok('DELETE', rating(g.id), undefined, 200);
    stored = (await author.ok('GET', `/api/tables/rated_guide/${g.id}`, undefined, 200)).data;
    expect(stored).to.include({ rating_count: 0, rating_average: null });
    // Removing a rating one does not have changes nothing.
    expect(await r1.ok('DELETE', rating(g.id), undefined, 200)).to.deep.include({ count: 0, mine: null });
  });

  it('averages stars from 1 to 5', async () => {
    const s = (await author.ok('POST', '/api/tables/star_guide', { title: 'Fitting a meter box' }, 201)).data;
    const path = `/api/tables/star_guide/${s.id}/rating`;
    await readers[0]!.ok('PUT', path, { value: 5 }, 200);
    const after = await readers[1]!.ok('PUT', path, { value: 2 }, 200);
    expect(after).to.deep.include({ scale: 'stars', count: 2, average: 3.5, mine: { value: 2, comment: null } });
    expect(after).not.to.have.property('yes');
    expectProblem(await readers[0]!.call('PUT', path, { value: 0 }), 422, 'validation_failed');
    expectProblem(await readers[0]!.call('PUT', path, { value: 6 }), 422, 'validation_failed');
    const p = expectProblem(await readers[0]!.call('PUT', path, { value: 4, comment: 'Nice' }), 422, 'validation_failed');
    expect(p.errors.map((e: { field: string }) => e.field)).to.deep.equal(['comment']);
    // A view of a table that counts none is no resource.
    expectProblem(await readers[0]!.post(`/api/tables/star_guide/${s.id}/view`), 404, 'not_found');
  });

  it('files a commented rating as a feedback record by the person, once per new comment', async () => {
    const g = await guide('Booking an engineer');
    const r = readers[0]!;
    const out = await r.ok('PUT', rating(g.id), { value: 0, comment: '  The phone number is out of date.  ' }, 200);
    expect(out.mine).to.deep.equal({ value: 0, comment: 'The phone number is out of date.' });
    const filter = encodeURIComponent(JSON.stringify({ fact: 'guide', operator: 'equal', value: g.id }));
    let feedback = (await author.ok('GET', `/api/tables/guide_feedback?filter=${filter}`, undefined, 200)).data;
    expect(feedback).to.have.length(1);
    expect(feedback[0]).to.include({ guide: g.id, useful: 0, comment: 'The phone number is out of date.', created_by: readerIds[0] });
    // The same comment again (a changed value) files nothing new; a new comment does.
    await r.ok('PUT', rating(g.id), { value: 1, comment: 'The phone number is out of date.' }, 200);
    await r.ok('PUT', rating(g.id), { value: 1, comment: 'Fixed now, thanks.' }, 200);
    feedback = (await author.ok('GET', `/api/tables/guide_feedback?filter=${filter}`, undefined, 200)).data;
    expect(feedback.map((f: { comment: string }) => f.comment).sort()).to.deep.equal(['Fixed now, thanks.', 'The phone number is out of date.']);
  });

  it('refuses a commented rating whose feedback the person may not file, keeping nothing', async () => {
    const g = await guide('Changing a tariff');
    expectProblem(await lurker.call('PUT', rating(g.id), { value: 1, comment: 'Great' }), 403, 'forbidden');
    expect(await lurker.ok('GET', rating(g.id), undefined, 200)).to.deep.include({ count: 0, mine: null });
    expect((await author.ok('GET', `/api/tables/rated_guide/${g.id}`, undefined, 200)).data.rating_count).to.equal(0);
    expect(await lurker.ok('PUT', rating(g.id), { value: 1 }, 200)).to.deep.include({ count: 1 });
  });

  it('checks the body: value and comment, with a message per field', async () => {
    const g = await guide('Moving home');
    const r = readers[0]!;
    let p = expectProblem(await r.call('PUT', rating(g.id), { value: 2 }), 422, 'validation_failed');
    expect(p.errors[0]).to.include({ field: 'value' });
    p = expectProblem(await r.call('PUT', rating(g.id), { value: 'yes' }), 422, 'validation_failed');
    expect(p.errors[0]).to.include({ field: 'value' });
    p = expectProblem(await r.call('PUT', rating(g.id), { value: 1, comment: 'x'.repeat(2001) }), 422, 'validation_failed');
    expect(p.errors[0]).to.include({ field: 'comment' });
    p = expectProblem(await r.call('PUT', rating(g.id), { value: 1, stars: 3 }), 400, 'invalid_payload');
    expect(p.errors[0]).to.include({ field: 'stars' });
    expectProblem(await r.call('PUT', rating(g.id), {}), 422, 'validation_failed');
    expectProblem(await r.call('PUT', rating(g.id), { value: 1, comment: 'a\u0000b' }), 422, 'validation_failed');
    expectProblem(await r.call('PATCH', rating(g.id), { value: 1 }), 405, 'method_not_allowed');
    expect(await r.ok('GET', rating(g.id), undefined, 200)).to.deep.include({ count: 0 });
  });

  it('answers 404 for a record the person may not read, as for a missing one', async () => {
    const draft = await guide('Unpublished tips', 'draft');
    const r = readers[0]!;
    expectProblem(await r.get(rating(draft.id)), 404, 'not_found');
    expectProblem(await r.call('PUT', rating(draft.id), { value: 1 }), 404, 'not_found');
    expectProblem(await r.delete(rating(draft.id)), 404, 'not_found');
    expectProblem(await r.post(`/api/tables/rated_guide/${draft.id}/view`), 404, 'not_found');
    expectProblem(await r.get(rating('0190a6f0-0000-7000-8000-000000000000')), 404, 'not_found');
    expectProblem(await r.get('/api/tables/rated_guide/not-an-id/rating'), 404, 'not_found');
    expectProblem(await r.get('/api/tables/no_such_table/0190a6f0-0000-7000-8000-000000000000/rating'), 404, 'table_not_found');
    expect((await author.ok('GET', `/api/tables/rated_guide/${draft.id}`, undefined, 200)).data).to.include({ view_count: 0, rating_count: 0 });
  });

  it('counts one view per person and day, however often they reload', async () => {
    const g = await guide('Understanding your bill');
    const [r1, r2] = readers as [TokenClient, TokenClient];
    const view = (c: TokenClient) => c.ok('POST', `/api/tables/rated_guide/${g.id}/view`, {}, 200);
    expect(await view(r1)).to.deep.equal({ counted: true, views: 1 });
    expect(await view(r1)).to.deep.equal({ counted: false, views: 1 });
    expect(await view(r2)).to.deep.equal({ counted: true, views: 2 });
    clock.advance(24 * 3600 * 1000);
    expect(await view(r1)).to.deep.equal({ counted: true, views: 3 });
    expect(await view(r1)).to.deep.equal({ counted: false, views: 3 });
    expect((await author.ok('GET', `/api/tables/rated_guide/${g.id}`, undefined, 200)).data.view_count).to.equal(3);
  });

  it('sorts and filters a list by the counters, for every reader', async () => {
    const names = ['Sort A', 'Sort B', 'Sort C'];
    const made = [];
    for (const n of names) made.push(await guide(n));
    const views = [2, 0, 1];
    for (const [i, g] of made.entries()) {
      for (let v = 0; v < views[i]!; v++) await readers[v]!.ok('POST', `/api/tables/rated_guide/${g.id}/view`, {}, 200);
    }
    await readers[0]!.ok('PUT', rating(made[1]!.id), { value: 1 }, 200);
    const filter = encodeURIComponent(JSON.stringify({ fact: 'title', operator: 'startsWith', value: 'Sort ' }));
    const byViews = (await readers[2]!.ok('GET', `/api/tables/rated_guide?filter=${filter}&sort=-view_count&fields=title,view_count`, undefined, 200)).data;
    expect(byViews.map((r: { title: string }) => r.title)).to.deep.equal(['Sort A', 'Sort C', 'Sort B']);
    const asc = (await readers[2]!.ok('GET', `/api/tables/rated_guide?filter=${filter}&sort=view_count`, undefined, 200)).data;
    expect(asc.map((r: { title: string }) => r.title)).to.deep.equal(['Sort B', 'Sort C', 'Sort A']);
    const rated = encodeURIComponent(JSON.stringify({ all: [
      { fact: 'title', operator: 'startsWith', value: 'Sort ' }, { fact: 'rating_count', operator: 'greaterThan', value: 0 },
    ] }));
    const some = (await readers[2]!.ok('GET', `/api/tables/rated_guide?filter=${rated}&sort=-rating_average`, undefined, 200)).data;
    expect(some.map((r: { title: string }) => r.title)).to.deep.equal(['Sort B']);
  });

  it('removes a deleted record\'s ratings and views with it', async () => {
    const g = await guide('Short-lived');
    await readers[0]!.ok('PUT', rating(g.id), { value: 1 }, 200);
    await readers[0]!.ok('POST', `/api/tables/rated_guide/${g.id}/view`, {}, 200);
    const del = await author.delete(`/api/tables/rated_guide/${g.id}`);
    expect(del.status, del.text).to.equal(204);
    expect(await fw.db.knex('sys_rating').where({ record_id: g.id }).count({ n: '*' })).to.deep.equal([{ n: 0 }]);
    expect(Number((await fw.db.knex('sys_record_view').where({ record_id: g.id }).count({ n: '*' }))[0]!.n)).to.equal(0);
  });
});

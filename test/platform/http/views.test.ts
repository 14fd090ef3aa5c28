/**
 * Saved personal views over HTTP (/api/views): a person saves, lists and deletes their own views of a list; another
 * person's view answers 404; a view that would not run as a list (bad filter, masked or unknown column, unreadable
 * table) is refused when saved.
 */
import { expect } from 'chai';
import { createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import type { TestEngine } from '../../support/engine.js';
import { apiEngine, expectProblem, TokenClient } from '../access/api/support.js';

describe('API: saved views (/api/views)', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let worker: TokenClient;
  let other: TokenClient;
  let reader: TokenClient;

  before(async () => {
    ({ fw } = await apiEngine());
    server = await serve(fw);
    const w = await createUser(fw, { roles: ['sh_worker', 'admin'], org: 'VIEWS' });
    const o = await createUser(fw, { roles: ['sh_worker'], org: 'VIEWS' });
    const r = await createUser(fw, { roles: ['sh_reader'], org: 'VIEWS' });
    worker = new TokenClient(server.url, await createToken(fw, w.username));
    other = new TokenClient(server.url, await createToken(fw, o.username));
    reader = new TokenClient(server.url, await createToken(fw, r.username));
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const open = { fact: 'stage', operator: 'equal', value: 'new' };

  it('saves, lists and deletes a person\'s own views', async () => {
    const created = await worker.ok('POST', '/api/views', {
      table: 'shared_case', name: 'New cases', filter: open, sort: '-created_at,title', columns: ['number', 'title', 'stage'],
    }, 201);
    expect(created.data).to.include({ table: 'shared_case', name: 'New cases', sort: '-created_at,title' });
    expect(created.data.filter).to.deep.equal(open);
    expect(created.data.columns).to.deep.equal(['number', 'title', 'stage']);
    await worker.ok('POST', '/api/views', { table: 'shared_case', name: 'All cases' }, 201);
    await worker.ok('POST', '/api/views', { table: 'task', name: 'All tasks', sort: 'priority' }, 201);

    const list = await worker.ok('GET', '/api/views?table=shared_case', undefined, 200);
    expect(list.data.map((v: { name: string }) => v.name)).to.deep.equal(['All cases', 'New cases']);
    const all = await worker.ok('GET', '/api/views', undefined, 200);
    expect(all.data).to.have.length(3);

    expectProblem(await worker.post('/api/views', { table: 'shared_case', name: 'New cases' }), 409, 'unique_violation');

    const del = await worker.delete(`/api/views/${created.data.id}`);
    expect(del.status, del.text).to.equal(204);
    const after = await worker.ok('GET', '/api/views?table=shared_case', undefined, 200);
    expect(after.data.map((v: { name: string }) => v.name)).to.deep.equal(['All cases']);
    expectProblem(await worker.delete(`/api/views/${created.data.id}`), 404, 'not_found');
  });

  it('answers 404 for another person\'s view, and lists only one\'s own', async () => {
    const mine = await worker.ok('POST', '/api/views', { table: 'shared_case', name: 'Mine only' }, 201);
    const theirs = await other.ok('GET', '/api/views?table=shared_case', undefined, 200);
    expect(theirs.data.map((v: { id: string }) => v.id)).not.to.include(mine.data.id);
    expectProblem(await other.delete(`/api/views/${mine.data.id}`), 404, 'not_found');
    expectProblem(await other.delete('/api/views/not-a-uuid'), 404, 'not_found');
    // Still there for its owner.
    const list = await worker.ok('GET', '/api/views?table=shared_case', undefined, 200);
    expect(list.data.map((v: { id: string }) => v.id)).to.include(mine.data.id);
  });

  it('refuses a filter that does not compile with 400', async () => {
    expectProblem(await worker.post('/api/views', {
      table: 'shared_case', name: 'Bad operator', filter: { fact: 'title', operator: 'resemblesLoosely', value: 'x' },
    }), 400, 'unknown_operator');
    expectProblem(await worker.post('/api/views', {
      table: 'shared_case', name: 'Bad field', filter: { fact: 'no_such_field', operator: 'equal', value: 'x' },
    }), 400, 'unknown_field');
    expectProblem(await worker.post('/api/views', { table: 'shared_case', name: 'Not a condition', filter: [1, 2] }), 400, 'invalid_payload');
    expectProblem(await worker.post('/api/views', { table: 'shared_case', name: 'Bad sort', sort: 'no_such_field' }), 400, 'unknown_field');
    const none = await worker.ok('GET', '/api/views?table=shared_case', undefined, 200);
    expect(none.data.map((v: { name: string }) => v.name)).not.to.include.members(['Bad operator', 'Bad field', 'Bad sort']);
  });

  it('refuses a masked column, and filtering on a masked field, with 400 like an unknown field', async () => {
    const masked = expectProblem(await reader.post('/api/views', { table: 'shared_case', name: 'Contacts', columns: ['title', 'contact_email'] }), 400, 'unknown_field');
    expect(masked.errors.map((e: { field: string }) => e.field)).to.include('columns');
    expectProblem(await reader.post('/api/views', {
      table: 'shared_case', name: 'By contact', filter: { fact: 'contact_email', operator: 'equal', value: 'a@example.test' },
    }), 400, 'unknown_field');
    // The same column is fine for someone who may read it.
    await worker.ok('POST', '/api/views', { table: 'shared_case', name: 'Contacts', columns: ['title', 'contact_email'] }, 201);
    await reader.ok('POST', '/api/views', { table: 'shared_case', name: 'Titles', columns: ['title'] }, 201);
  });

  it('keeps the columns a person chose in their order, once each, and gives them back when the views are listed', async () => {
    const chosen = ['stage', 'title', 'number', 'stage'];
    const created = await worker.ok('POST', '/api/views', { table: 'shared_case', name: 'Stage first', columns: chosen }, 201);
    expect(created.data.columns).to.deep.equal(['stage', 'title', 'number']);
    const list = await worker.ok('GET', '/api/views?table=shared_case', undefined, 200);
    expect(list.data.find((v: { id: string }) => v.id === created.data.id).columns).to.deep.equal(['stage', 'title', 'number']);
    // No columns: the list's default columns when the view is opened.
    const plain = await worker.ok('POST', '/api/views', { table: 'shared_case', name: 'Default columns', columns: null }, 201);
    expect(plain.data.columns).to.equal(null);
    expectProblem(await worker.post('/api/views', { table: 'shared_case', name: 'No columns', columns: [] }), 400, 'invalid_payload');
  });

  it('refuses a table the person cannot read, a missing name and unknown members', async () => {
    // A declared table is no secret: the person is told they have no access to it; an unknown one does not exist.
    const refused = expectProblem(await reader.post('/api/views', { table: 'task', name: 'Tasks' }), 403, 'forbidden');
    expect(refused.detail).to.match(/^You do not have access to /);
    expectProblem(await reader.get('/api/views?table=task'), 403, 'forbidden');
    expectProblem(await reader.get('/api/views?table=no_such_table'), 404, 'table_not_found');
    expectProblem(await worker.post('/api/views', { table: 'shared_case', name: '  ' }), 422, 'validation_failed');
    expectProblem(await worker.post('/api/views', { table: 'shared_case', name: 'X', owner: 'someone' }), 400, 'invalid_payload');
    expectProblem(await worker.get('/api/views?tabel=task'), 400, 'invalid_query');
  });
});

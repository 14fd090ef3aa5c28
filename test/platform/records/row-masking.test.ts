/**
 * Per-record field masking (`readableWhen` on a field, platform/records/row-masking.ts): a reader for whom the
 * condition is false on a record gets no value of the field for that record — in reads, lists, create and update
 * answers and history — and cannot filter or sort by it; other readers and the system see it. On SQLite and
 * PostgreSQL.
 */
import { expect } from 'chai';
import { buildRegistry } from '../../../platform/kinds.js';
import { fieldMeta } from '../../../platform/http/routes/meta.js';
import type { Actor } from '../../../platform/records/types.js';
import { createTestEngine, fixture, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

const ORG = '018f1111-0000-7000-8000-00000000000a';
const actor = (id: string, roles: string[]): Actor => ({ kind: 'user', id, username: `u${id.slice(-2)}`, roles, orgs: [ORG], orgId: ORG, userIds: [] });

describe('records: per-record field masking (readableWhen)', () => {
  let fw: TestEngine;
  const author = actor('018f2222-0000-7000-8000-0000000000a1', ['rm_writer']);
  const colleague = actor('018f2222-0000-7000-8000-0000000000a2', ['rm_writer']);
  const auditor = actor('018f2222-0000-7000-8000-0000000000a3', ['rm_auditor']);
  let id: string;

  before(async () => {
    fw = await createTestEngine({ roots: [fixture('packs/row-masking')], clock: steppingClock() });
    const note = await fw.records.createOne('rm_note', { title: 'Plan', secret: 'hunter2' }, { actor: author });
    expect(note.secret, 'the author gets it back on create').to.equal('hunter2');
    id = note.id as string;
  });
  after(async () => { await fw.dispose(); });

  it('shows the field to readers the condition admits, record by record', async () => {
    expect((await fw.records.readOne('rm_note', id, { actor: author })).secret).to.equal('hunter2');
    expect((await fw.records.readOne('rm_note', id, { actor: auditor })).secret).to.equal('hunter2');
    expect((await fw.records.readOne('rm_note', id, { actor: fw.systemActor })).secret).to.equal('hunter2');
    const theirs = await fw.records.createOne('rm_note', { title: 'Other', secret: 'swordfish' }, { actor: colleague });
    const list = await fw.records.query('rm_note', { sort: [{ field: 'title', direction: 'asc' }] }, { actor: author });
    expect(list.records.map((r) => [r.title, r.secret ?? null])).to.deep.equal([['Other', null], ['Plan', 'hunter2']]);
    expect(list.records.find((r) => r.id === theirs.id)).not.to.have.property('secret');
  });

  it('withholds it from other readers in reads, lists, fields lists and update answers', async () => {
    const one = await fw.records.readOne('rm_note', id, { actor: colleague });
    expect(one.title).to.equal('Plan');
    expect(one).not.to.have.property('secret');
    const some = await fw.records.query('rm_note', { fields: ['title', 'secret'] }, { actor: colleague });
    expect(some.records.find((r) => r.id === id)).to.deep.include({ title: 'Plan' }).and.not.to.have.property('secret');
    const updated = await fw.records.updateOne('rm_note', id, { title: 'Plan B' }, { actor: colleague });
    expect(updated.title).to.equal('Plan B');
    expect(updated).not.to.have.property('secret');
    expect((await fw.records.readOne('rm_note', id, { actor: author })).secret, 'the value is kept').to.equal('hunter2');
  });

  it('refuses filters and sorts on it to everyone but the system, so rows cannot betray it', async () => {
    const filter = { fact: 'record.secret', operator: 'equal', value: 'hunter2' } as const;
    await expectError(fw.records.query('rm_note', { filter }, { actor: colleague }), 'unknown_field');
    await expectError(fw.records.query('rm_note', { filter }, { actor: author }), 'unknown_field');
    await expectError(fw.records.query('rm_note', { sort: [{ field: 'secret', direction: 'asc' }] }, { actor: colleague }), 'unknown_field');
    expect((await fw.records.query('rm_note', { filter }, { actor: fw.systemActor })).total).to.equal(1);
  });

  it('tells the browser not to offer it in filters or sorting (queryable: false), unlike plain fields', () => {
    const fields = fw.registry.current.getTable('rm_note').fields;
    expect(fieldMeta(fields.get('secret')!).queryable).to.equal(false);
    expect(fieldMeta(fields.get('title')!)).not.to.have.property('queryable');
  });

  it('leaves its changes out of the history for other readers', async () => {
    await fw.records.updateOne('rm_note', id, { secret: 'hunter3' }, { actor: author });
    const mine = await fw.records.history('rm_note', id, { actor: author });
    expect(mine.filter((h) => h.field === 'secret').map((h) => h.newValue)).to.deep.equal(['hunter3', 'hunter2']);
    const theirs = await fw.records.history('rm_note', id, { actor: colleague });
    expect(theirs.map((h) => h.field)).to.include('title').and.not.to.include('secret');
  });

  it('lints the condition: facts record, user and now; known fields; no previous', () => {
    const errors = buildRegistry([{
      file: 'bad.json', pointer: '', value: {
        kind: 'table', name: 'bad', fields: {
          a: { type: 'string', readableWhen: { fact: 'record.nope', operator: 'equal', value: 1 } },
          b: { type: 'string', readableWhen: { fact: 'previous.a', operator: 'isEmpty' } },
        },
      },
    }]).errors;
    expect(errors.map((e) => e.pointer)).to.include.members(['/fields/a/readableWhen/fact', '/fields/b/readableWhen/fact']);
  });
});

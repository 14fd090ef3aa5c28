/**
 * Authorisation in the record pipeline, through the real record service on SQLite and PostgreSQL: deny by default,
 * row scopes (org / own / all, User IDs, grant conditions) compiled into every read, field masking and mass
 * assignment. The pack is test/fixtures/packs/access.
 */
import { expect } from 'chai';
import { createTestEngine, fixture, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';
import type { Condition } from '../../../platform/conditions/index.js';
import type { FormworkError } from '../../../platform/errors.js';
import type { Actor, RecordData } from '../../../platform/records/types.js';

const ORG_A = '018f1111-0000-7000-8000-00000000000a';
const ORG_B = '018f1111-0000-7000-8000-00000000000b';
const MISSING = '018f0000-0000-7000-8000-00000000dead';

let nextUser = 0;
/** A user of one organisation holding `roles`. */
function user(username: string, roles: string[], org: string | null, extra: Partial<Actor> = {}): Actor {
  nextUser += 1;
  return {
    kind: 'user', id: `018f2222-0000-7000-8000-${String(nextUser).padStart(12, '0')}`, username, roles,
    orgs: org ? [org] : [], orgId: org, userIds: [], ...extra,
  };
}

const S = (filter?: Condition): Condition => (filter
  ? { all: [{ fact: 'title', operator: 'startsWith', value: 'S:' }, filter] }
  : { fact: 'title', operator: 'startsWith', value: 'S:' });

describe('access: authorisation in the record pipeline', () => {
  let fw: TestEngine;
  const clock = steppingClock();
  const alice = user('alice', ['acc_agent'], ORG_A);
  const bob = user('bob', ['acc_agent'], ORG_B);
  const leadA = user('lena', ['acc_lead'], ORG_A);
  /** Record ids by name: a* in organisation A, b* in B, `shared` without an organisation. */
  const ids: Record<string, string> = {};

  const system = (orgId: string | null): Actor => ({ ...fw.systemActor, orgId });
  const titlesOf = (records: RecordData[]) => records.map((r) => r.title).sort();

  before(async () => {
    fw = await createTestEngine({ roots: [fixture('packs/access')], clock });
    const make = async (name: string, table: string, org: string | null, data: RecordData) => {
      ids[name] = (await fw.records.createOne(table, { title: `S: ${name}`, ...data }, { actor: system(org) })).id as string;
    };
    await make('a1', 'enquiry', ORG_A, { priority: '1', user_id_code: 'A-UID-1', requester_email: 'ann@home.example', requester_phone: '01632 960 001', comments: 'a1 comment', work_notes: 'a1 note' });
    await make('a2', 'enquiry', ORG_A, { priority: '3' });
    await make('a3', 'complaint', ORG_A, { priority: '2', severity: 2, requester_email: 'cat@home.example', comments: 'a3 comment', work_notes: 'a3 note' });
    await make('b1', 'enquiry', ORG_B, { priority: '1', user_id_code: 'B-UID-7', requester_email: 'bee@home.example', comments: 'b1 comment', work_notes: 'b1 note' });
    await make('b2', 'enquiry', ORG_B, { priority: '2', user_id_code: 'B-UID-8' });
    await make('b3', 'complaint', ORG_B, { severity: 4 });
    await make('shared', 'enquiry', null, { priority: '3' });
    clock.advance(60_000);
    for (const name of ['a1', 'a3', 'b1']) {
      await fw.records.updateOne('enquiry', ids[name]!, { resolution: `resolved ${name}`, requester_phone: '01632 960 999' }, { actor: fw.systemActor });
    }
  });
  after(async () => { await fw.dispose(); });

  /** The error for a missing record, with the id taken out, to compare with the error for a hidden one. */
  const shape = (e: FormworkError, id: string) => JSON.parse(JSON.stringify({ code: e.code, status: e.status, message: e.message, fieldErrors: e.fieldErrors }).split(id).join('<id>'));

  describe('cross-organisation sweep', () => {
    it('query: rows and totals hold only the organisation\'s and shared records', async () => {
      const a = await fw.records.query('enquiry', { filter: S(), limit: 100 }, { actor: alice });
      expect(titlesOf(a.records)).to.deep.equal(['S: a1', 'S: a2', 'S: a3', 'S: shared']);
      expect(a.total).to.equal(4);
      expect((await fw.records.query('enquiry', { filter: S(), limit: 1 }, { actor: alice })).total).to.equal(4);
      const b = await fw.records.query('enquiry', { filter: S(), limit: 100, sort: [{ field: 'title', direction: 'asc' }] }, { actor: bob });
      expect(b.records.map((r) => r.title)).to.deep.equal(['S: b1', 'S: b2', 'S: b3', 'S: shared']);
      expect(b.total).to.equal(4);
      // A filter aimed at the other organisation's records finds nothing, and counts nothing.
      for (const filter of [
        { fact: 'title', operator: 'equal', value: 'S: b1' },
        { fact: 'org_id', operator: 'equal', value: ORG_B },
        { fact: 'id', operator: 'in', value: [ids.b1, ids.b2, ids.b3] },
        { any: [{ fact: 'user_id_code', operator: 'equal', value: 'B-UID-7' }, { not: { fact: 'org_id', operator: 'notEqual', value: ORG_B } }] },
      ] as Condition[]) {
        const r = await fw.records.query('enquiry', { filter, limit: 100 }, { actor: alice });
        expect(r.records, JSON.stringify(filter)).to.deep.equal([]);
        expect(r.total, JSON.stringify(filter)).to.equal(0);
      }
      // The subtable, and the whole table without a filter, alike.
      const complaints = await fw.records.query('complaint', { filter: S(), limit: 100 }, { actor: alice });
      expect(titlesOf(complaints.records)).to.deep.equal(['S: a3']);
      const everything = await fw.records.query('enquiry', { limit: 1000 }, { actor: alice });
      expect(everything.records.some((r) => r.org_id === ORG_B)).to.equal(false);
      expect(everything.total).to.equal(everything.records.length);
    });

    it('readOne, history and journal of another organisation\'s record answer not_found, exactly as a missing id', async () => {
      const missing = [
        shape(await expectError(fw.records.readOne('enquiry', MISSING, { actor: alice }), 'not_found'), MISSING),
        shape(await expectError(fw.records.history('enquiry', MISSING, { actor: alice }), 'not_found'), MISSING),
        shape(await expectError(fw.records.journal('enquiry', MISSING, { actor: alice }), 'not_found'), MISSING),
      ];
      for (const name of ['b1', 'b2', 'b3']) {
        const id = ids[name]!;
        const hidden = [
          shape(await expectError(fw.records.readOne('enquiry', id, { actor: alice }), 'not_found'), id),
          shape(await expectError(fw.records.history('enquiry', id, { actor: alice }), 'not_found'), id),
          shape(await expectError(fw.records.journal('enquiry', id, { actor: alice }), 'not_found'), id),
        ];
        expect(hidden, name).to.deep.equal(missing);
        await expectError(fw.records.readOne('enquiry', id, { actor: alice, fields: ['title'] }), 'not_found');
        await expectError(fw.records.journal('enquiry', id, { actor: alice, field: 'comments' }), 'not_found');
      }
      await expectError(fw.records.readOne('complaint', ids.b3!, { actor: alice }), 'not_found');
      // Their own organisation's and shared records are there.
      expect((await fw.records.readOne('enquiry', ids.a1!, { actor: alice })).title).to.equal('S: a1');
      expect((await fw.records.readOne('enquiry', ids.shared!, { actor: bob })).title).to.equal('S: shared');
      expect(await fw.records.history('enquiry', ids.b1!, { actor: bob })).to.not.be.empty;
      expect((await fw.records.journal('enquiry', ids.b1!, { actor: bob })).map((e) => e.body)).to.have.members(['b1 comment', 'b1 note']);
    });

    it('update and delete of another organisation\'s record answer not_found and change nothing', async () => {
      const before = await fw.records.readOne('enquiry', ids.b1!, { actor: fw.systemActor });
      await expectError(fw.records.updateOne('enquiry', ids.b1!, { title: 'S: hijacked' }, { actor: alice }), 'not_found');
      await expectError(fw.records.updateOne('enquiry', ids.b1!, { title: 'S: hijacked' }, { actor: alice, expectedVersion: 1 }), 'not_found');
      await expectError(fw.records.updateOne('enquiry', ids.b1!, { comments: 'sneaky' }, { actor: alice }), 'not_found');
      await expectError(fw.records.deleteOne('enquiry', ids.b1!, { actor: leadA }), 'not_found');
      await expectError(fw.records.deleteOne('complaint', ids.b3!, { actor: leadA }), 'not_found');
      // All or nothing: one hidden id fails the whole batch.
      await expectError(fw.records.updateMany('enquiry', [ids.a2!, ids.b2!], { priority: '4' }, { actor: alice }), 'not_found');
      await expectError(fw.records.deleteMany('enquiry', [ids.a2!, ids.b2!], { actor: leadA }), 'not_found');
      expect(await fw.records.readOne('enquiry', ids.b1!, { actor: fw.systemActor })).to.deep.equal(before);
      expect((await fw.records.readOne('enquiry', ids.a2!, { actor: fw.systemActor })).priority).to.equal('3');
      expect((await fw.records.journal('enquiry', ids.b1!, { actor: fw.systemActor })).map((e) => e.body)).to.not.include('sneaky');
      expect((await fw.records.readOne('enquiry', ids.b2!, { actor: fw.systemActor })).id).to.equal(ids.b2);
    });

    it('a reference to a record outside one\'s rows is refused as if it did not exist', async () => {
      const err = await expectError(fw.records.createOne('enquiry', { title: 'X: ref', related: ids.b1 }, { actor: alice }), 'validation_failed');
      expect(err.fieldErrors[0]).to.include({ field: 'related', code: 'reference_not_found' });
      const ok = await fw.records.createOne('enquiry', { title: 'X: ref ok', related: ids.a2 }, { actor: alice });
      expect(ok).to.include({ related: ids.a2, org_id: ORG_A });
    });

    it('User IDs: a User ID the actor acts for shows its records (and only its), and removing it hides them at once', async () => {
      const shared = { ...alice, userIds: ['B-UID-7'] };
      const r = await fw.records.query('enquiry', { filter: S(), limit: 100 }, { actor: shared });
      expect(titlesOf(r.records)).to.deep.equal(['S: a1', 'S: a2', 'S: a3', 'S: b1', 'S: shared']);
      expect(r.total).to.equal(5);
      expect((await fw.records.readOne('enquiry', ids.b1!, { actor: shared })).title).to.equal('S: b1');
      expect(await fw.records.history('enquiry', ids.b1!, { actor: shared })).to.not.be.empty;
      expect((await fw.records.journal('enquiry', ids.b1!, { actor: shared })).map((e) => e.body)).to.include('b1 comment');
      await expectError(fw.records.readOne('enquiry', ids.b2!, { actor: shared }), 'not_found');
      const updated = await fw.records.updateOne('enquiry', ids.b1!, { priority: '2' }, { actor: shared });
      expect(updated).to.include({ priority: '2', org_id: ORG_B });

      // The same person, the User ID withdrawn: nothing of organisation B any more.
      const withdrawn = { ...alice, userIds: [] };
      await expectError(fw.records.readOne('enquiry', ids.b1!, { actor: withdrawn }), 'not_found');
      await expectError(fw.records.history('enquiry', ids.b1!, { actor: withdrawn }), 'not_found');
      await expectError(fw.records.updateOne('enquiry', ids.b1!, { priority: '1' }, { actor: withdrawn }), 'not_found');
      expect((await fw.records.query('enquiry', { filter: S(), limit: 100 }, { actor: withdrawn })).total).to.equal(4);
      await fw.records.updateOne('enquiry', ids.b1!, { priority: '1' }, { actor: fw.systemActor });
    });

    it('the owning organisation of a new record is the actor\'s, and each side sees only its own', async () => {
      const mine = await fw.records.createOne('enquiry', { title: 'X: raised by bob' }, { actor: bob });
      expect(mine).to.include({ org_id: ORG_B, created_by: bob.id });
      await expectError(fw.records.readOne('enquiry', mine.id as string, { actor: alice }), 'not_found');
      expect((await fw.records.readOne('enquiry', mine.id as string, { actor: bob })).title).to.equal('X: raised by bob');
    });
  });

  describe('row scopes', () => {
    it('own: a raiser sees and changes only the records they created', async () => {
      const carol = user('carol', ['acc_owner'], ORG_A);
      const dan = user('dan', ['acc_owner'], ORG_A);
      const c1 = await fw.records.createOne('enquiry', { title: 'O: carol 1' }, { actor: carol });
      await fw.records.createOne('enquiry', { title: 'O: dan 1' }, { actor: dan });
      const r = await fw.records.query('enquiry', { limit: 100 }, { actor: carol });
      expect(r.records.map((x) => x.title)).to.deep.equal(['O: carol 1']);
      expect(r.total).to.equal(1);
      await expectError(fw.records.readOne('enquiry', ids.a1!, { actor: carol }), 'not_found');
      await expectError(fw.records.readOne('enquiry', c1.id as string, { actor: dan }), 'not_found');
      await expectError(fw.records.updateOne('enquiry', c1.id as string, { title: 'O: taken' }, { actor: dan }), 'not_found');
      expect(await fw.records.updateOne('enquiry', c1.id as string, { title: 'O: carol 1b' }, { actor: carol })).to.include({ title: 'O: carol 1b' });
      // The raiser's own grant has no field restriction: they see their own personal details.
      const withEmail = await fw.records.createOne('enquiry', { title: 'O: carol 2', requester_email: 'carol@home.example' }, { actor: carol });
      expect(withEmail.requester_email).to.equal('carol@home.example');
    });

    it('all: a central desk reads and updates every organisation\'s records, but may not delete', async () => {
      const desk = user('desmond', ['acc_desk'], null);
      const r = await fw.records.query('enquiry', { filter: S(), limit: 100 }, { actor: desk });
      expect(titlesOf(r.records)).to.deep.equal(['S: a1', 'S: a2', 'S: a3', 'S: b1', 'S: b2', 'S: b3', 'S: shared']);
      expect(r.total).to.equal(7);
      expect((await fw.records.readOne('enquiry', ids.b1!, { actor: desk })).requester_email).to.equal('bee@home.example');
      await fw.records.updateOne('enquiry', ids.b2!, { resolution: 'looked at by the desk' }, { actor: desk });
      await expectError(fw.records.deleteOne('enquiry', ids.b2!, { actor: desk }), 'forbidden');
      await expectError(fw.records.createOne('enquiry', { title: 'X: desk' }, { actor: desk }), 'forbidden');
    });

    it('a grant condition narrows the rows: triage sees urgent records of its organisation only', async () => {
      const tess = user('tess', ['acc_triage'], ORG_A);
      const r = await fw.records.query('enquiry', { filter: S(), limit: 100 }, { actor: tess });
      expect(titlesOf(r.records)).to.deep.equal(['S: a1', 'S: a3']);
      expect(r.total).to.equal(2);
      await expectError(fw.records.readOne('enquiry', ids.a2!, { actor: tess }), 'not_found');
      await expectError(fw.records.readOne('enquiry', ids.b1!, { actor: tess }), 'not_found');
    });

    it('create and update must stay inside the rows of the grants (before and after)', async () => {
      const tess = user('tess', ['acc_triage'], ORG_A);
      const refused = await expectError(fw.records.createOne('enquiry', { title: 'T: routine', priority: '4' }, { actor: tess }), 'forbidden');
      expect(refused.message).to.match(/outside the records/);
      await expectError(fw.records.createOne('enquiry', { title: 'T: default priority 3' }, { actor: tess }), 'forbidden');
      expect((await fw.records.query('enquiry', { filter: { fact: 'title', operator: 'startsWith', value: 'T:' } }, { actor: fw.systemActor })).total).to.equal(0);
      const urgent = await fw.records.createOne('enquiry', { title: 'T: urgent', priority: '2' }, { actor: tess });
      expect(urgent).to.include({ org_id: ORG_A, priority: '2' });

      const moved = await expectError(fw.records.updateOne('enquiry', urgent.id as string, { priority: '4' }, { actor: tess }), 'forbidden');
      expect(moved.message).to.match(/outside the records/);
      expect(await fw.records.readOne('enquiry', urgent.id as string, { actor: tess })).to.include({ priority: '2', version: 1 });
      expect(await fw.records.updateOne('enquiry', urgent.id as string, { priority: '1' }, { actor: tess })).to.include({ priority: '1', version: 2 });
      // Outside the rows before the change: as if absent, even when the change would bring it in.
      await expectError(fw.records.updateOne('enquiry', ids.a2!, { priority: '1' }, { actor: tess }), 'not_found');
    });

    it('a record one may read but not change is forbidden (its existence is no secret to them)', async () => {
      const cody = user('cody', ['acc_contributor'], ORG_A);
      const err = await expectError(fw.records.updateOne('enquiry', ids.a2!, { title: 'S: a2 changed' }, { actor: cody }), 'forbidden');
      expect(err.message).to.contain(ids.a2);
      await expectError(fw.records.deleteOne('enquiry', ids.a2!, { actor: cody }), 'forbidden');
      await expectError(fw.records.updateOne('enquiry', ids.b2!, { title: 'S: b2 changed' }, { actor: cody }), 'not_found');
      const own = await fw.records.createOne('enquiry', { title: 'C: own' }, { actor: cody });
      await fw.records.updateOne('enquiry', own.id as string, { title: 'C: own, changed' }, { actor: cody });
      await fw.records.deleteOne('enquiry', own.id as string, { actor: cody });
      await expectError(fw.records.readOne('enquiry', own.id as string, { actor: cody }), 'not_found');
    });
  });

  describe('field masking', () => {
    const PERSONAL = ['requester_email', 'requester_phone'];

    it('withheld fields are absent from records, lists, history and write responses', async () => {
      const one = await fw.records.readOne('enquiry', ids.a1!, { actor: alice });
      expect(one.title).to.equal('S: a1');
      for (const f of PERSONAL) expect(one, f).to.not.have.property(f);
      const list = await fw.records.query('enquiry', { filter: S(), limit: 100 }, { actor: alice });
      for (const r of list.records) for (const f of PERSONAL) expect(r, f).to.not.have.property(f);

      const full = await fw.records.history('enquiry', ids.a1!, { actor: fw.systemActor });
      expect(full.map((h) => h.field)).to.include.members(PERSONAL);
      const masked = await fw.records.history('enquiry', ids.a1!, { actor: alice });
      expect(masked.map((h) => h.field)).to.include.members(['title', 'resolution']);
      for (const f of PERSONAL) expect(masked.map((h) => h.field)).to.not.include(f);

      const made = await fw.records.createOne('enquiry', { title: 'X: masked reply' }, { actor: alice });
      for (const f of PERSONAL) expect(made).to.not.have.property(f);
      const changed = await fw.records.updateOne('enquiry', made.id as string, { resolution: 'done' }, { actor: alice });
      expect(changed).to.include({ resolution: 'done', version: 2 });
      for (const f of PERSONAL) expect(changed).to.not.have.property(f);
    });

    it('withheld fields cannot be filtered, sorted, selected or written: unknown_field, as for a missing field', async () => {
      const q = (spec: Parameters<TestEngine['records']['query']>[1]) => fw.records.query('enquiry', spec, { actor: alice });
      const asMissing = shape(await expectError(q({ filter: { fact: 'no_such_field', operator: 'isEmpty' } }), 'unknown_field'), 'no_such_field');
      for (const f of PERSONAL) {
        expect(shape(await expectError(q({ filter: { fact: f, operator: 'isEmpty' } }), 'unknown_field'), f)).to.deep.equal(asMissing);
        await expectError(q({ filter: { not: { fact: `record.${f}`, operator: 'startsWith', value: 'a' } } }), 'unknown_field');
        await expectError(q({ filter: { any: [{ fact: 'title', operator: 'isEmpty' }, { fact: f, operator: 'contains', value: '@' }] } }), 'unknown_field');
        await expectError(q({ sort: [{ field: f, direction: 'asc' }] }), 'unknown_field');
        await expectError(q({ fields: ['title', f] }), 'unknown_field');
        await expectError(fw.records.readOne('enquiry', ids.a1!, { actor: alice, fields: [f] }), 'unknown_field');
        const write = await expectError(fw.records.updateOne('enquiry', ids.a2!, { [f]: 'x@y.example' }, { actor: alice }), 'unknown_field');
        expect(write.fieldErrors[0]).to.include({ field: f, code: 'unknown_field' });
        await expectError(fw.records.createOne('enquiry', { title: 'X: no', [f]: 'x@y.example' }, { actor: alice }), 'unknown_field');
      }
    });

    it('an including role with an unrestricted grant on the same rows sees them again', async () => {
      for (const roles of [['acc_lead'], ['acc_supervisor'], ['acc_agent', 'acc_desk']]) {
        const r = await fw.records.readOne('enquiry', ids.a1!, { actor: user('x', roles, ORG_A) });
        expect(r, roles.join('+')).to.include({ requester_email: 'ann@home.example', requester_phone: '01632 960 999' });
      }
      const lead = await fw.records.query('enquiry', { filter: S({ fact: 'requester_email', operator: 'endsWith', value: '@home.example' }), limit: 100 }, { actor: leadA });
      expect(titlesOf(lead.records)).to.deep.equal(['S: a1', 'S: a3']);
    });

    it('a narrower grant (own records) never unmasks a field on the wider rows of another grant', async () => {
      const both = user('bea', ['acc_agent', 'acc_owner'], ORG_A);
      const own = await fw.records.createOne('enquiry', { title: 'X: bea' }, { actor: both });
      expect(own).to.not.have.property('requester_email');
      expect(await fw.records.readOne('enquiry', ids.a1!, { actor: both })).to.not.have.property('requester_email');
      await expectError(fw.records.query('enquiry', { sort: [{ field: 'requester_email', direction: 'asc' }] }, { actor: both }), 'unknown_field');
    });

    it('readFields limit what a clerk sees; journal entries of fields they cannot read are left out', async () => {
      const clerk = user('clara', ['acc_clerk'], ORG_A);
      const r = await fw.records.readOne('complaint', ids.a3!, { actor: clerk });
      expect(Object.keys(r).sort()).to.deep.equal(['class', 'id', 'number', 'priority', 'severity', 'state', 'title', 'version']);
      const journal = await fw.records.journal('complaint', ids.a3!, { actor: clerk });
      expect(journal.map((e) => [e.field, e.body])).to.deep.equal([['comments', 'a3 comment']]);
      expect((await fw.records.journal('complaint', ids.a3!, { actor: fw.systemActor })).map((e) => e.body)).to.have.members(['a3 comment', 'a3 note']);
      await expectError(fw.records.journal('complaint', ids.a3!, { actor: clerk, field: 'work_notes' }), 'unknown_field');
      const history = await fw.records.history('complaint', ids.a3!, { actor: clerk });
      expect(history.length).to.be.greaterThan(0);
      expect([...new Set(history.map((h) => h.field))].every((f) => ['title', 'state', 'priority', 'severity'].includes(f))).to.equal(true);
      await expectError(fw.records.query('complaint', { filter: { fact: 'resolution', operator: 'isNotEmpty' } }, { actor: clerk }), 'unknown_field');
      await expectError(fw.records.query('complaint', { filter: { fact: 'org_id', operator: 'isNotEmpty' } }, { actor: clerk }), 'unknown_field');
      // A grant on the subtable gives nothing on its parent.
      await expectError(fw.records.query('enquiry', {}, { actor: clerk }), 'forbidden');
    });
  });

  describe('mass assignment', () => {
    it('refuses system fields and the owning organisation from anyone', async () => {
      for (const key of ['org_id', 'created_by', 'id', 'version', 'class', 'number']) {
        const err = await expectError(fw.records.createOne('enquiry', { title: 'X: mass', [key]: ORG_B }, { actor: alice }), 'invalid_payload');
        expect(err.fieldErrors[0]).to.include({ field: key, code: 'read_only' });
      }
      const err = await expectError(fw.records.updateOne('enquiry', ids.a2!, { org_id: ORG_B }, { actor: leadA }), 'invalid_payload');
      expect(err.fieldErrors[0]).to.include({ field: 'org_id', code: 'read_only' });
      expect((await fw.records.readOne('enquiry', ids.a2!, { actor: fw.systemActor })).org_id).to.equal(ORG_A);
    });

    it('refuses protected fields from users (403, read_only) but lets the system set them', async () => {
      const create = await expectError(fw.records.createOne('enquiry', { title: 'X: closed at birth', state: 'closed' }, { actor: alice }), 'forbidden');
      expect(create.fieldErrors).to.deep.equal([{ field: 'state', code: 'read_only', message: create.fieldErrors[0]!.message }]);
      const update = await expectError(fw.records.updateOne('enquiry', ids.a2!, { state: 'closed', title: 'S: a2' }, { actor: leadA }), 'forbidden');
      expect(update.fieldErrors.map((e) => [e.field, e.code])).to.deep.equal([['state', 'read_only']]);
      expect((await fw.records.readOne('enquiry', ids.a2!, { actor: alice })).state).to.equal('new');
      const bySystem = await fw.records.updateOne('enquiry', ids.a2!, { state: 'open' }, { actor: fw.systemActor });
      expect(bySystem.state).to.equal('open');
    });

    it('refuses fields outside the grant\'s write fields (403, forbidden_field) and keeps unreadable ones unknown', async () => {
      const clerk = user('clara', ['acc_clerk'], ORG_A);
      const title = await expectError(fw.records.updateOne('complaint', ids.a3!, { title: 'renamed' }, { actor: clerk }), 'forbidden');
      expect(title.fieldErrors.map((e) => [e.field, e.code])).to.deep.equal([['title', 'forbidden_field']]);
      const comment = await expectError(fw.records.updateOne('complaint', ids.a3!, { comments: 'hello' }, { actor: clerk }), 'forbidden');
      expect(comment.fieldErrors.map((e) => [e.field, e.code])).to.deep.equal([['comments', 'forbidden_field']]);
      await expectError(fw.records.updateOne('complaint', ids.a3!, { work_notes: 'hello' }, { actor: clerk }), 'unknown_field');
      await expectError(fw.records.updateOne('complaint', ids.a3!, { resolution: 'hello' }, { actor: clerk }), 'unknown_field');
      const ok = await fw.records.updateOne('complaint', ids.a3!, { priority: '1' }, { actor: clerk });
      expect(ok).to.include({ priority: '1' });
      expect(ok).to.not.have.property('resolution');
      await fw.records.updateOne('complaint', ids.a3!, { priority: '2' }, { actor: fw.systemActor });
    });
  });

  describe('deny by default', () => {
    it('a user whose roles grant nothing on a table may do nothing with it', async () => {
      for (const roles of [[], ['acc_caps_only'], ['no_such_role']]) {
        const nobody = user('nobody', roles, ORG_A);
        await expectError(fw.records.query('enquiry', {}, { actor: nobody }), 'forbidden');
        await expectError(fw.records.readOne('enquiry', ids.a1!, { actor: nobody }), 'forbidden');
        await expectError(fw.records.history('enquiry', ids.a1!, { actor: nobody }), 'forbidden');
        await expectError(fw.records.journal('enquiry', ids.a1!, { actor: nobody }), 'forbidden');
        await expectError(fw.records.createOne('enquiry', { title: 'X: nope' }, { actor: nobody }), 'forbidden');
        await expectError(fw.records.updateOne('enquiry', ids.a1!, { title: 'X: nope' }, { actor: nobody }), 'forbidden');
        await expectError(fw.records.deleteOne('enquiry', ids.a1!, { actor: nobody }), 'forbidden');
      }
      // Operations not granted are refused even where others are.
      await expectError(fw.records.deleteOne('enquiry', ids.a2!, { actor: alice }), 'forbidden');
      await expectError(fw.records.createOne('vault', { label: 'x' }, { actor: alice }), 'forbidden');
    });
  });
});

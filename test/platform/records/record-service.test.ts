import { expect } from 'chai';
import { createTestEngine, fixture, CORE_DEFINITIONS, userActor, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';
import type { Actor, RecordData } from '../../../platform/records/types.js';

const incident = (over: RecordData = {}): RecordData => ({ short_description: 'Printer jams', category: 'hardware', ...over });

describe('RecordService', () => {
  let fw: TestEngine;
  let system: Actor;
  const clock = steppingClock();

  before(async () => {
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS, fixture('packs/records')], clock });
    system = fw.systemActor;
  });
  after(async () => { await fw.dispose(); });

  describe('.createOne()', () => {
    it('sets system fields, numbers the record and applies defaults', async () => {
      const r = await fw.records.createOne('incident', incident(), { actor: system });
      expect(r.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
      expect(r.number).to.match(/^INC\d{7}$/);
      expect(r).to.include({ class: 'incident', version: 1, state: 'new', priority: '4', active: true, impact: 3 });
      expect(r.opened_at).to.equal(clock.now().toISOString());
      expect(r.created_at).to.equal(clock.now().toISOString());
      const again = await fw.records.readOne('incident', r.id as string, { actor: system });
      expect(again).to.deep.equal(r);
    });

    it('normalises postcodes, datetimes and keeps every type round-tripping', async () => {
      const r = await fw.records.createOne('incident', incident({
        site_postcode: 'sw1a2aa', opened_at: '2026-11-20T10:00:00+01:00', due_date: '2026-12-01',
        estimated_cost: 1234.5, symptoms: ['slow', 'errors'], diagnostics: { ping: [1, 2], ok: false },
        contact_email: 'a@example.com', contact_phone: '+44 808 157 0192', reference_url: 'https://example.com/x',
        evidence: [{ id: '018f0000-0000-7000-8000-00000000e001', name: 'log.txt', type: 'text/plain', size: 12 }],
      }), { actor: system });
      const back = await fw.records.readOne('incident', r.id as string, { actor: system });
      expect(back).to.include({ site_postcode: 'SW1A 2AA', opened_at: '2026-11-20T09:00:00.000Z', due_date: '2026-12-01', estimated_cost: 1234.5 });
      expect(back.symptoms).to.deep.equal(['slow', 'errors']);
      expect(back.diagnostics).to.deep.equal({ ping: [1, 2], ok: false });
      expect(back.evidence).to.deep.equal([{ id: '018f0000-0000-7000-8000-00000000e001', name: 'log.txt', type: 'text/plain', size: 12 }]);
    });

    it('reports every invalid field at once with validation_failed', async () => {
      const err = await expectError(fw.records.createOne('incident', {
        category: 'nope', contact_email: 'not-an-email', contact_phone: 'call me', site_postcode: 'XX', reference_url: 'ftp://x',
        due_date: '2026-02-30', opened_at: 'tomorrow', impact: 7, affected_sites: 1.5, estimated_cost: 1.234,
        symptoms: ['slow', 'slow'], caller_reference: 'has spaces', active: 'yes',
      }, { actor: system }), 'validation_failed');
      const byField = Object.fromEntries(err.fieldErrors.map((e) => [e.field, e.code]));
      expect(byField).to.deep.equal({
        short_description: 'required', category: 'choice', contact_email: 'format', contact_phone: 'format',
        site_postcode: 'format', reference_url: 'format', due_date: 'type', opened_at: 'type', impact: 'max',
        affected_sites: 'type', estimated_cost: 'scale', symptoms: 'choice', caller_reference: 'pattern', active: 'type',
      });
    });

    it('rejects system fields and unknown fields', async () => {
      for (const key of ['id', 'number', 'version', 'created_by', 'org_id', 'class']) {
        const err = await expectError(fw.records.createOne('incident', incident({ [key]: 'x' }), { actor: system }), 'invalid_payload');
        expect(err.fieldErrors[0]).to.include({ field: key, code: 'read_only' });
      }
      await expectError(fw.records.createOne('incident', incident({ nonsense: 1 }), { actor: system }), 'unknown_field');
      await expectError(fw.records.createOne('incident', JSON.parse('{"short_description":"x","category":"other","__proto__":{"admin":true}}'), { actor: system }), 'unknown_field');
    });

    it('checks references and uniqueness', async () => {
      const err = await expectError(fw.records.createOne('asset', { serial: 'S-1', location: '018f0000-0000-7000-8000-0000000000aa' }, { actor: system }), 'validation_failed');
      expect(err.fieldErrors[0]).to.include({ field: 'location', code: 'reference_not_found' });
      const loc = await fw.records.createOne('location', { code: 'LDN', postcode: 'ec1a 1bb' }, { actor: system });
      await fw.records.createOne('asset', { serial: 'S-1', location: loc.id }, { actor: system });
      const dup = await expectError(fw.records.createOne('asset', { serial: 'S-1' }, { actor: system }), 'unique_violation');
      expect(dup.fieldErrors[0]).to.include({ field: 'serial' });
    });

    it('never hands out a number twice under concurrent inserts', async () => {
      const made = await Promise.all(Array.from({ length: 40 }, (_, i) => fw.records.createOne('task', { short_description: `t${i}` }, { actor: system })));
      const numbers = made.map((r) => r.number);
      expect(new Set(numbers).size).to.equal(40);
      for (const n of numbers) expect(n).to.match(/^TASK\d{7}$/);
    });

    it('uses the nearest declared prefix and its own sequence in a hierarchy', async () => {
      const hw = await fw.records.createOne('hardware', { serial: 'HW-1' }, { actor: system });
      const lap = await fw.records.createOne('laptop', { serial: 'LP-1', screen_inches: 13.3 }, { actor: system });
      expect(hw.number).to.match(/^AST\d{5}$/);
      expect(lap.number).to.equal('LAP00001');
    });
  });

  describe('.createMany()', () => {
    it('creates all or nothing', async () => {
      const before = (await fw.records.query('location', {}, { actor: system })).total;
      const err = await expectError(fw.records.createMany('location', [{ code: 'A1' }, { code: 'A2' }, { name: 'no code' }], { actor: system }), 'validation_failed');
      expect(err.fieldErrors[0]).to.include({ field: '2.code', code: 'required' });
      expect((await fw.records.query('location', {}, { actor: system })).total).to.equal(before);
      const made = await fw.records.createMany('location', [{ code: 'A1' }, { code: 'A2' }], { actor: system });
      expect(made).to.have.length(2);
    });

    it('rolls back rows already inserted when a later one violates uniqueness', async () => {
      const before = (await fw.records.query('location', {}, { actor: system })).total;
      await expectError(fw.records.createMany('location', [{ code: 'B1' }, { code: 'B1' }], { actor: system }), 'unique_violation');
      expect((await fw.records.query('location', {}, { actor: system })).total).to.equal(before);
      const history = await fw.db.knex('sys_audit').where({ table_name: 'location' }).count({ n: '*' }).first();
      expect(Number(history!.n)).to.equal(before);
    });
  });

  describe('.updateOne()', () => {
    it('bumps the version and writes field history (who, when, field, old, new)', async () => {
      const r = await fw.records.createOne('incident', incident(), { actor: system });
      clock.advance(60_000);
      const actor = userActor(['admin'], { username: 'alice' });
      // (The state field follows the task workflow: people change it by transitions, so this edits other fields.)
      const u = await fw.records.updateOne('incident', r.id as string, { impact: 1, priority: '2' }, { actor, expectedVersion: 1 });
      expect(u).to.include({ version: 2, impact: 1, updated_at: clock.now().toISOString(), updated_by: actor.id });
      const history = await fw.records.history('incident', r.id as string, { actor: system });
      const latest = history.filter((h) => h.version === 2);
      expect(latest.map((h) => [h.field, h.oldValue, h.newValue, h.changedBy])).to.have.deep.members([
        ['impact', 3, 1, 'alice'], ['priority', '4', '2', 'alice'],
      ]);
      expect(history[0]!.changedAt >= history[history.length - 1]!.changedAt).to.equal(true);
      expect(history.some((h) => h.operation === 'insert' && h.field === 'short_description')).to.equal(true);
    });

    it('refuses a stale version with conflict and the current version, changing nothing', async () => {
      const r = await fw.records.createOne('incident', incident(), { actor: system });
      await fw.records.updateOne('incident', r.id as string, { state: 'on_hold' }, { actor: system, expectedVersion: 1 });
      const err = await expectError(fw.records.updateOne('incident', r.id as string, { state: 'closed' }, { actor: system, expectedVersion: 1 }), 'conflict');
      expect(err.extra.currentVersion).to.equal(2);
      const now = await fw.records.readOne('incident', r.id as string, { actor: system });
      expect(now).to.include({ state: 'on_hold', version: 2 });
      expect((await fw.records.history('incident', r.id as string, { actor: system })).filter((h) => h.version === 3)).to.have.length(0);
    });

    it('leaves version and history alone when nothing changes, and keeps required fields required', async () => {
      const r = await fw.records.createOne('incident', incident(), { actor: system });
      const same = await fw.records.updateOne('incident', r.id as string, { state: 'new' }, { actor: system });
      expect(same.version).to.equal(1);
      const err = await expectError(fw.records.updateOne('incident', r.id as string, { short_description: '' }, { actor: system }), 'validation_failed');
      expect(err.fieldErrors[0]).to.include({ field: 'short_description', code: 'required' });
    });

    it('keeps an inactive choice already held but refuses it as a new value', async () => {
      const a = await fw.records.createOne('asset', { serial: 'IN-1' }, { actor: system });
      await expectError(fw.records.updateOne('asset', a.id as string, { tags: ['old'] }, { actor: system }), 'validation_failed');
      await fw.db.knex('asset').where({ id: a.id }).update({ tags: JSON.stringify(['old']) });
      const u = await fw.records.updateOne('asset', a.id as string, { tags: ['old', 'spare'] }, { actor: system });
      expect(u.tags).to.deep.equal(['old', 'spare']);
    });

    it('updates many records in one transaction', async () => {
      const made = await fw.records.createMany('task', [{ short_description: 'm1' }, { short_description: 'm2' }], { actor: system });
      const ids = made.map((r) => r.id as string);
      const out = await fw.records.updateMany('task', ids, { state: 'closed' }, { actor: system });
      expect(out.map((r) => r.state)).to.deep.equal(['closed', 'closed']);
      await expectError(fw.records.updateMany('task', [ids[0]!, '018f0000-0000-7000-8000-0000000000ff'], { state: 'new' }, { actor: system }), 'not_found');
      expect((await fw.records.readOne('task', ids[0]!, { actor: system })).state).to.equal('closed');
    });
  });

  describe('journal fields', () => {
    it('appends comments and work notes without a column, newest first', async () => {
      const r = await fw.records.createOne('incident', incident({ comments: 'first' }), { actor: system });
      clock.advance(1000);
      await fw.records.updateOne('incident', r.id as string, { work_notes: 'internal', comments: 'second' }, { actor: system });
      const all = await fw.records.journal('incident', r.id as string, { actor: system });
      expect(all.map((e) => [e.field, e.entryType, e.body])).to.have.deep.members([
        ['comments', 'comment', 'second'], ['work_notes', 'work_note', 'internal'], ['comments', 'comment', 'first'],
      ]);
      expect(all[2]!.body).to.equal('first');
      const notes = await fw.records.journal('incident', r.id as string, { actor: system, field: 'work_notes' });
      expect(notes.map((e) => e.body)).to.deep.equal(['internal']);
      expect(await fw.records.readOne('incident', r.id as string, { actor: system })).not.to.have.property('comments');
    });
  });

  describe('extends', () => {
    it('returns subtypes from the parent and only own rows from the child', async () => {
      const t = await fw.records.createOne('task', { short_description: 'plain task' }, { actor: system });
      const i = await fw.records.createOne('incident', incident({ short_description: 'child row' }), { actor: system });
      const onParent = await fw.records.query('task', { filter: { fact: 'record.id', operator: 'in', value: [t.id, i.id] } }, { actor: system });
      expect(onParent.records.map((r) => r.class).sort()).to.deep.equal(['incident', 'task']);
      const onChild = await fw.records.query('incident', { filter: { fact: 'record.id', operator: 'in', value: [t.id, i.id] } }, { actor: system });
      expect(onChild.records.map((r) => r.id)).to.deep.equal([i.id]);
      await expectError(fw.records.readOne('incident', t.id as string, { actor: system }), 'not_found');
      expect((await fw.records.readOne('task', i.id as string, { actor: system })).class).to.equal('incident');
    });

    it('resolves three levels: a laptop is hardware and an asset', async () => {
      const lap = await fw.records.createOne('laptop', { serial: 'LP-2', manufacturer: 'Acme', screen_inches: 14 }, { actor: system });
      for (const t of ['asset', 'hardware', 'laptop']) {
        expect((await fw.records.readOne(t, lap.id as string, { actor: system })).id).to.equal(lap.id);
      }
      const hw = await fw.records.query('hardware', { filter: { fact: 'manufacturer', operator: 'equal', value: 'Acme' } }, { actor: system });
      expect(hw.records.map((r) => r.id)).to.include(lap.id);
      await expectError(fw.records.query('asset', { filter: { fact: 'manufacturer', operator: 'equal', value: 'Acme' } }, { actor: system }), 'unknown_field');
    });
  });

  describe('.deleteOne()', () => {
    it('deletes, keeps the audit trail, and refuses a referenced record', async () => {
      const loc = await fw.records.createOne('location', { code: 'DEL' }, { actor: system });
      const a = await fw.records.createOne('asset', { serial: 'DEL-1', location: loc.id }, { actor: system });
      await expectError(fw.records.deleteOne('location', loc.id as string, { actor: system }), 'reference_in_use');
      await expectError(fw.records.deleteOne('asset', a.id as string, { actor: system, expectedVersion: 9 }), 'conflict');
      await fw.records.deleteOne('asset', a.id as string, { actor: system });
      await fw.records.deleteOne('location', loc.id as string, { actor: system });
      await expectError(fw.records.readOne('asset', a.id as string, { actor: system }), 'not_found');
      const trail = await fw.db.knex('sys_audit').where({ record_id: a.id, operation: 'delete' });
      expect(trail).to.have.length(1);
    });
  });

  describe('access', () => {
    it('denies by default and honours role grants, including inherited tables', async () => {
      const nobody = userActor([]);
      await expectError(fw.records.query('incident', {}, { actor: nobody }), 'forbidden');
      const agent = userActor(['agent']);
      const r = await fw.records.createOne('incident', incident(), { actor: agent });
      await expectError(fw.records.deleteOne('incident', r.id as string, { actor: agent }), 'forbidden');
      await fw.records.deleteOne('incident', r.id as string, { actor: userActor(['admin']) });
    });
  });
});

import { expect } from 'chai';
import { createTestEngine, fixture, CORE_DEFINITIONS, userActor, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';
import type { Actor, RecordData } from '../../../platform/records/types.js';
import { defaultFormOf, formsFor } from '../../../platform/rules/data-policy.js';

describe('data policies (UI policies enforced by the record service)', () => {
  let fw: TestEngine;
  let user: Actor;
  const clock = steppingClock();
  const create = (data: RecordData, form?: string) => fw.records.createOne('rt_case', data, { actor: user, form });
  const read = (id: unknown) => fw.records.readOne('rt_case', id as string, { actor: fw.systemActor });
  const fieldErrors = (e: { fieldErrors: { field: string; code: string }[] }) => e.fieldErrors.map((f) => `${f.field}:${f.code}`);

  before(async () => {
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS, fixture('packs/rules')], clock });
    user = userActor(['rt_user'], { username: 'pat' });
  });
  after(async () => { await fw.dispose(); });

  describe('which forms apply', () => {
    it('takes the form named like the table, else the only form of the table, else none', () => {
      const registry = fw.registry.current;
      expect(defaultFormOf(registry, 'rt_case')?.name).to.equal('rt_case');
      expect(defaultFormOf(registry, 'incident')?.name).to.equal('incident');
      expect(defaultFormOf(registry, 'rt_child')).to.equal(null);
      expect(formsFor(registry, registry.getTable('rt_case'), 'rt_case_triage').map((f) => f.name)).to.deep.equal(['rt_case', 'rt_case_triage']);
      expect(formsFor(registry, registry.getTable('rt_case'), 'rt_case').map((f) => f.name)).to.deep.equal(['rt_case']);
    });

    it('refuses a form that does not exist or belongs to another table', async () => {
      await expectError(create({ title: 'x' }, 'nope'), 'invalid_query');
      await expectError(create({ title: 'x' }, 'incident'), 'invalid_query');
      // A form of a table the record's table extends is fine.
      const child = await fw.records.createOne('rt_child', { title: 'child' }, { actor: user, form: 'rt_case' });
      expect(child.title).to.equal('child');
    });
  });

  describe('hidden fields', () => {
    it('discards a value sent for a field hidden by policy on create (the field gets its default)', async () => {
      const r = await create({ title: 'Hidden', kind: 'simple', sites: 4, secret_note: 'psst' });
      expect(r.sites).to.equal(null);
      expect(r.secret_note).to.equal(null);
      expect((await read(r.id)).sites).to.equal(null);
      const history = await fw.records.history('rt_case', r.id as string, { actor: fw.systemActor });
      expect(history.map((h) => h.field)).to.not.include('sites');
    });

    it('keeps the stored value of a field hidden by policy on update', async () => {
      const r = await create({ title: 'Was an outage', kind: 'outage', status: 'active', sites: 5 });
      expect(r.sites).to.equal(5);
      const u = await fw.records.updateOne('rt_case', r.id as string, { kind: 'simple', sites: 9 }, { actor: user });
      expect(u).to.include({ kind: 'simple', sites: 5 });
      expect((await read(r.id)).sites).to.equal(5);
    });

    it('evaluates the policies again without the discarded value', async () => {
      // secret_note is hidden on a new case; a value sent for it cannot make anything else appear.
      const r = await create({ title: 'x', status: 'new', secret_note: 'ignored', detail: 'kept' });
      expect(r).to.include({ secret_note: null, detail: 'kept' });
    });
  });

  describe('mandatory fields', () => {
    it('refuses an empty field mandatory by policy with 422 validation_failed, code required', async () => {
      const e = await expectError(create({ title: 'Outage', kind: 'outage', status: 'active' }), 'validation_failed');
      expect(fieldErrors(e)).to.deep.equal(['sites:required']);
      expect(e.fieldErrors[0]!.message).to.equal('Sites is required.');
      expect(e.status).to.equal(422);
    });

    it('reports policy errors together with the other field errors, in field order', async () => {
      const e = await expectError(create({ kind: 'complex', sites: 'many' }), 'validation_failed');
      expect(fieldErrors(e)).to.deep.equal(['title:required', 'detail:required']);
      const e2 = await expectError(create({ title: 'x', kind: 'outage', status: 'active', detail: 7 }), 'validation_failed');
      expect(fieldErrors(e2)).to.deep.equal(['sites:required', 'detail:type']);
    });

    it('refuses clearing a mandatory field on update, and an update that makes an empty field mandatory', async () => {
      const r = await create({ title: 'x', kind: 'complex', detail: 'd' });
      const e = await expectError(fw.records.updateOne('rt_case', r.id as string, { detail: null }, { actor: user }), 'validation_failed');
      expect(fieldErrors(e)).to.deep.equal(['detail:required']);
      const s = await create({ title: 'simple' });
      const e2 = await expectError(fw.records.updateOne('rt_case', s.id as string, { kind: 'outage', status: 'active' }, { actor: user }), 'validation_failed');
      expect(fieldErrors(e2)).to.deep.equal(['sites:required']);
      expect((await read(s.id)).version).to.equal(1);
    });

    it('counts a journal field as filled when the submission adds an entry', async () => {
      const r = await create({ title: 'triage', detail: 'd' }, 'rt_case_triage');
      const e = await expectError(fw.records.updateOne('rt_case', r.id as string, { status: 'resolved' }, { actor: user, form: 'rt_case_triage' }), 'validation_failed');
      expect(fieldErrors(e)).to.deep.equal(['notes:required']);
      const u = await fw.records.updateOne('rt_case', r.id as string, { status: 'resolved', notes: 'Fixed the cable' }, { actor: user, form: 'rt_case_triage' });
      expect(u.status).to.equal('resolved');
    });
  });

  describe('read-only fields', () => {
    it('refuses a change to a field read-only by policy (422, code read_only)', async () => {
      const e = await expectError(create({ title: 'x', status: 'closed', locked_code: 'L1' }), 'validation_failed');
      expect(fieldErrors(e)).to.deep.equal(['locked_code:read_only']);
      const r = await create({ title: 'x', status: 'active', detail: 'd', locked_code: 'L1' });
      await fw.records.updateOne('rt_case', r.id as string, { status: 'closed' }, { actor: user });
      const e2 = await expectError(fw.records.updateOne('rt_case', r.id as string, { locked_code: 'L2' }, { actor: user }), 'validation_failed');
      expect(fieldErrors(e2)).to.deep.equal(['locked_code:read_only']);
      // Sending the value it already has is not a change.
      const same = await fw.records.updateOne('rt_case', r.id as string, { locked_code: 'L1', detail: 'more' }, { actor: user });
      expect(same).to.include({ locked_code: 'L1', detail: 'more' });
    });

    it('judges read-only on the record as submitted: closing and changing the code at once is refused', async () => {
      const r = await create({ title: 'x', status: 'active', detail: 'd', locked_code: 'L1' });
      const e = await expectError(fw.records.updateOne('rt_case', r.id as string, { status: 'closed', locked_code: 'L9' }, { actor: user }), 'validation_failed');
      expect(fieldErrors(e)).to.deep.equal(['locked_code:read_only']);
    });
  });

  describe('value actions and reverse', () => {
    it('sets the value a value action gives, whatever the client sent', async () => {
      const r = await create({ title: 'Outage', kind: 'outage', status: 'active', sites: 1, category: 'b' });
      expect(r.category).to.equal('a');
      const u = await fw.records.updateOne('rt_case', (await create({ title: 's', category: 'b' })).id as string, { kind: 'outage', status: 'active', sites: 2 }, { actor: user });
      expect(u).to.include({ kind: 'outage', category: 'a', sites: 2 });
    });

    it('with reverse false, a false policy leaves the field to the others', async () => {
      // new → secret_note hidden; category b → shown (reverse false: when not b, nothing is undone).
      expect((await create({ title: 'x', status: 'new', category: 'b', secret_note: 'kept' })).secret_note).to.equal('kept');
      expect((await create({ title: 'x', status: 'new', category: 'a', secret_note: 'dropped' })).secret_note).to.equal(null);
      expect((await create({ title: 'x', status: 'active', category: 'a', secret_note: 'kept' })).secret_note).to.equal('kept');
    });
  });

  describe('the named form and the default form', () => {
    it('applies the named form\'s policies as well as the default form\'s', async () => {
      const e = await expectError(create({ title: 'needs detail' }, 'rt_case_triage'), 'validation_failed');
      expect(fieldErrors(e)).to.deep.equal(['detail:required']);
      expect((await create({ title: 'no form, no detail needed' })).detail).to.equal(null);
      // The default form still hides sites on a simple case although the triage form shows it.
      const r = await create({ title: 'triage', detail: 'd', sites: 3 }, 'rt_case_triage');
      expect(r.sites).to.equal(null);
    });
  });

  describe('who', () => {
    it('does not apply data policies to the system actor (seeding, jobs, rules)', async () => {
      const r = await fw.records.createOne('rt_case', { title: 'system', kind: 'simple', sites: 4 }, { actor: fw.systemActor });
      expect(r.sites).to.equal(4);
    });

    it('enforces the core incident form\'s policy for users', async () => {
      const admin = userActor(['admin']);
      const e = await expectError(fw.records.createOne('incident', { short_description: 'Down', category: 'connectivity', symptoms: ['outage'] }, { actor: admin }), 'validation_failed');
      expect(fieldErrors(e)).to.deep.equal(['affected_sites:required']);
      const r = await fw.records.createOne('incident', { short_description: 'Slow', category: 'software', symptoms: ['slow'], affected_sites: 3 }, { actor: admin });
      expect(r.affected_sites).to.equal(null);
    });

    it('numbers batch errors by record', async () => {
      const e = await expectError(fw.records.createMany('rt_case', [{ title: 'ok' }, { title: 'outage', kind: 'outage', status: 'active' }], { actor: user }), 'validation_failed');
      expect(fieldErrors(e)).to.deep.equal(['1.sites:required']);
    });
  });
});

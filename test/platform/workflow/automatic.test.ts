/**
 * The definition format of issue 9 at run time, on the auto-flow pack (test/fixtures/packs/auto-flow): transitions
 * made by themselves on a condition (`when`), chained up to a limit; an approver's comment reaching the transition
 * (required where the transition requires one, copied into a field by its actions); readable required-field
 * messages; rule `else` actions; and values a UI policy discarded reported in the API's answer (`meta.discarded`).
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { serve, type RunningServer } from '../../support/auth.js';
import { expectError } from '../../support/errors.js';
import { steppingClock, type TestEngine } from '../../support/engine.js';
import { apiClient, events, person, read, svc, workflowEngine, type Call, type Person } from './support.js';

const PACK = fileURLToPath(new URL('../../fixtures/packs/auto-flow/', import.meta.url));

describe('workflow: automatic transitions, approval comments, else actions and discarded values', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let agent: Person;
  let approver: Person;
  let api: Call;
  const clock = steppingClock('2026-12-07T09:00:00.000Z');

  before(async () => {
    fw = await workflowEngine({ roots: [PACK], clock });
    agent = await person(fw, ['af_agent'], 'ORG_A');
    approver = await person(fw, ['af_approver'], 'ORG_A');
    server = await serve(fw);
    api = await apiClient(fw, server, agent);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const claim = async (values: Record<string, unknown> = {}) => fw.records.createOne('af_claim', { title: 'Broken window', amount: 10, ...values }, { actor: agent.actor });
  const notes = async (id: unknown) => (await fw.records.journal('af_claim', String(id), { actor: fw.systemActor, field: 'notes' })).map((n) => n.body);
  /** A claim in review, with its open approval request. */
  const inReview = async () => {
    const c = await claim();
    await fw.records.updateOne('af_claim', String(c.id), { owner: agent.username, checked: true }, { actor: agent.actor });
    await svc(fw).transition('af_claim', String(c.id), 'verify', { fields: { evidence: 'receipt.pdf' } }, agent.actor);
    const [request] = await svc(fw).approvals.list('af_claim', String(c.id), approver.actor);
    expect(request).to.include({ status: 'requested', approval: 'claim_ok' });
    return { id: String(c.id), approvalId: request!.id };
  };

  describe('when', () => {
    it('makes the transition by itself after a write that makes its condition true, as the system acting for the writer', async () => {
      const c = await claim();
      const taken = await fw.records.updateOne('af_claim', String(c.id), { owner: agent.username }, { actor: agent.actor });
      expect(taken.status).to.equal('new');
      expect(await read(fw, c.id, 'af_claim')).to.include({ status: 'taken', owner: agent.username });
      const moves = await events(fw, c.id, 'workflow.transition');
      expect(moves.map((e) => [e.payload.transition, e.payload.from, e.payload.to, e.actor_name])).to.deep.equal([['taken', 'new', 'taken', agent.username]]);
      const history = await fw.records.history('af_claim', String(c.id), { actor: fw.systemActor });
      expect(history.filter((h) => h.field === 'status' && h.version > 1).map((h) => [h.oldValue, h.newValue, h.changedBy])).to.deep.equal([['new', 'taken', `workflow:when.taken for ${agent.username}`]]);

      // The way back, with the transition's journal action.
      await fw.records.updateOne('af_claim', String(c.id), { owner: null }, { actor: agent.actor });
      expect(await read(fw, c.id, 'af_claim')).to.include({ status: 'new', owner: null });
      expect(await notes(c.id)).to.include(`Released by ${agent.username}.`);
    });

    it('is never offered to people nor made on request', async () => {
      const c = await claim();
      const offered = await svc(fw).allowed('af_claim', String(c.id), agent.actor);
      expect(offered.transitions.map((t) => t.name)).to.deep.equal(['loop']);
      await expectError(svc(fw).transition('af_claim', String(c.id), 'taken', {}, agent.actor), 'invalid_transition');
    });

    it('chains one automatic transition per write: the transition\'s own write may set off the next', async () => {
      const c = await claim();
      await fw.records.updateOne('af_claim', String(c.id), { owner: agent.username, checked: true }, { actor: agent.actor });
      expect(await read(fw, c.id, 'af_claim')).to.include({ status: 'checked' });
      expect((await events(fw, c.id, 'workflow.transition')).map((e) => e.payload.transition)).to.deep.equal(['taken', 'checked']);
    });

    it('refuses a chain longer than the limit with rule_depth_exceeded and changes nothing', async () => {
      const ok = await claim({ title: 'spin' });
      await fw.records.updateOne('af_claim', String(ok.id), { title: 'still' }, { actor: agent.actor });
      await svc(fw).transition('af_claim', String(ok.id), 'loop', {}, agent.actor);
      expect(await read(fw, ok.id, 'af_claim')).to.include({ status: 'loop_a' });

      const c = await claim({ title: 'spin' });
      const e = await expectError(svc(fw).transition('af_claim', String(c.id), 'loop', {}, agent.actor), 'rule_depth_exceeded');
      expect(e.extra).to.include({ transition: 'loop_de', limit: 3 });
      expect(await read(fw, c.id, 'af_claim')).to.include({ status: 'new' });
      expect(await events(fw, c.id, 'workflow.transition')).to.deep.equal([]);
    });

    it('runs on both paths the same: a create can set it off too', async () => {
      const c = await claim({ owner: agent.username });
      expect(await read(fw, c.id, 'af_claim')).to.include({ status: 'taken' });
    });
  });

  describe('an approver\'s comment is the transition\'s comment', () => {
    it('refuses a rejection without a comment when the reject transition requires one (422 naming comment)', async () => {
      const { id, approvalId } = await inReview();
      const e = await expectError(svc(fw).approvals.decide('af_claim', id, approvalId, 'reject', '  ', approver.actor), 'validation_failed');
      expect(e.fieldErrors.map((f) => [f.field, f.code])).to.deep.equal([['comment', 'required']]);
      expect(await read(fw, id, 'af_claim')).to.include({ status: 'review', rejection_reason: null });
      const [request] = await svc(fw).approvals.list('af_claim', id, approver.actor);
      expect(request).to.include({ status: 'requested' });
    });

    it('gives the rejection\'s comment to the transition: its actions copy it, its event carries it, the journal has it once', async () => {
      const { id, approvalId } = await inReview();
      const decision = await svc(fw).approvals.decide('af_claim', id, approvalId, 'reject', 'No receipt for the frame', approver.actor);
      expect(decision).to.include({ outcome: 'rejected', transition: 'reject' });
      expect(await read(fw, id, 'af_claim')).to.include({ status: 'rejected', rejection_reason: 'No receipt for the frame' });
      const [moved] = await events(fw, id, 'workflow.transition').then((list) => list.filter((e) => e.payload.transition === 'reject'));
      expect(moved!.payload.comment).to.equal('No receipt for the frame');
      const [rejected] = await events(fw, id, 'af.rejected');
      expect(rejected!.payload).to.deep.equal({ reason: 'No receipt for the frame' });
      expect((await notes(id)).filter((n) => n.includes('No receipt for the frame'))).to.deep.equal([`Rejected (claim_ok) by ${approver.username}: No receipt for the frame`]);
    });

    it('does the same for an approval', async () => {
      const { id, approvalId } = await inReview();
      await expectError(svc(fw).approvals.decide('af_claim', id, approvalId, 'approve', undefined, approver.actor), 'validation_failed');
      await svc(fw).approvals.decide('af_claim', id, approvalId, 'approve', 'Paid in full', approver.actor);
      expect(await read(fw, id, 'af_claim')).to.include({ status: 'approved', approval_note: 'Paid in full' });
    });
  });

  it('says which field a transition needs, and for which transition, in a sentence', async () => {
    const c = await claim();
    await fw.records.updateOne('af_claim', String(c.id), { owner: agent.username, checked: true }, { actor: agent.actor });
    const e = await expectError(svc(fw).transition('af_claim', String(c.id), 'verify', {}, agent.actor), 'validation_failed');
    expect(e.fieldErrors).to.deep.equal([{ field: 'evidence', code: 'required', message: '"Supporting documents" is needed to make the "Documents verified" transition.' }]);
  });

  it('runs a rule\'s else actions when its condition is false', async () => {
    const small = await claim({ amount: 50 });
    expect(small.size).to.equal('small');
    expect(await notes(small.id)).to.deep.equal(['Small claim of 50.']);
    const large = await claim({ amount: 5000 });
    expect(large.size).to.equal('large');
    expect(await notes(large.id)).to.deep.equal([]);
    const grown = await fw.records.updateOne('af_claim', String(small.id), { amount: 2000 }, { actor: agent.actor });
    expect(grown.size).to.equal('large');
  });

  describe('values a UI policy discarded are in the answer (meta.discarded)', () => {
    it('on create and update, naming the field, the reason and the form', async () => {
      const made = await api('POST', '/api/tables/af_claim', { title: 'Hidden secret', amount: 10, secret: 'psst' });
      expect(made.status).to.equal(201);
      expect(made.body.data.secret).to.equal(null);
      expect(made.body.meta.discarded).to.have.length(1);
      expect(made.body.meta.discarded[0]).to.include({ field: 'secret', reason: 'hidden', form: 'af_claim' });
      expect(made.body.meta.discarded[0].message).to.match(/"Secret" is hidden/);

      const patched = await api('PATCH', `/api/tables/af_claim/${String(made.body.data.id)}`, { secret: 'again', title: 'Renamed' });
      expect(patched.status).to.equal(200);
      expect(patched.body.data).to.include({ secret: null, title: 'Renamed' });
      expect(patched.body.meta.discarded.map((d: { field: string }) => d.field)).to.deep.equal(['secret']);
    });

    it('names the record of an array create, and leaves meta out when nothing was discarded', async () => {
      const many = await api('POST', '/api/tables/af_claim', [{ title: 'One', amount: 5000, secret: 'kept' }, { title: 'Two', amount: 1, secret: 'dropped' }]);
      expect(many.status).to.equal(201);
      expect(many.body.data.map((r: { secret: unknown }) => r.secret)).to.deep.equal(['kept', null]);
      expect(many.body.meta.discarded.map((d: { field: string }) => d.field)).to.deep.equal(['1.secret']);
      const plain = await api('POST', '/api/tables/af_claim', { title: 'Plain', amount: 5000, secret: 'kept' });
      expect(plain.status).to.equal(201);
      expect(plain.body).to.not.have.property('meta');
    });
  });
});

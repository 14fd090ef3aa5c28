/**
 * Queue fields are checked like the assign API, whoever writes them: the queue exists and serves the record's
 * table (a queue the workflows mention serves their tables; a queue stored only as a row serves every table keeping
 * queues), and a person's assignee holds against the queue the record ends up in. Through the record API (create,
 * PATCH) as an agent and as an administrator, the assign API, before rules, a transition's actions, the system and
 * data files. Fixtures: the workflow test pack (wf_ticket, ticket_flow: triage, netops, delivery, archive…) and
 * ./queue-pack (qp_order with order_flow, whose queue is orders_desk; rules routing tickets by category).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seed } from '../../../platform/data/seed.js';
import { loadRegistry } from '../../../platform/kinds.js';
import { createQueue, setQueueMember } from '../../../platform/workflow/index.js';
import { serve, type RunningServer } from '../../support/auth.js';
import { createTestEngine, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';
import { apiClient, PACK, person, read, workflowEngine, type Call, type Person } from './support.js';

const QUEUE_PACK = fileURLToPath(new URL('./queue-pack/', import.meta.url));

describe('workflow: queue fields are checked like the assign API', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let agent: Person;
  let agent2: Person;
  let admin: Person;
  let as: Record<'agent' | 'admin', Call>;

  before(async () => {
    fw = await workflowEngine({ roots: [PACK, QUEUE_PACK], clock: steppingClock('2026-12-07T10:00:00.000Z') });
    agent = await person(fw, ['wf_agent'], 'ORG_A');
    agent2 = await person(fw, ['wf_agent'], 'ORG_A');
    admin = await person(fw, ['wf_admin', 'qp_clerk'], 'ORG_A');
    // A queue only stored as a row (no workflow names it): it serves every table keeping queues. Its member is agent2.
    await createQueue(fw, fw.systemActor, { name: 'experts', label: 'Experts' });
    await setQueueMember(fw, fw.systemActor, 'experts', agent2.username, true);
    server = await serve(fw);
    as = { agent: await apiClient(fw, server, agent), admin: await apiClient(fw, server, admin) };
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const tickets = '/api/tables/wf_ticket';
  const create = async (call: Call, values: Record<string, unknown> = {}) => {
    const r = await call('POST', tickets, { title: 'Queue probe', ...values });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.data as Record<string, unknown>;
  };
  /** The 422 answer's one field error (the problem's code is validation_failed). */
  const refusal = (r: { status: number; body: any }) => {
    expect(r.status, JSON.stringify(r.body)).to.equal(422);
    expect(r.body.code).to.equal('validation_failed');
    expect(r.body.errors).to.have.length(1);
    return r.body.errors[0] as { field: string; code: string; message: string };
  };

  for (const who of ['agent', 'admin'] as const) {
    describe(`as ${who === 'agent' ? 'an agent' : 'an administrator'}`, () => {
      it('refuses a create naming a queue that does not exist', async () => {
        const before = Number((await fw.db.knex(fw.registry.current.getTable('wf_ticket').physical).count({ n: '*' }).first())!.n);
        const e = refusal(await as[who]('POST', tickets, { title: 'Lost', queue: 'no_such_queue' }));
        expect(e).to.deep.equal({ field: 'queue', code: 'unknown_queue', message: 'There is no queue "no_such_queue".' });
        const after = Number((await fw.db.knex(fw.registry.current.getTable('wf_ticket').physical).count({ n: '*' }).first())!.n);
        expect(after).to.equal(before);
      });

      it('refuses a create naming another table\'s queue', async () => {
        const e = refusal(await as[who]('POST', tickets, { title: 'Misfiled', queue: 'orders_desk' }));
        expect(e).to.include({ field: 'queue', code: 'queue_not_for_table' });
        expect(e.message).to.equal('Queue "orders_desk" does not take Ticket records; it serves "Order".');
      });

      it('refuses an update to a queue that does not exist or serves another table, and changes nothing', async () => {
        const t = await create(as[who]);
        expect(refusal(await as[who]('PATCH', `${tickets}/${String(t.id)}`, { queue: 'no_such_queue' }))).to.include({ field: 'queue', code: 'unknown_queue' });
        expect(refusal(await as[who]('PATCH', `${tickets}/${String(t.id)}`, { queue: 'orders_desk' }))).to.include({ field: 'queue', code: 'queue_not_for_table' });
        expect(await read(fw, t.id)).to.include({ queue: 'triage', version: t.version });
      });

      it('accepts the table\'s own queues and shared ones, on create and update', async () => {
        const t = await create(as[who], { queue: 'netops' });
        expect(t.queue).to.equal('netops');
        const r = await as[who]('PATCH', `${tickets}/${String(t.id)}`, { queue: 'experts' });
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        expect((await read(fw, t.id)).queue).to.equal('experts');
      });
    });
  }

  it('holds the assignee to the queue the record ends up in: moving a record keeps no non-member as assignee', async () => {
    const t = await create(as.agent, { assignee: agent.username });
    const moved = await as.agent('PATCH', `${tickets}/${String(t.id)}`, { queue: 'experts' });
    expect(refusal(moved)).to.include({ field: 'assignee', code: 'not_member' });
    expect(await read(fw, t.id)).to.include({ queue: 'triage', assignee: agent.username });
    const ok = await as.agent('PATCH', `${tickets}/${String(t.id)}`, { queue: 'experts', assignee: agent2.username });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(await read(fw, t.id)).to.include({ queue: 'experts', assignee: agent2.username });
  });

  it('the assign API refuses another table\'s queue with the same sub-code, on its "queue" field, administrators too', async () => {
    const t = await create(as.admin);
    const path = `${tickets}/${String(t.id)}/assign`;
    expect(refusal(await as.admin('POST', path, { queue: 'orders_desk' }))).to.include({ field: 'queue', code: 'queue_not_for_table' });
    expect(refusal(await as.admin('POST', path, { queue: 'no_such_queue' }))).to.include({ field: 'queue', code: 'unknown_queue' });
    const ok = await as.admin('POST', path, { queue: 'netops' });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(ok.body.data).to.include({ queue: 'netops' });
  });

  it('checks the queue a before rule sets, whoever writes (people and the system)', async () => {
    expect(refusal(await as.agent('POST', tickets, { title: 'Ruled', category: 'misroute' }))).to.include({ field: 'queue', code: 'queue_not_for_table' });
    expect(refusal(await as.admin('POST', tickets, { title: 'Ruled', category: 'lost' }))).to.include({ field: 'queue', code: 'unknown_queue' });
    const e = await expectError(fw.records.createOne('wf_ticket', { title: 'Ruled', category: 'misroute' }, { actor: fw.systemActor }), 'validation_failed');
    expect(e.fieldErrors).to.deep.equal([{ field: 'queue', code: 'queue_not_for_table', message: 'Queue "orders_desk" does not take Ticket records; it serves "Order".' }]);
    // A rule routing to a queue that serves the table is fine.
    expect((await create(as.agent, { category: 'expert' })).queue).to.equal('experts');
  });

  it('checks the system\'s own writes: no record goes into a queue that does not exist', async () => {
    await expectError(fw.records.createOne('wf_ticket', { title: 'System', queue: 'ghost_queue' }, { actor: fw.systemActor }), 'validation_failed');
    const t = await fw.records.createOne('wf_ticket', { title: 'System' }, { actor: fw.systemActor });
    const e = await expectError(fw.records.updateOne('wf_ticket', String(t.id), { queue: 'orders_desk' }, { actor: fw.systemActor }), 'validation_failed');
    expect(e.fieldErrors[0]).to.include({ field: 'queue', code: 'queue_not_for_table' });
  });

  it('checks the queue a transition\'s actions set', async () => {
    const order = async (routeTo: string) => {
      const r = await as.admin('POST', '/api/tables/qp_order', { title: 'Order', route_to: routeTo });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body.data).to.include({ state: 'new', queue: 'orders_desk' });
      return r.body.data.id as string;
    };
    const send = (id: string) => as.admin('POST', `/api/tables/qp_order/${id}/transitions/send`, {});
    expect(refusal(await send(await order('triage')))).to.include({ field: 'queue', code: 'queue_not_for_table' });
    expect(refusal(await send(await order('ghost_queue')))).to.include({ field: 'queue', code: 'unknown_queue' });
    const id = await order('experts');
    const ok = await send(id);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(await read(fw, id, 'qp_order')).to.include({ state: 'sent', queue: 'experts' });
  });

  describe('data files', () => {
    const dirs: string[] = [];
    after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
    /** A folder with one data file of qp_order records, and what `formwork validate` says about it with the packs. */
    const lint = async (records: Record<string, unknown>[], queues?: { name: string; label: string }[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'formwork-queue-data-'));
      dirs.push(dir);
      mkdirSync(join(dir, 'data'));
      writeFileSync(join(dir, 'data', 'qp_orders.json'), JSON.stringify({ kind: 'data', name: 'qp_orders', table: 'qp_order', key: ['title'], records, queues }));
      return (await loadRegistry([PACK, QUEUE_PACK, dir])).errors
        .filter((e) => e.file.endsWith('qp_orders.json')).map((e) => ({ pointer: e.pointer, message: e.message, expected: e.expected }));
    };

    it('formwork validate refuses a record put into another table\'s queue or one that exists nowhere, with what fits', async () => {
      expect(await lint([{ title: 'Fine' }, { title: 'Misfiled', queue: 'triage' }, { title: 'Lost', queue: 'ghost_queue' }])).to.deep.equal([
        {
          pointer: '/records/1/queue', message: 'Queue "triage" does not take Order records; it serves "Ticket".',
          expected: 'one of: orders_desk',
        },
        {
          pointer: '/records/2/queue', message: 'There is no queue "ghost_queue": it is not declared in any data file, nor named by a workflow.',
          expected: 'one of: orders_desk',
        },
      ]);
      // A queue a data file declares (no workflow names it) serves every table keeping queues.
      expect(await lint([{ title: 'Shared', queue: 'shared_desk' }], [{ name: 'shared_desk', label: 'Shared desk' }])).to.deep.equal([]);
    });

    it('seeds records into the queues that serve their table, routed by the workflow or named', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'formwork-queue-data-'));
      dirs.push(dir);
      mkdirSync(join(dir, 'data'));
      writeFileSync(join(dir, 'data', 'qp_orders.json'), JSON.stringify({
        kind: 'data', name: 'qp_orders', table: 'qp_order', key: ['title'], queues: [{ name: 'shared_desk', label: 'Shared desk' }],
        records: [{ title: 'Routed' }, { title: 'Shared', queue: 'shared_desk' }],
      }));
      const engine = await createTestEngine({ roots: [PACK, QUEUE_PACK, dir], seed: false });
      try {
        await seed(engine, { demo: false });
        const rows = await engine.records.query('qp_order', { sort: [{ field: 'title', direction: 'asc' }] }, { actor: engine.systemActor });
        expect(rows.records.map((r) => [r.title, r.queue])).to.deep.equal([['Routed', 'orders_desk'], ['Shared', 'shared_desk']]);
      } finally {
        await engine.dispose();
      }
    });
  });
});

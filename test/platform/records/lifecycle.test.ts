import { expect } from 'chai';
import type { RecordHookContext } from '../../../platform/records/hooks.js';
import { STAGES } from '../../../platform/records/lifecycle.js';
import type { Actor, RecordData } from '../../../platform/records/types.js';
import { fail } from '../../../platform/errors.js';
import { writeEvent } from '../../../platform/rules/events.js';
import { createTestEngine, fixture, CORE_DEFINITIONS, userActor, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

/** What the probe hook saw after a write of a record, inside the write's transaction (log records of this test's probes). */
interface Seen { operation: string; title: unknown; storedTitle: unknown; logsOfProbes: number }

describe('record lifecycle (runWrite)', () => {
  let fw: TestEngine;
  let user: Actor;
  let unregister: () => void;
  const clock = steppingClock();
  const seen: Seen[] = [];
  const probeIds: string[] = [];
  const isProbe = (ctx: RecordHookContext, record: RecordData) => ctx.table.name === 'rt_case' && String(record.title).includes('probe');
  const count = async (table: string, where: Record<string, unknown>) => Number((await fw.db.knex(table).where(where).count({ n: '*' }).first())!.n);

  before(async () => {
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS, fixture('packs/rules')], clock });
    user = userActor(['rt_user'], { username: 'tester' });
    // The probe changes a new record's title before the rules run, and after the write looks at what is stored
    // and at the log records the after rule `rt_log_creation` makes; it writes an event of its own.
    unregister = fw.hooks.register({
      name: 'lifecycle-probe',
      before: async (ctx, record) => {
        if (ctx.operation === 'insert' && isProbe(ctx, record)) record.title = `${String(record.title)} (hooked)`;
      },
      after: async (ctx, record) => {
        if (!isProbe(ctx, record)) return;
        probeIds.push(record.id as string);
        const stored = await ctx.trx(ctx.table.physical).where({ id: record.id }).first('title');
        const log = ctx.registry.getTable('rt_log');
        const logs = await ctx.trx(log.physical).whereIn(log.fields.get('case_ref')!.column!, probeIds).count({ n: '*' }).first();
        seen.push({ operation: ctx.operation, title: record.title, storedTitle: stored?.title ?? null, logsOfProbes: Number(logs!.n) });
        await writeEvent(ctx.trx, {
          name: 'lifecycle.probe', table: ctx.table.name, recordId: record.id as string, payload: {},
          actorId: null, actorName: 'probe', source: 'test', at: ctx.now.toISOString(),
        });
      },
    });
  });
  after(async () => {
    unregister();
    await fw.dispose();
  });
  beforeEach(() => { seen.length = 0; probeIds.length = 0; });

  it('declares its stages in the documented order, only the checks outside the transaction', () => {
    expect(STAGES.map((s) => [s.name, s.inTransaction])).to.deep.equal([
      ['check', false], ['load', true], ['before hooks', true], ['before rules', true], ['hook checks', true], ['write', true],
      ['after hooks', true], ['after rules', true],
    ]);
  });

  it('gives the hooks\' checks the record as the before rules left it, and a refusal there writes nothing', async () => {
    const checked: unknown[] = [];
    const off = fw.hooks.register({
      name: 'lifecycle-check-probe',
      check: async (ctx, record) => {
        if (!isProbe(ctx, record)) return;
        checked.push(record.summary);
        if (String(record.summary).includes('refuse')) fail('validation_failed', 'Refused by the check.', { fieldErrors: [{ field: 'summary', code: 'probe', message: 'Refused.' }] });
      },
    });
    try {
      // rt_summary (a before rule) sets the summary: the check sees the rule's value.
      const r = await fw.records.createOne('rt_case', { title: 'probe checked' }, { actor: user });
      expect(checked).to.deep.equal(['probe checked (hooked) by tester']);
      expect(r.summary).to.equal('probe checked (hooked) by tester');
      const e = await expectError(fw.records.createOne('rt_case', { title: 'probe refuse' }, { actor: user }), 'validation_failed');
      expect(e.fieldErrors[0]).to.include({ field: 'summary', code: 'probe' });
      expect(await count(fw.registry.current.getTable('rt_case').physical, { title: 'probe refuse (hooked)' })).to.equal(0);
    } finally {
      off();
    }
  });

  it('runs the before rules on the record as the before hooks left it', async () => {
    const r = await fw.records.createOne('rt_case', { title: 'probe one' }, { actor: user });
    // rt_summary (a before rule) renders the title: it sees the hook's change, and both are written together.
    expect(r).to.include({ title: 'probe one (hooked)', summary: 'probe one (hooked) by tester' });
    const [audit] = await fw.db.knex('sys_audit').where({ record_id: r.id as string });
    expect(JSON.parse(audit.changes).title).to.deep.equal([null, 'probe one (hooked)']);
  });

  it('runs the after hooks, then the after rules, on written rows, each stage over every record before the next', async () => {
    const made = await fw.records.createMany('rt_case', [{ title: 'probe a' }, { title: 'probe b' }], { actor: user });
    // Both rows were stored when the hooks ran, and no after rule had yet made a log record for either.
    expect(seen).to.deep.equal([
      { operation: 'insert', title: 'probe a (hooked)', storedTitle: 'probe a (hooked)', logsOfProbes: 0 },
      { operation: 'insert', title: 'probe b (hooked)', storedTitle: 'probe b (hooked)', logsOfProbes: 0 },
    ]);
    for (const r of made) {
      const logs = await fw.records.query('rt_log', { filter: { fact: 'case_ref', operator: 'equal', value: r.id } }, { actor: fw.systemActor });
      expect(logs.records.map((l) => l.message)).to.deep.equal([`Created ${String(r.number)}: ${String(r.title)}`]);
    }
  });

  it('runs no after stage for an update that changes nothing', async () => {
    const r = await fw.records.createOne('rt_case', { title: 'probe same' }, { actor: user });
    seen.length = 0;
    const same = await fw.records.updateOne('rt_case', r.id as string, { title: r.title }, { actor: user });
    expect(same.version).to.equal(1);
    expect(seen).to.deep.equal([]);
    await fw.records.updateOne('rt_case', r.id as string, { detail: 'changed' }, { actor: user });
    expect(seen.map((s) => s.operation)).to.deep.equal(['update']);
  });

  it('rolls back everything when an after rule fails: the row, its audit, the hooks\' and the rules\' writes', async () => {
    const e = await expectError(fw.records.createOne('rt_case', { title: 'ROLLBACK probe' }, { actor: user }), 'rule_aborted');
    expect(e.message).to.equal('Rolled back ROLLBACK probe (hooked).');
    // The after hook ran on the stored row before the rule failed…
    expect(seen).to.deep.equal([{ operation: 'insert', title: 'ROLLBACK probe (hooked)', storedTitle: 'ROLLBACK probe (hooked)', logsOfProbes: 0 }]);
    // …and nothing of the write is left: not the row, its audit, the probe's event or the log rule's record.
    const id = probeIds.at(-1)!;
    expect(await count(fw.registry.current.getTable('rt_case').physical, { id })).to.equal(0);
    expect(await count('sys_audit', { record_id: id })).to.equal(0);
    expect(await count('sys_event', { record_id: id })).to.equal(0);
    const log = fw.registry.current.getTable('rt_log');
    expect(await count(log.physical, { [log.fields.get('case_ref')!.column!]: id })).to.equal(0);
  });
});

/**
 * The SQL compiler must agree with the in-memory evaluator row for row, on SQLite and on PostgreSQL, including
 * NULLs under `not`. Each case runs as a database filter and as an in-memory evaluation over the same records.
 */
import { expect } from 'chai';
import { evaluateCondition, type Condition } from '../../../platform/conditions/index.js';
import type { Actor, RecordData } from '../../../platform/records/types.js';
import { createUser } from '../../support/auth.js';
import { createTestEngine, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

const NOW = '2026-11-22T12:00:00.000Z';
const DAY = 86_400_000;

const cases: [string, unknown][] = [
  ['equal string', { fact: 'category', operator: 'equal', value: 'hardware' }],
  ['equal null', { fact: 'assigned_to', operator: 'equal', value: null }],
  ['notEqual with NULLs', { fact: 'assigned_to', operator: 'notEqual', value: 'alice' }],
  ['notEqual null', { fact: 'caller_reference', operator: 'notEqual', value: null }],
  ['not(equal) keeps NULL rows', { not: { fact: 'assigned_to', operator: 'equal', value: 'Bob' } }],
  ['not(not(...))', { not: { not: { fact: 'assigned_to', operator: 'equal', value: 'Bob' } } }],
  ['equal is case-sensitive', { fact: 'assigned_to', operator: 'equal', value: 'bob' }],
  ['integer comparisons', { any: [{ fact: 'impact', operator: 'lessThan', value: 2 }, { fact: 'impact', operator: 'greaterThanInclusive', value: 3 }] }],
  ['not(lessThanInclusive) with NULL', { not: { fact: 'estimated_cost', operator: 'lessThanInclusive', value: 100 } }],
  ['decimal between', { fact: 'estimated_cost', operator: 'between', value: [10.5, 200] }],
  ['in / notIn', { all: [{ fact: 'priority', operator: 'in', value: ['1', '2', '3'] }, { fact: 'assigned_to', operator: 'notIn', value: ['carol'] }] }],
  ['in empty list', { fact: 'priority', operator: 'in', value: [] }],
  ['notIn empty list', { fact: 'priority', operator: 'notIn', value: [] }],
  ['contains is case-insensitive and escapes LIKE wildcards', { any: [{ fact: 'short_description', operator: 'contains', value: 'PRINTER' }, { fact: 'short_description', operator: 'contains', value: '50%' }] }],
  ['contains underscore literally', { fact: 'short_description', operator: 'contains', value: 'a_b' }],
  ['doesNotContain with NULL', { fact: 'caller_reference', operator: 'doesNotContain', value: 'r-1' }],
  ['startsWith / endsWith', { any: [{ fact: 'short_description', operator: 'startsWith', value: 'net' }, { fact: 'short_description', operator: 'endsWith', value: 'DOWN' }] }],
  ['isEmpty text (null and empty string)', { fact: 'caller_reference', operator: 'isEmpty' }],
  ['isNotEmpty text', { fact: 'caller_reference', operator: 'isNotEmpty' }],
  ['isEmpty multi-choice', { fact: 'symptoms', operator: 'isEmpty' }],
  ['multi-choice contains', { fact: 'symptoms', operator: 'contains', value: 'outage' }],
  ['multi-choice doesNotContain', { fact: 'symptoms', operator: 'doesNotContain', value: 'outage' }],
  ['not(multi-choice contains)', { not: { fact: 'symptoms', operator: 'contains', value: 'slow' } }],
  ['boolean', { fact: 'active', operator: 'equal', value: false }],
  ['date before / after', { any: [{ fact: 'due_date', operator: 'before', value: '2026-11-20' }, { fact: 'due_date', operator: 'after', value: '2026-11-25' }] }],
  ['datetime greaterThan with offset', { fact: 'opened_at', operator: 'greaterThan', value: '2026-11-19T13:00:00+01:00' }],
  ['datetime inLast 3 days', { fact: 'opened_at', operator: 'inLast', value: { amount: 3, unit: 'days' } }],
  ['datetime notInLast 3 days', { fact: 'opened_at', operator: 'notInLast', value: { amount: 3, unit: 'days' } }],
  ['date inNext 1 week', { fact: 'due_date', operator: 'inNext', value: { amount: 1, unit: 'weeks' } }],
  ['date inLast 2 days (calendar days)', { fact: 'due_date', operator: 'inLast', value: { amount: 2, unit: 'days' } }],
  ['user fact folded to a constant', { all: [{ fact: 'user.roles', operator: 'contains', value: 'agent' }, { fact: 'category', operator: 'equal', value: 'hardware' }] }],
  ['value from a user fact', { fact: 'caller_reference', operator: 'in', value: { fact: 'user.orgs' } }],
  ['nested any inside all inside not', { not: { all: [{ fact: 'active', operator: 'equal', value: true }, { any: [{ fact: 'impact', operator: 'equal', value: 1 }, { fact: 'assigned_to', operator: 'isEmpty' }] }] } }],
  ['empty all is true', { all: [] }],
  ['empty any is true, as in json-rules-engine', { any: [] }],
];

describe('conditions: SQL compilation agrees with in-memory evaluation', () => {
  let fw: TestEngine;
  let all: RecordData[];
  const actor: Actor = { kind: 'user', id: null, username: 'cond', roles: ['agent'], orgs: ['R-1', 'R-4'], orgId: null };

  before(async () => {
    const clock = steppingClock(NOW);
    fw = await createTestEngine({ clock });
    // The assignee field names people: they exist (the mixed case tests case-sensitive comparison).
    for (const username of ['alice', 'Bob', 'carol']) await createUser(fw, { username, password: null, totp: false });
    const descriptions = ['Printer jam', 'Network down', 'net slow', 'Disk 50% full', 'a_b test', 'ab test', 'Server DOWN', 'Payroll'];
    const rows: RecordData[] = [];
    for (let i = 0; i < 24; i++) {
      rows.push({
        short_description: descriptions[i % descriptions.length],
        category: ['hardware', 'software', 'connectivity'][i % 3],
        assigned_to: i % 4 === 3 ? null : ['alice', 'Bob', 'carol'][i % 3],
        priority: String((i % 4) + 1),
        impact: (i % 3) + 1,
        estimated_cost: i % 5 === 0 ? null : i * 12.25,
        caller_reference: i % 6 === 0 ? null : i % 6 === 1 ? '' : `R-${i % 5}`,
        symptoms: i % 4 === 0 ? ['outage'] : i % 4 === 1 ? ['slow', 'outage'] : i % 4 === 2 ? [] : null,
        active: i % 2 === 0,
        due_date: i % 7 === 0 ? null : new Date(Date.parse(NOW) + (i - 12) * DAY).toISOString().slice(0, 10),
        opened_at: new Date(Date.parse(NOW) - i * 7 * 3_600_000).toISOString(),
      });
    }
    await fw.records.createMany('incident', rows, { actor: fw.systemActor });
    all = (await fw.records.query('incident', { limit: 1000 }, { actor: fw.systemActor })).records;
    expect(all).to.have.length(24);
  });
  after(async () => { await fw.dispose(); });

  for (const [name, condition] of cases) {
    it(name, async () => {
      const viaSql = await fw.records.query('incident', { filter: condition as Condition, limit: 1000 }, { actor });
      const user = { id: actor.id, roles: actor.roles, orgs: actor.orgs };
      const inMemory: string[] = [];
      for (const r of all) {
        if (await evaluateCondition(condition as Condition, { record: r, user, now: NOW })) inMemory.push(r.id as string);
      }
      expect(viaSql.records.map((r) => r.id).sort(), JSON.stringify(condition)).to.deep.equal(inMemory.sort());
      expect(viaSql.total).to.equal(inMemory.length);
    });
  }

  it('folds user facts with the acting user (agent sees rows, others none)', async () => {
    const c = { all: [{ fact: 'user.roles', operator: 'contains', value: 'agent' }, { fact: 'caller_reference', operator: 'in', value: { fact: 'user.orgs' } }] } as Condition;
    const agent = await fw.records.query('incident', { filter: c, limit: 1000 }, { actor: { ...fw.systemActor, roles: ['agent'], orgs: ['R-1', 'R-4'] } });
    const expected = all.filter((r) => r.caller_reference === 'R-1' || r.caller_reference === 'R-4').length;
    expect(expected).to.be.greaterThan(0);
    expect(agent.total).to.equal(expected);
    const nobody = await fw.records.query('incident', { filter: c, limit: 1000 }, { actor: fw.systemActor });
    expect(nobody.total).to.equal(0);
  });

  it('refuses what cannot compile, naming it', async () => {
    const q = (filter: unknown) => fw.records.query('incident', { filter: filter as Condition }, { actor: fw.systemActor });
    expect((await expectError(q({ fact: 'short_description', operator: 'matches', value: '^P' }), 'invalid_query')).message).to.match(/matches/);
    expect((await expectError(q({ fact: 'state', operator: 'changes' }), 'invalid_query')).message).to.match(/changes/);
    expect((await expectError(q({ fact: 'previous.state', operator: 'equal', value: 'new' }), 'invalid_query')).message).to.match(/previous/);
    expect((await expectError(q({ fact: 'impact', operator: 'equal', value: '1' }), 'invalid_query')).message).to.match(/number/);
    expect((await expectError(q({ fact: 'opened_at', operator: 'after', value: '2026-11-20' }), 'invalid_query')).message).to.match(/date-time/);
    expect((await expectError(q({ fact: 'impact', operator: 'contains', value: '1' }), 'invalid_query')).message).to.match(/text field/);
    expect((await expectError(q({ fact: 'symptoms', operator: 'equal', value: 'x' }), 'invalid_query')).message).to.match(/multiple-choice/);
    expect((await expectError(q({ fact: 'opened_at', operator: 'inLast', value: 7 }), 'invalid_query')).message).to.match(/amount/);
    expect((await expectError(q({ fact: 'short_description', operator: 'equal', value: { fact: 'record.category' } }), 'invalid_query')).message).to.match(/two record fields/);
    const unknownOp = await expectError(q({ fact: 'impact', operator: 'sortOf', value: 1 }), 'unknown_operator');
    expect(unknownOp.message).to.match(/sortOf/);
    expect((await expectError(q({ fact: 'nope', operator: 'equal', value: 1 }), 'unknown_field')).fieldErrors?.[0]?.field).to.equal('nope');
  });

  it('binds hostile values as data', async () => {
    const q = (filter: unknown) => fw.records.query('incident', { filter: filter as Condition, limit: 1000 }, { actor: fw.systemActor });
    for (const evil of ["' OR 1=1 --", '%', '_', '\\', "'); DROP TABLE task; --", '" OR ""="']) {
      expect((await q({ fact: 'category', operator: 'equal', value: evil })).total).to.equal(0);
      expect((await q({ fact: 'caller_reference', operator: 'startsWith', value: evil })).total).to.equal(0);
      expect((await q({ fact: 'symptoms', operator: 'contains', value: evil })).total).to.equal(0);
    }
    expect((await fw.records.query('incident', { limit: 1 }, { actor: fw.systemActor })).total).to.equal(24);
  });
});

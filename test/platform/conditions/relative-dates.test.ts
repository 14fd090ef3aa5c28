/**
 * Relative-date operators (inLast, notInLast, inNext) take a whole amount from 0 to MAX_RELATIVE_AMOUNT of a unit: a
 * larger one is refused everywhere — by the lint with its pointer, by the in-memory evaluator when compiling, by the
 * SQL compiler and the list API as invalid_query naming the field — and never reaches Date arithmetic (where it
 * was a RangeError, answered 500). The largest amounts of every unit work, in SQL and in memory alike, on both
 * databases: the range is clamped to years 0001–9999. Date values in filters must be real calendar dates.
 */
import { expect } from 'chai';
import { checkCondition, compileEvaluator, evaluateCondition, OPERATORS, valueProblem, type Condition } from '../../../platform/conditions/index.js';
import { MAX_RELATIVE_AMOUNT, relativeRange } from '../../../platform/conditions/operators.js';
import type { DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import type { RecordData } from '../../../platform/records/types.js';
import { createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { createTestEngine, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

const NOW = '2026-11-22T12:00:00.000Z';
const UNITS = ['minutes', 'hours', 'days', 'weeks', 'months'] as const;
const OPS = ['inLast', 'notInLast', 'inNext'] as const;
/** Amounts out of range: the two, just past the bound, past exact integers, negative. */
const HOSTILE = [1e17, 1e308, MAX_RELATIVE_AMOUNT + 1, Number.MAX_SAFE_INTEGER, -1];

describe('conditions: relative-date amounts are bounded', () => {
  it('bounds the amount at a million of any unit, and shifts stay within years 0001–9999', () => {
    expect(MAX_RELATIVE_AMOUNT).to.equal(1_000_000);
    for (const unit of UNITS) {
      const [lo] = relativeRange(new Date(NOW), { amount: MAX_RELATIVE_AMOUNT, unit }, 'last');
      const [, hi] = relativeRange(new Date(NOW), { amount: MAX_RELATIVE_AMOUNT, unit }, 'next');
      expect(lo, unit).to.match(/^\d{4}-/);
      expect(hi, unit).to.match(/^\d{4}-/);
      expect(lo >= '0001-01-01' && hi <= '9999-12-31T23:59:59.999Z', `${unit}: ${lo} … ${hi}`).to.equal(true);
    }
    expect(relativeRange(new Date(NOW), { amount: MAX_RELATIVE_AMOUNT, unit: 'months' }, 'last')[0]).to.equal('0001-01-01T00:00:00.000Z');
    expect(relativeRange(new Date(NOW), { amount: MAX_RELATIVE_AMOUNT, unit: 'weeks' }, 'next')[1]).to.equal('9999-12-31T23:59:59.999Z');
  });

  it('refuses an amount out of range in valueProblem, the lint (with its pointer) and the evaluator, for every operator and unit', () => {
    for (const op of OPS) {
      for (const unit of UNITS) {
        for (const amount of HOSTILE) {
          const leaf = { fact: 'record.opened_at', operator: op, value: { amount, unit } };
          const what = JSON.stringify(leaf);
          const problem = valueProblem(op, leaf.value);
          expect(problem, what).to.not.equal(null);
          expect(problem!.message, what).to.match(new RegExp(`whole number of ${unit} from 0 to 1000000`));
          expect(problem!.expected, what).to.contain('from 0 to 1000000');
          const lint = checkCondition({ any: [leaf] }, { hasField: () => true });
          expect(lint.map((p) => p.pointer), what).to.deep.equal(['/any/0/value']);
          let thrown: unknown;
          try { compileEvaluator(leaf); } catch (e) { thrown = e; }
          expect(thrown, what).to.be.instanceOf(Error).and.not.be.instanceOf(RangeError);
          expect((thrown as Error).message, what).to.match(/from 0 to 1000000/);
        }
      }
    }
  });

  it('never throws from the operators themselves, whatever span or clock they are handed', () => {
    for (const op of OPS) {
      for (const amount of [...HOSTILE, Number.NaN, Infinity]) {
        for (const unit of UNITS) {
          expect(OPERATORS[op]!('2026-11-20T00:00:00Z', { now: NOW, span: { amount, unit } }), `${op} ${amount} ${unit}`).to.equal(op === 'notInLast');
        }
      }
      expect(OPERATORS[op]!('2026-11-20T00:00:00Z', { now: 'not a time', span: { amount: 1, unit: 'days' } }), op).to.equal(op === 'notInLast');
    }
  });
});

describe('conditions: relative dates and date values in queries (both databases)', () => {
  let fw: TestEngine;
  let all: RecordData[];
  let server: RunningServer;
  let token: string;

  before(async () => {
    fw = await createTestEngine({ clock: steppingClock(NOW) });
    const rows: RecordData[] = [-40_000, -400, -1, 0, 1, 400, 2_500_000].map((days, i) => ({
      short_description: `Span ${i}`,
      due_date: new Date(Date.parse(NOW) + days * 86_400_000).toISOString().slice(0, 10),
      opened_at: new Date(Date.parse(NOW) + Math.max(days, -700_000) * 60_000).toISOString(),
    }));
    rows.push({ short_description: 'First day', due_date: '0001-01-01' }, { short_description: 'Last day', due_date: '9999-12-31' });
    await fw.records.createMany('task', rows, { actor: fw.systemActor });
    all = (await fw.records.query('task', { limit: 1000 }, { actor: fw.systemActor })).records;
    const admin = await createUser(fw, { roles: ['admin'], password: null, totp: false });
    token = await createToken(fw, admin.username);
    server = await serve(fw);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const list = async (filter: unknown) => {
    const res = await fetch(`${server.url}/api/tables/task?filter=${encodeURIComponent(JSON.stringify(filter))}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() as Record<string, any> };
  };

  it('answers a huge amount with 400 invalid_query naming the field and what was expected (was 500)', async () => {
    for (const [fact, op, value] of [
      ['opened_at', 'inNext', { amount: 1e17, unit: 'days' }],
      ['opened_at', 'inLast', { amount: 1e308, unit: 'days' }],
      ['due_date', 'notInLast', { amount: 1e17, unit: 'months' }],
      ['due_date', 'inNext', { amount: MAX_RELATIVE_AMOUNT + 1, unit: 'minutes' }],
      ['now', 'inLast', { amount: 1e17, unit: 'hours' }],
    ] as const) {
      const r = await list({ all: [{ fact: 'short_description', operator: 'isNotEmpty' }, { fact, operator: op, value }] });
      expect(r.status, JSON.stringify(r.body)).to.equal(400);
      expect(r.type).to.match(/^application\/problem\+json/);
      expect(r.body.code).to.equal('invalid_query');
      expect(r.body.errors).to.have.length(1);
      expect(r.body.errors[0]).to.include({ field: fact, code: 'invalid_value' });
      expect(r.body.errors[0].message).to.match(/from 0 to 1000000/);
    }
  });

  it('runs the largest amount of every unit, with the same rows in SQL as in memory', async () => {
    for (const op of OPS) {
      for (const unit of UNITS) {
        for (const field of ['opened_at', 'due_date']) {
          const filter = { fact: field, operator: op, value: { amount: MAX_RELATIVE_AMOUNT, unit } } as Condition;
          const viaSql = await fw.records.query('task', { filter, limit: 1000 }, { actor: fw.systemActor });
          const inMemory: unknown[] = [];
          for (const r of all) if (await evaluateCondition(filter, { record: r, now: NOW })) inMemory.push(r.id);
          expect(viaSql.records.map((r) => r.id).sort(), JSON.stringify(filter)).to.deep.equal(inMemory.sort());
        }
      }
    }
    const everything = { fact: 'due_date', operator: 'inLast', value: { amount: MAX_RELATIVE_AMOUNT, unit: 'months' } } as Condition;
    const past = await fw.records.query('task', { filter: everything, limit: 1000 }, { actor: fw.systemActor });
    expect(past.records.map((r) => r.short_description)).to.include('First day');
  });

  it('refuses dates that are not calendar dates, or outside years 0001–9999, naming the field (was 500 on PostgreSQL)', async () => {
    const q = (filter: unknown) => fw.records.query('task', { filter: filter as Condition }, { actor: fw.systemActor });
    for (const [fact, op, value] of [
      ['due_date', 'equal', '2025-99-99'], ['due_date', 'before', '0000-00-00'], ['due_date', 'after', '0000-01-01'],
      ['due_date', 'between', ['2025-01-01', '2025-13-01']], ['due_date', 'equal', '2025-02-29'], ['due_date', 'in', ['2024-02-30']],
      ['opened_at', 'after', '2025-02-30T00:00:00Z'], ['opened_at', 'after', '0001-01-01T00:00:00+01:00'], ['opened_at', 'lessThan', '2025-01-01T25:00:00Z'],
    ] as const) {
      const e = await expectError(q({ fact, operator: op, value }), 'invalid_query');
      expect(e.fieldErrors.map((x) => [x.field, x.code]), `${fact} ${op} ${JSON.stringify(value)}`).to.deep.equal([[fact, 'invalid_value']]);
    }
    expect((await q({ fact: 'due_date', operator: 'equal', value: '2024-02-29' })).total).to.equal(0);
    expect((await q({ fact: 'due_date', operator: 'between', value: ['0001-01-01', '9999-12-31'] })).total).to.equal(all.length);
    expect((await q({ fact: 'opened_at', operator: 'before', value: '9999-12-31T23:59:59+14:00' })).total).to.equal(all.length);
    const r = await list({ fact: 'due_date', operator: 'equal', value: '2025-99-99' });
    expect([r.status, r.body.code, r.body.errors?.[0]?.field]).to.deep.equal([400, 'invalid_query', 'due_date']);
  });
});

describe('definitions: lint of relative-date amounts', () => {
  const ticket = { kind: 'table', name: 'ticket', fields: { title: { type: 'string' }, due: { type: 'date' }, flag: { type: 'boolean' } } };
  const build = (...docs: Record<string, unknown>[]): DefinitionError[] =>
    buildRegistry(docs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value }))).errors;
  const soon = (amount: number) => ({ fact: 'record.due', operator: 'inNext', value: { amount, unit: 'days' } });

  it('refuses a rule condition, a form policy and an SLA condition with a huge amount, with the pointer; accepts the bound', () => {
    const rule = (amount: number) => ({
      kind: 'rule', name: 'r', table: 'ticket', when: 'before', operations: ['update'], order: 1, condition: { all: [soon(amount)] },
      actions: [{ type: 'set', fields: { flag: true } }],
    });
    const form = (amount: number) => ({
      kind: 'form', name: 'ticket', table: 'ticket', sections: [{ columns: [['title', 'due']] }],
      uiPolicies: [{ condition: soon(amount), actions: [{ field: 'title', mandatory: true }] }],
    });
    const schedule = { kind: 'schedule', name: 'office', timezone: 'Europe/London', hours: { mon: [{ from: '09:00', to: '17:30' }] }, default: true };
    const sla = (amount: number) => ({
      kind: 'sla', name: 'respond', table: 'ticket', schedule: 'office', start: { not: soon(amount) },
      stop: { fact: 'record.flag', operator: 'equal', value: true }, duration: { amount: 4, unit: 'hours' },
    });
    expect(build(ticket, schedule, rule(MAX_RELATIVE_AMOUNT), form(MAX_RELATIVE_AMOUNT), sla(MAX_RELATIVE_AMOUNT))).to.deep.equal([]);
    const errors = build(ticket, schedule, rule(1e17), form(1e308), sla(MAX_RELATIVE_AMOUNT + 1));
    expect(errors.map((e) => `${e.file}#${e.pointer}`)).to.have.members([
      'rule-r.json#/condition/all/0/value', 'form-ticket.json#/uiPolicies/0/condition/value', 'sla-respond.json#/start/not/value',
    ]);
    for (const e of errors) expect(e.message).to.match(/from 0 to 1000000/);
  });
});

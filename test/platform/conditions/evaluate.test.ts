import { expect } from 'chai';
import { checkCondition, compileEvaluator, evaluateCondition, type Condition, type FactContext } from '../../../platform/conditions/index.js';

const now = '2026-11-22T12:00:00.000Z';
const ctx = (record: Record<string, unknown>, extra: Partial<FactContext> = {}): FactContext => ({ record, now, ...extra });
const ev = (c: unknown, context: FactContext) => evaluateCondition(c as Condition, context);

describe('conditions: in-memory evaluation (json-rules-engine)', () => {
  it('evaluates all / any / not with bare and record.-prefixed facts', async () => {
    const r = ctx({ state: 'new', priority: '1' });
    expect(await ev({ all: [{ fact: 'state', operator: 'equal', value: 'new' }, { fact: 'record.priority', operator: 'in', value: ['1', '2'] }] }, r)).to.equal(true);
    expect(await ev({ any: [{ fact: 'state', operator: 'equal', value: 'closed' }, { fact: 'priority', operator: 'equal', value: '4' }] }, r)).to.equal(false);
    expect(await ev({ not: { fact: 'state', operator: 'equal', value: 'closed' } }, r)).to.equal(true);
    expect(await ev({ fact: 'state', operator: 'notEqual', value: 'new' }, r)).to.equal(false);
  });

  it('treats missing values as SQL does: never equal, but notEqual / notIn / doesNotContain hold', async () => {
    const r = ctx({ a: null });
    expect(await ev({ fact: 'a', operator: 'equal', value: 'x' }, r)).to.equal(false);
    expect(await ev({ fact: 'a', operator: 'equal', value: null }, r)).to.equal(true);
    expect(await ev({ fact: 'a', operator: 'notEqual', value: 'x' }, r)).to.equal(true);
    expect(await ev({ fact: 'a', operator: 'notIn', value: ['x'] }, r)).to.equal(true);
    expect(await ev({ fact: 'a', operator: 'doesNotContain', value: 'x' }, r)).to.equal(true);
    expect(await ev({ fact: 'a', operator: 'lessThan', value: 3 }, r)).to.equal(false);
    expect(await ev({ fact: 'missing_entirely', operator: 'isEmpty' }, r)).to.equal(true);
    expect(await ev({ not: { fact: 'a', operator: 'equal', value: 'x' } }, r)).to.equal(true);
  });

  it('matches text case-insensitively for contains / startsWith / endsWith, and array membership for lists', async () => {
    const r = ctx({ t: 'Network Outage', tags: ['outage', 'slow'] });
    expect(await ev({ fact: 't', operator: 'contains', value: 'OUTAGE' }, r)).to.equal(true);
    expect(await ev({ fact: 't', operator: 'startsWith', value: 'net' }, r)).to.equal(true);
    expect(await ev({ fact: 't', operator: 'endsWith', value: 'AGE' }, r)).to.equal(true);
    expect(await ev({ fact: 'tags', operator: 'contains', value: 'slow' }, r)).to.equal(true);
    expect(await ev({ fact: 'tags', operator: 'contains', value: 'slo' }, r)).to.equal(false);
    expect(await ev({ fact: 'tags', operator: 'isEmpty' }, ctx({ tags: [] }))).to.equal(true);
    expect(await ev({ fact: 't', operator: 'isNotEmpty' }, r)).to.equal(true);
    expect(await ev({ fact: 't', operator: 'matches', value: '^Net.*age$' }, r)).to.equal(true);
  });

  it('compares numbers, dates and instants, and does not coerce between types', async () => {
    const r = ctx({ n: 5, d: '2026-11-20', at: '2026-11-22T10:00:00Z' });
    expect(await ev({ fact: 'n', operator: 'between', value: [5, 6] }, r)).to.equal(true);
    expect(await ev({ fact: 'n', operator: 'greaterThan', value: 4.5 }, r)).to.equal(true);
    expect(await ev({ fact: 'n', operator: 'equal', value: '5' }, r)).to.equal(false);
    expect(await ev({ fact: 'd', operator: 'lessThan', value: '2026-11-21' }, r)).to.equal(true);
    // The same instant written two ways is equal.
    expect(await ev({ fact: 'at', operator: 'equal', value: '2026-11-22T11:00:00.000+01:00' }, r)).to.equal(true);
    expect(await ev({ fact: 'at', operator: 'before', value: { fact: 'now' } }, r)).to.equal(true);
  });

  it('resolves relative dates against the context time', async () => {
    const span = { amount: 7, unit: 'days' };
    expect(await ev({ fact: 'at', operator: 'inLast', value: span }, ctx({ at: '2026-11-16T12:00:00.000Z' }))).to.equal(true);
    expect(await ev({ fact: 'at', operator: 'inLast', value: span }, ctx({ at: '2026-11-15T11:59:59.999Z' }))).to.equal(false);
    expect(await ev({ fact: 'at', operator: 'notInLast', value: span }, ctx({ at: null }))).to.equal(true);
    expect(await ev({ fact: 'd', operator: 'inNext', value: { amount: 1, unit: 'months' } }, ctx({ d: '2026-12-22' }))).to.equal(true);
    expect(await ev({ fact: 'd', operator: 'inNext', value: { amount: 1, unit: 'months' } }, ctx({ d: '2026-12-23' }))).to.equal(false);
    // Dates compare by calendar day: the whole first day of the window counts.
    expect(await ev({ fact: 'd', operator: 'inLast', value: span }, ctx({ d: '2026-11-15' }))).to.equal(true);
  });

  it('compares with other facts: user attributes and the time', async () => {
    const c = { all: [{ fact: 'org_id', operator: 'in', value: { fact: 'user.orgs' } }, { fact: 'user.roles', operator: 'contains', value: 'agent' }] };
    const user = { id: 'u1', roles: ['agent'], orgs: ['o1', 'o2'] };
    expect(await ev(c, ctx({ org_id: 'o2' }, { user }))).to.equal(true);
    expect(await ev(c, ctx({ org_id: 'o3' }, { user }))).to.equal(false);
    expect(await ev(c, ctx({ org_id: 'o1' }, { user: { ...user, roles: [] } }))).to.equal(false);
  });

  it('detects changes against the previous record', async () => {
    const prev = { state: 'new', tags: ['a'] };
    const changes = { fact: 'state', operator: 'changes' };
    const to = { fact: 'record.state', operator: 'changesTo', value: 'resolved' };
    const from = { fact: 'state', operator: 'changesFrom', value: 'new' };
    expect(await ev(changes, ctx({ state: 'new' }, { previous: prev }))).to.equal(false);
    expect(await ev(changes, ctx({ state: 'resolved' }, { previous: prev }))).to.equal(true);
    expect(await ev(to, ctx({ state: 'resolved' }, { previous: prev }))).to.equal(true);
    expect(await ev(to, ctx({ state: 'resolved' }, { previous: { state: 'resolved' } }))).to.equal(false);
    expect(await ev(from, ctx({ state: 'in_progress' }, { previous: prev }))).to.equal(true);
    expect(await ev({ fact: 'tags', operator: 'changes' }, ctx({ tags: ['a'] }, { previous: prev }))).to.equal(false);
    // On insert there is no previous record: a field with a value has changed.
    expect(await ev(changes, ctx({ state: 'new' }, { previous: null }))).to.equal(true);
    expect(await ev({ fact: 'note', operator: 'changes' }, ctx({ note: '' }, { previous: null }))).to.equal(false);
  });

  it('compiles once and evaluates many contexts', async () => {
    const fn = compileEvaluator({ fact: 'n', operator: 'greaterThanInclusive', value: 10 });
    const results = await Promise.all([9, 10, 11].map((n) => fn(ctx({ n }))));
    expect(results).to.deep.equal([false, true, true]);
  });

  it('checkCondition lists every unknown fact, operator and malformed value', () => {
    const fields = new Set(['state', 'opened_at']);
    const problems = checkCondition({
      all: [
        { fact: 'nope', operator: 'equal', value: 1 },
        { fact: 'state', operator: 'sortOf', value: 1 },
        { fact: 'opened_at', operator: 'inLast', value: 7 },
        { fact: 'state', operator: 'matches', value: '(' },
        { fact: 'user.shoeSize', operator: 'equal', value: 1 },
        { fact: 'previous.state', operator: 'equal', value: 'new' },
        { fact: 'state', operator: 'in', value: 'new' },
      ],
    }, { hasField: (f) => fields.has(f), compilable: true }, '/filter');
    const at = problems.map((p) => p.pointer);
    expect(at).to.include.members(['/filter/all/0/fact', '/filter/all/1/operator', '/filter/all/2/value', '/filter/all/3/operator', '/filter/all/3/value', '/filter/all/4/fact', '/filter/all/5/fact', '/filter/all/6/value']);
    expect(problems.find((p) => p.pointer === '/filter/all/3/operator')!.message).to.match(/cannot be used in a query/);
    expect(checkCondition({ fact: 'state', operator: 'changesTo', value: 'x' }, { hasField: (f) => fields.has(f), allowPrevious: true })).to.deep.equal([]);
  });
});

/**
 * A value whose shape does not fit its operator would silently never match: the lint (checkCondition), the
 * in-memory evaluator and the SQL compiler refuse the same shapes, naming what was expected.
 */
import { expect } from 'chai';
import { checkCondition, compileEvaluator, valueProblem, type Condition } from '../../../platform/conditions/index.js';
import { createTestEngine, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

const lint = (c: unknown, compilable = false) => checkCondition(c, { hasField: () => true, compilable, allowPrevious: !compilable });

/** Wrong shapes, each with a word its "expected" must contain. */
const bad: [string, Record<string, unknown>, RegExp][] = [
  ['changesTo with a list', { fact: 'record.state', operator: 'changesTo', value: ['resolved', 'closed'] }, /"in"/],
  ['changesFrom with a list', { fact: 'record.state', operator: 'changesFrom', value: ['new'] }, /previous\.state/],
  ['equal with a list', { fact: 'record.state', operator: 'equal', value: ['new'] }, /"in"/],
  ['notEqual with an object', { fact: 'record.state', operator: 'notEqual', value: { a: 1 } }, /"notIn"/],
  ['contains with a list', { fact: 'record.tags', operator: 'contains', value: ['a', 'b'] }, /"all" or "any"/],
  ['lessThan with a list', { fact: 'record.impact', operator: 'lessThan', value: [1] }, /single value/],
  ['in with a single value', { fact: 'record.state', operator: 'in', value: 'new' }, /\["new"\]/],
  ['notIn holding lists', { fact: 'record.state', operator: 'notIn', value: [['new']] }, /array of text/],
  ['between with one value', { fact: 'record.impact', operator: 'between', value: 3 }, /two values/],
  ['between with three values', { fact: 'record.impact', operator: 'between', value: [1, 2, 3] }, /two values/],
  ['inLast with a bad unit', { fact: 'record.opened_at', operator: 'inLast', value: { amount: 3, unit: 'fortnights' } }, /days/],
  ['inNext with a number', { fact: 'record.opened_at', operator: 'inNext', value: 3 }, /amount/],
  ['changes with a value', { fact: 'record.state', operator: 'changes', value: 'resolved' }, /changesTo/],
  ['isEmpty with a text value', { fact: 'record.state', operator: 'isEmpty', value: 'yes' }, /true \/ false/],
  ['equal without a value', { fact: 'record.state', operator: 'equal' }, /single value/],
];

describe('conditions: operator and value shapes', () => {
  describe('valueProblem()', () => {
    for (const [name, leaf, expected] of bad) {
      it(`refuses ${name}`, () => {
        const problem = valueProblem(String(leaf.operator), leaf.value, String(leaf.fact));
        expect(problem, name).to.not.equal(null);
        expect(problem!.expected).to.match(expected);
      });
    }

    it('accepts the shapes each operator needs', () => {
      const good: [string, unknown][] = [
        ['equal', null], ['equal', 'x'], ['equal', 3], ['equal', true], ['changesTo', 'resolved'], ['changesFrom', null],
        ['in', ['a', null]], ['notIn', []], ['between', [1, 5]], ['inLast', { amount: 7, unit: 'days' }],
        ['isEmpty', undefined], ['isNotEmpty', false], ['changes', undefined], ['matches', '^A'],
      ];
      for (const [op, value] of good) expect(valueProblem(op, value), `${op} ${JSON.stringify(value)}`).to.equal(null);
    });
  });

  describe('checkCondition() (the lint)', () => {
    it('reports the pointer of the value and suggests "changes" with "in" for changesTo with a list', () => {
      const problems = lint({ all: [{ fact: 'record.state', operator: 'changesTo', value: ['resolved', 'closed'] }] });
      expect(problems).to.have.length(1);
      expect(problems[0]!.pointer).to.equal('/all/0/value');
      expect(problems[0]!.message).to.match(/single value/);
      expect(problems[0]!.expected).to.contain('"operator": "changes"').and.contain('"operator": "in"');
    });

    it('does not check the shape of a value taken from a fact', () => {
      expect(lint({ fact: 'record.org', operator: 'in', value: { fact: 'user.orgs' } })).to.deep.equal([]);
    });

    it('names a unit that is not a unit', () => {
      const [problem] = lint({ fact: 'record.opened_at', operator: 'inLast', value: { amount: 3, unit: 'fortnights' } }, true);
      expect(problem!.message).to.match(/"fortnights"/);
    });
  });

  describe('compileEvaluator() (in memory)', () => {
    for (const [name, leaf] of bad) {
      it(`refuses ${name} when compiling`, () => {
        expect(() => compileEvaluator(leaf as unknown as Condition)).to.throw(/Expected:/);
      });
    }
  });

  describe('compileToSql() (queries)', () => {
    let fw: TestEngine;
    before(async () => { fw = await createTestEngine(); });
    after(async () => { await fw.dispose(); });

    const compilable = bad.filter(([, leaf]) => !String(leaf.operator).startsWith('change'));
    for (const [name, leaf] of compilable) {
      it(`refuses ${name} with invalid_query`, async () => {
        const field = String(leaf.fact).replace('record.', '').replace('tags', 'symptoms');
        const filter = { ...leaf, fact: field } as unknown as Condition;
        const err = await expectError(fw.records.query('incident', { filter }, { actor: fw.systemActor }), 'invalid_query');
        expect(err.message).to.match(/Expected:|needs|must be/);
      });
    }
  });
});

describe('conditions: "path" where it would be ignored', () => {
  it('is refused in queries and with the change operators, by the lint and the evaluator', () => {
    expect(lint({ fact: 'record.data', operator: 'equal', value: 'x', path: '$.a' }, true).map((p) => p.pointer)).to.deep.equal(['/path']);
    expect(lint({ fact: 'record.data', operator: 'changesTo', value: 'x', path: '$.a' }).map((p) => p.pointer)).to.deep.equal(['/path']);
    expect(lint({ fact: 'record.data', operator: 'equal', value: 'x', path: '$.a' })).to.deep.equal([]);
    expect(() => compileEvaluator({ fact: 'record.data', operator: 'changesTo', value: 'x', path: '$.a' })).to.throw(/path/);
  });
});

import { expect } from 'chai';
import type { UiPolicy } from '../../../platform/forms/types.js';
import { applyPolicies, fieldState, MAX_PASSES, mustBeFilled } from '../../../platform/rules/ui-policy.js';
import { checkTemplate, compileTemplate, lookupPath, singlePath } from '../../../platform/rules/templates.js';

const when = (field: string, value: unknown) => ({ fact: `record.${field}`, operator: 'equal', value });

describe('applyPolicies (the one implementation of UI policy semantics)', () => {
  it('applies actions when true, their opposite when false, and nothing when false with reverse false', async () => {
    const policies: UiPolicy[] = [
      { condition: when('kind', 'x'), actions: [{ field: 'a', visible: true, mandatory: true, readOnly: true }] },
      { condition: when('kind', 'x'), actions: [{ field: 'b', visible: false }], reverse: false },
    ];
    const on = await applyPolicies(policies, { kind: 'x' });
    expect(on).to.deep.include({
      visible: { a: true, b: false }, mandatory: { a: true, b: false }, readOnly: { a: true, b: false }, active: [true, true],
    });
    const off = await applyPolicies(policies, { kind: 'y' });
    expect(off).to.deep.include({
      visible: { a: false, b: true }, mandatory: { a: false, b: false }, readOnly: { a: false, b: false }, active: [false, false],
    });
  });

  it('lets a later policy override an earlier one on the same field', async () => {
    const policies: UiPolicy[] = [
      { condition: when('k', 1), actions: [{ field: 'f', visible: false }] },
      { condition: when('j', 1), actions: [{ field: 'f', visible: true }] },
    ];
    expect((await applyPolicies(policies, { k: 1, j: 1 })).visible.f).to.equal(true);
    expect((await applyPolicies(policies, { k: 1, j: 0 })).visible.f).to.equal(false);
  });

  it('starts fields given in `fields` from their table definition, which a policy cannot weaken', async () => {
    const policies: UiPolicy[] = [
      { condition: when('k', 1), actions: [{ field: 'req', mandatory: false }, { field: 'ro', readOnly: false }, { field: 'unknown', visible: false }] },
    ];
    const out = await applyPolicies(policies, { k: 1 }, { fields: { req: { required: true }, ro: { readOnly: true }, plain: {} } });
    expect(out.mandatory).to.deep.equal({ req: true, ro: false, plain: false });
    expect(out.readOnly).to.deep.equal({ req: false, ro: true, plain: false });
    expect(out.visible).to.deep.equal({ req: true, ro: true, plain: true });
  });

  it('applies value actions only while true, and evaluates again with the values they set', async () => {
    const policies: UiPolicy[] = [
      { condition: when('kind', 'outage'), actions: [{ field: 'category', value: 'a' }] },
      { condition: when('category', 'a'), actions: [{ field: 'note', visible: true, mandatory: true }] },
    ];
    const out = await applyPolicies(policies, { kind: 'outage', category: 'b' });
    expect(out.values).to.deep.equal({ category: 'a' });
    expect(out.record).to.deep.equal({ kind: 'outage', category: 'a' });
    expect(out.visible.note).to.equal(true);
    const none = await applyPolicies(policies, { kind: 'simple', category: 'b' });
    expect(none.values).to.deep.equal({});
    expect(none.visible.note).to.equal(false);
  });

  it('stops value actions that feed each other after a bounded number of passes', async () => {
    const policies: UiPolicy[] = [
      { condition: when('x', 1), actions: [{ field: 'x', value: 2 }] },
      { condition: when('x', 2), actions: [{ field: 'x', value: 1 }] },
    ];
    const out = await applyPolicies(policies, { x: 1 });
    expect(MAX_PASSES).to.equal(5);
    expect([1, 2]).to.include(out.record.x);
  });

  it('takes a policy whose condition cannot be evaluated as false, and lists it', async () => {
    const policies: UiPolicy[] = [
      { condition: { fact: 'record.k', operator: 'noSuchOperator', value: 1 }, actions: [{ field: 'f', visible: true }] },
      { condition: when('k', 1), actions: [{ field: 'g', readOnly: true }] },
    ];
    const out = await applyPolicies(policies, { k: 1 });
    expect(out.failed).to.deep.equal([0]);
    expect(out.visible.f).to.equal(false);
    expect(out.readOnly.g).to.equal(true);
  });

  it('sees the user and now facts', async () => {
    const policies: UiPolicy[] = [{ condition: { fact: 'user.roles', operator: 'contains', value: 'boss' }, actions: [{ field: 'f', readOnly: false }] }];
    expect((await applyPolicies(policies, {}, { user: { roles: ['boss'] } })).readOnly.f).to.equal(false);
    expect((await applyPolicies(policies, {}, { user: { roles: [] } })).readOnly.f).to.equal(true);
  });

  it('says which fields must be filled: mandatory, shown and editable', () => {
    expect(mustBeFilled({ visible: true, mandatory: true, readOnly: false })).to.equal(true);
    expect(mustBeFilled({ visible: false, mandatory: true, readOnly: false })).to.equal(false);
    expect(mustBeFilled({ visible: true, mandatory: true, readOnly: true })).to.equal(false);
    expect(fieldState({ visible: {}, mandatory: {}, readOnly: {}, values: {}, record: {}, active: [], failed: [] }, 'x')).to.deep.equal({ visible: true, mandatory: false, readOnly: false });
  });
});

describe('rule templates', () => {
  const ctx = { record: { title: 'A & <b>', n: 3, list: ['x'] }, previous: null, user: { username: 'ann' }, now: '2026-11-23T00:00:00.000Z' };

  it('render text without HTML escaping, and never read prototype properties', () => {
    expect(compileTemplate('{{record.title}} by {{user.username}} {{#if previous}}p{{else}}new{{/if}}')(ctx)).to.equal('A & <b> by ann new');
    expect(compileTemplate('[{{record.constructor}}{{record.__proto__}}{{lookup record "constructor"}}]')(ctx)).to.equal('[]');
  });

  it('take a single {{path}} as a typed value', () => {
    expect(singlePath('{{ record.n }}')).to.deep.equal(['record', 'n']);
    expect(singlePath('n = {{record.n}}')).to.equal(null);
    expect(lookupPath(ctx, ['record', 'n'])).to.equal(3);
    expect(lookupPath(ctx, ['record', 'constructor'])).to.equal(null);
    expect(lookupPath(ctx, ['record', 'missing', 'deeper'])).to.equal(null);
  });

  it('refuse partials, decorators, log and helpers other than the logic ones', () => {
    expect(checkTemplate('{{record.title}} {{#each record.list}}{{this}}{{/each}}')).to.equal(null);
    expect(checkTemplate('{{> header}}')).to.match(/partials/);
    expect(checkTemplate('{{log record}}')).to.match(/not an available helper/);
    expect(checkTemplate('{{helperMissing "x"}}')).to.match(/not an available helper/);
    expect(checkTemplate('{{uppercase record.title}}')).to.match(/not an available helper/);
    expect(checkTemplate('{{#if record.x}}open')).to.match(/Parse error/);
    expect(() => compileTemplate('{{> p}}')).to.throw(/not valid/);
  });
});

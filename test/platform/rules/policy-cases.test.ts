/**
 * The shared, table-driven UI policy cases (test/fixtures/policy-cases.json): each case names a form, a record and
 * the expected field states. Here they run through `applyPolicies` (the function the browser uses too) and through
 * the record service, whose observable behaviour must agree with the states:
 *   - a value sent for a hidden field is discarded; for a shown, editable one it is stored;
 *   - a shown field that is read-only refuses a new value (422 read_only);
 *   - a field that is mandatory, shown and editable refuses to be empty (422 required); otherwise emptiness is fine.
 * The browser test feeds the same file to the form in Chromium.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createTestEngine, fixture, CORE_DEFINITIONS, userActor, type TestEngine } from '../../support/engine.js';
import { FormworkError } from '../../../platform/errors.js';
import type { Condition } from '../../../platform/conditions/types.js';
import type { Actor, RecordData } from '../../../platform/records/types.js';
import { applyPolicies, mustBeFilled } from '../../../platform/rules/ui-policy.js';
import type { ResolvedField } from '../../../platform/definitions/types.js';

interface PolicyCase {
  name: string;
  form: string;
  record: RecordData;
  expected: { visible: Record<string, boolean>; mandatory: Record<string, boolean>; readOnly: Record<string, boolean> };
}

const CASES = JSON.parse(readFileSync(fixture('policy-cases.json'), 'utf8')) as PolicyCase[];

/** Fields a condition reads (probing those would change the outcome being checked). */
function conditionFields(c: Condition, out = new Set<string>()): Set<string> {
  if ('all' in c) c.all.forEach((x) => conditionFields(x, out));
  else if ('any' in c) c.any.forEach((x) => conditionFields(x, out));
  else if ('not' in c) conditionFields(c.not, out);
  else out.add(c.fact.replace(/^(record|previous)\./, '').split('.')[0]!);
  return out;
}

function probe(field: ResolvedField): unknown {
  switch (field.type) {
    case 'integer': return 7;
    case 'string': case 'text': return 'probe';
    default: throw new Error(`no probe value for ${field.type}`);
  }
}

describe('UI policy cases (shared with the browser)', () => {
  let fw: TestEngine;

  before(async () => {
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS, fixture('packs/rules')] });
  });
  after(async () => { await fw.dispose(); });

  it('has cases for more than one form', () => {
    expect(new Set(CASES.map((c) => c.form)).size).to.be.greaterThan(1);
    expect(CASES.length).to.be.greaterThanOrEqual(8);
  });

  for (const c of CASES) {
    describe(c.name, () => {
      it('applyPolicies gives the expected states', async () => {
        const form = fw.registry.current.get('form', c.form);
        const outcome = await applyPolicies(form.uiPolicies, c.record, { now: '2026-11-23T10:00:00.000Z', user: { id: null, roles: [] } });
        expect(outcome.failed).to.deep.equal([]);
        expect({ visible: outcome.visible, mandatory: outcome.mandatory, readOnly: outcome.readOnly }).to.deep.equal(c.expected);
      });

      it('the record service behaves as the states say', async () => {
        const registry = fw.registry.current;
        const form = registry.get('form', c.form);
        const table = registry.getTable(form.table);
        const actor: Actor = userActor(form.table === 'rt_case' ? ['rt_user'] : ['admin']);
        const create = (data: RecordData) => fw.records.createOne(table.name, data, { actor, form: c.form });
        const inConditions = new Set<string>();
        for (const p of form.uiPolicies ?? []) conditionFields(p.condition, inConditions);

        // The case's record itself is valid.
        await create(c.record);
        let probed = 0;
        for (const name of Object.keys(c.expected.visible)) {
          if (inConditions.has(name)) continue;
          const field = table.fields.get(name)!;
          const state = {
            visible: c.expected.visible[name]!, mandatory: c.expected.mandatory[name]!, readOnly: c.expected.readOnly[name]!,
          };
          probed += 1;

          // A value for the field.
          const value = probe(field);
          const sent = create({ ...c.record, [name]: value });
          if (state.visible && state.readOnly) {
            const e = await sent.then(() => null, (x: unknown) => x);
            expect(e, `${name}: a read-only field refuses a value`).to.be.instanceOf(FormworkError);
            expect((e as FormworkError).fieldErrors.map((f) => `${f.field}:${f.code}`)).to.include(`${name}:read_only`);
          } else {
            const r = await sent;
            expect(r[name], `${name}: ${state.visible ? 'stored' : 'discarded'}`).to.deep.equal(state.visible ? value : (field.default ?? null));
          }

          // The field left empty.
          const empty = create({ ...c.record, [name]: null });
          if (mustBeFilled(state)) {
            const e = await empty.then(() => null, (x: unknown) => x);
            expect(e, `${name}: a mandatory field refuses to be empty`).to.be.instanceOf(FormworkError);
            expect((e as FormworkError).fieldErrors.map((f) => `${f.field}:${f.code}`)).to.include(`${name}:required`);
          } else {
            const r = await empty;
            expect(r[name] ?? null).to.equal(null);
          }
        }
        expect(probed, 'some field was probed').to.be.greaterThan(0);
      });
    });
  }
});

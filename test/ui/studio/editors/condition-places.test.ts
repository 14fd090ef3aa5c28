import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { DefinitionSchema } from '../../../../ui/api/studio.js';
import { conditionPlaces, kindHasConditions, replaceAt } from '../../../../ui/studio/editors/condition-places.js';

const schema = JSON.parse(readFileSync(new URL('../../../../definitions.schema.json', import.meta.url), 'utf8')) as DefinitionSchema;
const closed = { fact: 'record.status', operator: 'equal', value: 'closed' };

describe('ui/studio/editors/condition-places', () => {
  describe('conditionPlaces()', () => {
    it('finds the conditions of a form in its UI policies and columns, named in words', () => {
      const form = {
        kind: 'form', name: 'loan', table: 'loan', label: 'Loan',
        sections: [{ columns: [['title', { field: 'reason', visibleWhen: closed }]] }],
        uiPolicies: [{ name: 'reason_on_close', description: 'Require a reason when closing', condition: closed, actions: [] }],
      };
      const places = conditionPlaces(schema, 'form', form, 'Form', 'Loan');
      expect(places.map((p) => p.title)).to.deep.equal([
        'Field \'reason\' — shown when', 'UI policy \'Require a reason when closing\' — applies when',
      ]);
      expect(places.map((p) => p.path)).to.deep.equal([['sections', 0, 'columns', 0, 1, 'visibleWhen'], ['uiPolicies', 0, 'condition']]);
      expect(places[1]!.value).to.deep.equal(closed);
    });

    it('names a workflow transition\'s guard, and offers an optional top-level condition that is not set', () => {
      const wf = {
        kind: 'workflow', name: 'loan_flow', table: 'loan', stateField: 'status',
        transitions: [{ name: 'approve', label: 'Approve', from: ['open'], to: 'closed', condition: closed }],
      };
      const titles = conditionPlaces(schema, 'workflow', wf, 'Workflow', 'Loan flow').map((p) => p.title);
      expect(titles).to.include('Transition \'Approve\' — guard');
      const rule = { kind: 'rule', name: 'escalate', label: 'Escalate', table: 'loan' };
      const [place] = conditionPlaces(schema, 'rule', rule, 'Business rule', 'Escalate');
      expect(place).to.deep.include({ title: 'Business rule \'Escalate\' — condition', value: undefined, path: ['condition'] });
    });

    it('finds none in a kind without conditions, and says which kinds have them', () => {
      expect(kindHasConditions(schema, 'form')).to.equal(true);
      expect(kindHasConditions(schema, 'report')).to.equal(false);
      expect(conditionPlaces(schema, 'nonexistent', {}, 'X', 'x')).to.deep.equal([]);
    });
  });

  describe('replaceAt()', () => {
    it('replaces the value at a path in a copy, leaving the original as it was', () => {
      const def = { kind: 'form', uiPolicies: [{ condition: closed, actions: [] }] };
      const next = replaceAt(def, ['uiPolicies', 0, 'condition'], { all: [] });
      expect(next).to.deep.equal({ kind: 'form', uiPolicies: [{ condition: { all: [] }, actions: [] }] });
      expect(def.uiPolicies[0]!.condition).to.equal(closed);
    });
  });
});

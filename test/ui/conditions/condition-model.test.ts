import { expect } from 'chai';
import type { Condition } from '../../../platform/conditions/browser.js';
import type { FieldMeta } from '../../../ui/api/types.js';
import {
  conditionOf, emptyGroup, numberedLeaves, treeOf, treeProblems, type GroupNode, type LeafNode, type ModelOptions,
} from '../../../ui/conditions/condition-model.js';
import { OPERATOR_LABELS, operatorsFor } from '../../../ui/conditions/condition-operators.js';
import { addChild, moveNode, removeNode } from '../../../ui/conditions/condition-tree.js';
import { conditionWords } from '../../../ui/conditions/condition-words.js';
import { OPERATOR_NAMES } from '../../../platform/conditions/browser.js';

const field = (name: string, type: FieldMeta['type'], label: string, more: Partial<FieldMeta> = {}): FieldMeta =>
  ({ name, type, label, required: false, readOnly: false, system: false, ...more });

const FIELDS: FieldMeta[] = [
  field('priority', 'choice', 'Priority', { choices: [{ value: '1', label: 'High' }, { value: '2', label: 'Low' }] }),
  field('state', 'choice', 'State', { choices: [{ value: 'new', label: 'New' }, { value: 'closed', label: 'Closed' }] }),
  field('assigned_to', 'reference', 'Assigned to', { reference: 'sys_user' }),
  field('short_description', 'string', 'Short description'),
  field('impact', 'integer', 'Impact'),
  field('opened', 'date', 'Opened'),
  field('due', 'datetime', 'Due'),
  field('urgent', 'boolean', 'Urgent'),
  field('tags', 'choice', 'Tags', { multiple: true, choices: [{ value: 'a', label: 'A' }] }),
];

let n = 0;
const opts = (mode: ModelOptions['mode'] = 'condition'): ModelOptions => ({ fields: FIELDS, mode, nextKey: () => ++n });
const roundTrip = (c: Condition, mode: ModelOptions['mode'] = 'condition') => conditionOf(treeOf(c, opts(mode)), FIELDS);

describe('ui/conditions/condition-model', () => {
  describe('treeOf() and conditionOf()', () => {
    it('reads nested all / any / not groups into a tree and writes the same condition back', () => {
      const c: Condition = {
        all: [
          { fact: 'record.priority', operator: 'equal', value: '1' },
          { any: [{ fact: 'record.state', operator: 'equal', value: 'new' }, { fact: 'record.assigned_to', operator: 'isEmpty' }] },
          { not: { all: [{ fact: 'record.urgent', operator: 'equal', value: true }] } },
          { not: { fact: 'record.impact', operator: 'greaterThan', value: 3 } },
        ],
      };
      const tree = treeOf(c, opts());
      expect(tree.match).to.equal('all');
      expect(tree.children.map((x) => x.type)).to.deep.equal(['leaf', 'group', 'group', 'group']);
      const notAll = tree.children[2] as GroupNode;
      expect([notAll.negated, notAll.implied]).to.deep.equal([true, false]);
      const notLeaf = tree.children[3] as GroupNode;
      expect([notLeaf.negated, notLeaf.implied]).to.deep.equal([true, true]);
      expect(conditionOf(tree, FIELDS)).to.deep.equal(c);
    });

    it('keeps a bare leaf bare, and bare field names as bare facts (list filters)', () => {
      const leaf: Condition = { fact: 'short_description', operator: 'contains', value: 'disk' };
      expect(roundTrip(leaf, 'filter')).to.deep.equal(leaf);
      expect(treeOf(leaf, opts('filter')).children[0]!.type).to.equal('leaf');
    });

    it('round-trips every operator the builder offers, for each field type', () => {
      const sample: Record<string, unknown> = {
        priority: '1', state: 'new', assigned_to: '0190c2a0-0000-7000-8000-000000000001', short_description: 'disk', impact: 3,
        opened: '2026-12-01', due: new Date(2026, 11, 1, 10, 30).toISOString(), urgent: true, tags: 'a',
      };
      let count = 0;
      for (const f of FIELDS) {
        for (const op of operatorsFor(f, 'condition')) {
          let value: unknown = sample[f.name];
          if (['isEmpty', 'isNotEmpty', 'changes'].includes(op)) value = undefined;
          else if (['inLast', 'notInLast', 'inNext'].includes(op)) value = { amount: 7, unit: 'days' };
          else if (['in', 'notIn'].includes(op)) value = ['1', '2'];
          else if (op === 'between') value = [1, 5];
          const c = { fact: `record.${f.name}`, operator: op, ...(value === undefined ? {} : { value }) } as Condition;
          const tree = treeOf(c, opts());
          expect(tree.children[0]!.type, `${f.name} ${op}`).to.equal('leaf');
          expect(conditionOf(tree, FIELDS), `${f.name} ${op}`).to.deep.equal(c);
          expect(OPERATOR_LABELS[op], op).to.be.a('string');
          count++;
        }
      }
      expect(count).to.be.greaterThan(60);
    });

    it('names every operator of the condition language in words', () => {
      for (const op of OPERATOR_NAMES) expect(OPERATOR_LABELS[op], op).to.be.a('string');
    });

    it('keeps facts it cannot show as fields as JSON leaves, written back unchanged', () => {
      const c: Condition = {
        any: [
          { fact: 'user.roles', operator: 'contains', value: 'approver' },
          { fact: 'previous.state', operator: 'equal', value: 'new' },
          { fact: 'record.assigned_to', operator: 'equal', value: { fact: 'user.id' } },
          { fact: 'record.unknown_field', operator: 'equal', value: 'x' },
          { fact: 'record.priority', operator: 'equal', value: 1 },
          { fact: 'record.state', operator: 'equal', value: 'new', ref: 'kept' } as Condition,
        ],
      };
      const tree = treeOf(c, opts());
      expect(tree.children.map((x) => x.type)).to.deep.equal(['raw', 'raw', 'raw', 'raw', 'raw', 'leaf']);
      expect(conditionOf(tree, FIELDS)).to.deep.equal(c);
    });

    it('offers a list filter only the operators a query can use', () => {
      const changes: Condition = { fact: 'state', operator: 'changes' };
      expect(treeOf(changes, opts('filter')).children[0]!.type).to.equal('raw');
      expect(operatorsFor(FIELDS[0], 'filter')).to.not.include('changes');
      expect(operatorsFor(FIELDS[0], 'condition')).to.include('changesTo');
    });

    it('leaves out blank conditions, groups of only blank ones and a JSON leaf that does not parse; keeps an empty group as written', () => {
      let tree = treeOf({ all: [{ fact: 'record.impact', operator: 'equal', value: 2 }] }, opts());
      tree = addChild(tree, tree.key, emptyGroup(() => ++n, 'condition'));
      tree = addChild(tree, tree.key, { type: 'group', key: ++n, match: 'any', negated: false, implied: false, children: [], extra: {}, notExtra: {} });
      tree = addChild(tree, tree.key, { type: 'raw', key: ++n, text: '{ not json' });
      expect(conditionOf(tree, FIELDS)).to.deep.equal({ all: [{ fact: 'record.impact', operator: 'equal', value: 2 }, { any: [] }] });
      const problems = treeProblems(tree, FIELDS);
      expect([...problems.values()]).to.deep.equal(['Enter condition 3 as a JSON object']);
    });
  });

  describe('JSON leaves being edited', () => {
    it('keep their last good condition while the text does not parse', () => {
      const c: Condition = { all: [{ fact: 'user.roles', operator: 'contains', value: 'approver' }] };
      const tree = treeOf(c, opts());
      const raw = tree.children[0]!;
      const editing = moveNode({ ...tree, children: [{ ...raw, text: '{ "fact": ' } as typeof raw] }, raw.key, 1);
      expect(conditionOf(editing, FIELDS)).to.deep.equal(c);
      expect([...treeProblems(editing, FIELDS).values()]).to.deep.equal(['Enter condition 1 as a JSON object']);
    });
  });

  describe('tree edits', () => {
    it('moves a node up and down among its siblings and removes it', () => {
      const c: Condition = { all: [{ fact: 'record.impact', operator: 'equal', value: 1 }, { fact: 'record.impact', operator: 'equal', value: 2 }] };
      const tree = treeOf(c, opts());
      const second = tree.children[1]!;
      const moved = moveNode(tree, second.key, -1);
      expect(conditionOf(moved, FIELDS)).to.deep.equal({ all: [c.all[1], c.all[0]] });
      expect(moveNode(moved, second.key, -1)).to.equal(moved);
      expect(conditionOf(removeNode(moved, second.key), FIELDS)).to.deep.equal({ all: [c.all[0]] });
    });
  });

  describe('treeProblems()', () => {
    it('says what is missing, numbering conditions in reading order', () => {
      const tree = treeOf({ all: [{ fact: 'record.impact', operator: 'equal', value: 1 }, { any: [{ fact: 'record.opened', operator: 'inLast', value: { amount: 2, unit: 'days' } }] }] }, opts());
      const inner = (tree.children[1] as GroupNode).children[0] as LeafNode;
      const broken = { ...tree, children: [tree.children[0]!, { ...(tree.children[1] as GroupNode), children: [{ ...inner, value: 'x' }] }] };
      expect([...treeProblems(broken as GroupNode, FIELDS).values()]).to.deep.equal(['Enter a whole number of days for condition 2']);
      expect(numberedLeaves(broken as GroupNode)).to.have.length(2);
    });
  });

  describe('conditionWords()', () => {
    it('says the condition in words with labels, brackets for nested groups', () => {
      const c: Condition = {
        all: [
          { fact: 'record.priority', operator: 'equal', value: '1' },
          { any: [{ fact: 'record.state', operator: 'equal', value: 'new' }, { fact: 'record.assigned_to', operator: 'isEmpty' }] },
        ],
      };
      expect(conditionWords(treeOf(c, opts()), FIELDS)).to.equal('Priority is High and (State is New or Assigned to is empty)');
    });

    it('says negations, spans, lists, and facts kept as JSON in words', () => {
      const c: Condition = {
        any: [
          { not: { fact: 'record.urgent', operator: 'equal', value: true } },
          { fact: 'record.opened', operator: 'inLast', value: { amount: 7, unit: 'days' } },
          { fact: 'record.priority', operator: 'in', value: ['1', '2'] },
          { fact: 'previous.state', operator: 'equal', value: 'new' },
          { fact: 'user.roles', operator: 'contains', value: 'approver' },
        ],
      };
      expect(conditionWords(treeOf(c, opts()), FIELDS)).to.equal(
        'Not (Urgent is Yes) or Opened is in the last 7 days or Priority is one of High or Low or State before the change is "new" '
        + 'or roles of the person contains "approver"',
      );
    });
  });
});

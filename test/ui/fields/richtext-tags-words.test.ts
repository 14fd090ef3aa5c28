/**
 * How the UI words and filters the rich text and tags field types, in Node: lists show tags as comma-separated text,
 * the filter builder offers tags the operators of a multiple choice (which the server compiles), rich text those of
 * text, and the studio names both types in words.
 */
import { expect } from 'chai';
import type { FieldMeta } from '../../../ui/api/types.js';
import { operatorsFor } from '../../../ui/conditions/condition-operators.js';
import { formatValue } from '../../../ui/format.js';
import { typeLabel } from '../../../ui/studio/editors/table-model.js';

const field = (type: FieldMeta['type'], more: Partial<FieldMeta> = {}): FieldMeta =>
  ({ name: 'f', type, label: 'F', required: false, readOnly: false, system: false, ...more });

describe('ui: rich text and tags field words', () => {
  it('shows tags as comma-separated text, and nothing for none', () => {
    expect(formatValue(field('tags'), ['Billing', 'Smart meter'])).to.equal('Billing, Smart meter');
    expect(formatValue(field('tags'), [])).to.equal('');
  });

  it('offers tags the operators of a multiple choice, and rich text those of text', () => {
    expect(operatorsFor(field('tags'), 'filter')).to.deep.equal(operatorsFor(field('choice', { multiple: true }), 'filter'));
    expect(operatorsFor(field('richtext'), 'filter')).to.deep.equal(operatorsFor(field('text'), 'filter'));
  });

  it('names both types in words in the studio', () => {
    expect(typeLabel('richtext')).to.equal('Formatted text');
    expect(typeLabel('tags')).to.equal('Tags');
  });
});

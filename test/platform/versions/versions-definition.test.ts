/**
 * A table's `versions` option as definitions: valid content fields and condition pass; unknown, system, journal and
 * encrypted content fields and a `publishedWhen` that is no condition on the record are refused with their pointers.
 * And the words a difference compares: rich text without its markup, lists joined.
 */
import { expect } from 'chai';
import { buildRegistry } from '../../../platform/kinds.js';
import type { ResolvedField } from '../../../platform/definitions/types.js';
import { diffSegments, plainValue } from '../../../platform/versions/diff.js';

type Doc = Record<string, any>;

function build(...docs: Doc[]) {
  return buildRegistry(docs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })));
}

const published = { fact: 'record.stage', operator: 'equal', value: 'live' };
const versioned = (versions: Doc): Doc => ({
  kind: 'table', name: 'page', fields: {
    title: { type: 'string' }, body: { type: 'text' }, stage: { type: 'string' },
    secret: { type: 'string', encrypted: true }, notes: { type: 'journal' },
  }, versions,
});

describe('definitions: table content versions', () => {
  it('accepts content fields of the table and a condition on the record', () => {
    const { registry, errors } = build(versioned({ fields: ['title', 'body'], publishedWhen: published }));
    expect(errors).to.deep.equal([]);
    expect(registry!.getTable('page').def.versions).to.deep.equal({ fields: ['title', 'body'], publishedWhen: published });
  });

  it('refuses unknown, system, journal and encrypted content fields', () => {
    const { errors } = build(versioned({ fields: ['title', 'nope', 'created_at', 'notes', 'secret'], publishedWhen: published }));
    expect(errors.map((e) => e.pointer)).to.deep.equal([
      '/versions/fields/1', '/versions/fields/2', '/versions/fields/3', '/versions/fields/4',
    ]);
    expect(errors[0]!.message).to.match(/"nope" is not a field/);
  });

  it('refuses a publishedWhen on unknown fields, on the previous record, or of the wrong shape', () => {
    const unknown = build(versioned({ fields: ['title'], publishedWhen: { fact: 'record.colour', operator: 'equal', value: 'x' } }));
    expect(unknown.errors.map((e) => e.pointer)).to.deep.equal(['/versions/publishedWhen/fact']);
    const previous = build(versioned({ fields: ['title'], publishedWhen: { fact: 'previous.stage', operator: 'equal', value: 'live' } }));
    expect(previous.errors).to.have.length.greaterThan(0);
    expect(previous.errors[0]!.pointer).to.match(/^\/versions\/publishedWhen/);
    const shape = build(versioned({ fields: [], publishedWhen: published }));
    expect(shape.errors.map((e) => e.pointer)).to.deep.equal(['/versions/fields']);
  });
});

describe('versions: the words a difference compares', () => {
  const field = (type: string) => ({ name: 'body', type }) as unknown as ResolvedField;

  it('compares rich text on its words, never its markup', () => {
    expect(plainValue(field('richtext'), '<p>Read the <strong>meter</strong></p><p>monthly</p>')).to.equal('Read the meter monthly');
    const segments = diffSegments(plainValue(field('richtext'), '<p>Read the meter</p>'), plainValue(field('richtext'), '<p>Read the <em>gas</em> meter</p>'));
    expect(segments.filter((s) => s.added).map((s) => s.text.trim())).to.deep.equal(['gas']);
    expect(segments.map((s) => s.text).join('')).to.not.include('<');
  });

  it('joins lists and shows empty values as no words', () => {
    expect(plainValue(field('tags'), ['billing', 'meters'])).to.equal('billing, meters');
    expect(plainValue(field('text'), null)).to.equal('');
    expect(plainValue(field('integer'), 3)).to.equal('3');
  });
});

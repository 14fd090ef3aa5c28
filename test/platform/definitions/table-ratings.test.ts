/**
 * A table's `ratings` and `countViews`: the counter system fields they add (with inheritance and the physical
 * column shared by a hierarchy), names a declared field may not take, and the lint of `ratings.feedback`.
 */
import { expect } from 'chai';
import { buildRegistry } from '../../../platform/kinds.js';

type Doc = Record<string, any>;

function build(...docs: Doc[]) {
  return buildRegistry(docs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })));
}

const rated = (ratings: Doc, extra: Doc = {}): Doc => ({
  kind: 'table', name: 'note', fields: { title: { type: 'string' } }, ratings, ...extra,
});
const feedbackTable = (fields: Doc = {}): Doc => ({
  kind: 'table', name: 'note_feedback', fields: {
    note: { type: 'reference', reference: 'note' }, value: { type: 'integer' }, comment: { type: 'text' }, tags: { type: 'choice', multiple: true, choices: [{ value: 'a', label: 'A' }] },
    ...fields,
  },
});
const feedback = (fields: Doc = {}) => ({ table: 'note_feedback', fields: { record: 'note', value: 'value', comment: 'comment', ...fields } });

describe('definitions: table ratings and view counts', () => {
  it('adds read-only counter fields, labelled, only to tables that switch them on', () => {
    const { registry, errors } = build(
      rated({ scale: 'useful' }, { countViews: true }),
      { kind: 'table', name: 'plain', fields: { title: { type: 'string' } } },
      { kind: 'table', name: 'starred', fields: {}, ratings: { scale: 'stars' } },
    );
    expect(errors).to.deep.equal([]);
    const note = registry!.getTable('note').fields;
    expect(note.get('view_count')).to.include({ type: 'integer', label: 'Views', system: true, default: 0 });
    expect(note.get('rating_count')).to.include({ type: 'integer', label: 'Ratings', system: true, default: 0 });
    expect(note.get('rating_average')).to.include({ type: 'decimal', label: 'Found useful', system: true });
    expect(registry!.getTable('starred').fields.get('rating_average')).to.include({ label: 'Average rating' });
    expect(registry!.getTable('starred').fields.has('view_count')).to.equal(false);
    expect(registry!.getTable('plain').fields.has('rating_count')).to.equal(false);
    expect(registry!.physicalTables.get('plain')!.columns.has('view_count')).to.equal(false);
    expect(registry!.physicalTables.get('note')!.columns.has('view_count')).to.equal(true);
  });

  it('gives a child\'s counters a column in the physical table its hierarchy shares, and inherits the parent\'s', () => {
    const { registry, errors } = build(
      { kind: 'table', name: 'doc', fields: { title: { type: 'string' } }, countViews: true },
      { kind: 'table', name: 'faq', extends: 'doc', fields: {}, ratings: { scale: 'useful' } },
    );
    expect(errors).to.deep.equal([]);
    expect(registry!.getTable('faq').fields.has('view_count')).to.equal(true);
    expect(registry!.getTable('faq').fields.has('rating_count')).to.equal(true);
    expect(registry!.getTable('doc').fields.has('rating_count')).to.equal(false);
    expect([...registry!.physicalTables.get('doc')!.columns.keys()]).to.include.members(['view_count', 'rating_count', 'rating_average']);
  });

  it('refuses a declared field named like a counter the table has', () => {
    const { errors } = build(rated({ scale: 'stars' }, { fields: { title: { type: 'string' }, rating_count: { type: 'integer' } } }));
    expect(errors.map((e) => e.pointer)).to.deep.equal(['/fields/rating_count']);
    expect(build({ kind: 'table', name: 'free', fields: { rating_count: { type: 'integer' } } }).errors).to.deep.equal([]);
  });

  it('says a grant withholding a counter that the counter is kept by the system and always readable', () => {
    const role = { kind: 'role', name: 'r', tables: [{ table: 'note', operations: ['read'], deniedFields: ['view_count', 'rating_average', 'id'] }] };
    const errors = build(rated({ scale: 'stars' }, { countViews: true }), role).errors.map((e) => e.message);
    expect(errors).to.deep.equal([
      'Field "view_count" is a counter the system keeps and is always readable.',
      'Field "rating_average" is a counter the system keeps and is always readable.',
      'Field "id" identifies the record and is always readable.',
    ]);
  });

  it('accepts a feedback table whose fields fit', () => {
    expect(build(rated({ scale: 'useful', comments: true, feedback: feedback() }), feedbackTable()).errors).to.deep.equal([]);
  });

  it('refuses feedback without comments, to an undeclared table, or into fields that cannot hold it', () => {
    expect(build(rated({ scale: 'useful', feedback: feedback() }), feedbackTable()).errors.map((e) => e.pointer)).to.deep.equal(['/ratings/feedback']);
    const missing = build(rated({ scale: 'useful', comments: true, feedback: { ...feedback(), table: 'note_feedbak' } }), feedbackTable()).errors;
    expect(missing.map((e) => e.pointer)).to.deep.equal(['/ratings/feedback/table']);
    expect(missing[0]!.expected).to.match(/note_feedback/);
    const { errors } = build(
      rated({ scale: 'useful', comments: true, feedback: feedback({ record: 'value', value: 'tags', comment: 'nope' }) }), feedbackTable(),
    );
    expect(errors.map((e) => e.pointer)).to.have.members(['/ratings/feedback/fields/record', '/ratings/feedback/fields/value', '/ratings/feedback/fields/comment']);
    const other = build(
      rated({ scale: 'useful', comments: true, feedback: feedback({ record: 'other' }) }),
      feedbackTable({ other: { type: 'reference', reference: 'note_feedback' } }),
    ).errors;
    expect(other.map((e) => e.pointer)).to.deep.equal(['/ratings/feedback/fields/record']);
  });

  it('refuses an unknown scale and unknown keys in the schema', () => {
    const { errors } = build(rated({ scale: 'thumbs', colour: 'red' }));
    expect(errors.map((e) => e.pointer)).to.include.members(['/ratings/scale']);
    expect(errors.length).to.be.greaterThan(1);
  });
});

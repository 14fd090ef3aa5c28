/**
 * Schema sync of the counters: switching `countViews` and `ratings` on for a table that already holds records adds
 * their columns and starts those records at 0 views and 0 ratings, as new records start.
 */
import { expect } from 'chai';
import { runMigrations } from '../../../platform/db/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import { applySchemaSync } from '../../../platform/records/schema-sync.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

const table = (extra: Record<string, unknown> = {}) => ({ kind: 'table', name: 'tip', fields: { title: { type: 'string' } }, ...extra });

function registry(def: Record<string, unknown>) {
  const { registry, errors } = buildRegistry([{ file: 'tip.json', pointer: '', value: def }]);
  expect(errors).to.deep.equal([]);
  return registry!;
}

describe('schema sync: rating and view counters', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
    await runMigrations(db);
  });
  after(async () => { await db?.dispose(); });

  it('adds the counter columns to a table with records and starts them at 0, the average empty', async () => {
    await applySchemaSync(db, registry(table()));
    await db.knex('tip').insert({ id: '0190a6f0-0000-7000-8000-000000000001', class: 'tip', version: 1, created_at: '2026-12-07T10:00:00.000Z', updated_at: '2026-12-07T10:00:00.000Z', title: 'Old' });
    const changes = await applySchemaSync(db, registry(table({ countViews: true, ratings: { scale: 'stars' } })));
    expect(changes.filter((c) => c.kind === 'add_column').map((c) => c.field)).to.have.members(['view_count', 'rating_count', 'rating_average']);
    const row = await db.knex('tip').first('view_count', 'rating_count', 'rating_average');
    expect({ ...row, view_count: Number(row.view_count), rating_count: Number(row.rating_count) })
      .to.deep.equal({ view_count: 0, rating_count: 0, rating_average: null });
  });
});

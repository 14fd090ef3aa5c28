import { expect } from 'chai';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { applySchemaSync, indexName, planSchemaSync } from '../../../platform/records/schema-sync.js';
import type { QuerySpec } from '../../../platform/records/types.js';
import { DB_KIND } from '../../support/db.js';
import { createTestEngine, REPO, userActor, type TestEngine } from '../../support/engine.js';

/** The benchmark's table: one declared index, status then opened_at descending. */
const TABLE = 'bench_item';
const DECLARED = { fields: ['status', '-opened_at'] };
const SCOPED = indexName(TABLE, { fields: ['status', '-opened_at', '-id', 'org_id'] });
const BY_ORG = indexName(TABLE, { fields: ['org_id', '-id'] });
const ORG = '018f0000-0000-7000-8000-0000000000aa';

/** The columns of an index, in order. */
async function indexColumns(knex: Knex, name: string): Promise<string[]> {
  if (DB_KIND === 'postgres') {
    const { rows } = await knex.raw(`select a.attname as name from pg_index i
      join pg_class c on c.oid = i.indexrelid
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where c.relname = ? order by array_position(i.indkey::int2[], a.attnum)`, [name]);
    return rows.map((r: { name: string }) => r.name);
  }
  const rows: { name: string }[] = await knex.raw('select name from pragma_index_info(?) order by seqno', [name]);
  return rows.map((r) => r.name);
}

/** The plan of a statement as text: EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL (sequential scans off). */
async function planOf(knex: Knex, sql: string, bindings: readonly unknown[]): Promise<string> {
  if (DB_KIND === 'postgres') {
    // The table is small: the planner would rightly read it whole. Switching sequential scans off asks which index
    // it would use once the table is large.
    return knex.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      const { rows } = await trx.raw(`explain ${sql.replace(/\$\d+/g, '?')}`, bindings as Knex.RawBinding[]);
      return rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
    });
  }
  const rows: { detail: string }[] = await knex.raw(`explain query plan ${sql}`, bindings as Knex.RawBinding[]);
  return rows.map((r) => r.detail).join('\n');
}

describe('schema sync: indexes carry the organisation scope column', () => {
  let fw: TestEngine;
  before(async () => { fw = await createTestEngine({ roots: [join(REPO, 'bench/definitions')] }); });
  after(async () => { await fw?.dispose(); });

  it('ends a declared index with id and the organisation column, and adds one on organisation and id', async () => {
    expect(await indexColumns(fw.db.knex, SCOPED)).to.deep.equal(['status', 'opened_at', 'id', 'org_id']);
    expect(await indexColumns(fw.db.knex, BY_ORG)).to.deep.equal(['org_id', 'id']);
    expect(await indexColumns(fw.db.knex, indexName(TABLE, DECLARED))).to.deep.equal([]);
  });

  it('serves a scoped list with filter and sort, and its count, from that index', async () => {
    const at = '2026-11-22T10:00:00.000Z';
    const rows = Array.from({ length: 50 }, (_, i) => ({ title: `item ${i}`, status: ['open', 'pending'][i % 2], opened_at: at }));
    const actor = userActor(['bench_user'], { orgs: [ORG], orgId: ORG });
    // Records of the reader's organisation, and shared ones (made by the system, no organisation).
    await fw.records.createMany(TABLE, rows.slice(0, 30), { actor });
    await fw.records.createMany(TABLE, rows.slice(30), { actor: fw.systemActor });
    const statements: { sql: string; bindings: readonly unknown[] }[] = [];
    const capture = (q: { sql: string; bindings?: readonly unknown[] }) => {
      if (/^select/i.test(q.sql)) statements.push({ sql: q.sql, bindings: q.bindings ?? [] });
    };
    const spec: QuerySpec = {
      filter: { fact: 'record.status', operator: 'equal', value: 'pending' }, sort: [{ field: 'opened_at', direction: 'desc' }], limit: 20,
    };
    // Lists read on the reader (SQLite) or the one pool (PostgreSQL).
    const pools = [...new Set([fw.db.knex, fw.db.reader])];
    for (const pool of pools) pool.on('query', capture);
    let result;
    try {
      result = await fw.records.query(TABLE, spec, { actor });
    } finally {
      for (const pool of pools) pool.removeListener('query', capture);
    }
    expect(result.total).to.equal(25);
    const list = statements.find((s) => /order by/i.test(s.sql));
    const count = statements.find((s) => /count\(/i.test(s.sql));
    expect(list, 'the list statement').to.not.equal(undefined);
    expect(count, 'the count statement').to.not.equal(undefined);
    // The row condition (shared rows or the reader's organisation) is in both statements.
    expect(list!.sql).to.match(/org_id/);
    const listPlan = await planOf(fw.db.knex, list!.sql, list!.bindings);
    expect(listPlan, listPlan).to.contain(SCOPED);
    // The index gives the order: nothing is sorted after reading.
    expect(listPlan, listPlan).to.not.match(/TEMP B-TREE|Sort/);
    const countPlan = await planOf(fw.db.knex, count!.sql, count!.bindings);
    expect(countPlan, countPlan).to.contain(DB_KIND === 'postgres' ? SCOPED : `COVERING INDEX ${SCOPED}`);
  });

  it('replaces the index an earlier release made for the declaration on an existing database', async () => {
    const knex = fw.db.knex;
    const legacy = indexName(TABLE, DECLARED);
    await knex.raw('drop index ??', [SCOPED]);
    await knex.raw('create index ?? on ?? (status asc, opened_at desc, id desc)', [legacy, TABLE]);
    const planned = await planSchemaSync(fw.db, fw.registry.current);
    expect(planned).to.deep.equal([{ kind: 'add_index', table: TABLE, index: SCOPED, replaces: legacy, additive: true }]);
    await applySchemaSync(fw.db, fw.registry.current);
    expect(await indexColumns(knex, SCOPED)).to.deep.equal(['status', 'opened_at', 'id', 'org_id']);
    expect(await indexColumns(knex, legacy)).to.deep.equal([]);
    expect(await planSchemaSync(fw.db, fw.registry.current)).to.deep.equal([]);
  });
});

import pg from 'pg';
import type { Dialect } from './types.js';

// node-postgres turns DATE into a local-midnight Date and NUMERIC/INT8 into strings. Formwork's API speaks ISO
// strings for dates and numbers for decimals, so parse them once here.
pg.types.setTypeParser(1082, (v: string) => v); // date
pg.types.setTypeParser(1114, (v: string) => new Date(v + 'Z').toISOString()); // timestamp
pg.types.setTypeParser(1184, (v: string) => new Date(v).toISOString()); // timestamptz
pg.types.setTypeParser(1700, (v: string) => Number(v)); // numeric
pg.types.setTypeParser(20, (v: string) => Number(v)); // int8 (counts, sequences)

export const postgresDialect: Dialect = {
  name: 'postgres',
  ilike: 'ilike',

  knexConfig(url, options = {}) {
    return { client: 'pg', connection: url, pool: { min: 0, max: 10 }, ...(options.searchPath ? { searchPath: [options.searchPath] } : {}) };
  },

  jsonArrayContains(column, value) {
    return { sql: '?? @> ?::jsonb', bindings: [column, JSON.stringify([value])] };
  },

  fromDb(type, value) {
    if (value === null || value === undefined) return null;
    return value;
  },

  toDb(type, value) {
    if (value === null || value === undefined) return null;
    if (type === 'json' || type === 'attachment' || type === 'choice-multiple') return JSON.stringify(value);
    return value;
  },

  columnType(storage) {
    const m = /^decimal\((\d+),(\d+)\)$/.exec(storage);
    if (m) return `numeric(${Number(m[1])},${Number(m[2])})`;
    switch (storage) {
      case 'uuid': return 'uuid';
      case 'integer': return 'integer';
      case 'boolean': return 'boolean';
      case 'date': return 'date';
      case 'datetime': return 'timestamptz';
      case 'json': return 'jsonb';
      default: return 'text';
    }
  },

  uniqueViolation(error) {
    const e = error as { code?: string; detail?: string };
    if (e?.code !== '23505') return null;
    const m = /Key \((.+?)\)=/.exec(e.detail ?? '');
    return { columns: m ? m[1]!.split(',').map((s) => s.trim().replace(/"/g, '')) : [] };
  },

  foreignKeyViolation(error) {
    return (error as { code?: string })?.code === '23503';
  },

  async indexNames(knex) {
    const { rows } = await knex.raw('select indexname from pg_indexes where schemaname = current_schema()');
    return new Set((rows as { indexname: string }[]).map((r) => r.indexname));
  },

  lockRowsForUpdate(query) {
    query.forUpdate();
    return query;
  },

  async lockRows(trx, table, ids) {
    if (ids.length) await trx(table).whereIn('id', [...ids]).forUpdate().select('id');
  },
};

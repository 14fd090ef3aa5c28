import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Knex } from 'knex';
import type { Dialect } from './types.js';

// node-postgres turns DATE into a local-midnight Date and NUMERIC/INT8 into strings. Formwork's API speaks ISO
// strings for dates and numbers for decimals, so parse them once here.
pg.types.setTypeParser(1082, (v: string) => v); // date
pg.types.setTypeParser(1114, (v: string) => isoInstant(v + '+00')); // timestamp
pg.types.setTypeParser(1184, isoInstant); // timestamptz
pg.types.setTypeParser(1700, (v: string) => Number(v)); // numeric
pg.types.setTypeParser(20, (v: string) => Number(v)); // int8 (counts, sequences)

/**
 * The start-up lock's advisory lock key: a fixed 64-bit number derived from a constant, the same in every
 * Formwork instance (advisory locks are per database, shared by every schema in it).
 */
export const STARTUP_LOCK_KEY = BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update('formwork:startup').digest('hex').slice(0, 16)}`)).toString();

/** The parts of knex's pg client used to open a connection outside the pool. */
interface RawConnections {
  acquireRawConnection(): Promise<pg.Client>;
  destroyRawConnection(connection: pg.Client): Promise<void>;
}

/**
 * PostgreSQL's text form of a timestamp with zone (`0001-01-01 00:00:00+00`, `2026-01-01 10:00:00.5+05:30`) as an
 * ISO string. Not through `new Date(text)`: that form is not ISO 8601, and V8's fallback parser reads years 1–99 as
 * 1901–1999 or 2001–2049. Zone offsets may carry seconds (local mean time, before time zones), which ISO cannot.
 */
function isoInstant(text: string): string {
  const m = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/.exec(text);
  if (!m) return new Date(text).toISOString();
  const t = new Date(0);
  t.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  t.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), Math.floor(Number(`0${m[7] ?? ''}`) * 1000));
  const offset = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * 1000;
  return new Date(t.getTime() - (m[8] === '-' ? -offset : offset)).toISOString();
}

export const postgresDialect: Dialect = {
  name: 'postgres',
  ilike: 'ilike',

  knexConfig(url, options = {}) {
    return { client: 'pg', connection: url, pool: { min: 0, max: 10 }, ...(options.searchPath ? { searchPath: [options.searchPath] } : {}) };
  },

  readerConfig() {
    return null;
  },

  jsonArrayContains(column, value) {
    return { sql: '?? @> ?::jsonb', bindings: [column, JSON.stringify([value])] };
  },

  jsonArrayElementsJoin(column, alias) {
    return { sql: 'cross join lateral jsonb_array_elements_text(??::jsonb) as ??(value)', bindings: [column, alias] };
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

  async estimateRows(knex, query) {
    // The builder is bound as a value: knex inlines its SQL and passes its bindings as parameters.
    const { rows } = await knex.raw('explain (format json) ?', [query]);
    const estimate = (rows as { 'QUERY PLAN': { Plan: { 'Plan Rows'?: unknown } }[] }[])[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'];
    return typeof estimate === 'number' && Number.isFinite(estimate) ? Math.round(estimate) : null;
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

  async withStartupLock<T>(knex: Knex, work: () => Promise<T>): Promise<T> {
    // A connection of its own: the lock belongs to its session, and `work` may need every pooled connection.
    // Ending that session releases the lock even if the unlock below never runs (crash, lost connection).
    const client = knex.client as unknown as RawConnections;
    const connection = await client.acquireRawConnection();
    try {
      await connection.query('select pg_advisory_lock($1::bigint)', [STARTUP_LOCK_KEY]);
      try {
        return await work();
      } finally {
        await connection.query('select pg_advisory_unlock($1::bigint)', [STARTUP_LOCK_KEY]).catch(() => undefined);
      }
    } finally {
      await client.destroyRawConnection(connection).catch(() => undefined);
    }
  },
};

/**
 * Full-text search on SQLite: an ordinary table of the indexed text (one row per record, `doc` an integer key) and
 * an FTS5 external-content table over it (tokenize 'porter unicode61'), kept in step by triggers. Queries are FTS5
 * MATCH text built from the parsed query with every word quoted, bound as a parameter; bm25 ranks with column
 * weights, highlight() marks the matches.
 */
import type { SearchQuery, SearchTerm } from '../query.js';
import type { SearchWeight } from '../fields.js';
import { MARK_CLOSE, MARK_OPEN, type SearchBackend } from './types.js';

const BM25_WEIGHT: Record<SearchWeight, number> = { highest: 10, high: 5, normal: 2, low: 1 };
/** Names are checked identifiers (definitions); they still go through this guard before reaching DDL text. */
const IDENT = /^[a-z][a-z0-9_]*$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`Not a plain identifier: ${name}`);
  return `"${name}"`;
}

const col = (field: string) => `f_${field}`;
const ftsOf = (name: string) => `${name}_fts`;

function phrase(t: SearchTerm): string {
  return t.words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' + ') + (t.prefix ? ' *' : '');
}

/** The FTS5 MATCH text of `q` restricted to `columns`. */
export function matchText(q: SearchQuery, columns: readonly string[]): string {
  const inc = q.include.map(phrase).join(' AND ');
  const exc = q.exclude.length ? ` NOT (${q.exclude.map(phrase).join(' OR ')})` : '';
  return `{${columns.join(' ')}} : ((${inc})${exc})`;
}

export const sqliteSearch: SearchBackend = {
  async create(trx, shape, idType) {
    const t = ident(shape.name);
    const fts = ident(ftsOf(shape.name));
    const cols = shape.fields.map((f) => ident(col(f)));
    await trx.raw(`create table ${t} ("doc" integer primary key, "id" ${idType} not null unique${cols.map((c) => `, ${c} text`).join('')})`);
    await trx.raw(`create virtual table ${fts} using fts5(${cols.join(', ')}, content=${t.replace(/"/g, "'")}, content_rowid='doc', tokenize='porter unicode61')`);
    const newCols = cols.map((c) => `new.${c}`).join(', ');
    const oldCols = cols.map((c) => `old.${c}`).join(', ');
    const list = cols.join(', ');
    await trx.raw(`create trigger ${ident(`${shape.name}_ai`)} after insert on ${t} begin insert into ${fts}(rowid, ${list}) values (new.doc, ${newCols}); end`);
    await trx.raw(`create trigger ${ident(`${shape.name}_ad`)} after delete on ${t} begin insert into ${fts}(${fts}, rowid, ${list}) values ('delete', old.doc, ${oldCols}); end`);
    await trx.raw(`create trigger ${ident(`${shape.name}_au`)} after update on ${t} begin insert into ${fts}(${fts}, rowid, ${list}) values ('delete', old.doc, ${oldCols}); insert into ${fts}(rowid, ${list}) values (new.doc, ${newCols}); end`);
  },

  async drop(trx, name) {
    await trx.raw(`drop table if exists ${ident(ftsOf(name))}`);
    await trx.raw(`drop table if exists ${ident(name)}`);
  },

  async existing(knex) {
    const rows: { name: string }[] = await knex('sqlite_master').where({ type: 'table' }).select('name');
    return rows.map((r) => r.name);
  },

  async write(trx, shape, rows) {
    if (!rows.length) return;
    const data = rows.map((r) => ({ id: r.id, ...Object.fromEntries(shape.fields.map((f) => [col(f), r.texts[f] ?? null])) }));
    await trx(shape.name).insert(data).onConflict('id').merge();
  },

  async remove(trx, shape, ids) {
    if (ids.length) await trx(shape.name).whereIn('id', [...ids]).delete();
  },

  match(qb, shape, query, fields) {
    const fts = ftsOf(shape.name);
    qb.join(shape.name, `${shape.name}.id`, `${shape.physical}.id`)
      .join(fts, `${fts}.rowid`, `${shape.name}.doc`)
      .whereRaw('?? match ?', [fts, matchText(query, fields.map((f) => col(f.name)))]);
    // bm25 takes one weight per index column, in column order; columns the caller may not match weigh nothing.
    const weights = shape.fields.map((f) => BM25_WEIGHT[fields.find((x) => x.name === f)?.weight ?? 'low']);
    const bm25 = { sql: `bm25(??${weights.map(() => ', ?').join('')})`, bindings: [fts, ...weights] };
    return { order: bm25, score: { sql: `-${bm25.sql}`, bindings: bm25.bindings } };
  },

  async marks(knex, shape, query, fields, ids) {
    const out = new Map<string, Record<string, unknown>>();
    if (!ids.length) return out;
    const fts = ftsOf(shape.name);
    // FTS5 looks each page rowid up with the MATCH (its "=M" plan) instead of walking every match; but it expands
    // a prefix term again for each lookup, so with one the match is walked once (a unary + keeps the rowid list out
    // of the lookup) and only the page's rows are marked: 1 ms rather than 20 at 100k records.
    const prefix = [...query.include, ...query.exclude].some((t) => t.prefix);
    const docs = knex(shape.name).select('doc').whereIn('id', [...ids]);
    const qb = knex(fts).join(shape.name, `${shape.name}.doc`, `${fts}.rowid`).select(`${shape.name}.id as id`)
      .whereRaw('?? match ?', [fts, matchText(query, fields.map((f) => col(f.name)))])
      .whereRaw(`${prefix ? '+' : ''}?? in ?`, [`${fts}.rowid`, docs]);
    for (const f of fields) {
      qb.select(knex.raw('highlight(??, ?, ?, ?) as ??', [fts, shape.fields.indexOf(f.name), MARK_OPEN, MARK_CLOSE, `m_${f.name}`]));
    }
    for (const row of (await qb) as Record<string, unknown>[]) out.set(String(row.id), row);
    return out;
  },
};

/**
 * Full-text search on PostgreSQL: a side table per physical table with each field's text (`f_<field>`, for
 * headlines) and its tsvector (`v_<field>`, English configuration), and `doc`, their concatenation weighted with the
 * shape's weights (a generated column) under a GIN index. The tsvectors are made from the words as
 * platform/search/query.ts splits them, so both databases see the same words. Queries are to_tsquery text built from
 * the parsed query with every lexeme quoted, bound as a parameter; ts_rank ranks with weights, ts_headline marks the
 * matches.
 */

import type { Knex } from 'knex';
import { wordsOf, type SearchQuery, type SearchTerm } from '../query.js';
import type { SearchWeight } from '../fields.js';
import { MARK_CLOSE, MARK_OPEN, type SearchBackend, type SqlPart } from './types.js';

const LABEL: Record<SearchWeight, string> = { highest: 'A', high: 'B', normal: 'C', low: 'D' };
const IDENT = /^[a-z][a-z0-9_]*$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`Not a plain identifier: ${name}`);
  return `"${name}"`;
}

const text = (field: string) => `f_${field}`;
const vector = (field: string) => `v_${field}`;

function lexemes(t: SearchTerm): string {
  const words = t.words.map((w, i) => `'${w.replace(/'/g, "''")}'${t.prefix && i === t.words.length - 1 ? ':*' : ''}`);
  return words.length > 1 ? `(${words.join(' <-> ')})` : words[0]!;
}

/** The to_tsquery text of `q`: every positive term, and none of the excluded ones. */
export function tsqueryText(q: SearchQuery): string {
  return [...q.include.map(lexemes), ...q.exclude.map((t) => `!${lexemes(t)}`)].join(' & ');
}

/** The to_tsquery text matching any positive term of `q` (which fields gave a match). */
export function anyTermText(q: SearchQuery): string {
  return q.include.map(lexemes).join(' | ');
}

const HEADLINE = `HighlightAll=true, StartSel=${MARK_OPEN}, StopSel=${MARK_CLOSE}`;

export const postgresSearch: SearchBackend = {
  async create(trx, shape, idType) {
    const t = ident(shape.name);
    const cols = shape.fields.map((f) => `, ${ident(text(f))} text, ${ident(vector(f))} tsvector`).join('');
    // Weighted as stored so that ranking a search with the shape's weights reads one vector rather than building one.
    const doc = shape.fields.map((f) => `setweight(coalesce(${ident(vector(f))}, ''::tsvector), '${LABEL[shape.weights[f] ?? 'normal']}')`).join(' || ');
    await trx.raw(`create table ${t} ("id" ${idType} primary key${cols}, "doc" tsvector generated always as (${doc}) stored)`);
    await trx.raw(`create index ${ident(`${shape.name}_doc`)} on ${t} using gin ("doc")`);
  },

  async drop(trx, name) {
    await trx.raw(`drop table if exists ${ident(name)}`);
  },

  async existing(knex) {
    const rows: { name: string }[] = (await knex.raw('select tablename as name from pg_tables where schemaname = current_schema()')).rows;
    return rows.map((r) => r.name);
  },

  async write(trx, shape, rows) {
    if (!rows.length) return;
    const data = rows.map((r) => {
      const row: Record<string, unknown> = { id: r.id };
      for (const f of shape.fields) {
        const value = r.texts[f] ?? null;
        row[text(f)] = value;
        row[vector(f)] = value === null ? null : trx.raw("to_tsvector('english', ?)", [wordsOf(value).join(' ')]);
      }
      return row;
    });
    await trx(shape.name).insert(data).onConflict('id').merge();
  },

  async remove(trx, shape, ids) {
    if (ids.length) await trx(shape.name).whereIn('id', [...ids]).delete();
  },

  match(qb, shape, query, fields) {
    const s = shape.name;
    const q: SqlPart = { sql: "to_tsquery('english', ?)", bindings: [tsqueryText(query)] };
    qb.join(s, `${s}.id`, `${shape.physical}.id`);
    const vec = (f: string) => `coalesce(${ident(s)}.${ident(vector(f))}, ''::tsvector)`;
    // The whole document's GIN index serves a caller who may match every indexed field; others match their fields.
    const all = shape.fields.every((f) => fields.some((x) => x.name === f));
    const target = all ? `${ident(s)}."doc"` : `(${fields.map((f) => vec(f.name)).join(' || ')})`;
    qb.whereRaw(`${target} @@ ${q.sql}`, q.bindings as string[]);
    const stored = all && fields.every((f) => shape.weights[f.name] === f.weight);
    const weighted = stored ? `${ident(s)}."doc"` : fields.map((f) => `setweight(${vec(f.name)}, '${LABEL[f.weight]}')`).join(' || ');
    const score: SqlPart = { sql: `ts_rank(${weighted}, ${q.sql})`, bindings: q.bindings };
    return { order: { sql: `${score.sql} desc`, bindings: score.bindings }, score };
  },

  async marks(knex, shape, query, fields, ids) {
    const out = new Map<string, Record<string, unknown>>();
    if (!ids.length) return out;
    const s = shape.name;
    const any: SqlPart = { sql: "to_tsquery('english', ?)", bindings: [anyTermText(query)] };
    const vec = (f: string) => `coalesce(${ident(s)}.${ident(vector(f))}, ''::tsvector)`;
    const qb = knex(s).select(`${s}.id as id`).whereIn(`${s}.id`, [...ids]);
    for (const f of fields) {
      // PostgreSQL's parser reads some text differently from the index's words (file names): the field matched
      // when its vector does, so a leading close mark says so even where the headline marks nothing.
      qb.select(knex.raw(
        `case when ${vec(f.name)} @@ ${any.sql} then ? || ts_headline('english', ${ident(s)}.${ident(text(f.name))}, ${any.sql}, ?) end as ??`,
        [...any.bindings, MARK_CLOSE, ...any.bindings, HEADLINE, `m_${f.name}`] as Knex.RawBinding[],
      ));
    }
    for (const row of (await qb) as Record<string, unknown>[]) out.set(String(row.id), row);
    return out;
  },
};

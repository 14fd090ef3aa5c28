/**
 * `npm run bench:search` (`tsx bench/search.ts [--1m]`): full-text search through the engine against a raw index
 * query on the same data, and the cost of keeping the index on create, on SQLite (or PostgreSQL with BENCH_PG_URL),
 * printed as ratios measured in the same run (targets: search p50 ≤ 2× the raw query; create ≤ 1.3× the time of the
 * same table without `searchable`).
 *
 * Data (bench/search-data.ts): articles of realistic shape — a title of 5–10 words, 1–4 tags and a body of ~300
 * words in sentences — drawn from a 20,000-word vocabulary with a Zipf-like distribution (a word's frequency falls
 * as 1/rank), seeded, so every run sees the same text. 100k articles by default, 1M with `--1m` (BENCH_ARTICLES
 * overrides), spread over 10 organisations, one in ten retired. The rows are bulk-inserted into the physical table
 * and the index is built by the platform's own rebuild (its time is printed), as schema sync builds it for a table
 * that becomes searchable.
 *
 *   search       searchRecords(fw, actor, { q, tables, limit: 20 }) — the API's search: access (the person's
 *                organisation, and a row condition hiding retired articles), ranking, total and group counts,
 *                titles, summaries, match reasons and snippets of the 20 results — as a non-administrator
 *   raw          the least a ranked results page does, hand-written on the same index: the 20 best matches by bm25
 *                (FTS5 MATCH) or ts_rank (tsvector @@ to_tsquery) and their number, without access or snippets
 * for five query shapes (one common word, two words, a phrase, a prefix, an exclusion; several queries each, words
 * picked by rank), both sides alternating query by query so that noise on this shared machine falls on both.
 *
 *   create       createOne through the record pipeline, one record per transaction, as the same person, alternating
 *                slices on the searchable table and the same table without `searchable`
 * Everything runs in this one process, so there is no load generator to set the pace: each side is timed alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { v7 as uuidv7 } from 'uuid';
import { readConfig } from '../platform/config.js';
import { createEngine, type Engine } from '../platform/engine.js';
import { createLogger } from '../platform/log.js';
import type { Actor } from '../platform/records/types.js';
import { indexShapes, rebuildSearchIndexes, searchRecords } from '../platform/search/index.js';
import { articleOf, Vocabulary, type Article } from './search-data.js';

const ARTICLES = Number(process.env.BENCH_ARTICLES ?? (process.argv.includes('--1m') ? 1_000_000 : 100_000));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CREATE_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ORGS = 10;
const TARGETS = { search: 2, create: 1.3 };
const root = fileURLToPath(new URL('..', import.meta.url));
const out = (line: string) => process.stdout.write(`${line}\n`);
const NOW = new Date('2026-12-07T09:00:00.000Z');

/**
 * A database of its own for the run: a SQLite file in `dir`, or on PostgreSQL a new database beside BENCH_PG_URL's
 * (dropped by the returned function), so runs never meet each other's rows.
 */
async function freshDatabase(dir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = process.env.BENCH_PG_URL;
  if (!admin) return { url: join(dir, 'bench.sqlite'), drop: async () => {} };
  const name = `formwork_bench_search_${process.pid}`;
  const knex = knexFactory({ client: 'pg', connection: admin, pool: { min: 0, max: 1 } });
  await knex.raw('create database ??', [name]);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await knex.raw('drop database if exists ?? with (force)', [name]);
      await knex.destroy();
    },
  };
}

async function open(url: string): Promise<Engine> {
  const roots = [join(root, 'definitions', 'core'), join(root, 'bench', 'search-definitions')];
  const config = { ...readConfig({ DATABASE_URL: url }, root), databaseUrl: url, definitionRoots: roots, demoData: false };
  return createEngine(config, { clock: { now: () => new Date() }, log: createLogger('silent'), background: false, seed: false });
}

/** Bulk-insert `count` articles straight into the physical table (the index is built afterwards, by the platform). */
async function fill(fw: Engine, vocab: Vocabulary, orgIds: string[], count: number): Promise<void> {
  const knex = fw.db.knex;
  const batch = fw.db.dialect.name === 'postgres' ? 1000 : 200;
  for (let start = 0; start < count; start += 10 * batch) {
    await knex.transaction(async (trx) => {
      for (let chunk = start; chunk < Math.min(start + 10 * batch, count); chunk += batch) {
        const rows = [];
        for (let i = chunk; i < Math.min(chunk + batch, count); i += 1) {
          const a = articleOf(vocab, i);
          const at = new Date(NOW.getTime() - (count - i) * 60_000).toISOString();
          rows.push({
            id: uuidv7(), number: `BSA${String(i).padStart(8, '0')}`, class: 'bs_article', version: 1, created_at: at, updated_at: at,
            org_id: orgIds[i % ORGS], title: a.title, tags: JSON.stringify(a.tags), body: a.body, status: i % 10 === 9 ? 'retired' : 'published',
          });
        }
        await trx('bs_article').insert(rows);
      }
    });
  }
}

interface Shape { name: string; queries: { user: string; raw: string }[] }

/** The query shapes, several queries each: user syntax for the engine, and the same question as raw index syntax. */
function shapesOf(vocab: Vocabulary, postgres: boolean): Shape[] {
  const w = (rank: number) => vocab.word(rank);
  const one = (x: string) => (postgres ? `'${x}'` : `"${x}"`);
  const and = (x: string, y: string) => (postgres ? `'${x}' & '${y}'` : `"${x}" AND "${y}"`);
  const phrase = (x: string, y: string) => (postgres ? `'${x}' <-> '${y}'` : `"${x} ${y}"`);
  const prefix = (p: string) => (postgres ? `'${p}':*` : `"${p}"*`);
  const not = (x: string, y: string) => (postgres ? `'${x}' & !'${y}'` : `"${x}" NOT "${y}"`);
  // Ranks: "common" words are in most articles, mid-ranked ones in a few percent, rare ones in a few hundredths.
  const common = [40, 55, 70, 90, 120];
  const mid = [300, 450, 600, 800, 1000];
  const pairs = vocab.bigrams(5, ORGS);
  return [
    { name: 'one common word', queries: common.map((r) => ({ user: w(r), raw: one(w(r)) })) },
    { name: 'two words', queries: mid.map((r, i) => ({ user: `${w(r)} ${w(common[i]!)}`, raw: and(w(r), w(common[i]!)) })) },
    { name: 'phrase', queries: pairs.map(([x, y]) => ({ user: `"${x} ${y}"`, raw: phrase(x, y) })) },
    { name: 'prefix', queries: mid.map((r) => ({ user: `${w(r).slice(0, 4)}*`, raw: prefix(w(r).slice(0, 4)) })) },
    { name: 'exclusion', queries: common.map((r, i) => ({ user: `${w(r)} -${w(mid[i]!)}`, raw: not(w(r), w(mid[i]!)) })) },
  ];
}

/**
 * The raw ranked query on the platform's index of the table: the 20 best matches and how many there are (a results
 * page shows both; the count is a window over the rows the ranking reads anyway), nothing else.
 */
function rawSearch(fw: Engine, index: string): (q: string) => Promise<unknown> {
  const knex = fw.db.knex;
  if (fw.db.dialect.name === 'postgres') {
    return (q) => knex.raw(`select id, r, count(*) over () as n from (select i.id, ts_rank(i.doc, q) as r from ?? i, to_tsquery('english', ?) q `
      + 'where i.doc @@ q) m order by r desc limit 20', [index, q]);
  }
  const fts = `${index}_fts`;
  return (q) => knex.raw(`select id, r, count(*) over () as n from (select i.id, bm25(??) as r from ?? join ?? i on i.doc = ??.rowid where ?? match ?) `
    + 'order by r limit 20', [fts, fts, index, fts, fts, q]);
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (v: number) => `${v.toFixed(2)} ms`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function measureSearch(fw: Engine, actor: Actor, vocab: Vocabulary, index: string): Promise<void> {
  const raw = rawSearch(fw, index);
  const shapes = shapesOf(vocab, fw.db.dialect.name === 'postgres');
  const engine = (q: string) => searchRecords(fw, actor, { q, tables: ['bs_article'], limit: 20 });
  // Warm-up, not counted: both sides' statements prepared and the pages they read cached.
  for (const s of shapes) for (const q of s.queries) await Promise.all([raw(q.raw), engine(q.user)].map((p) => p.catch(() => null)));
  const ratios: number[] = [];
  for (const s of shapes) {
    const times = { raw: [] as number[], engine: [] as number[] };
    let hits = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const q of s.queries) {
        // Alternate which side goes first, so neither always finds the other's pages in the cache.
        if (round % 2 === 0) {
          times.raw.push(await timed(() => raw(q.raw)));
          times.engine.push(await timed(async () => { hits += (await engine(q.user)).total; }));
        } else {
          times.engine.push(await timed(async () => { hits += (await engine(q.user)).total; }));
          times.raw.push(await timed(() => raw(q.raw)));
        }
      }
    }
    const r50 = percentile(times.raw, 0.5);
    const e50 = percentile(times.engine, 0.5);
    ratios.push(e50 / r50);
    out(`  ${s.name.padEnd(16)} raw p50 ${ms(r50)} p95 ${ms(percentile(times.raw, 0.95))}   search p50 ${ms(e50)} `
      + `p95 ${ms(percentile(times.engine, 0.95))}   ${(e50 / r50).toFixed(2)}× (target ≤ ${TARGETS.search}×: ${verdict(e50 / r50 <= TARGETS.search)})   `
      + `${Math.round(hits / times.engine.length)} matches the person may see, on average`);
  }
  // Shapes differ in cost by orders of magnitude: pooling their times would let the slowest decide, so their ratios are averaged.
  const mean = Math.exp(ratios.reduce((n, r) => n + Math.log(r), 0) / ratios.length);
  out(`  all shapes       geometric mean of the ratios ${mean.toFixed(2)}×; shapes within the target: ${ratios.filter((r) => r <= TARGETS.search).length} of ${ratios.length}`);
}

/** Creates per second of each table, in alternating slices of about a second. */
async function measureCreate(fw: Engine, actor: Actor, vocab: Vocabulary): Promise<void> {
  const docs: Article[] = Array.from({ length: 500 }, (_, i) => articleOf(vocab, 10_000_000 + i));
  const slice = async (table: string, seconds: number) => {
    let n = 0;
    const end = performance.now() + seconds * 1000;
    const t = performance.now();
    while (performance.now() < end) {
      const a = docs[n % docs.length]!;
      await fw.records.createOne(table, { title: a.title, tags: a.tags, body: a.body, status: 'published' }, { actor });
      n += 1;
    }
    return { n, seconds: (performance.now() - t) / 1000 };
  };
  await slice('bs_article', 1);
  await slice('bs_plain', 1);
  const totals = { bs_article: { n: 0, seconds: 0 }, bs_plain: { n: 0, seconds: 0 } };
  const slices = Math.max(2, CREATE_SECONDS);
  for (let i = 0; i < slices; i += 1) {
    for (const table of (i % 2 === 0 ? ['bs_article', 'bs_plain'] : ['bs_plain', 'bs_article']) as (keyof typeof totals)[]) {
      const s = await slice(table, 1);
      totals[table].n += s.n;
      totals[table].seconds += s.seconds;
    }
  }
  const searchable = totals.bs_article.n / totals.bs_article.seconds;
  const plain = totals.bs_plain.n / totals.bs_plain.seconds;
  const ratio = plain / searchable;
  out(`create           searchable ${searchable.toFixed(0)}/s   without searchable ${plain.toFixed(0)}/s   time per create ${ratio.toFixed(2)}× `
    + `(target ≤ ${TARGETS.create}×: ${verdict(ratio <= TARGETS.create)})`);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'formwork-bench-search-'));
  const db = await freshDatabase(dir);
  const fw = await open(db.url);
  try {
    const knex = fw.db.knex;
    const orgIds = Array.from({ length: ORGS }, () => uuidv7());
    await knex('sys_org').insert(orgIds.map((id, i) => ({ id, code: `BS${i}`, name: `Organisation BS${i}`, status: 'active', created_at: NOW.toISOString() })));
    const actor: Actor = { kind: 'user', id: uuidv7(), username: 'bench.reader', roles: ['bs_reader'], orgs: [orgIds[0]!], orgId: orgIds[0]! };
    const vocab = new Vocabulary(20_000);
    out(`Search benchmark: ${ARTICLES} articles (~300 words each, Zipf-like vocabulary of 20,000 words, ${ORGS} organisations), `
      + `${fw.db.dialect.name === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${ROUNDS} rounds of 5 queries per shape, in one process\n`);
    let t = performance.now();
    await fill(fw, vocab, orgIds, ARTICLES);
    out(`data             inserted in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    await rebuildSearchIndexes(fw.db, fw.registry.current, 'bs_article');
    out(`index            built in ${((performance.now() - t) / 1000).toFixed(1)} s (the platform's rebuild)`);
    if (fw.db.dialect.name === 'postgres') await knex.raw('analyze');
    const index = indexShapes(fw.registry.current).get('bs_article')!.name;
    out(`search as a person of one organisation (1/${ORGS} of the articles, retired ones hidden by a row condition):`);
    await measureSearch(fw, actor, vocab, index);
    await measureCreate(fw, actor, vocab);
  } finally {
    await fw.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

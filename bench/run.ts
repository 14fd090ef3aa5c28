/**
 * `npm run bench`: Formwork's create, get-one and list against a raw Express + knex baseline, measured in the same
 * run with the same SQLite settings, printed as ratios (this machine is noisy: absolute figures vary run to run).
 *
 *   baseline create  = insert one 12-column row and one audit row in a transaction
 *   baseline get     = select one row by id
 *   list             = filter + sort + limit 20 using the composite index declared in the table definition,
 *                      at 100k and 1M rows
 * Load comes from a separate process (bench/load.mjs) with 10 connections. Formwork's requests authenticate as a
 * user holding the bench_user role with an API token, as a machine client would.
 */
import express from 'express';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase, type Database } from '../platform/db/index.js';
import { createApiToken, createOrg, createUser } from '../platform/access/identity/index.js';
import { readConfig } from '../platform/config.js';
import { createEngine } from '../platform/engine.js';
import { createApp } from '../platform/http/app.js';
import { createLogger } from '../platform/log.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
const ROWS = (process.env.BENCH_ROWS ?? '100000,1000000').split(',').map(Number);
const here = fileURLToPath(new URL('.', import.meta.url));
const ITEM = { title: 'x', body: 'Some longer text for the body of the item.', status: 'open', priority: 3, amount: 12.5, flag: true, due: '2026-12-01', opened_at: '2026-11-22T10:00:00.000Z', email: 'a@example.com', owner: 'alice', code: 'C-1', site: 'SW1A 2AA' };
const COLUMNS = Object.keys(ITEM);

interface Load { requests: number; rps: number; p50: number; p99: number; errors: number }

// Asynchronous on purpose: both servers live in this process, so blocking it would stall the load it measures.
const execFileAsync = promisify(execFile);
async function load(spec: Record<string, unknown>): Promise<Load> {
  const { stdout } = await execFileAsync(process.execPath, [join(here, 'load.mjs'), JSON.stringify({ seconds: SECONDS, connections: CONNECTIONS, ...spec })]);
  return JSON.parse(stdout);
}

/**
 * Throughput of `a` and `b` measured in alternating slices (a, b, b, a, a, b, …) rather than one after the other, so
 * that a burst of load from elsewhere on this shared machine falls on both sides about equally.
 */
async function paired(a: Record<string, unknown>, b: Record<string, unknown>): Promise<[Load, Load]> {
  const slices = Math.max(2, Math.round(SECONDS));
  const seconds = SECONDS / slices;
  const sum = (xs: Load[]): Load => {
    const requests = xs.reduce((n, x) => n + x.requests, 0);
    const time = xs.reduce((n, x) => n + x.requests / x.rps, 0);
    const errors = xs.reduce((n, x) => n + x.errors, 0);
    return { requests, rps: requests / time, p50: median(xs.map((x) => x.p50)), p99: Math.max(...xs.map((x) => x.p99)), errors };
  };
  const as: Load[] = [];
  const bs: Load[] = [];
  for (let i = 0; i < slices; i++) {
    if (i % 2 === 0) {
      as.push(await load({ ...a, seconds })); bs.push(await load({ ...b, seconds }));
    } else {
      bs.push(await load({ ...b, seconds })); as.push(await load({ ...a, seconds }));
    }
  }
  return [sum(as), sum(bs)];
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

function listen(app: express.Express): Promise<{ url: string; close(): void }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() });
    });
  });
}

async function baselineServer(db: Database) {
  await db.knex.schema.createTable('base_item', (t) => {
    t.string('id', 36).primary();
    for (const c of COLUMNS) t.text(c);
    t.string('created_at', 30); t.integer('version');
    t.index(['status', 'opened_at', 'id']);
  });
  await db.knex.schema.createTable('base_audit', (t) => {
    t.string('id', 36).primary(); t.string('record_id', 36); t.text('changes'); t.string('at', 30);
  });
  const app = express();
  app.use(express.json());
  app.post('/items', async (req, res) => {
    const id = uuidv7();
    const at = new Date().toISOString();
    await db.knex.transaction(async (trx) => {
      await trx('base_item').insert({ id, ...req.body, created_at: at, version: 1 });
      await trx('base_audit').insert({ id: uuidv7(), record_id: id, changes: JSON.stringify(req.body), at });
    });
    res.status(201).json({ data: { id, ...req.body, created_at: at, version: 1 } });
  });
  app.get('/items', async (req, res) => {
    const rows = await db.knex('base_item').where({ status: String(req.query.status) })
      .orderBy([{ column: 'opened_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(20);
    res.json({ data: rows });
  });
  app.get('/items/:id', async (req, res) => {
    const row = await db.knex('base_item').where({ id: req.params.id }).first();
    if (!row) res.status(404).end(); else res.json({ data: row });
  });
  return listen(app);
}

/** Fill both tables to `target` rows with the same data, quickly (multi-row inserts, 1,000 per transaction). */
async function fill(base: Database, fw: Database, from: number, target: number) {
  const statuses = ['open', 'pending', 'closed', 'cancelled', 'draft'];
  for (let n = from; n < target; n += 400) {
    const rows = Array.from({ length: Math.min(400, target - n) }, (_, k) => {
      const i = n + k;
      return { ...ITEM, title: `item ${i}`, status: statuses[i % 5]!, opened_at: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString() };
    });
    const ids = rows.map(() => uuidv7());
    await base.knex.transaction((trx) => trx('base_item').insert(rows.map((r, k) => ({ id: ids[k], ...r, created_at: r.opened_at, version: 1 }))));
    await fw.knex.transaction((trx) => trx('bench_item').insert(rows.map((r, k) => ({
      id: ids[k], number: `BENX${String(n + k).padStart(8, '0')}`, class: 'bench_item', version: 1, ...r,
      flag: 1, created_at: r.opened_at, updated_at: r.opened_at,
    }))));
  }
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const ms = (v: number) => `${v.toFixed(2)} ms`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'formwork-bench-'));
  const baseDb = openDatabase(join(dir, 'baseline.sqlite'));
  const engine = await createEngine(
    { ...readConfig({}), databaseUrl: join(dir, 'formwork.sqlite'), definitionRoots: [join(here, 'definitions')], demoData: false },
    { log: createLogger('silent') },
  );
  const org = await createOrg(engine, { code: 'BENCH', name: 'Benchmark' });
  const benchUser = await createUser(engine, { username: 'bench', orgId: org.id, roles: ['bench_user'] });
  const headers = { authorization: `Bearer ${(await createApiToken(engine, benchUser.id, { name: 'bench' })).token}` };
  const base = await baselineServer(baseDb);
  const fw = await listen(createApp(engine));
  const lines: string[] = [];
  try {
    process.stdout.write(`Formwork benchmark: ${SECONDS}s per measurement, ${CONNECTIONS} connections, SQLite (WAL, synchronous=NORMAL)\n\n`);
    const [bCreate, fCreate] = await paired(
      { url: `${base.url}/items`, method: 'POST', body: ITEM },
      { url: `${fw.url}/api/tables/bench_item`, method: 'POST', body: ITEM, headers },
    );
    lines.push(`create     baseline ${bCreate.rps.toFixed(0)}/s  formwork ${fCreate.rps.toFixed(0)}/s  ratio ${ratio(fCreate.rps, bCreate.rps)} (target ≥ 0.6×)  errors ${bCreate.errors}/${fCreate.errors}`);

    const ids = (await engine.db.knex('bench_item').select('id').limit(200)).map((r: { id: string }) => r.id);
    const baseIds = (await baseDb.knex('base_item').select('id').limit(200)).map((r: { id: string }) => r.id);
    const [bGet, fGet] = await paired(
      { urls: baseIds.map((id: string) => `${base.url}/items/${id}`), method: 'GET' },
      { urls: ids.map((id: string) => `${fw.url}/api/tables/bench_item/${id}`), method: 'GET', headers },
    );
    lines.push(`get-one    baseline ${bGet.rps.toFixed(0)}/s  formwork ${fGet.rps.toFixed(0)}/s  ratio ${ratio(fGet.rps, bGet.rps)} (target ≥ 0.6×)  errors ${bGet.errors}/${fGet.errors}`);
    process.stdout.write(lines.join('\n') + '\n');

    const filter = encodeURIComponent(JSON.stringify({ fact: 'record.status', operator: 'equal', value: 'pending' }));
    // Start the list measurements from empty tables so both hold exactly the same rows.
    await baseDb.knex('base_item').delete();
    await engine.db.knex('bench_item').delete();
    let filled = 0;
    for (const rows of ROWS) {
      await fill(baseDb, engine.db, filled, rows);
      filled = rows;
      const single = { method: 'GET', connections: 1, seconds: Math.max(2, SECONDS / 2) };
      const bList = await load({ ...single, url: `${base.url}/items?status=pending` });
      const fList = await load({ ...single, url: `${fw.url}/api/tables/bench_item?filter=${filter}&sort=-opened_at&limit=20&total=false`, headers });
      const fListTotal = await load({ ...single, url: `${fw.url}/api/tables/bench_item?filter=${filter}&sort=-opened_at&limit=20`, headers });
      const line = `list ${String(rows).padStart(7)} rows  baseline p50 ${ms(bList.p50)}  formwork p50 ${ms(fList.p50)} (target < 10 ms)  ratio ${ratio(bList.p50, fList.p50)} of baseline speed;  with total count p50 ${ms(fListTotal.p50)}`;
      process.stdout.write(line + '\n');
    }
  } finally {
    base.close();
    fw.close();
    await baseDb.knex.destroy();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);

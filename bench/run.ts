/**
 * `npm run bench`: Formwork's create, get-one and list against a raw Express + knex baseline, measured in the same
 * run with the same SQLite settings, printed as ratios with the targets they are held to (this machine is shared
 * and noisy: absolute figures vary run to run, ratios much less).
 *
 *   baseline create  = insert one 12-column row and one audit row in a transaction
 *   baseline get     = select one row by id
 *   list             = filter + sort + limit 20 using the composite index declared in the table definition,
 *                      at 100k and 1M rows (BENCH_ROWS)
 *   catalogue order  = ordering a catalogue item with 20 variables against Formwork's own plain create of a record
 *                      with the same 20 fields, on the same server: an item creating that record (a record producer:
 *                      answers checked with the item's policy, then the same create), and for reference an item
 *                      creating a request (a request, a requested item and its 20 answer rows: three writes)
 * Each server runs in a process of its own (Formwork from its compiled JavaScript, as `npm start` runs it), and
 * the load comes from a third (bench/load.mjs, autocannon, 10 connections), which reports how busy it was itself:
 * a generator near a full core would be setting the pace.
 * The targets are held against the baseline on knex's usual asynchronous sqlite3 driver; a second baseline on
 * better-sqlite3 (Formwork's driver) is measured for reference, so the ratio of Formwork's own work shows too.
 * Latency (lists, one connection) is measured in alternating slices as throughput is.
 * BENCH_LOAD=fetch uses the former fetch-based generator instead, to compare. Formwork's requests authenticate as a
 * user holding the bench_user role with an API token, as a machine client would.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import knexFactory, { type Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 10;
const ROWS = (process.env.BENCH_ROWS ?? '100000,1000000').split(',').map(Number);
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const LOAD = join(here, process.env.BENCH_LOAD === 'fetch' ? 'load-fetch.mjs' : 'load.mjs');
const ITEM = {
  title: 'x', body: 'Some longer text for the body of the item.', status: 'open', priority: 3, amount: 12.5, flag: true,
  due: '2026-12-01', opened_at: '2026-11-22T10:00:00.000Z', email: 'a@example.com', owner: 'alice', code: 'C-1', site: 'SW1A 2AA',
};
const TARGETS = { create: 0.75, get: 0.75, listRatio: 1.5, listTotalMs: 10, order: 0.7 };
/** The 20 answers of the benchmark's catalogue item, and the same values as the 20 fields of a plain record. */
const ANSWERS = {
  f01: 'Replacement keyboard', f02: 'The old one lost a key.', f03: 2, f04: 12.75, f05: true, f06: '2026-12-24',
  f07: '2026-12-07T09:30:00.000Z', f08: 'b', f09: 'ada@example.org', f10: '+44 20 7946 0000', f11: 'https://example.org/k',
  f12: 'SW1A 1AA', f13: 49.99, f14: 'Desk 4', f15: 'Deliver to reception.', f16: 7, f17: 'y', f18: 'Finance', f19: false,
  f20: '2027-01-04',
};

interface Load { requests: number; rps: number; p50: number; p99: number; errors: number; cpu: number }
interface Server { url: string; token?: string; orgId?: string; proc: ChildProcess; rssMax: number; sample(): void }

const execFileAsync = promisify(execFile);
async function load(spec: Record<string, unknown>, servers: Server[]): Promise<Load> {
  const timer = setInterval(() => { for (const s of servers) s.sample(); }, 250);
  try {
    const args = [LOAD, JSON.stringify({ seconds: SECONDS, connections: CONNECTIONS, ...spec })];
    const { stdout } = await execFileAsync(process.execPath, args);
    return JSON.parse(stdout) as Load;
  } finally {
    clearInterval(timer);
  }
}

/**
 * Throughput of `a` and `b` measured in alternating slices (a, b, b, a, a, b, …) rather than one after the other, so
 * that a burst of load from elsewhere on this shared machine falls on both sides about equally.
 */
async function paired(a: Record<string, unknown>, sa: Server, b: Record<string, unknown>, sb: Server): Promise<[Load, Load]> {
  const slices = Math.max(2, Math.round(SECONDS / 2));
  const seconds = SECONDS / slices;
  const sum = (xs: Load[]): Load => {
    const requests = xs.reduce((n, x) => n + x.requests, 0);
    const time = xs.reduce((n, x) => n + x.requests / x.rps, 0);
    return {
      requests, rps: requests / time, p50: median(xs.map((x) => x.p50)), p99: Math.max(...xs.map((x) => x.p99)),
      errors: xs.reduce((n, x) => n + x.errors, 0), cpu: Math.max(...xs.map((x) => x.cpu)),
    };
  };
  const as: Load[] = [];
  const bs: Load[] = [];
  // A slice of each first, not counted: both servers' code for these requests is compiled by then (V8 optimises
  // what runs often), so the first counted slices do not measure the warm-up of one side.
  await load({ ...a, seconds }, [sa]);
  await load({ ...b, seconds }, [sb]);
  for (let i = 0; i < slices; i++) {
    if (i % 2 === 0) {
      as.push(await load({ ...a, seconds }, [sa])); bs.push(await load({ ...b, seconds }, [sb]));
    } else {
      bs.push(await load({ ...b, seconds }, [sb])); as.push(await load({ ...a, seconds }, [sa]));
    }
  }
  return [sum(as), sum(bs)];
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

/** Start a server process and wait for the JSON line it prints once listening. */
async function startServer(command: string, args: string[]): Promise<Server> {
  const proc = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening`)));
  });
  const server: Server = {
    ...(JSON.parse(line) as { url: string; token?: string; orgId?: string }), proc, rssMax: 0,
    sample() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      if (m) server.rssMax = Math.max(server.rssMax, Number(m[1]) / 1024);
    },
  };
  return server;
}

function openSqlite(filename: string): Knex {
  return knexFactory({ client: 'sqlite3', connection: { filename }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
}

/** Fill both tables to `target` rows with the same data, quickly (multi-row inserts). */
async function fill(base: Knex, fw: Knex, orgId: string | undefined, from: number, target: number) {
  const statuses = ['open', 'pending', 'closed', 'cancelled', 'draft'];
  const scoped = await fw.schema.hasColumn('bench_item', 'org_id');
  for (let n = from; n < target; n += 400) {
    const rows = Array.from({ length: Math.min(400, target - n) }, (_, k) => {
      const i = n + k;
      return { ...ITEM, title: `item ${i}`, status: statuses[i % 5]!, opened_at: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString() };
    });
    const ids = rows.map(() => uuidv7());
    await base.transaction((trx) => trx('base_item').insert(rows.map((r, k) => ({ id: ids[k], ...r, created_at: r.opened_at, version: 1 }))));
    await fw.transaction((trx) => trx('bench_item').insert(rows.map((r, k) => ({
      id: ids[k], number: `BENX${String(n + k).padStart(8, '0')}`, class: 'bench_item', version: 1, ...r,
      flag: 1, created_at: r.opened_at, updated_at: r.opened_at, ...(scoped ? { org_id: orgId } : {}),
    }))));
  }
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const ms = (v: number) => `${v.toFixed(2)} ms`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
const cpu = (...xs: Load[]) => `load generator ≤ ${Math.round(Math.max(...xs.map((x) => x.cpu)) * 100)}% of a core`;

/**
 * Formwork runs with the node flags `npm start` gives it (read from package.json, so the two cannot drift apart), from
 * its compiled JavaScript (`npm run bench` builds it first); the baseline runs with node's defaults, as a plain
 * Express app would.
 */
const START = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
const NODE_FLAGS = START.split(/\s+/).filter((w) => w.startsWith('--'));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'formwork-bench-'));
  const baseFile = join(dir, 'baseline.sqlite');
  const fwFile = join(dir, 'formwork.sqlite');
  const base = await startServer(process.execPath, [join(here, 'baseline-server.mjs'), baseFile]);
  const same = await startServer(process.execPath, [join(here, 'baseline-server.mjs'), join(dir, 'same-driver.sqlite'), 'better-sqlite3']);
  const fw = await startServer(process.execPath, [...NODE_FLAGS, join(here, 'formwork-server.mjs'), fwFile,
    // The platform's own catalogue tables (requests, requested items, answers) come with the core definitions.
    [join(here, 'definitions'), join(here, 'catalog-definitions'), join(root, 'definitions', 'core')].join(',')]);
  const headers = { authorization: `Bearer ${fw.token}` };
  const baseDb = openSqlite(baseFile);
  const fwDb = openSqlite(fwFile);
  const out = (s: string) => process.stdout.write(s + '\n');
  try {
    out(`Formwork benchmark: ${SECONDS}s per measurement, ${CONNECTIONS} connections, SQLite (WAL, synchronous=NORMAL), `
      + `load from ${LOAD.endsWith('load.mjs') ? 'autocannon' : 'fetch'} in a separate process; Formwork runs with ${NODE_FLAGS.join(' ') || 'no node flags'}\n`);
    const [bCreate, fCreate] = await paired(
      { url: `${base.url}/items`, method: 'POST', body: ITEM }, base,
      { url: `${fw.url}/api/tables/bench_item`, method: 'POST', body: ITEM, headers }, fw,
    );
    out(`create     baseline ${bCreate.rps.toFixed(0)}/s  formwork ${fCreate.rps.toFixed(0)}/s  ratio ${ratio(fCreate.rps, bCreate.rps)} `
      + `(target ≥ ${TARGETS.create}×: ${verdict(fCreate.rps / bCreate.rps >= TARGETS.create)})  errors ${bCreate.errors}/${fCreate.errors}  ${cpu(bCreate, fCreate)}`);

    const ids = await fwDb('bench_item').select('id').limit(200).pluck('id') as string[];
    const baseIds = await baseDb('base_item').select('id').limit(200).pluck('id') as string[];
    const [bGet, fGet] = await paired(
      { urls: baseIds.map((id) => `${base.url}/items/${id}`), method: 'GET' }, base,
      { urls: ids.map((id) => `${fw.url}/api/tables/bench_item/${id}`), method: 'GET', headers }, fw,
    );
    out(`get-one    baseline ${bGet.rps.toFixed(0)}/s  formwork ${fGet.rps.toFixed(0)}/s  ratio ${ratio(fGet.rps, bGet.rps)} `
      + `(target ≥ ${TARGETS.get}×: ${verdict(fGet.rps / bGet.rps >= TARGETS.get)})  errors ${bGet.errors}/${fGet.errors}  ${cpu(bGet, fGet)}`);
    out(`server RSS under load: baseline ${base.rssMax.toFixed(0)} MB, formwork ${fw.rssMax.toFixed(0)} MB (goal < 150 MB)`);

    // For reference, no target: the baseline on the driver Formwork uses, so the ratio shows Formwork's own work alone.
    const [sCreate, fCreate2] = await paired(
      { url: `${same.url}/items`, method: 'POST', body: ITEM }, same,
      { url: `${fw.url}/api/tables/bench_item`, method: 'POST', body: ITEM, headers }, fw,
    );
    const sameIds = await fetch(`${same.url}/items?status=open`).then((r) => r.json() as Promise<{ data: { id: string }[] }>);
    const [sGet, fGet2] = await paired(
      { urls: sameIds.data.map((r) => `${same.url}/items/${r.id}`), method: 'GET' }, same,
      { urls: ids.map((id) => `${fw.url}/api/tables/bench_item/${id}`), method: 'GET', headers }, fw,
    );
    out(`reference: the baseline on better-sqlite3, Formwork's driver: create ${sCreate.rps.toFixed(0)}/s vs ${fCreate2.rps.toFixed(0)}/s `
      + `(${ratio(fCreate2.rps, sCreate.rps)}), get-one ${sGet.rps.toFixed(0)}/s vs ${fGet2.rps.toFixed(0)}/s (${ratio(fGet2.rps, sGet.rps)})`);

    // The catalogue: orders of 20-variable items against a plain create of the same 20 values, on Formwork.
    const plain = { url: `${fw.url}/api/tables/bench_wide20`, method: 'POST', body: ANSWERS, headers };
    const [fPlain, fProduce] = await paired(
      plain, fw, { url: `${fw.url}/api/catalog/items/bench_produce20/order`, method: 'POST', body: { variables: ANSWERS }, headers }, fw,
    );
    out(`catalogue order creating the record (20 variables) ${fProduce.rps.toFixed(0)}/s  plain create (20 fields) ${fPlain.rps.toFixed(0)}/s  `
      + `ratio ${ratio(fProduce.rps, fPlain.rps)} (target ≥ ${TARGETS.order}×: ${verdict(fProduce.rps / fPlain.rps >= TARGETS.order)})  `
      + `errors ${fPlain.errors}/${fProduce.errors}  ${cpu(fPlain, fProduce)}`);
    const [fPlain2, fOrder] = await paired(
      plain, fw, { url: `${fw.url}/api/catalog/items/bench_order20/order`, method: 'POST', body: { variables: ANSWERS, quantity: 1 }, headers }, fw,
    );
    out(`reference: catalogue order creating a request (request + requested item + 20 answer rows) ${fOrder.rps.toFixed(0)}/s  `
      + `plain create ${fPlain2.rps.toFixed(0)}/s  ratio ${ratio(fOrder.rps, fPlain2.rps)}  errors ${fPlain2.errors}/${fOrder.errors}`);

    const filter = encodeURIComponent(JSON.stringify({ fact: 'record.status', operator: 'equal', value: 'pending' }));
    // Start the list measurements from empty tables so both hold exactly the same rows.
    await baseDb('base_item').delete();
    await fwDb('bench_item').delete();
    let filled = 0;
    for (const rows of ROWS) {
      await fill(baseDb, fwDb, fw.orgId, filled, rows);
      filled = rows;
      const single = { method: 'GET', connections: 1, seconds: Math.max(2, SECONDS / 2) };
      const list = `${fw.url}/api/tables/bench_item?filter=${filter}&sort=-opened_at&limit=20`;
      // Latency, like throughput, in alternating slices: the median of the slices' medians on each side.
      const [bList, fList] = await paired(
        { ...single, url: `${base.url}/items?status=pending` }, base, { ...single, url: `${list}&total=false`, headers }, fw,
      );
      const fEstimate = await load({ ...single, url: `${list}&total=estimate`, headers }, [fw]);
      const fExact = await load({ ...single, url: `${list}&total=true`, headers }, [fw]);
      const last = rows === ROWS.at(-1);
      const listRatio = fList.p50 / bList.p50;
      out(`list ${String(rows).padStart(7)} rows  baseline p50 ${ms(bList.p50)}  formwork p50 ${ms(fList.p50)}  ${listRatio.toFixed(2)}× the baseline's time`
        + `${last ? ` (target ≤ ${TARGETS.listRatio}×: ${verdict(listRatio <= TARGETS.listRatio)})` : ''}`);
      out(`     with estimated total p50 ${ms(fEstimate.p50)}${last ? ` (target < ${TARGETS.listTotalMs} ms: ${verdict(fEstimate.p50 < TARGETS.listTotalMs)})` : ''}`
        + `  with exact total p50 ${ms(fExact.p50)}  errors ${bList.errors}/${fList.errors}/${fEstimate.errors}/${fExact.errors}`);
    }
  } finally {
    for (const s of [base, same, fw]) s.proc.kill('SIGTERM');
    await baseDb.destroy();
    await fwDb.destroy();
    await Promise.all([base.proc, same.proc, fw.proc].map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : null)));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

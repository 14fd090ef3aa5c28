/**
 * `tsx bench/studio.ts`: the studio's definition layer, on SQLite (or PostgreSQL with BENCH_PG_URL), as ratios
 * against a baseline measured in the same run — never timed assertions.
 *
 *   publish     a one-field change published on one instance of a registry of BENCH_STUDIO_DEFS (default 200)
 *               definitions, until it is live on both instances (the other polls every 100 ms), against reading one
 *               record (readOne) on the same engine
 *   load        building the registry at start-up from 1,000 generated definitions in a temp pack (target: under
 *               2 s here), against building the core pack alone
 *   get-one     readOne with a published layer in force against the same engine before the layer (ratio ≈ 1)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from '../platform/config.js';
import { createEngine, type Engine } from '../platform/engine.js';
import { loadRegistry } from '../platform/kinds.js';
import { createLogger } from '../platform/log.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const core = join(root, 'definitions', 'core');
const out = (line: string) => process.stdout.write(`${line}\n`);
const PUBLISH_DEFS = Number(process.env.BENCH_STUDIO_DEFS ?? 200);
const LOAD_DEFS = 1000;

/** `n` definitions in a pack of their own: a quarter each tables (8 fields), forms, business rules and menus. */
function generatePack(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  const tables = Math.ceil(n / 4);
  const write = (file: string, def: unknown) => writeFileSync(join(dir, file), JSON.stringify(def));
  for (let i = 0; i < n; i++) {
    const t = `bench_${i % tables}`;
    const kind = Math.floor(i / tables);
    if (kind === 0) {
      const fields: Record<string, unknown> = { title: { type: 'string', label: 'Title', required: true, maxLength: 200 } };
      for (let f = 0; f < 6; f++) fields[`note_${f}`] = { type: 'string', label: `Note ${f}`, maxLength: 200 };
      fields.grade = { type: 'choice', label: 'Grade', choices: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] };
      write(`${t}.table.json`, { kind: 'table', name: t, label: `Bench ${i}`, pluralLabel: `Bench ${i}s`, displayField: 'title', fields });
    } else if (kind === 1) {
      write(`${t}.form.json`, {
        kind: 'form', name: t, table: t, label: `Bench ${i % tables}`, sections: [{ columns: [['title', 'grade'], ['note_0', 'note_1']] }],
        uiPolicies: [{ name: 'grade_b_needs_note', condition: { fact: 'record.grade', operator: 'equal', value: 'b' }, actions: [{ field: 'note_0', mandatory: true }] }],
      });
    } else if (kind === 2) {
      write(`${t}.rule.json`, {
        kind: 'rule', name: `${t}_grade`, label: `Grade ${i}`, table: t, when: 'before', operations: ['create'], order: 100,
        condition: { fact: 'record.grade', operator: 'equal', value: 'a' }, actions: [{ type: 'set', fields: { note_5: 'graded' } }],
      });
    } else {
      write(`${t}.menu.json`, { kind: 'menu', name: `${t}_menu`, label: `Bench menu ${i}`, order: 100 + i, items: [{ label: `Bench ${i}`, table: t }] });
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median time of `fn` over `runs` runs, in ms. */
async function timed(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

async function open(url: string, roots: string[], studioPollMs: number): Promise<Engine> {
  const config = { ...readConfig({ DATABASE_URL: url }, root), databaseUrl: url, definitionRoots: roots, demoData: false };
  return createEngine(config, { log: createLogger('silent'), seed: false, timerPollMs: 0, slaPollMs: 0, jobPollMs: 0, studioPollMs });
}

const dir = mkdtempSync(join(tmpdir(), 'formwork-bench-studio-'));
try {
  // Load: the core pack alone, then with 1,000 generated definitions (each built three times; the median).
  generatePack(join(dir, 'load'), LOAD_DEFS);
  const coreMs = await timed(3, () => loadRegistry([core]));
  const loadMs = await timed(3, () => loadRegistry([core, join(dir, 'load')]));
  const built = await loadRegistry([core, join(dir, 'load')]);
  if (!built.registry) throw new Error(`the generated definitions are not valid: ${JSON.stringify(built.errors.slice(0, 3))}`);
  const defs = built.registry.sources.size;
  out(`load: ${defs} definitions built in ${loadMs.toFixed(0)} ms (target under 2,000 ms); the core pack alone `
    + `${coreMs.toFixed(0)} ms: ${(loadMs / coreMs).toFixed(2)}×`);

  // Publish: two instances on one database with a registry of PUBLISH_DEFS definitions besides the core pack.
  generatePack(join(dir, 'publish'), PUBLISH_DEFS);
  const url = process.env.BENCH_PG_URL ?? join(dir, 'studio.sqlite');
  const roots = [core, join(dir, 'publish')];
  const a = await open(url, roots, 0);
  const b = await open(url, roots, 100);
  try {
    const actor = a.systemActor;
    const record = await a.records.createOne('bench_0', { title: 'One' }, { actor });
    const readOne = () => a.records.readOne('bench_0', record.id as string, { actor });
    /** readOne's median time, after warming up: the median of five blocks of 200. */
    const getOne = async () => {
      for (let i = 0; i < 500; i++) await readOne();
      const blocks: number[] = [];
      for (let i = 0; i < 5; i++) blocks.push(await timed(200, readOne));
      return median(blocks);
    };
    // Measured twice, the first as a longer warm-up: the runs after the publish find the code warm.
    await getOne();
    const getBefore = await getOne();

    const publishTimes: number[] = [];
    const publishedHere: number[] = [];
    for (let round = 0; round < 5; round++) {
      // Each round adds one field to what is in force (dropping an earlier one would be refused).
      const table = a.registry.current.get('table', 'bench_1');
      const changed = { ...table, fields: { ...table.fields, [`extra_${round}`]: { type: 'string', label: `Extra ${round}`, maxLength: 100 } } };
      const t = performance.now();
      const cs = await a.studio!.createChangeSet(actor, { name: `One field ${round}` });
      await a.studio!.saveDefinition(actor, cs.id, 'table', 'bench_1', changed);
      await a.studio!.publish(actor, cs.id);
      publishedHere.push(performance.now() - t);
      while (!b.registry.current.getTable('bench_1').fields.has(`extra_${round}`)) await new Promise((r) => setTimeout(r, 5));
      publishTimes.push(performance.now() - t);
    }
    const publishMs = median(publishTimes);
    out(`publish: a one-field change among ${a.registry.current.sources.size} definitions live on both instances in `
      + `${publishMs.toFixed(0)} ms (median of 5; the other polls every 100 ms; live on the publishing one after `
      + `${median(publishedHere).toFixed(0)} ms); reading one record ${getBefore.toFixed(2)} ms: ${(publishMs / getBefore).toFixed(0)}×`);

    const getAfter = await getOne();
    out(`get-one: ${getAfter.toFixed(3)} ms with a published layer in force, ${getBefore.toFixed(3)} ms before it: ${(getAfter / getBefore).toFixed(2)}×`);
  } finally {
    await b.close();
    await a.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

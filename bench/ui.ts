/**
 * `npm run bench:ui`: the browser side, each figure against a baseline measured in the same run.
 *
 *   first render   a 60-field form (4 sections, 10 UI policies) rendered by the app, from navigation start until
 *                  every control is in the DOM — against a static HTML page holding the same 60 labelled controls,
 *                  served by the same server to the same Chromium.
 *   item page      the same for a catalogue item asking 40 variables (4 sections, 7 UI policies): the order page
 *                  generated from the item's definition against a static page with the same 40 controls.
 *   policy change  evaluating the form's 10 UI policies after one field change with the shared evaluator
 *                  (json-rules-engine) — against the same 10 conditions written as a plain JavaScript function.
 *   bundle         the app bundle gzipped — against a minimal Lit component bundled by the same esbuild.
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { chromium } from 'playwright-core';
import { compileEvaluator } from '../platform/conditions/index.js';
import { readConfig } from '../platform/config.js';
import type { TableDef } from '../platform/definitions/types.js';
import type { FormDef } from '../platform/forms/types.js';
import { createEngine } from '../platform/engine.js';
import { createApp } from '../platform/http/app.js';
import { ensureUiBuilt } from '../platform/http/static.js';
import { createLogger } from '../platform/log.js';
import { createUser, listen, signIn } from '../test/support/auth.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 15);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

const form = JSON.parse(readFileSync(join(here, 'ui-definitions/wide/forms/bench_wide.json'), 'utf8')) as FormDef;
const table = JSON.parse(readFileSync(join(here, 'ui-definitions/wide/tables/bench_wide.json'), 'utf8')) as TableDef;
const item = JSON.parse(readFileSync(join(here, 'ui-definitions/catalog/catalog/bench_item40.json'), 'utf8')) as { variables: TableDef['fields'] };

/** The static baseline: the same labelled controls, in plain HTML. */
function baselinePage(fields: TableDef['fields']): string {
  const controls = Object.entries(fields).map(([name, f]) => {
    const label = `<label for="${name}">${f.label}</label><p id="${name}-hint">${f.help ?? ''}</p>`;
    if (f.type === 'text') return `${label}<textarea id="${name}" aria-describedby="${name}-hint"></textarea>`;
    if (f.type === 'choice' && !f.multiple) return `${label}<select id="${name}">${(f.choices ?? []).map((c) => `<option>${c.label}</option>`).join('')}</select>`;
    return `${label}<input id="${name}" aria-describedby="${name}-hint">`;
  });
  return `<!doctype html><html lang="en"><head><title>Baseline</title></head><body><main><form>${controls.join('\n')}</form></main></body></html>`;
}

/** What one first-render measurement opens: the app's page and the controls it must show, and the baseline's fields. */
interface RenderCase { path: string; selector: string; fields: TableDef['fields'] }

async function firstRender(cases: RenderCase[]): Promise<{ app: number; base: number }[]> {
  await ensureUiBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'formwork-bench-ui-'));
  const engine = await createEngine(
    { ...readConfig({}, root), databaseUrl: join(dir, 'bench.sqlite'), definitionRoots: [join(here, 'ui-definitions'), join(root, 'definitions', 'core')], demoData: false, dataDir: dir, scryptLog2N: 10, signInRateLimit: 10_000 },
    { log: createLogger('silent') },
  );
  const outer = express();
  cases.forEach((c, i) => outer.get(`/bench-baseline-${i}.html`, (_req, res) => { res.type('html').send(baselinePage(c.fields)); }));
  outer.use(createApp(engine));
  const server = await listen(outer);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
  try {
    const user = await createUser(engine, { roles: ['bench_wide_user'] });
    const client = await signIn(engine, server.url, user);
    const context = await browser.newContext();
    await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, url: server.url })));
    const page = await context.newPage();
    const measure = async (url: string, selector: string, count: number) => {
      await page.goto(url);
      await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel as string).length >= (n as number), [selector, count], { polling: 'raf' });
      return page.evaluate(() => performance.now());
    };
    const results: { app: number; base: number }[] = [];
    for (const [i, c] of cases.entries()) {
      const count = Object.keys(c.fields).length;
      const baseUrl = `${server.url}/bench-baseline-${i}.html`;
      const app: number[] = [];
      const base: number[] = [];
      // Warm both once (bundle and metadata caches), then alternate.
      await measure(`${server.url}${c.path}`, c.selector, count);
      await measure(baseUrl, 'input, select, textarea', count);
      for (let run = 0; run < RUNS; run++) {
        app.push(await measure(`${server.url}${c.path}`, c.selector, count));
        base.push(await measure(baseUrl, 'input, select, textarea', count));
      }
      results.push({ app: p50(app), base: p50(base) });
    }
    return results;
  } finally {
    await browser.close();
    await server.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function policyChange(): Promise<{ engine: number; plain: number }> {
  const evaluators = (form.uiPolicies ?? []).map((p) => compileEvaluator(p.condition));
  const record: Record<string, unknown> = {};
  for (const name of Object.keys(table.fields)) record[name] = null;
  record.f07 = 'alpha';
  // The same ten conditions, hand-written.
  const sources = (form.uiPolicies ?? []).map((p) => (p.condition as { all: { fact: string }[] }).all[0]!.fact.slice('record.'.length));
  const plain = (r: Record<string, unknown>) => sources.map((s) => {
    const v = r[s];
    return v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0) && (r.f07 === 'alpha' || r.f07 === 'beta');
  });
  const N = 2000;
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    record.f00 = i % 2 ? `v${i}` : null;
    const results = await Promise.all(evaluators.map((e) => e({ record, user: {}, now: new Date().toISOString() })));
    sink += results.filter(Boolean).length;
  }
  const t1 = performance.now();
  for (let i = 0; i < N; i++) {
    record.f00 = i % 2 ? `v${i}` : null;
    sink += plain(record).filter(Boolean).length;
  }
  const t2 = performance.now();
  if (sink < 0) process.stdout.write('');
  return { engine: ((t1 - t0) / N) * 1000, plain: ((t2 - t1) / N) * 1000 };
}

async function bundleSizes(): Promise<{ app: number; base: number }> {
  await ensureUiBuilt();
  const app = gzipSync(readFileSync(join(root, 'dist/ui/app.js'))).length;
  const dir = mkdtempSync(join(tmpdir(), 'formwork-bench-lit-'));
  try {
    const entry = join(dir, 'hello.ts');
    writeFileSync(entry, `import { LitElement, html } from 'lit';\nclass Hello extends LitElement { render() { return html\`<p>Hello</p>\`; } }\ncustomElements.define('x-hello', Hello);\n`);
    const out = await build({ entryPoints: [entry], bundle: true, format: 'esm', target: 'es2022', minify: true, write: false, nodePaths: [join(root, 'node_modules')] });
    return { app, base: gzipSync(out.outputFiles[0]!.contents).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const controls = (tag: string) => `${tag} input, ${tag} select, ${tag} textarea, ${tag} fieldset[id]`;
const [render, itemPage] = await firstRender([
  { path: '/forms/bench_wide/new', selector: controls('fw-form'), fields: table.fields },
  { path: '/catalog/items/bench_item40', selector: controls('fw-order-form'), fields: item.variables },
]);
process.stdout.write(`first render (60 fields)   baseline p50 ${render!.base.toFixed(1)} ms  formwork p50 ${render!.app.toFixed(1)} ms  ratio ${ratio(render!.app, render!.base)} of baseline time\n`);
process.stdout.write(`item page (40 variables)   baseline p50 ${itemPage!.base.toFixed(1)} ms  formwork p50 ${itemPage!.app.toFixed(1)} ms  `
  + `ratio ${ratio(itemPage!.app, itemPage!.base)} of baseline time (target ≤ 1.5×: ${itemPage!.app / itemPage!.base <= 1.5 ? 'met' : 'NOT MET'})\n`);
const change = await policyChange();
process.stdout.write(`policy change (10 rules)   baseline ${change.plain.toFixed(2)} µs  formwork ${change.engine.toFixed(1)} µs  ratio ${ratio(change.engine, change.plain)} of baseline time\n`);
const sizes = await bundleSizes();
process.stdout.write(`bundle gzipped             baseline (Lit hello) ${(sizes.base / 1024).toFixed(1)} KB  formwork ${(sizes.app / 1024).toFixed(1)} KB  ratio ${ratio(sizes.app, sizes.base)}\n`);
process.exit(0);

/**
 * The browser bundle (scripts/build-ui.mjs) and how platform/http/static.ts serves it: the build splits the rich text
 * editor and the studio into chunks app.js only imports on demand, removes chunks of old builds after their grace
 * period, and the server names app.js and styles.css by content hash in index.html, serves hashed chunks immutable,
 * everything else revalidated, with the strict CSP on every response. Built in a scratch folder whose ui/ is the
 * checkout's (symlinked), so the shared dist/ui is never touched.
 */
import { expect } from 'chai';
import express from 'express';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Formwork } from '../../../platform/context.js';
import { isUiStale, uiRouter, UI_CSP } from '../../../platform/http/static.js';
import { REPO } from '../../support/engine.js';

interface BuildSizes { bytes: number; gzipped: number; total: { bytes: number; gzipped: number }; chunks: string[] }
type BuildUi = (options: { root: string; quiet: boolean }) => Promise<BuildSizes>;

/** The `./chunks/…` files a script imports statically (`from"./chunks/x.js"`) and dynamically (`import("./chunks/x.js")`). */
function importsOf(js: string): { static: string[]; dynamic: string[] } {
  const found = (re: RegExp) => [...js.matchAll(re)].map((m) => m[1]!.replace(/^\.\.\//, '').replace(/^\.\//, ''));
  return {
    static: found(/(?:from|import)\s*"(\.{1,2}\/[^"]+\.js)"/g).map((p) => (p.startsWith('chunks/') ? p : `chunks/${p}`)),
    dynamic: found(/import\(\s*"(\.{1,2}\/[^"]+\.js)"\s*\)/g).map((p) => (p.startsWith('chunks/') ? p : `chunks/${p}`)),
  };
}

/** Every script app.js loads before it runs: itself and the chunks it imports statically, transitively. */
function firstLoad(dist: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of importsOf(readFileSync(join(dist, file), 'utf8')).static) visit(next);
  };
  visit('app.js');
  return seen;
}

describe('The browser bundle, split into chunks, and how it is served', function () {
  this.timeout(60_000);
  let root: string;
  let dist: string;
  let sizes: BuildSizes;
  let server: Server;
  let base: string;
  const old = 'chunks/old-build-AAAAAAAA.js';
  const recent = 'chunks/recent-build-BBBBBBBB.js';

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'fw-ui-build-'));
    for (const entry of ['ui', 'platform', 'node_modules', 'tsconfig.ui.json']) symlinkSync(join(REPO, entry), join(root, entry));
    dist = join(root, 'dist', 'ui');
    mkdirSync(join(dist, 'chunks'), { recursive: true });
    // Chunks of earlier builds: one past the grace period (an hour), one a page opened lately may still ask for.
    for (const file of [old, recent]) writeFileSync(join(dist, file), 'export {};\n');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(dist, old), twoHoursAgo, twoHoursAgo);
    const { buildUi } = (await import(pathToFileURL(join(REPO, 'scripts', 'build-ui.mjs')).href)) as { buildUi: BuildUi };
    sizes = await buildUi({ root, quiet: true });

    const fw = { log: { error() { /* the 503 page is not exercised here */ } } } as unknown as Formwork;
    const app = express();
    app.use(uiRouter(fw, { dir: dist }));
    app.use((_req, res) => { res.status(404).end(); });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((done) => server.once('listening', () => done()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('puts the rich text editor, the studio and its diagram layout in chunks imported only on demand', () => {
    const chunk = (name: string) => {
      const found = sizes.chunks.find((c) => new RegExp(`^chunks/${name}-[A-Z0-9]{8}\\.js$`).test(c));
      expect(found, `${name} in ${sizes.chunks.join(', ')}`).to.be.a('string');
      return found!;
    };
    const [editor, studio, layout] = [chunk('richtext-editor'), chunk('studio-pages'), chunk('workflow-layout')];
    const loaded = firstLoad(dist);
    for (const lazy of [editor, studio, layout]) expect([...loaded]).not.to.include(lazy);
    for (const file of loaded) expect(existsSync(join(dist, file)), file).to.equal(true);
    const dynamic = [...loaded].flatMap((f) => importsOf(readFileSync(join(dist, f), 'utf8')).dynamic);
    expect(dynamic).to.include.members([editor, studio]);
    expect(importsOf(readFileSync(join(dist, studio), 'utf8')).dynamic).to.include(layout);
    // index.html preloads exactly the chunks app.js needs before it runs.
    const preloads = [...readFileSync(join(dist, 'index.html'), 'utf8').matchAll(/<link rel="modulepreload" href="\/ui\/([^"]+)">/g)].map((m) => m[1]);
    expect(preloads.sort()).to.deep.equal([...loaded].filter((f) => f !== 'app.js').sort());
    // The editor's library is in its chunk, not in what every page loads.
    expect(readFileSync(join(dist, editor), 'utf8')).to.include('ProseMirror');
    for (const file of loaded) expect(readFileSync(join(dist, file), 'utf8'), file).not.to.include('ProseMirror-focused');
    expect(sizes.bytes).to.be.greaterThan(0);
    expect(sizes.total.bytes).to.be.greaterThan(sizes.bytes + readFileSync(join(dist, editor)).length);
    expect(sizes.gzipped).to.be.lessThan(sizes.total.gzipped);
  });

  it('removes chunks of earlier builds only after their grace period', () => {
    expect(existsSync(join(dist, old))).to.equal(false);
    expect(existsSync(join(dist, recent))).to.equal(true);
  });

  it('names app.js and styles.css by content hash in index.html, and serves them immutable only under that hash', async () => {
    const page = await fetch(`${base}/anything`, { headers: { accept: 'text/html' } });
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-security-policy')).to.equal(UI_CSP);
    expect(UI_CSP).to.include("script-src 'self'");
    const html = await page.text();
    const app = /"\/ui\/app\.js\?v=([\w-]{16})"/.exec(html);
    expect(app, html).to.not.equal(null);
    expect(html).to.match(/"\/ui\/styles\.css\?v=[\w-]{16}"/);

    const hashed = await fetch(`${base}/ui/app.js?v=${app![1]!}`);
    expect(hashed.status).to.equal(200);
    expect(hashed.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(hashed.headers.get('content-type')).to.match(/javascript/);
    const plain = await fetch(`${base}/ui/app.js`);
    expect(plain.headers.get('cache-control')).to.equal('no-cache');
    await Promise.all([hashed.arrayBuffer(), plain.arrayBuffer()]);
  });

  it('serves chunks immutable (their names carry their hash), under the same CSP, and a missing one as 404', async () => {
    for (const chunk of sizes.chunks) {
      const res = await fetch(`${base}/ui/${chunk}`);
      expect(res.status, chunk).to.equal(200);
      expect(res.headers.get('cache-control'), chunk).to.equal('public, max-age=31536000, immutable');
      expect(res.headers.get('content-type'), chunk).to.match(/javascript/);
      expect(res.headers.get('content-security-policy'), chunk).to.equal(UI_CSP);
      await res.arrayBuffer();
    }
    const map = await fetch(`${base}/ui/${sizes.chunks[0]!}.map`);
    expect(map.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(map.headers.get('content-type')).to.match(/^application\/json/);
    await map.arrayBuffer();
    const missing = await fetch(`${base}/ui/chunks/gone-CCCCCCCC.js`);
    expect(missing.status).to.equal(404);
    await missing.arrayBuffer();
  });

  it('calls dist/ui stale when app.js is missing or older than a source', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'fw-ui-stale-'));
    try {
      const source = join(scratch, 'ui', 'fields', 'widget.ts');
      const bundle = join(scratch, 'dist', 'ui', 'app.js');
      mkdirSync(dirname(source), { recursive: true });
      writeFileSync(source, '');
      expect(isUiStale(scratch)).to.equal(true);
      mkdirSync(dirname(bundle), { recursive: true });
      writeFileSync(bundle, '');
      const [earlier, later] = [new Date(Date.now() - 60_000), new Date()];
      for (const p of [source, dirname(source), join(scratch, 'ui')]) utimesSync(p, earlier, earlier);
      utimesSync(bundle, later, later);
      expect(isUiStale(scratch)).to.equal(false);
      utimesSync(source, later, new Date(Date.now() + 60_000));
      expect(isUiStale(scratch)).to.equal(true);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

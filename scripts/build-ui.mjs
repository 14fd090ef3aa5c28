#!/usr/bin/env node
// `npm run build:ui`: bundle the browser app with esbuild (ui/main.ts → dist/ui/app.js + app.js.map, ES2022, minified),
// copy ui/styles.css and ui/index.html next to it (the latter preloading the chunks app.js imports), and print the
// gzipped sizes.
//
// Code splitting: every dynamic `import()` (the rich text editor, the studio) becomes a chunk, and code shared by
// app.js and chunks a shared chunk, all under dist/ui/chunks/ with a content hash in the name (served immutable). A
// build removes the chunks of earlier builds once they are an hour old: a page opened before a rebuild can still
// fetch the parts it has not loaded yet for a while.
//
// ES2022, not esnext: Chromium has no native decorators, so esbuild must lower Lit's standard decorators.
// Usable as a module too: `import { buildUi } from './scripts/build-ui.mjs'` (platform/http/static.ts runs it as a
// child process instead, so the server does not load esbuild).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where chunks go, under dist/ui (static.ts serves this folder immutable: every name carries a hash). */
const CHUNKS = 'chunks';
/** How long a chunk no longer built is kept (ms). */
const OLD_CHUNK_GRACE_MS = 60 * 60 * 1000;

const gzipped = (path) => gzipSync(readFileSync(path), { level: 9 }).length;

/**
 * The chunks app.js imports statically, transitively (paths under dist/ui): index.html preloads them, so the browser
 * fetches them alongside app.js instead of after reading it.
 */
function staticChunks(metafile, root, outdir) {
  const found = new Set();
  const visit = (output) => {
    for (const i of metafile.outputs[output]?.imports ?? []) {
      if (i.kind !== 'import-statement' || found.has(i.path)) continue;
      found.add(i.path);
      visit(i.path);
    }
  };
  visit(relative(root, join(outdir, 'app.js')).split(sep).join('/'));
  return [...found].map((p) => relative(outdir, join(root, p)).split(sep).join('/')).sort();
}

/** index.html with a modulepreload link per chunk app.js needs before it runs (their names carry their hash). */
function withPreloads(html, chunks) {
  const script = '<script type="module" src="/ui/app.js"></script>';
  if (!html.includes(script)) throw new Error(`ui/index.html must load the app with ${script}`);
  const links = chunks.map((c) => `<link rel="modulepreload" href="/ui/${c}">\n  `).join('');
  return html.replace(script, `${links}${script}`);
}

/** Remove chunks this build did not write that are older than the grace period. */
function pruneChunks(outdir, written) {
  const dir = join(outdir, CHUNKS);
  const cutoff = Date.now() - OLD_CHUNK_GRACE_MS;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!written.has(path) && statSync(path).mtimeMs < cutoff) rmSync(path, { force: true });
  }
}

/**
 * Build dist/ui. Returns the sizes in bytes, raw and gzipped, of app.js (what every page loads) and of all the
 * JavaScript this build wrote (app.js and its chunks), and the chunk files' names.
 * @param {{ root?: string, quiet?: boolean }} [options]
 * @returns {Promise<{ bytes: number, gzipped: number, total: { bytes: number, gzipped: number }, chunks: string[] }>}
 */
export async function buildUi(options = {}) {
  const root = options.root ?? ROOT;
  const outdir = join(root, 'dist', 'ui');
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: join(root, 'ui', 'main.ts') },
    outdir,
    entryNames: '[name]',
    chunkNames: `${CHUNKS}/[name]-[hash]`,
    splitting: true,
    metafile: true,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    tsconfig: join(root, 'tsconfig.ui.json'),
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: options.quiet ? 'error' : 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  copyFileSync(join(root, 'ui', 'styles.css'), join(outdir, 'styles.css'));
  const preloads = staticChunks(result.metafile, root, outdir);
  writeFileSync(join(outdir, 'index.html'), withPreloads(readFileSync(join(root, 'ui', 'index.html'), 'utf8'), preloads));
  const written = new Set(Object.keys(result.metafile.outputs).map((p) => join(root, p)));
  mkdirSync(join(outdir, CHUNKS), { recursive: true });
  pruneChunks(outdir, written);
  const scripts = [...written].filter((p) => p.endsWith('.js'));
  const app = join(outdir, 'app.js');
  const sizes = {
    bytes: statSync(app).size,
    gzipped: gzipped(app),
    total: {
      bytes: scripts.reduce((n, p) => n + statSync(p).size, 0),
      gzipped: scripts.reduce((n, p) => n + gzipped(p), 0),
    },
    chunks: scripts.filter((p) => p !== app).map((p) => p.slice(outdir.length + 1)).sort(),
  };
  if (!options.quiet) {
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    process.stdout.write(`dist/ui/app.js: ${kb(sizes.bytes)}, ${kb(sizes.gzipped)} gzipped\n`);
    process.stdout.write(`all scripts (app.js + ${sizes.chunks.length} chunks): ${kb(sizes.total.bytes)}, ${kb(sizes.total.gzipped)} gzipped\n`);
  }
  return sizes;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildUi({ quiet: process.argv.includes('--quiet') }).catch((e) => {
    process.stderr.write(`${e?.message ?? e}\n`);
    process.exit(1);
  });
}

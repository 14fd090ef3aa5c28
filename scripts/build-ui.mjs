#!/usr/bin/env node
// `npm run build:ui`: bundle the browser app with esbuild (ui/main.ts → dist/ui/app.js + app.js.map, ES2022, minified),
// copy ui/index.html and ui/styles.css next to it, and print the gzipped size of the bundle.
//
// ES2022, not esnext: Chromium has no native decorators, so esbuild must lower Lit's standard decorators.
// Usable as a module too: `import { buildUi } from './scripts/build-ui.mjs'` (platform/http/static.ts runs it as a
// child process instead, so the server does not load esbuild).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STATIC_FILES = ['index.html', 'styles.css'];

/**
 * Build dist/ui. Returns the sizes of app.js in bytes, raw and gzipped.
 * @param {{ root?: string, quiet?: boolean }} [options]
 */
export async function buildUi(options = {}) {
  const root = options.root ?? ROOT;
  const outdir = join(root, 'dist', 'ui');
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'ui', 'main.ts')],
    outfile: join(outdir, 'app.js'),
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
  for (const file of STATIC_FILES) copyFileSync(join(root, 'ui', file), join(outdir, file));
  const js = readFileSync(join(outdir, 'app.js'));
  const sizes = { bytes: statSync(join(outdir, 'app.js')).size, gzipped: gzipSync(js, { level: 9 }).length };
  if (!options.quiet) {
    process.stdout.write(`dist/ui/app.js: ${(sizes.bytes / 1024).toFixed(1)} KB, ${(sizes.gzipped / 1024).toFixed(1)} KB gzipped\n`);
  }
  return sizes;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildUi({ quiet: process.argv.includes('--quiet') }).catch((e) => {
    process.stderr.write(`${e?.message ?? e}\n`);
    process.exit(1);
  });
}

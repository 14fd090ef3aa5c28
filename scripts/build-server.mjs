#!/usr/bin/env node
// `npm run build:server`: compile the server (platform/ and migrations/) with tsc -p tsconfig.build.json into
// dist/platform and dist/migrations (ES modules, as the source), and copy the JSON files the code reads at run time
// beside their modules (the kinds' schema parts: `new URL('./x.schema.json', import.meta.url)`). The old output is
// removed first, so a deleted source file leaves no stale module behind. `npm start` runs the result with plain node.
// Nothing is done when the output is newer than every source (and the build's tsconfigs), unless `--force`.
// `--no-check` skips the type-check of the emit (npm test type-checks the same sources in a process beside it).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist');
const COMPILED = ['platform', 'migrations'];

/** Every file under `dir` whose name ends with `suffix`. */
function filesUnder(dir, suffix) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath, e.name));
}

const STAMP = join(OUT, 'platform', 'cli.js');
const builtAt = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const sources = [...COMPILED.flatMap((dir) => [...filesUnder(join(ROOT, dir), '.ts'), ...filesUnder(join(ROOT, dir), '.json')]),
  join(ROOT, 'tsconfig.json'), join(ROOT, 'tsconfig.build.json')];
if (!process.argv.includes('--force') && builtAt && sources.every((f) => statSync(f).mtimeMs <= builtAt)) {
  if (!process.argv.includes('--quiet')) process.stdout.write('dist/platform, dist/migrations: up to date\n');
  process.exit(0);
}

for (const dir of COMPILED) rmSync(join(OUT, dir), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// `--no-check`: emit only (TypeScript's --noCheck), for `npm test`, whose type-check of the same sources runs beside it.
const noCheck = process.argv.includes('--no-check') ? ['--noCheck'] : [];
execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), ...noCheck], { cwd: ROOT, stdio: 'inherit' });
let copied = 0;
for (const dir of COMPILED) {
  for (const file of filesUnder(join(ROOT, dir), '.json')) {
    cpSync(file, join(OUT, relative(ROOT, file)));
    copied += 1;
  }
}
if (!process.argv.includes('--quiet')) process.stdout.write(`dist/platform, dist/migrations: compiled; ${copied} JSON files copied\n`);

#!/usr/bin/env node
// The `formwork` command. Runs the compiled CLI (dist/platform/cli.js, `npm run build`) when it is there and no
// source under platform/ or migrations/ is newer than it; otherwise the TypeScript source through tsx's loader, so
// `formwork` works without a build step and never runs stale output.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = join(root, 'dist', 'platform', 'cli.js');

/** Whether a .ts or .json file under `dir` changed after `time` (ms). */
function changedSince(dir, time) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .some((e) => e.isFile() && /\.(ts|json)$/.test(e.name) && statSync(join(e.parentPath, e.name)).mtimeMs > time);
}

const builtAt = existsSync(compiled) ? statSync(compiled).mtimeMs : 0;
if (builtAt && !['platform', 'migrations'].some((dir) => changedSince(join(root, dir), builtAt))) {
  await import(new URL('../dist/platform/cli.js', import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../platform/cli.ts', import.meta.url).href);
}

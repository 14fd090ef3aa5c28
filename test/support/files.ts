import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every file (not folder) under `dir`, as paths relative to it, sorted. */
export function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path, d.name).slice(dir.length + 1)).sort();
}

/**
 * The package's root folder (package.json, definitions.schema.json, scripts/, dist/), found the same way whether the
 * code runs from its TypeScript source (platform/, through tsx) or compiled (dist/platform/, `npm start`): files
 * read at run time that are not beside their module are resolved from here, never by counting `../` from a module.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json in ${from} or any folder above it.`);
  }
}

/** The absolute path of the package's root folder. */
export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

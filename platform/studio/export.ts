/**
 * The published layer as definition files in the pack layout (`tables/x.json`, `forms/x.json`, …), with a manifest,
 * so a team can review studio changes in git and import them into another database (platform/studio/import.ts).
 *
 * An export holds the layer entries that differ between the base version and the version exported: every entry of
 * the layer for a whole export (base 0, the files alone), or only those changed since `--changes-since V`. An entry
 * the layer no longer holds (deleted in the studio, rolled back, or a file definition's change taken back) has no
 * file: the manifest lists it under `removed`. For each definition the manifest keeps `history`, the content hashes
 * the definition's layer entry had from the base version to the one exported (null: no entry), which is how an
 * import tells a database that is merely behind from one whose own change the import would overwrite.
 *
 * Files are written as 2-space JSON in the key order the definitions were stored in, with a trailing newline, so
 * exporting again after a change shows in git as that change alone. The manifest is a dot-file, which the definition
 * loader passes over: an export of definitions the studio created can serve as a pack folder as it is.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Knex } from 'knex';
import type { DefinitionLayer } from '../definitions/overlay.js';
import { fail } from '../errors.js';
import { canonical } from './layer.js';
import { fetchCurrentVersion, fetchLayer, fetchVersion } from './store.js';

/** The manifest's file name in an export folder and key in a bundle. */
export const MANIFEST_FILE = '.formwork-export.json';

/** One definition an export writes or removes, with the content its layer entry had since the base version. */
export interface ManifestEntry {
  kind: string;
  name: string;
  /** Its file in the export (absent for a removal). */
  file?: string;
  /** Content hashes of its layer entry at the base version and each version after it, the one exported included; null: none. */
  history: (string | null)[];
}

/** What an export says about itself. */
export interface ExportManifest {
  format: 1;
  /** The version exported (0: nothing published). */
  version: number;
  /** The version the changes are counted from (0: the whole layer over the files). */
  base: number;
  exportedAt: string;
  /** The registry content hash of the version exported, null for version 0. */
  registry: string | null;
  definitions: ManifestEntry[];
  removed: ManifestEntry[];
}

/**
 * A bundle: every file of an export by its path relative to the export folder (`tables/x.json`), each the parsed
 * JSON; the manifest under `.formwork-export.json`. The API's export answers one and its import takes one.
 */
export interface ExportBundle {
  files: Record<string, unknown>;
}

// The folders the packs use for each kind; a kind not listed gets a folder named after it.
const KIND_FOLDERS: Record<string, string> = {
  table: 'tables', choiceList: 'choice-lists', form: 'forms', menu: 'menus', role: 'roles', data: 'data', rule: 'rules',
  workflow: 'workflows', sla: 'slas', schedule: 'calendars', holidaySet: 'calendars', notification: 'notifications',
  job: 'jobs', catalog: '', catalogItem: 'items', catalogCategory: 'categories', orderGuide: 'guides', variableSet: 'variable-sets',
};

/** A content hash of a definition: the same JSON in another key order hashes the same. */
export function contentHash(definition: unknown): string {
  return createHash('sha256').update(canonical(definition)).digest('hex');
}

/** A file's text as exports write it: 2-space JSON in stored key order, newline-terminated. */
export function exportText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The file of one definition; a second kind sharing a folder and name gets the kind in its file name. */
function fileOf(kind: string, name: string, taken: Set<string>): string {
  const folder = KIND_FOLDERS[kind] ?? kind;
  const base = /^[A-Za-z0-9_.-]+$/.test(name) ? name : encodeURIComponent(name);
  let file = folder ? `${folder}/${base}.json` : `${base}.json`;
  if (taken.has(file)) file = folder ? `${folder}/${base}.${kind}.json` : `${base}.${kind}.json`;
  taken.add(file);
  return file;
}

/**
 * The layer changes from version `since` (default 0: the whole layer) to the version published last, as a bundle.
 * Errors: not_found (no version `since`, or one later than the latest).
 */
export async function buildExport(k: Knex | Knex.Transaction, options: { since?: number; now: Date }): Promise<ExportBundle> {
  const current = await fetchCurrentVersion(k);
  const since = options.since ?? 0;
  if (since > current || (since !== 0 && !(await fetchVersion(k, since)))) {
    fail('not_found', `There is no version ${since}: the latest published version is ${current}.`);
  }
  const layers: DefinitionLayer[] = [];
  for (let v = since; v <= current; v++) layers.push(await fetchLayer(k, v));
  const entryOf = (layer: DefinitionLayer, key: string) => layer.entries.find((e) => `${e.kind}:${e.name}` === key);
  const keys = [...new Set(layers.flatMap((l) => l.entries.map((e) => `${e.kind}:${e.name}`)))].sort();
  const last = layers[layers.length - 1]!;
  const files: Record<string, unknown> = {};
  const taken = new Set<string>();
  const manifest: ExportManifest = {
    format: 1, version: current, base: since, exportedAt: options.now.toISOString(),
    registry: current ? (await fetchVersion(k, current))!.registry_version : null, definitions: [], removed: [],
  };
  for (const key of keys) {
    const now = entryOf(last, key)?.definition;
    const then = entryOf(layers[0]!, key)?.definition;
    if (canonical(now ?? null) === canonical(then ?? null)) continue;
    // The version exported counts too: files edited after the export start from it.
    const history = [...new Set(layers.map((l) => {
      const d = entryOf(l, key)?.definition;
      return d === undefined || d === null ? null : contentHash(d);
    }))];
    const [kind, ...rest] = key.split(':');
    const name = rest.join(':');
    if (now === undefined || now === null) {
      manifest.removed.push({ kind: kind!, name, history });
      continue;
    }
    const file = fileOf(kind!, name, taken);
    files[file] = now;
    manifest.definitions.push({ kind: kind!, name, file, history });
  }
  return { files: { [MANIFEST_FILE]: manifest, ...files } };
}

/** Every `.json` file under `dir`, relative paths with `/`. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') out.push(...await listFiles(path));
    else if (e.isFile() && e.name.endsWith('.json') && (!e.name.startsWith('.') || e.name === MANIFEST_FILE)) out.push(path);
  }
  return out;
}

const toPosix = (path: string) => path.split(sep).join('/');

/**
 * Write a bundle into `dir`, created when missing. A folder that already holds files must hold an earlier export
 * (its manifest): the files that export listed are replaced, so a definition removed since disappears from git too;
 * other files (a README) are left. Errors: invalid_state (a folder with files and no export manifest).
 */
export async function writeExport(dir: string, bundle: ExportBundle): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const present = await readdir(dir);
  if (present.length) {
    let previous: ExportManifest;
    try {
      previous = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as ExportManifest;
    } catch {
      return fail('invalid_state', `${dir} holds files and no ${MANIFEST_FILE}: export into an empty folder or an earlier export's folder.`);
    }
    for (const d of previous.definitions ?? []) if (typeof d.file === 'string') await rm(join(dir, d.file), { force: true });
  }
  const written: string[] = [];
  for (const [file, value] of Object.entries(bundle.files)) {
    const path = join(dir, file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, exportText(value));
    written.push(file);
  }
  return written;
}

/**
 * Read an export back as a bundle: a folder (every `.json` file under it and the manifest) or a bundle file
 * (`{"files": {…}}`). Errors: invalid_payload (a file that is not JSON, named with its line of trouble).
 */
export async function readBundle(path: string): Promise<ExportBundle> {
  const info = await stat(path);
  const parse = (text: string, file: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (e) {
      return fail('invalid_payload', `${file} is not valid JSON: ${(e as Error).message}`);
    }
  };
  if (info.isFile()) {
    const bundle = parse(await readFile(path, 'utf8'), path) as Partial<ExportBundle> | null;
    if (!bundle || typeof bundle !== 'object' || !bundle.files || typeof bundle.files !== 'object') {
      fail('invalid_payload', `${path} is not a bundle: expected a JSON object {"files": {"<path>": <definition>, …}}.`);
    }
    return bundle as ExportBundle;
  }
  const files: Record<string, unknown> = {};
  for (const file of (await listFiles(path)).sort()) {
    files[toPosix(relative(path, file))] = parse(await readFile(file, 'utf8'), file);
  }
  return { files };
}

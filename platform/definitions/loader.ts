/**
 * Read definition files: every `*.json` under the given roots (a root may also be a single file). A file holds
 * one definition or an array of them. Syntax errors are reported with line and column, never thrown.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { DefinitionError } from './types.js';

/** One definition document and where it came from. */
export interface LoadedDocument {
  file: string;
  /** Pointer of the document inside its file: '' for a single-definition file, `/i` inside an array file. */
  pointer: string;
  value: unknown;
}

export interface LoadResult {
  documents: LoadedDocument[];
  errors: DefinitionError[];
  files: string[];
}

/** A path as shown in messages: relative to the working directory when below it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

async function listJsonFiles(root: string): Promise<string[]> {
  let info;
  try {
    info = await stat(root);
  } catch {
    return [];
  }
  if (info.isFile()) return root.endsWith('.json') ? [root] : [];
  const out: string[] = [];
  const entries = await readdir(root, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const path = join(root, e.name);
    if (e.isDirectory()) out.push(...(await listJsonFiles(path)));
    else if (e.isFile() && e.name.endsWith('.json')) out.push(path);
  }
  return out;
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export function parseJson(text: string, file: string): { value?: unknown; error?: DefinitionError } {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    const message = (e as Error).message;
    const pos = /at position (\d+)/.exec(message);
    const lc = /line (\d+) column (\d+)/.exec(message);
    const where = lc ? { line: Number(lc[1]), column: Number(lc[2]) } : pos ? lineColumn(text, Number(pos[1])) : null;
    return {
      error: {
        file,
        pointer: '',
        message: `Invalid JSON${where ? ` at line ${where.line}, column ${where.column}` : ''}: ${message.replace(/\s*\(line \d+ column \d+\)/, '')}`,
        expected: 'a JSON object or an array of objects',
      },
    };
  }
}

/** Load every definition document under the roots. */
export async function loadDefinitionFiles(roots: string[]): Promise<LoadResult> {
  const documents: LoadedDocument[] = [];
  const errors: DefinitionError[] = [];
  const files: string[] = [];
  for (const root of roots) {
    for (const path of await listJsonFiles(resolve(root))) {
      const file = displayPath(path);
      files.push(file);
      const text = await readFile(path, 'utf8');
      const parsed = parseJson(text, file);
      if (parsed.error) {
        errors.push(parsed.error);
        continue;
      }
      if (Array.isArray(parsed.value)) parsed.value.forEach((value, i) => documents.push({ file, pointer: `/${i}`, value }));
      else documents.push({ file, pointer: '', value: parsed.value });
    }
  }
  return { documents, errors, files };
}

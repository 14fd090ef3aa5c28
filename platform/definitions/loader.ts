/**
 * Read definition files: every `*.json` under the given roots (a root may also be a single file). A file holds
 * one definition (an array is refused: one definition per file keeps diffs, reviews and the designer's exports
 * one-to-one). Syntax errors are reported with line and column, and a root that does not exist is reported,
 * never thrown or passed over.
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

async function listJsonFiles(root: string): Promise<string[] | null> {
  let info;
  try {
    info = await stat(root);
  } catch {
    return null;
  }
  if (info.isFile()) return root.endsWith('.json') ? [root] : [];
  const out: string[] = [];
  const entries = await readdir(root, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const path = join(root, e.name);
    if (e.isDirectory()) out.push(...((await listJsonFiles(path)) ?? []));
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

/**
 * Offset of the first syntax error in a text JSON.parse rejected, or -1. Node 20's messages for an unexpected
 * token or end of input carry no position, so the text is scanned again to find it.
 */
function syntaxErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => { throw i; };
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++; };
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return; }
      if (c < 0x20) fail();
      if (c !== 0x5c) { i++; continue; }
      const n = text[i + 1];
      if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
      else if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
      else { i++; fail(); }
    }
    fail();
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '"') return string();
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++; ws();
      if (text[i] === close) { i++; return; }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          string(); ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === close) { i++; return; }
        fail();
      }
    }
    for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, i)) { i += literal.length; return; }
    number.lastIndex = i;
    const m = number.exec(text);
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value(); ws();
    if (i < text.length) fail();
    return -1;
  } catch (e) {
    return typeof e === 'number' ? e : -1;
  }
}

export function parseJson(text: string, file: string): { value?: unknown; error?: DefinitionError } {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    const message = (e as Error).message;
    const pos = /at position (\d+)/.exec(message);
    const lc = /line (\d+) column (\d+)/.exec(message);
    const offset = lc || pos ? -1 : syntaxErrorOffset(text);
    const where = lc
      ? { line: Number(lc[1]), column: Number(lc[2]) }
      : pos ? lineColumn(text, Number(pos[1])) : offset >= 0 ? lineColumn(text, offset) : null;
    return {
      error: {
        file,
        pointer: '',
        // V8 quotes the text around the error, newlines included: keep the message on one line.
        message: `Invalid JSON${where ? ` at line ${where.line}, column ${where.column}` : ''}: ${message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/\s*\n\s*/g, ' ')}`,
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
    const paths = await listJsonFiles(resolve(root));
    if (!paths) {
      errors.push({ file: displayPath(resolve(root)), pointer: '', message: `The definitions folder "${root}" does not exist.`, expected: 'an existing folder or .json file (see FORMWORK_DEFINITIONS)' });
      continue;
    }
    for (const path of paths) {
      const file = displayPath(path);
      files.push(file);
      const text = await readFile(path, 'utf8');
      const parsed = parseJson(text, file);
      if (parsed.error) {
        errors.push(parsed.error);
        continue;
      }
      if (Array.isArray(parsed.value)) {
        const names = parsed.value.map((d) => (d && typeof d === 'object' ? (d as { name?: unknown }).name : undefined)).filter((n) => typeof n === 'string');
        errors.push({
          file, pointer: '',
          message: `The file holds an array of ${parsed.value.length} definitions: write one definition per file${names.length ? ` (e.g. ${names.slice(0, 3).map((n) => `${String(n)}.json`).join(', ')})` : ''}.`,
          expected: 'one JSON object with "kind" and "name"',
        });
      } else documents.push({ file, pointer: '', value: parsed.value });
    }
  }
  return { documents, errors, files };
}

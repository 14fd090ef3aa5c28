/**
 * Structural differences between two registry versions, per definition. A definition's content in a version is
 * its layer entry, or the file definition when the layer does not hold it, so a studio change to a file
 * definition reads as "changed", not as "added". Inside a definition, objects are compared member by member and
 * arrays position by position, each difference named by its JSON pointer with the value before and after.
 */
import type { LoadedDocument } from '../definitions/loader.js';
import type { DefinitionLayer } from '../definitions/overlay.js';
import { canonical } from './layer.js';
import type { DefinitionDiff, PointerChange } from './types.js';

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every place where `after` differs from `before`, as JSON pointers below `at`. */
export function diffJson(before: unknown, after: unknown, at = ''): PointerChange[] {
  if (canonical(before) === canonical(after)) return [];
  if (isObject(before) && isObject(after)) {
    const out: PointerChange[] = [];
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
      const pointer = `${at}/${escape(key)}`;
      if (!Object.hasOwn(after, key)) out.push({ pointer, op: 'removed', before: before[key] });
      else if (!Object.hasOwn(before, key)) out.push({ pointer, op: 'added', after: after[key] });
      else out.push(...diffJson(before[key], after[key], pointer));
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: PointerChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const pointer = `${at}/${i}`;
      if (i >= after.length) out.push({ pointer, op: 'removed', before: before[i] });
      else if (i >= before.length) out.push({ pointer, op: 'added', after: after[i] });
      else out.push(...diffJson(before[i], after[i], pointer));
    }
    return out;
  }
  return [{ pointer: at, op: 'changed', before, after }];
}

/** The definitions by `kind:name` that a version serves from the layer or, failing that, from the files. */
function effective(files: ReadonlyMap<string, unknown>, layer: DefinitionLayer, keys: Iterable<string>): Map<string, unknown> {
  const fromLayer = new Map(layer.entries.map((e) => [`${e.kind}:${e.name}`, e.definition]));
  const out = new Map<string, unknown>();
  for (const key of keys) {
    const value = fromLayer.has(key) ? fromLayer.get(key) : files.get(key);
    if (value !== undefined && value !== null) out.set(key, value);
  }
  return out;
}

/** The file definitions by `kind:name`. */
export function fileDefinitions(documents: readonly LoadedDocument[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const d of documents) {
    const v = d.value as { kind?: unknown; name?: unknown } | null;
    if (v && typeof v.kind === 'string' && typeof v.name === 'string') out.set(`${v.kind}:${v.name}`, v);
  }
  return out;
}

/** Per definition, what changed from version `from` to version `to` (only definitions either layer holds). */
export function diffLayers(files: ReadonlyMap<string, unknown>, from: DefinitionLayer, to: DefinitionLayer): DefinitionDiff[] {
  const keys = new Set([...from.entries, ...to.entries].map((e) => `${e.kind}:${e.name}`));
  const before = effective(files, from, keys);
  const after = effective(files, to, keys);
  const out: DefinitionDiff[] = [];
  for (const key of [...keys].sort()) {
    const [kind, ...rest] = key.split(':');
    const name = rest.join(':');
    const a = before.get(key);
    const b = after.get(key);
    if (a === undefined && b !== undefined) out.push({ kind: kind!, name, status: 'added', changes: [{ pointer: '', op: 'added', after: b }] });
    else if (a !== undefined && b === undefined) out.push({ kind: kind!, name, status: 'removed', changes: [{ pointer: '', op: 'removed', before: a }] });
    else if (a !== undefined && b !== undefined) {
      const changes = diffJson(a, b);
      if (changes.length) out.push({ kind: kind!, name, status: 'changed', changes });
    }
  }
  return out;
}

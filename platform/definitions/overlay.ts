/**
 * Definitions layered over the files: the studio's published layer (and, for a candidate, a change set on top).
 * A layer definition with the kind and name of a file definition replaces it; any other is added; a deletion takes
 * out a definition the layer added before (a file definition cannot be deleted by a layer: files are the base).
 * Layer documents then go through the same schema validation and lint as files, under a file-equivalent name
 * (`studio:<source>/<kind>/<name>.json`) so an error points at the exact definition and JSON pointer.
 */
import type { LoadedDocument } from './loader.js';
import type { DefinitionError } from './model.js';

/** One definition of a layer: its whole JSON, or null for a deletion. */
export interface LayerEntry {
  kind: string;
  name: string;
  definition: unknown;
  /** Where it was edited, for messages: a change set's name or a version (`v3`). */
  source: string;
}

/** A layer: its entries, and the published version it is (0 for none). */
export interface DefinitionLayer {
  version: number;
  entries: readonly LayerEntry[];
}

/** The file-equivalent name of a layer definition in errors and `registry.sources`. */
export function layerFileName(entry: Pick<LayerEntry, 'kind' | 'name' | 'source'>): string {
  return `studio:${entry.source}/${entry.kind}/${entry.name}.json`;
}

const keyOf = (kind: unknown, name: unknown) => (typeof kind === 'string' && typeof name === 'string' ? `${kind}:${name}` : null);

/** Whether a file document declares this kind and name. */
function docKey(doc: LoadedDocument): string | null {
  const v = doc.value as { kind?: unknown; name?: unknown } | null;
  return v && typeof v === 'object' ? keyOf(v.kind, v.name) : null;
}

/**
 * The file documents with the layer applied. Errors: a deletion of a file definition (refused, the file keeps
 * serving) and a layer definition whose own kind or name differs from the one it is stored under.
 */
export function overlayDocuments(
  files: readonly LoadedDocument[], layer: DefinitionLayer | null,
): { documents: LoadedDocument[]; errors: DefinitionError[] } {
  if (!layer || !layer.entries.length) return { documents: [...files], errors: [] };
  const errors: DefinitionError[] = [];
  const replaced = new Map<string, LoadedDocument | null>();
  for (const entry of layer.entries) {
    const file = layerFileName(entry);
    const key = `${entry.kind}:${entry.name}`;
    if (entry.definition === null) {
      replaced.set(key, null);
      continue;
    }
    const v = entry.definition as { kind?: unknown; name?: unknown } | null;
    if (v && typeof v === 'object' && !Array.isArray(v) && keyOf(v.kind, v.name) !== key) {
      errors.push({
        file, pointer: v.kind !== entry.kind ? '/kind' : '/name', value: v.kind !== entry.kind ? v.kind : v.name,
        message: `The definition is stored as ${entry.kind} "${entry.name}": its kind and name must stay the same.`,
        expected: `kind "${entry.kind}" and name "${entry.name}"`,
      });
      continue;
    }
    replaced.set(key, { file, pointer: '', value: entry.definition });
  }
  const documents: LoadedDocument[] = [];
  for (const doc of files) {
    const key = docKey(doc);
    if (key === null || !replaced.has(key)) { documents.push(doc); continue; }
    const next = replaced.get(key);
    if (next) documents.push(next);
    else {
      const entry = layer.entries.find((e) => `${e.kind}:${e.name}` === key)!;
      errors.push({
        file: layerFileName(entry), pointer: '',
        message: `${entry.kind} "${entry.name}" is declared in ${doc.file}: a definition from a file cannot be deleted in the studio.`,
        expected: 'a change to the definition instead of its deletion',
      });
      documents.push(doc);
    }
    replaced.delete(key);
  }
  for (const next of replaced.values()) if (next) documents.push(next);
  return { documents, errors };
}

/**
 * Words for people: warnings (not errors) for texts people read — labels, help, descriptions, titles, messages —
 * that carry internal words: snake_case names, requirement-id-like tokens (`ABC-FR-22`) and other identifiers (`Code_Name_001`) or talk of
 * "the engine". Requirement ids belong in a definition's `ref`, which the UI never shows. `formwork validate` prints
 * the warnings and still succeeds; the running system ignores them.
 */
import { loadDefinitionFiles, type LoadedDocument } from './loader.js';
import type { DefinitionError } from './model.js';

/** Properties whose string values people read. */
const TEXT_KEYS: ReadonlySet<string> = new Set([
  'label', 'pluralLabel', 'help', 'description', 'title', 'message', 'patternMessage', 'subject', 'confirm', 'successMessage',
]);
/** Properties holding data or conditions rather than texts of the definition (data files' records, policy values). */
const SKIP_KEYS: ReadonlySet<string> = new Set(['records', 'ref', 'condition', 'value', 'default']);

/** A shape of internal word: found by `pattern`, described to the configurator as `what`. */
export interface WordCheck { pattern: RegExp; what: string }

/**
 * The shapes every pack's texts are checked for. A pack's own identifiers (its requirement-id scheme) are the pack's
 * to check: its tests pass them as `extra` to {@link internalWords} / {@link wordWarnings}.
 */
const CHECKS: readonly WordCheck[] = [
  { pattern: /\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b/, what: 'an internal name (words joined by "_")' },
  { pattern: /(?<![\w-])[A-Z]{2,}(?:-[A-Za-z]+)*-\d+[A-Za-z0-9]*(?![\w-])/, what: 'a requirement id' },
  { pattern: /\bengine\b/i, what: '"engine"' },
];

/** Handlebars expressions name fields on purpose (`{{record.short_description}}`): they are not read as words. */
const stripTemplates = (text: string) => text.replace(/\{\{\{?[^}]*\}?\}\}/g, ' ');

/** The internal words in a text people read, described for a warning (empty when it reads well). */
export function internalWords(text: string, extra: readonly WordCheck[] = []): { token: string; what: string }[] {
  const plain = stripTemplates(text);
  const out: { token: string; what: string }[] = [];
  for (const { pattern, what } of [...CHECKS, ...extra]) {
    const m = pattern.exec(plain);
    if (m) out.push({ token: m[0], what });
  }
  return out;
}

/** Warnings for every text people read in the documents (see the module comment). */
export function wordWarnings(documents: readonly LoadedDocument[], extra: readonly WordCheck[] = []): DefinitionError[] {
  const out: DefinitionError[] = [];
  const visit = (value: unknown, pointer: string, file: string) => {
    if (Array.isArray(value)) { value.forEach((v, i) => visit(v, `${pointer}/${i}`, file)); return; }
    if (value === null || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value)) {
      if (SKIP_KEYS.has(key)) continue;
      const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (typeof v === 'string' && TEXT_KEYS.has(key)) {
        for (const { token, what } of internalWords(v, extra)) {
          out.push({
            file, pointer: at, value: token,
            message: `People read this text, and it has ${what}: write it in words for the pack's users (requirement ids go in "ref").`,
          });
        }
      } else {
        visit(v, at, file);
      }
    }
  };
  for (const d of documents) visit(d.value, d.pointer, d.file);
  return out;
}

/** {@link wordWarnings} of every definition file under the roots (files that fail to load are validate's errors). */
export async function definitionWarnings(roots: string[], extra: readonly WordCheck[] = []): Promise<DefinitionError[]> {
  return wordWarnings((await loadDefinitionFiles(roots)).documents, extra);
}

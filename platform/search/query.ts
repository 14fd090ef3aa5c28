/**
 * The one query language of full-text search, parsed here rather than by either database so both answer the same
 * question: words, "phrases", -exclusions and prefix* terms, every other character a separator. The parsed query
 * is a small AST that each dialect turns into its own syntax with every word quoted (platform/search/dialects/).
 */
import { fail } from '../errors.js';

/** A positive or excluded term: one word (optionally a prefix) or a phrase of adjacent words. */
export interface SearchTerm {
  /** Lower-cased words, in order; more than one is a phrase. */
  words: string[];
  /** The last word matches as a prefix (`connect*`). */
  prefix: boolean;
}

/** A parsed query: every `include` term must match, no `exclude` term may. */
export interface SearchQuery {
  include: SearchTerm[];
  exclude: SearchTerm[];
}

/** The longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 500;
/** The most terms a query may hold (each word of a phrase counts). */
export const MAX_TERMS = 32;

/**
 * Words PostgreSQL's English configuration drops: dropped here for both databases, so a word like "how" or "or"
 * neither narrows a search on SQLite (whose tokenizer keeps every word) nor empties it on PostgreSQL.
 */
const STOP_WORDS = new Set(('i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers '
  + 'herself it its itself they them their theirs themselves what which who whom this that these those am is are was were be '
  + 'been being have has had having do does did doing a an the and but if or because as until while of at by for with about '
  + 'against between into through during before after above below to from up down in out on off over under again further then '
  + 'once here there when where why how all any both each few more most other some such no nor not only own same so than too '
  + 'very s t can will just don should now').split(' '));

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of `text` as both indexes see them: letters and digits, lower-cased, everything else a separator. */
export function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []);
}

/**
 * Parse what a person typed. Quotes open and close phrases (an unbalanced one runs to the end), a leading `-` excludes
 * a word or phrase, a trailing `*` makes the last word a prefix. Errors: invalid_query (longer than
 * {@link MAX_QUERY_LENGTH} characters, more than {@link MAX_TERMS} terms, or a NUL byte), with a field error for `q`.
 */
export function parseSearchQuery(text: string): SearchQuery {
  if (text.includes('\u0000')) invalid('The search text must not contain NUL characters.');
  if (text.length > MAX_QUERY_LENGTH) invalid(`The search text may be at most ${MAX_QUERY_LENGTH} characters; it has ${text.length}.`);
  const out: SearchQuery = { include: [], exclude: [] };
  let count = 0;
  const add = (raw: string, negated: boolean, phrase: boolean) => {
    const prefix = /\*\s*$/.test(raw);
    let words = wordsOf(raw);
    // Stop words are dropped from loose words; a phrase keeps them (both databases match them in place).
    if (!phrase) words = words.filter((w, i) => !(STOP_WORDS.has(w) && !(prefix && i === words.length - 1)));
    if (!words.length) return;
    count += words.length;
    if (count > MAX_TERMS) invalid(`The search may have at most ${MAX_TERMS} words.`);
    // A loose word that splits into several (wi-fi, e-mail) is matched as the phrase of its parts.
    (negated ? out.exclude : out.include).push({ words, prefix });
  };
  const re = /(-?)"([^"]*)("?)|(-?)([^\s"]+)/g;
  for (const m of text.matchAll(re)) {
    if (m[2] !== undefined) add(m[2], m[1] === '-', true);
    else add(m[5]!, m[4] === '-', false);
  }
  return out;
}

/** Whether a parsed query can match anything: it needs at least one positive term. */
export function isEmptyQuery(q: SearchQuery): boolean {
  return q.include.length === 0;
}

/** The query for suggestions: the last positive word of `text` matched as a prefix. */
export function asSuggestion(q: SearchQuery, text: string): SearchQuery {
  if (!q.include.length || /\s$/.test(text)) return q;
  const include = [...q.include];
  const last = include[include.length - 1]!;
  include[include.length - 1] = { ...last, prefix: true };
  return { include, exclude: q.exclude };
}

function invalid(message: string): never {
  fail('invalid_query', message, { fieldErrors: [{ field: 'q', code: 'invalid_query', message }] });
}

/**
 * Handlebars templates of business rules (set values, journal bodies, abort messages, createRecord values, event
 * payloads), rendered against `{ record, previous, user, now }`.
 *
 * Safety: templates run in a private Handlebars environment with only the built-in logic helpers (`if`, `unless`,
 * `each`, `with`, `lookup`) and `label` (./template-label.ts: a stored value as people read it); partials,
 * decorators, `log` and any other helper are refused when a template is checked (lint) and compiled. Handlebars 4.7
 * never reads prototype properties, so a template can only read data.
 *
 * Escaping: the output is plain text stored in fields, journals and events, never HTML; it is rendered without
 * HTML escaping, and whoever puts it into HTML encodes it there (Lit text bindings in the UI, the notification
 * templates for mail). Escaping here would store `O&#x27;Brien` and show it that way in every text view.
 */
import Handlebars from 'handlebars';
import type { ResolvedField, ResolvedTable } from '../definitions/types.js';
import { LABEL_HELPER, checkLabelCall, registerLabelHelper } from './template-label.js';

export interface TemplateContext {
  record: Record<string, unknown>;
  previous: Record<string, unknown> | null;
  user: Record<string, unknown>;
  now: string;
  /** A workflow transition's comment (the person's, or the approver's when an approval makes it). */
  comment?: string | null;
  /** An SLA's warning and breach actions: the SLA as the API shows it. */
  sla?: Record<string, unknown>;
  /**
   * The record's table, for the `label` helper (choice labels, fetched display values). Not data: templates cannot
   * read it. Without it, `label` still prints Yes/No and dates for people, and choice values as stored.
   */
  table?: ResolvedTable;
}

export type Template = (context: TemplateContext) => string;

const env = Handlebars.create();
env.unregisterHelper('log');
registerLabelHelper(env);

const ALLOWED_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', LABEL_HELPER]);
const RESERVED = new Set(['log', 'helperMissing', 'blockHelperMissing']);
/** Compile options every template environment shares: only the helpers above exist. */
export const TEMPLATE_OPTIONS = { knownHelpersOnly: true, knownHelpers: { log: false, [LABEL_HELPER]: true }, strict: false } as const;
const OPTIONS = { ...TEMPLATE_OPTIONS, noEscape: true } as const;

/** A string that contains a Handlebars expression; any other value is a literal. */
export function isTemplate(value: unknown): value is string {
  return typeof value === 'string' && value.includes('{{');
}

type Node = { type: string; [k: string]: unknown };

/** Refuse what a data template must not do: partials, decorators and helpers beyond the logic ones and `label`. */
function checkAst(node: unknown, problems: string[], table: ResolvedTable | undefined): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) { for (const n of node) checkAst(n, problems, table); return; }
  const n = node as Node;
  switch (n.type) {
    case 'PartialStatement': case 'PartialBlockStatement':
      problems.push('partials ({{> name}}) are not available in rule templates');
      return;
    case 'Decorator': case 'DecoratorBlock':
      problems.push('decorators ({{* name}}) are not available in rule templates');
      return;
    case 'MustacheStatement': case 'BlockStatement': case 'SubExpression': {
      const path = n.path as Node;
      const name = path.type === 'PathExpression' ? String(path.original) : '';
      const hasArgs = (Array.isArray(n.params) && n.params.length > 0) || Boolean(n.hash);
      if (RESERVED.has(name) || (hasArgs && !ALLOWED_HELPERS.has(name))) {
        problems.push(`"${name || String(path.original)}" is not an available helper (use if, unless, each, with, lookup or label)`);
      }
      if (name === LABEL_HELPER) {
        const problem = checkLabelCall(n, table);
        if (problem) problems.push(problem);
      }
      checkAst(n.params, problems, table);
      checkAst((n.hash as Node | undefined)?.pairs, problems, table);
      checkAst(n.program, problems, table);
      checkAst(n.inverse, problems, table);
      return;
    }
    case 'HashPair': checkAst(n.value, problems, table); return;
    case 'Program': checkAst(n.body, problems, table); return;
    default:
  }
}

/**
 * The problem with a template, or null when it compiles and uses only what rules allow. With the table the
 * template's record belongs to, `label` calls are checked against its fields too.
 */
export function checkTemplate(source: string, table?: ResolvedTable): string | null {
  try {
    const problems: string[] = [];
    checkAst(env.parse(source), problems, table);
    if (problems.length) return problems[0]!;
    env.precompile(source, OPTIONS);
    return null;
  } catch (e) {
    return String((e as Error)?.message ?? e).split('\n').filter(Boolean).join(' ');
  }
}

/** Compile a template (which must pass {@link checkTemplate}). */
export function compileTemplate(source: string): Template {
  const problem = checkTemplate(source);
  if (problem) throw new Error(`Template ${JSON.stringify(source)} is not valid: ${problem}`);
  const fn = env.compile(source, OPTIONS);
  return ({ table, ...data }) => fn(data, { data: { table } });
}

const SINGLE_PATH = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}$/;

/** A template that is exactly one `{{a.b.c}}`: its path, whose value is taken as is (typed), not as text. */
export function singlePath(source: string): string[] | null {
  const m = SINGLE_PATH.exec(source.trim());
  if (!m) return null;
  const parts = m[1]!.split('.');
  return parts[0] === 'this' ? null : parts;
}

/** Look a dotted path up in the context, through own properties only (like Handlebars). Missing → null. */
export function lookupPath(context: TemplateContext, path: string[]): unknown {
  let cur: unknown = context;
  for (const p of path) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return null;
    if (!Object.prototype.hasOwnProperty.call(cur, p)) return null;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur === undefined ? null : cur;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;
const TEXT_TYPES = new Set(['string', 'text', 'email', 'phone', 'url', 'postcode', 'choice', 'journal']);

/**
 * A rendered value in the type its field holds, where the text says so unambiguously: numbers for numeric fields,
 * booleans for boolean ones, text for text fields; an empty (or missing) result is null. Every action's values go
 * through here (platform/rules/actions.ts).
 */
export function coerceToField(field: ResolvedField | undefined, value: unknown): unknown {
  if (value === '' || value === undefined) return null;
  if (!field) return value;
  if (typeof value === 'string') {
    const v = value.trim();
    if ((field.type === 'integer' || field.type === 'decimal' || field.type === 'currency') && NUMERIC.test(v)) return Number(v);
    if (field.type === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
    return value;
  }
  if ((typeof value === 'number' || typeof value === 'boolean') && TEXT_TYPES.has(field.type) && !field.multiple) return String(value);
  return value;
}

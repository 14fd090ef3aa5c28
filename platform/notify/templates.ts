/**
 * Notification templates: Handlebars subject, text body and optional HTML body, compiled once per registry snapshot
 * (see ./definitions.ts) with the same safety rules as business-rule templates (platform/rules/templates.ts: only
 * the logic helpers `if`, `unless`, `each`, `with`, `lookup`, and `label` — `{{label record "priority"}}` prints a
 * stored value as people read it, see platform/rules/template-label.ts; no partials, decorators or `log`).
 *
 * Escaping:
 *  - subject and body are plain text. They are rendered without HTML escaping (an escaped body would show
 *    `O&#x27;Brien` in the notification centre and the text part of a mail) and are only ever shown as text: Lit
 *    text bindings in the UI, `text/plain` in mail. So a value can never become markup or code.
 *  - the HTML body escapes every `{{value}}`; raw `{{{value}}}` / `{{& value}}` are refused when the definition is
 *    checked, so markup comes only from the template the configurator wrote.
 */
import Handlebars from 'handlebars';
import type { ResolvedTable } from '../definitions/types.js';
import { registerLabelHelper } from '../rules/template-label.js';
import { checkTemplate, TEMPLATE_OPTIONS } from '../rules/templates.js';

export type NotificationTemplate = (context: Record<string, unknown>) => string;

const env = Handlebars.create();
env.unregisterHelper('log');
registerLabelHelper(env);

/** Names a template may start a path with besides a bare record field. */
export const TEMPLATE_ROOTS = ['record', 'previous', 'user', 'recipient', 'event', 'url', 'now'] as const;

type Node = { type: string; [k: string]: unknown };

function walk(node: unknown, visit: (n: Node, scoped: boolean) => void, scoped = false): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) { for (const n of node) walk(n, visit, scoped); return; }
  const n = node as Node;
  visit(n, scoped);
  switch (n.type) {
    case 'Program': walk(n.body, visit, scoped); return;
    case 'MustacheStatement': case 'SubExpression':
      // Without arguments the path is a value to print; with them it names a helper.
      if (!(n.params as unknown[]).length && !n.hash) walk(n.path, visit, scoped);
      walk(n.params, visit, scoped);
      walk((n.hash as Node | undefined)?.pairs, visit, scoped);
      return;
    case 'BlockStatement': {
      const name = (n.path as Node).type === 'PathExpression' ? String((n.path as Node).original) : '';
      if (!(n.params as unknown[]).length && !n.hash) walk(n.path, visit, scoped);
      walk(n.params, visit, scoped);
      walk((n.hash as Node | undefined)?.pairs, visit, scoped);
      // Inside each / with (or a section over a path) the context moves: paths there are relative to the item.
      walk(n.program, visit, scoped || !(name === 'if' || name === 'unless'));
      walk(n.inverse, visit, scoped);
      return;
    }
    case 'HashPair': walk(n.value, visit, scoped); return;
    default:
  }
}

/**
 * The problem with a notification template, or null. `html` templates must not insert raw HTML. With the
 * notification's table, `label` calls are checked against its fields.
 */
export function checkNotificationTemplate(source: string, kind: 'text' | 'html', table?: ResolvedTable | null): string | null {
  const problem = checkTemplate(source, table ?? undefined);
  if (problem || kind === 'text') return problem;
  let raw: string | null = null;
  walk(env.parse(source), (n) => {
    if (!raw && n.type === 'MustacheStatement' && n.escaped === false) raw = String((n.path as Node).original ?? '');
  });
  return raw === null ? null : `{{{${raw as string}}}} would insert raw HTML: use {{${raw as string}}}, which is escaped`;
}

/**
 * The data paths a (valid) template reads from the record's context, outside `each` / `with` blocks, as arrays of
 * segments (`record.state` → ['record', 'state'], a bare `state` → ['state']). For the lint.
 */
export function templatePaths(source: string): string[][] {
  const out: string[][] = [];
  walk(env.parse(source), (n, scoped) => {
    if (scoped || n.type !== 'PathExpression' || n.data || Number(n.depth ?? 0) > 0) return;
    const parts = n.parts as string[];
    if (!parts.length || String(n.original).startsWith('this')) return;
    out.push(parts);
  });
  return out;
}

/**
 * Compile a template that passed {@link checkNotificationTemplate}; `table` (the notification's) gives `label` its
 * choice labels and fetched display values. Throws on an invalid one.
 */
export function compileNotificationTemplate(source: string, kind: 'text' | 'html', table?: ResolvedTable | null): NotificationTemplate {
  const problem = checkNotificationTemplate(source, kind);
  if (problem) throw new Error(`Template ${JSON.stringify(source)} is not valid: ${problem}`);
  const fn = env.compile(source, { ...TEMPLATE_OPTIONS, noEscape: kind === 'text' });
  const data = { table: table ?? undefined };
  return (context) => fn(context, { data });
}

/**
 * The `notification` kind: who is told what, and how (in-app, e-mail), when a record changes, a transition is
 * made, an SLA warns or breaches, an approval is requested or an event is emitted (platform/notify). Checked here:
 * the table, the trigger's field and transition, the condition, the recipients and what the templates read.
 */
import { defineKind, type LintContext } from '../definitions/kinds.js';
import { readSchemaPart } from '../definitions/schema.js';
import type { ResolvedTable } from '../definitions/types.js';
import { checkNotificationTemplate, templatePaths, TEMPLATE_ROOTS } from './templates.js';
import type { NotificationDef } from './types.js';

declare module '../definitions/kinds.js' {
  interface KindTypes { notification: { def: NotificationDef; map: 'notifications' } }
}

function lintNotification(def: NotificationDef, ctx: LintContext): void {
  const table = def.table ? ctx.tableRef('/table', def.table) : undefined;
  const { trigger } = def;
  if (trigger.type === 'fieldChange' && trigger.field) {
    ctx.fieldRef('/trigger/field', table, trigger.field);
    const f = table?.fields.get(trigger.field);
    if (f && f.column === null) ctx.report('/trigger/field', `Field "${trigger.field}" is a journal: adding an entry does not change it. Use an "update" trigger with a condition instead.`, { value: trigger.field });
  }
  if (trigger.type === 'transition' && trigger.transition && table) {
    // Only when a workflow of the table (or a table it extends) declares transitions: packs may ship them apart.
    const names = new Set<string>();
    let declared = false;
    for (const other of ctx.defs('workflow').values()) {
      if (other.table !== table.name && !table.ancestors.includes(other.table)) continue;
      declared = true;
      for (const t of other.transitions) names.add(t.name);
    }
    if (declared && !names.has(trigger.transition)) {
      ctx.report('/trigger/transition', `No workflow of table "${table.name}" has a transition "${trigger.transition}".`, { expected: ctx.expected(names, trigger.transition), value: trigger.transition });
    }
  }
  if (def.condition !== undefined) ctx.condition('/condition', table, def.condition, { compilable: false, allowPrevious: true });
  const fromEvent = !['create', 'update', 'fieldChange'].includes(trigger.type);
  def.recipients.forEach((r, i) => {
    const at = `/recipients/${i}`;
    if (r.role !== undefined) ctx.ref('role', `${at}/role`, r.role);
    if (r.event !== undefined && !fromEvent) {
      ctx.report(`${at}/event`, `A "${trigger.type}" notification comes from a change of the record, which has no event payload to name people.`, { value: r.event });
    }
    if (r.orgAdmins && !def.table) ctx.report(`${at}/orgAdmins`, 'Organisation administrators are those of the record\'s organisation: name the notification\'s table.');
    if (r.field !== undefined && table) {
      // Dot-walk through reference fields; the last field must be able to name a person.
      let cur: ResolvedTable | undefined = table;
      const parts = r.field.split('.');
      parts.forEach((part, j) => {
        if (!cur) return;
        const f = cur.fields.get(part);
        if (!f) { ctx.fieldRef(`${at}/field`, cur, part); cur = undefined; return; }
        if (j < parts.length - 1) {
          if (f.type !== 'reference' || !f.reference) {
            ctx.report(`${at}/field`, `Field "${part}" of table "${cur.name}" is not a reference, so "${r.field}" cannot follow it.`, { value: r.field });
            cur = undefined;
          } else cur = ctx.tables.get(f.reference);
          return;
        }
        if (!['string', 'email', 'uuid'].includes(f.type) || f.multiple) {
          ctx.report(`${at}/field`, `Field "${part}" of table "${cur.name}" is ${f.type}: a recipient field holds a user id, username or e-mail address (a string or email field, or created_by / updated_by).`, { value: r.field });
        }
      });
    }
  });
  const roots = new Set<string>(TEMPLATE_ROOTS);
  for (const [key, kind] of [['subject', 'text'], ['body', 'text'], ['html', 'html']] as const) {
    const source = def[key];
    if (typeof source !== 'string') continue;
    const problem = checkNotificationTemplate(source, kind, table);
    if (problem) { ctx.report(`/${key}`, `The template does not compile: ${problem}`, { value: source }); continue; }
    if (!table) continue;
    const seen = new Set<string>();
    for (const parts of templatePaths(source)) {
      const [head, next] = parts;
      const field = head === 'record' || head === 'previous' ? next : roots.has(head!) ? undefined : head;
      if (field === undefined || seen.has(field)) continue;
      seen.add(field);
      if (!table.fields.has(field)) {
        ctx.report(`/${key}`, `The template reads "${parts.join('.')}", but "${field}" is not a field of table "${table.name}" (nor one of ${[...roots].join(', ')}).`, { expected: ctx.expected(table.fields.keys(), field), value: parts.join('.') });
      }
    }
  }
}

export const notificationKind = defineKind({
  kind: 'notification',
  map: 'notifications',
  summary: 'who is told what, in-app or by e-mail, when something happens',
  schema: readSchemaPart(new URL('./notification.schema.json', import.meta.url)),
  lint: lintNotification,
  replaced: [
    { at: '/trigger/type', value: 'created', use: 'write "create" (the operation names roles and rules use).' },
    { at: '/trigger/type', value: 'updated', use: 'write "update" (the operation names roles and rules use).' },
  ],
});

/**
 * The notification definitions of one registry snapshot, compiled once (templates) and indexed by what triggers
 * them, so the dispatcher's hot path is a map look-up. Cached per snapshot: a definitions reload compiles anew.
 */
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { NotificationDef } from './types.js';
import { compileNotificationTemplate, type NotificationTemplate } from './templates.js';

/** Events other engines write into sys_event that notification triggers listen for. */
export const TRANSITION_EVENT = 'workflow.transition';
export const SLA_WARNING_EVENT = 'sla.warning';
export const SLA_BREACH_EVENT = 'sla.breach';
export const APPROVAL_REQUESTED_EVENT = 'approval.requested';
/**
 * Send one named notification now, whatever its trigger (a workflow transition's `notify` action): an event with
 * this name, the record in table_name / record_id, and payload `{ "notification": "<name>" }`.
 */
export const NOTIFY_EVENT = 'notification.requested';

const EVENT_OF: Partial<Record<NotificationDef['trigger']['type'], string>> = {
  transition: TRANSITION_EVENT,
  slaWarning: SLA_WARNING_EVENT,
  slaBreach: SLA_BREACH_EVENT,
  approvalRequested: APPROVAL_REQUESTED_EVENT,
};

export interface CompiledNotification {
  def: NotificationDef;
  /** The table whose records send it (records of tables extending it too); null for a table-less event trigger. */
  table: ResolvedTable | null;
  subject: NotificationTemplate;
  body: NotificationTemplate;
  html: NotificationTemplate | null;
}

export interface NotificationIndex {
  byName: ReadonlyMap<string, CompiledNotification>;
  /** Record-change triggers (derived from sys_audit). */
  created: readonly CompiledNotification[];
  updated: readonly CompiledNotification[];
  fieldChange: readonly CompiledNotification[];
  /** Physical tables whose changes any record-change trigger listens to. */
  auditTables: readonly string[];
  /** Event-driven triggers by event name (transition, SLA, approval and named events). */
  byEvent: ReadonlyMap<string, readonly CompiledNotification[]>;
}

/** The compiled, indexed active notifications of a registry snapshot. */
export function notificationIndex(registry: Registry): NotificationIndex {
  return registry.memo('notify.index', buildIndex);
}

function buildIndex(registry: Registry): NotificationIndex {
  const byName = new Map<string, CompiledNotification>();
  const created: CompiledNotification[] = [];
  const updated: CompiledNotification[] = [];
  const fieldChange: CompiledNotification[] = [];
  const byEvent = new Map<string, CompiledNotification[]>();
  const auditTables = new Set<string>();
  for (const def of registry.notifications.values()) {
    const table = def.table ? registry.tables.get(def.table) ?? null : null;
    if (def.active === false) continue;
    const compiled: CompiledNotification = {
      def, table,
      subject: compileNotificationTemplate(def.subject, 'text', table),
      body: compileNotificationTemplate(def.body, 'text', table),
      html: def.html ? compileNotificationTemplate(def.html, 'html', table) : null,
    };
    byName.set(def.name, compiled);
    const { type } = def.trigger;
    if (type === 'create' || type === 'update' || type === 'fieldChange') {
      if (!table) continue;
      (type === 'create' ? created : type === 'update' ? updated : fieldChange).push(compiled);
      auditTables.add(table.physical);
      continue;
    }
    const event = type === 'event' ? def.trigger.event! : EVENT_OF[type]!;
    const list = byEvent.get(event) ?? [];
    list.push(compiled);
    byEvent.set(event, list);
  }
  return { byName, created, updated, fieldChange, byEvent, auditTables: [...auditTables].sort() };
}

/** Whether records of `cls` send notification `n` (its table is `cls` or a table `cls` extends). */
export function appliesTo(n: CompiledNotification, cls: ResolvedTable | null): boolean {
  if (!n.table) return true;
  if (!cls) return false;
  return cls.name === n.table.name || cls.ancestors.includes(n.table.name);
}

/**
 * The notification dispatcher: reads what happened (./feed.ts: sys_event rows and sys_audit changes, in order),
 * matches the notification definitions, evaluates their condition on the record (read as the system), resolves the
 * recipients, leaves out everyone who cannot read the record (their roles' table access and row condition, through
 * the record service with their own actor) and the person who caused it, renders the templates with each
 * recipient's own view of the record (fields masked for them are absent), and writes — in ONE transaction that also
 * claims the item — the in-app notifications (sys_notification) and the mail (sys_outbox, sent later by
 * ./sender.ts).
 *
 * Guarantees: nothing for a rolled-back write (events and audit rows exist only once the write committed); each
 * item produces its notifications exactly once, however many instances run (the claim and the output commit
 * together; a crash before the commit leaves the item unclaimed for the next run). An item that keeps failing
 * (e.g. a template that throws on odd data) is retried on the next runs and given up after `maxAttempts` in this
 * process, with an error in the log.
 */
import { v7 as uuidv7 } from 'uuid';
import { accessFor } from '../access/index.js';
import { loadActor } from '../access/identity/index.js';
import { evaluateCondition } from '../conditions/index.js';
import type { Formwork } from '../context.js';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import { isFormworkError } from '../errors.js';
import { insertRows } from '../db/insert.js';
import type { Actor, RecordData } from '../records/types.js';
import { appliesTo, notificationIndex, NOTIFY_EVENT, TRANSITION_EVENT, type CompiledNotification, type NotificationIndex } from './definitions.js';
import {
  advanceAuditPosition, claimItem, fetchAuditPosition, fetchPendingChanges, fetchPendingEvents, settleItems, uuidFloor, type FeedItem,
} from './feed.js';
import { resolveRecipient, type Person, type Target } from './recipients.js';
import { htmlFromText, LINK_MARK, recordName, replaceLinks } from './record-link.js';

export interface DispatchOptions {
  /** Items read per source and run (default 100). */
  limit?: number;
  /** How far behind now audit rows are re-read for late commits (default 2 minutes). */
  lookbackMs?: number;
  /** Runs an item may fail before it is given up (default 5). */
  maxAttempts?: number;
}

export interface DispatchResult {
  /** Items handled (claimed by this run, with or without output). */
  handled: number;
  notifications: number;
  mails: number;
  /** Items that failed this run (retried later unless given up). */
  failed: number;
}

interface Output {
  notifications: Record<string, unknown>[];
  mails: Record<string, unknown>[];
}

const attempts = new WeakMap<Formwork, Map<string, number>>();

/** The in-app path of a record's history. */
export function recordHistoryPath(table: string, id: string): string {
  return `/tables/${encodeURIComponent(table)}/${encodeURIComponent(id)}#activity`;
}

function publicBase(fw: Formwork): string {
  return (fw.config.publicUrl ?? `http://${fw.config.host}:${fw.config.port}`).replace(/\/+$/, '');
}

/** The notifications an item may send, before the table and condition checks. */
function candidates(index: NotificationIndex, item: FeedItem): CompiledNotification[] {
  if (item.source === 'audit') {
    const changes = item.changes ?? {};
    const changed = (field: string) => {
      const c = changes[field];
      if (!c) return false;
      // A create "changes" a field it sets (as the `changes` operator treats a record without a previous one).
      return item.name === 'update' || !(c[1] === null || c[1] === '' || (Array.isArray(c[1]) && c[1].length === 0));
    };
    return [
      ...(item.name === 'insert' ? index.created : index.updated),
      ...index.fieldChange.filter((n) => changed(n.def.trigger.field!)),
    ];
  }
  if (item.name === NOTIFY_EVENT) {
    const n = typeof item.payload.notification === 'string' ? index.byName.get(item.payload.notification) : undefined;
    return n ? [n] : [];
  }
  const list = index.byEvent.get(item.name) ?? [];
  if (item.name !== TRANSITION_EVENT) return [...list];
  return list.filter((n) => n.def.trigger.type !== 'transition' || n.def.trigger.transition === item.payload.transition);
}

/** Read a record as the system, through its own class (an audit row names the hierarchy's physical table). */
async function readAsSystem(
  fw: Formwork, registry: Registry, table: string, id: string,
): Promise<{ cls: ResolvedTable; record: RecordData } | null> {
  const read = async (name: string) => {
    try {
      return await fw.records.readOne(name, id, { actor: fw.systemActor });
    } catch (e) {
      if (isFormworkError(e) && (e.code === 'not_found' || e.code === 'table_not_found' || e.code === 'invalid_query')) return null;
      throw e;
    }
  };
  if (!registry.tables.has(table)) return null;
  let record = await read(table);
  if (!record) return null;
  const cls = typeof record.class === 'string' && registry.tables.has(record.class) ? record.class : table;
  if (cls !== table) record = await read(cls);
  return record ? { cls: registry.getTable(cls), record } : null;
}

/** The record as of the audited change (changed fields at their new values) and before it. */
function asOfChange(table: ResolvedTable, record: RecordData, item: FeedItem): { record: RecordData; previous: RecordData | null } {
  if (item.source !== 'audit' || !item.changes) return { record, previous: null };
  const now: RecordData = { ...record };
  const before: RecordData = { ...record };
  for (const [field, [oldValue, newValue]] of Object.entries(item.changes)) {
    const f = table.fields.get(field);
    // Encrypted fields are sealed in the audit trail: keep the record's own (decrypted) value.
    if (!f || f.encrypted || !(field in record)) continue;
    now[field] = newValue;
    before[field] = oldValue;
  }
  return { record: now, previous: item.name === 'insert' ? null : before };
}

/** Only the fields present in `view` (what the recipient may read). */
function restrictTo(view: RecordData, data: RecordData | null): RecordData | null {
  if (!data) return null;
  return Object.fromEntries(Object.entries(data).filter(([k]) => k in view));
}

const oneLine = (s: string, max: number) => s.replace(/\s+/g, ' ').trim().slice(0, max);

/** Compute what an item produces (reads only; nothing is written). */
async function compute(
  fw: Formwork, registry: Registry, item: FeedItem, found: CompiledNotification[], actors: Map<string, Actor | null>,
): Promise<Output> {
  const out: Output = { notifications: [], mails: [] };
  const now = fw.clock.now().toISOString();
  const loaded = item.table && item.recordId ? await readAsSystem(fw, registry, item.table, item.recordId) : null;
  // An item about a record that is gone (deleted since) notifies nothing about it.
  if (item.recordId && !loaded) return out;
  const cls = loaded?.cls ?? null;
  const { record, previous } = loaded ? asOfChange(loaded.cls, loaded.record, item) : { record: null, previous: null };
  const user = { id: item.actorId, username: item.actorName };
  const event = item.source === 'event' ? { name: item.name, payload: item.payload } : { name: `record.${item.name}`, payload: {} };

  const actorOf = async (id: string): Promise<Actor | null> => {
    if (!actors.has(id)) {
      try {
        actors.set(id, await loadActor(fw, id));
      } catch (e) {
        if (!(isFormworkError(e) && e.code === 'not_found')) throw e;
        actors.set(id, null);
      }
    }
    return actors.get(id)!;
  };
  /** The recipient's own view of the record, or null when they may not read it. */
  const viewFor = async (person: Person): Promise<RecordData | null> => {
    if (!cls || !record) return {};
    const actor = await actorOf(person.id);
    if (!actor || !accessFor(registry, actor, cls.name, 'read').allowed) return null;
    try {
      const view = await fw.records.readOne(cls.name, record.id as string, { actor });
      // As of the change, like the condition saw it (only fields they may read).
      return { ...view, ...restrictTo(view, record) };
    } catch (e) {
      if (isFormworkError(e) && (e.code === 'not_found' || e.code === 'forbidden')) return null;
      throw e;
    }
  };

  for (const n of found) {
    if (!appliesTo(n, cls)) continue;
    if (n.def.condition && !(await evaluateCondition(n.def.condition, { record: record ?? {}, previous, user, now }))) continue;
    const seen = new Set<string>();
    const targets: Target[] = [];
    for (const r of n.def.recipients) {
      for (const t of await resolveRecipient(fw, r, { registry, table: cls, record, payload: item.payload })) {
        const key = t.kind === 'user' ? t.user.id : `mail:${t.email.toLowerCase()}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (t.kind === 'user' && t.user.email) seen.add(`mail:${t.user.email.toLowerCase()}`);
        targets.push(t);
      }
    }
    const path = cls && record ? recordHistoryPath(cls.name, record.id as string) : null;
    const url = path ? publicBase(fw) + path : null;
    for (const t of targets) {
      // The person who caused it is not notified of their own change.
      if (t.kind === 'user' && item.actorId && t.user.id === item.actorId) continue;
      // Someone who cannot read the record is not told about it. A fixed address is the author's choice.
      const view = t.kind === 'user' ? await viewFor(t.user) : record ?? {};
      if (!view) continue;
      const recipient = t.kind === 'user'
        ? { id: t.user.id, username: t.user.username, displayName: t.user.displayName ?? t.user.username }
        : { id: null, username: null, displayName: t.email };
      const context = {
        ...view, record: view, previous: t.kind === 'user' ? restrictTo(view, previous) : previous, user, recipient, event, url, now,
      };
      // Texts name the record where `{{url}}` is (./record-link.ts); only an HTML template gets the address itself.
      const name = cls && record ? recordName(cls, view) : '';
      const marked = { ...context, url: url ? LINK_MARK : null };
      const title = oneLine(replaceLinks(n.subject(marked), name), 300) || n.def.label || n.def.name;
      const text = n.body(marked);
      const body = replaceLinks(text, name);
      if (t.kind === 'user' && n.def.channels.includes('inApp')) {
        out.notifications.push({
          id: uuidv7(), user_id: t.user.id, notification: n.def.name, source_id: item.id, title, body,
          table_name: cls?.name ?? null, record_id: record ? record.id as string : null, url: path, created_at: now, read_at: null,
        });
      }
      const address = t.kind === 'user' ? t.user.email : t.email;
      if (address && n.def.channels.includes('email')) {
        out.mails.push({
          id: uuidv7(), notification: n.def.name, source_id: item.id, user_id: t.kind === 'user' ? t.user.id : null, to_address: address,
          subject: title, text: url ? replaceLinks(text, `${name} <${url}>`) : body,
          html: n.html ? n.html(context) : url && text.includes(LINK_MARK) ? htmlFromText(text, name, url) : null,
          status: 'pending', attempts: 0, next_attempt_at: now,
          claim_token: null, claimed_until: null, last_error: null, created_at: now, sent_at: null,
        });
      }
    }
  }
  return out;
}

/** Claim the item and write its output, in one transaction. False when it was already claimed elsewhere. */
async function commit(fw: Formwork, item: FeedItem, output: Output, outcome: 'done' | 'failed' = 'done'): Promise<boolean> {
  const at = fw.clock.now().toISOString();
  return fw.db.knex.transaction(async (trx) => {
    if (!(await claimItem(trx, item, outcome, at))) return false;
    await insertRows(trx, 'sys_notification', output.notifications, 50);
    await insertRows(trx, 'sys_outbox', output.mails, 50);
    return true;
  });
}

/**
 * One run of the dispatcher: handle what happened since the last run, oldest first. Safe to run in several
 * instances at once. Returns what it handled and wrote.
 */
export async function dispatchNotifications(fw: Formwork, options: DispatchOptions = {}): Promise<DispatchResult> {
  const limit = options.limit ?? 100;
  const maxAttempts = options.maxAttempts ?? 5;
  const registry = fw.registry.current;
  const index = notificationIndex(registry);
  const knex = fw.db.knex;
  const result: DispatchResult = { handled: 0, notifications: 0, mails: 0, failed: 0 };
  let failures = attempts.get(fw);
  if (!failures) attempts.set(fw, (failures = new Map()));

  // Read the position before the rows: the position may only move past rows this run has seen.
  const startedAt = Date.now();
  const position = await fetchAuditPosition(knex);
  const events = await fetchPendingEvents(knex, limit);
  const changes = await fetchPendingChanges(knex, index.auditTables, position, limit);
  const items = [...events, ...changes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const idle: FeedItem[] = [];
  const actors = new Map<string, Actor | null>();
  let unsettled = false;
  for (const item of items) {
    const found = candidates(index, item);
    if (!found.length) { idle.push(item); continue; }
    try {
      const output = await compute(fw, registry, item, found, actors);
      if (await commit(fw, item, output)) {
        result.handled += 1;
        result.notifications += output.notifications.length;
        result.mails += output.mails.length;
      }
      failures.delete(item.id);
    } catch (e) {
      result.failed += 1;
      const n = (failures.get(item.id) ?? 0) + 1;
      const error = (e as Error)?.message ?? String(e);
      if (n >= maxAttempts) {
        failures.delete(item.id);
        fw.log.error('notifications: giving up on an item that keeps failing', { source: item.source, id: item.id, name: item.name, attempts: n, error });
        await commit(fw, item, { notifications: [], mails: [] }, 'failed').catch(() => { unsettled = true; });
      } else {
        failures.set(item.id, n);
        unsettled = true;
        fw.log.warn('notifications: an item failed; it will be retried', { source: item.source, id: item.id, name: item.name, attempts: n, error });
      }
    }
  }
  await settleItems(knex, idle, fw.clock.now().toISOString());
  result.handled += idle.length;

  // Everything after the position up to now − look-back is handled: move the position there.
  if (changes.length < limit && !unsettled) {
    await advanceAuditPosition(knex, uuidFloor(startedAt - (options.lookbackMs ?? 120_000)), fw.clock.now().toISOString());
  }
  return result;
}

/**
 * The person's work at a glance, for the home page (GET /api/home): the open records assigned to them, their queues
 * with open counts, the approval requests waiting for them, the SLAs of records they can read that are overdue or
 * due soon, and their bookmarks — each part with the page of the UI that lists it in full.
 *
 * Access: everything is read as the person, through the record service (table grants, row conditions, organisations)
 * or the queue listing; counts come from the record service's COUNT and short lists from LIMIT, so the cost stays
 * bounded however much work there is: one counting query per queue and table (the queue listing's counts, the
 * personal queue's included), a short list per table with work assigned, one query per table holding pending
 * approvals, and the SLA alert lists' own batches.
 *
 * Which parts a person's home shows is declared by their roles (`home`, in the order of their roles); a person whose
 * roles declare none gets every part. Only the parts shown are computed; the others are answered empty. "Recent" is
 * what the person changed lately: their latest history entries (one indexed query on sys_audit), read back as them,
 * so a record they may no longer read is not listed.
 */
import { accessFor } from '../access/policy.js';
import { listBookmarks, type Bookmark } from '../access/profile.js';
import type { Condition } from '../conditions/types.js';
import type { Formwork } from '../context.js';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { Actor } from '../records/types.js';
import { originalActor } from './actors.js';
import { workflowOf } from './definitions.js';
import { delegatorsOf } from './delegations.js';
import { PERSONAL_QUEUE, queueSummaries } from './queues.js';
import type { HomeAssigned, HomeItem, HomeSla, HomeWork } from '../http/api-types.js';
import { HOME_PARTS, type HomePart } from '../access/roles/types.js';
import { listSlaAlerts, type SlaAlert } from './sla/alerts.js';

/** Items in each short list. */
export const HOME_ITEMS = 5;
/** Pending approval requests looked at (as the approvals page): the oldest this many. */
const MAX_APPROVALS = 200;

/** What the home page answers (platform/http/api-types.ts: the UI reads the same shapes). */
export type MyWork = HomeWork<Bookmark>;

const tableLabel = (t: ResolvedTable) => t.def.label ?? t.name;
/** A queue page's path; the personal queue keeps its readable "@me". */
const queueLink = (name: string) => `/queues/${name === PERSONAL_QUEUE ? name : encodeURIComponent(name)}`;
const recordLink = (table: string, id: string) => `/tables/${encodeURIComponent(table)}/${encodeURIComponent(id)}`;
const text = (v: unknown) => (v === null || v === undefined || v === '' ? null : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The fields to read for a short list: number and display field when the person may read them. */
function shownFields(registry: Registry, actor: Actor, table: ResolvedTable, extra: string[] = []): string[] {
  const access = accessFor(registry, actor, table.name, 'read');
  const canSee = (f: string) => table.fields.has(f) && (access.unrestricted || access.readable.has(f));
  return [...new Set(['id', 'number', table.displayField, ...extra])].filter((f) => f === 'id' || canSee(f));
}

/** The condition "not in a closed state" of a table's workflow, or null when none is closed. */
function openCondition(table: ResolvedTable, registry: Registry): Condition | null {
  const wf = workflowOf(registry, table);
  if (!wf) return null;
  const closed = Object.entries(wf.def.states).filter(([, s]) => s.category === 'closed').map(([v]) => v);
  return closed.length ? { fact: `record.${wf.def.stateField}`, operator: 'notIn', value: closed } : null;
}

/** The newest open records assigned to the person in each table the personal queue counted some in. */
async function assignedToMe(
  fw: Formwork, actor: Actor, tables: { name: string; label: string; count?: number }[],
): Promise<HomeAssigned[]> {
  const registry = fw.registry.current;
  const person = originalActor(actor);
  const out: HomeAssigned[] = [];
  for (const { name, label, count } of tables) {
    if (!count) continue;
    const table = registry.getTable(name);
    const field = workflowOf(registry, table)?.def.assigneeField;
    if (!field || !person.username) continue;
    const own: Condition = { fact: `record.${field}`, operator: 'equal', value: person.username };
    const open = openCondition(table, registry);
    const stamp = table.fields.has('updated_at') ? 'updated_at' : 'created_at';
    const result = await fw.records.query(name, {
      filter: open ? { all: [own, open] } : own, limit: HOME_ITEMS, withTotal: false,
      sort: [{ field: stamp, direction: 'desc' }], fields: shownFields(registry, actor, table, [stamp]),
    }, { actor });
    out.push({
      table: name, label, count, link: `${queueLink(PERSONAL_QUEUE)}?table=${encodeURIComponent(name)}`,
      items: result.records.map((r) => ({
        table: name, tableLabel: tableLabel(table), id: r.id as string, number: text(r.number), display: text(r[table.displayField]),
        at: text(r[stamp]), link: recordLink(name, r.id as string),
      })),
    });
  }
  return out;
}

/**
 * Pending requests the person may decide (their own and those of people they stand in for) on records they can
 * read: one query finds the requests, then one list query per table keeps the readable ones.
 */
async function approvalsForMe(fw: Formwork, actor: Actor): Promise<MyWork['approvals']> {
  const link = '/approvals';
  const person = originalActor(actor);
  if (!person.id) return { count: 0, items: [], link };
  const knex = fw.db.knex;
  const ids = [person.id, ...(await delegatorsOf(knex, person.id, fw.clock.now()))];
  const rows: { id: string; table_name: string; record_id: string; approval: string; requested_at: string }[] = await knex('sys_approval')
    .whereIn('approver_id', ids).where('status', 'requested').orderBy([{ column: 'requested_at' }, { column: 'id' }]).limit(MAX_APPROVALS)
    .select('id', 'table_name', 'record_id', 'approval', 'requested_at');
  const registry = fw.registry.current;
  const byTable = new Map<string, Set<string>>();
  for (const r of rows) byTable.set(r.table_name, (byTable.get(r.table_name) ?? new Set()).add(r.record_id));
  const visible = new Map<string, Record<string, unknown>>();
  for (const [name, recordIds] of byTable) {
    if (!registry.tables.has(name) || !accessFor(registry, actor, name, 'read').allowed) continue;
    const table = registry.getTable(name);
    const found = await fw.records.query(name, {
      filter: { fact: 'id', operator: 'in', value: [...recordIds] }, fields: shownFields(registry, actor, table), limit: recordIds.size, withTotal: false,
    }, { actor: person });
    for (const r of found.records) visible.set(r.id as string, r);
  }
  const mine = rows.filter((r) => visible.has(r.record_id));
  return {
    count: mine.length, link,
    items: mine.slice(0, HOME_ITEMS).map((r) => {
      const table = registry.getTable(r.table_name);
      const rec = visible.get(r.record_id)!;
      return {
        table: table.name, tableLabel: tableLabel(table), id: r.record_id, number: text(rec.number), display: text(rec[table.displayField]),
        at: r.requested_at, link: recordLink(table.name, r.record_id), approval: r.approval,
      };
    }),
  };
}

function slaItem(fw: Formwork, a: SlaAlert): HomeSla {
  const table = fw.registry.current.getTable(a.table);
  return {
    table: table.name, tableLabel: tableLabel(table), id: a.recordId, number: a.number, display: text(a.display), at: a.dueAt,
    link: recordLink(table.name, a.recordId), sla: a.sla, label: a.label, breached: a.breached, remainingMs: a.remainingMs,
  };
}

/** The parts of the home page the person's roles declare, in the order of their roles; every part when none does. */
export function homeParts(registry: Registry, actor: Actor): HomePart[] {
  const declared = originalActor(actor).roles.flatMap((name) => registry.roles.get(name)?.home ?? []);
  return declared.length ? [...new Set(declared)] : [...HOME_PARTS];
}

/** Records the person changed lately, newest first, that they may still read (see the module comment). */
async function recentlyChanged(fw: Formwork, actor: Actor): Promise<HomeItem[]> {
  const person = originalActor(actor);
  if (!person.id) return [];
  const registry = fw.registry.current;
  // The latest entries, enough to fill the list after repeated changes of one record and records no longer readable.
  const rows: { table_name: string; record_id: string; changed_at: string }[] = await fw.db.knex('sys_audit')
    .where({ actor_id: person.id }).whereNot('operation', 'delete').orderBy([{ column: 'changed_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(HOME_ITEMS * 8).select('table_name', 'record_id', 'changed_at');
  const latest = new Map<string, { table: string; id: string; at: string }>();
  for (const r of rows) if (!latest.has(r.record_id)) latest.set(r.record_id, { table: r.table_name, id: r.record_id, at: r.changed_at });
  const byTable = new Map<string, string[]>();
  for (const e of latest.values()) if (registry.tables.has(e.table)) byTable.set(e.table, [...(byTable.get(e.table) ?? []), e.id]);
  const found = new Map<string, Record<string, unknown>>();
  for (const [name, ids] of byTable) {
    if (!accessFor(registry, actor, name, 'read').allowed) continue;
    const table = registry.getTable(name);
    const result = await fw.records.query(name, {
      filter: { fact: 'id', operator: 'in', value: ids }, fields: shownFields(registry, actor, table), limit: ids.length, withTotal: false,
    }, { actor: person });
    for (const r of result.records) found.set(String(r.id), r);
  }
  return [...latest.values()].filter((e) => found.has(e.id)).slice(0, HOME_ITEMS).map((e) => {
    const table = registry.getTable(e.table);
    const r = found.get(e.id)!;
    return {
      table: table.name, tableLabel: tableLabel(table), id: e.id, number: text(r.number), display: text(r[table.displayField]),
      at: e.at, link: recordLink(table.name, e.id),
    };
  });
}

/** The person's work (see the module comment). Bookmarks need a signed-in person; a system actor has none. */
export async function myWork(fw: Formwork, actor: Actor): Promise<MyWork> {
  const parts = homeParts(fw.registry.current, actor);
  const wants = (p: HomePart) => parts.includes(p);
  const summaries = wants('assigned') || wants('queues') ? await queueSummaries(fw, actor, { counts: true }) : [];
  const personal = summaries.find((q) => q.personal);
  const tables = wants('assigned') ? await assignedToMe(fw, actor, personal?.tables ?? []) : [];
  const queues = !wants('queues') ? [] : summaries.filter((q) => !q.personal && q.tables.length > 0).map((q) => ({
    name: q.name, label: q.label, member: q.member, count: q.count ?? 0, link: queueLink(q.name),
  }));
  const [overdue, upcoming] = wants('slas') ? await Promise.all([
    listSlaAlerts(fw, actor, 'overdue', { limit: HOME_ITEMS + 1 }),
    listSlaAlerts(fw, actor, 'upcoming', { limit: HOME_ITEMS + 1 }),
  ]) : [[], []];
  return {
    parts,
    assigned: { count: tables.reduce((n, t) => n + t.count, 0), tables, link: queueLink(PERSONAL_QUEUE) },
    queues,
    approvals: wants('approvals') ? await approvalsForMe(fw, actor) : { count: 0, items: [], link: '/approvals' },
    slas: {
      overdue: overdue.slice(0, HOME_ITEMS).map((a) => slaItem(fw, a)), upcoming: upcoming.slice(0, HOME_ITEMS).map((a) => slaItem(fw, a)),
      moreOverdue: overdue.length > HOME_ITEMS, moreUpcoming: upcoming.length > HOME_ITEMS,
    },
    recent: wants('recent') ? await recentlyChanged(fw, actor) : [],
    bookmarks: wants('bookmarks') && originalActor(actor).id ? await listBookmarks(fw, actor) : [],
  };
}

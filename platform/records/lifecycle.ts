/**
 * The record lifecycle: what happens, in which order, when a record is created, updated or deleted. This is the one
 * description of the pipeline; other modules refer here.
 *
 *   1. access         the entry (e.g. the record service) resolves the table and the actor's grant for the
 *                     operation (`forbidden` otherwise, platform/access/policy.ts) before calling {@link runWrite}.
 *   2. check          outside the transaction: checks that need no stored row — on create, data policies (the UI
 *                     policies of the table's default form and of the form the client names, for every actor but
 *                     the system; platform/rules/data-policy.ts) and payload checks.
 *   3. load           the transaction opens (or the caller's `trx` is joined). The stored rows are read and locked
 *                     through the actor's row filter (update, delete); on update the policies and payload checks run
 *                     here, on the stored record; references are checked, fetched fields copied
 *                     (platform/records/fetched-fields.ts) and the result must lie inside the grant's rows. The row
 *                     check applies to the client's change: hooks and rules are trusted and may set any field.
 *   4. before hooks   registered record hooks (platform/records/hooks.ts) — the workflow's initial state, queue
 *                     routing and state-field guard — may change the record or refuse the write.
 *   5. before rules   business rules (platform/rules/business-rules.ts) see the hooks' changes; they may change the
 *                     record, refuse the write, or add journal entries. Then (create and update) the hooks' `check`
 *                     sees the record exactly as it will be written, whoever set its values — the workflow's queue
 *                     and assignee checks — and may refuse it.
 *   6. write          the rows, one sys_audit row per record and version, and the journal entries. Events (sys_event
 *                     rows) are written by whatever raises them — a rule's `emitEvent`, the workflow's hook requesting
 *                     approvals — in this same transaction.
 *   7. after hooks    on the written records: the workflow's timers and approvals, SLA clocks, attachments. They
 *                     change the record only through the record service (a nested write with its own lifecycle).
 *   8. after rules    on the written records; an after rule's `set` is a nested update through the record service.
 *   9. after commit   nothing runs here. The notification dispatcher polls the committed sys_audit and sys_event
 *                     rows (platform/notify/feed.ts) and writes in-app notifications and mail to the outbox
 *                     (sys_outbox), which the sender delivers: nothing is sent for a rolled-back write, and nothing
 *                     is lost if the process dies.
 *
 * Stages 3–8 share one transaction: anything failing — a hook, an after rule's `abort`, a nested write — rolls back
 * everything, the record included. Stages run in order over the whole batch: every record passes a stage before any
 * passes the next (a multi-record write runs the before hooks of all its records, then their before rules, …).
 * Nested writes (rules' and workflows' own) re-enter through the record service as `rule:<name> for <user>` or
 * `workflow:<transition> for <user>`, at most MAX_RULE_DEPTH deep (platform/rules/chain.ts).
 *
 * Stages are data ({@link STAGES}); what differs between create, update and delete (the checks, the load, the write
 * statement, the answer) is a {@link WriteKind} the entry supplies. A later entry — catalogue orders, imports,
 * connectors — enters with its own kind (or the record service's methods) and the same explicit options.
 */
import type { Knex } from 'knex';
import type { TableAccess } from '../access/index.js';
import type { FactContext } from '../conditions/index.js';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { BusinessRules } from '../rules/business-rules.js';
import { writeAudit, type AuditRow } from './audit.js';
import type { RecordHookContext, RecordHooks } from './hooks.js';
import { appendJournal, type NewJournalEntry } from './journal.js';
import type { Actor, RecordData } from './types.js';

export type WriteOperation = 'insert' | 'update' | 'delete';

/** The actor reference checks run as after rules set values: rules are trusted, so any existing record will do. */
export const RULES: Actor = Object.freeze({ kind: 'system', id: null, username: 'rules', roles: [], orgs: [] });

/** What {@link runWrite} needs from the service that owns the tables (the record service). */
export interface LifecycleHost {
  readonly hooks: RecordHooks;
  readonly rules: Pick<BusinessRules, 'has' | 'before' | 'after'>;
  /** Run `fn` in `trx`, or in a new transaction; driver errors become platform errors. */
  transaction<T>(trx: Knex.Transaction | undefined, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
  /** A journal entry as stored (the body sealed when its field is encrypted). */
  journalEntry(table: ResolvedTable, recordId: string, e: { field: string; body: string }): NewJournalEntry;
  /** `validation_failed` unless every reference value of `rows` names a record of its target `actor` may read. */
  assertReferences(
    trx: Knex.Transaction, registry: Registry, table: ResolvedTable, rows: RecordData[], actor: Actor, facts: FactContext,
  ): Promise<void>;
}

/** The explicit options of one write: who, on what, when, and in which transaction. */
export interface WriteOptions {
  /** Join this transaction instead of opening one. */
  trx?: Knex.Transaction;
  actor: Actor;
  /** The registry snapshot the whole write runs under. */
  registry: Registry;
  /** The table written through (records may belong to tables extending it). */
  table: ResolvedTable;
  operation: WriteOperation;
  /** The actor's grant for the operation (already checked by the entry: stage 1). */
  access: TableAccess;
  /** The facts conditions are bound to (user, now). */
  facts: FactContext;
  /** The write's time (the injected clock). */
  now: Date;
}

/** A journal entry waiting to be written, with its author (the actor, or a rule acting for them). */
export interface PendingJournal { actor: Actor; entry: NewJournalEntry }

/** One record of a write, as the stages pass it on. */
export interface WriteItem {
  /** The record's own table (its class). */
  readonly cls: ResolvedTable;
  /** The record as it will be written (hooks and before rules change it in place); on delete, the stored record. */
  readonly record: RecordData;
  /** The stored record (null on insert; on delete each stage is given a copy of `record`). */
  readonly previous: RecordData | null;
  /** Journal text the client adds, by field (what rule conditions see as `record.<journal field>`). */
  readonly added: RecordData;
  /** What hooks and rules are given: the registry, the record's table, the operation, actor, transaction and time. */
  readonly ctx: RecordHookContext;
  /** Whether the write changed the stored row (false for an update that changed no field). */
  changed: boolean;
  /** Journal entries the write adds to the record (the client's and the before rules'). */
  entries: number;
  /** Whether after rules ran on it (their `set` may have changed `record`). */
  rewritten: boolean;
}

/** The state of one write as it moves through the stages; `state` is the kind's own. */
export interface WriteBatch<S> extends Readonly<Omit<WriteOptions, 'trx'>> {
  /** `now` as ISO text, as stored. */
  readonly at: string;
  /** Filled by the kind's `load`. */
  readonly items: WriteItem[];
  /** Journal entries to write, in order. */
  readonly journal: PendingJournal[];
  readonly state: S;
}

/** What differs between create, update and delete (and any later entry): supplied by the entry, built once. */
export interface WriteKind<S, R> {
  /** Stage 2, before the transaction: checks that need no stored row. */
  check?(batch: WriteBatch<S>): Promise<void>;
  /** Stage 3: read and lock the stored rows, check, and fill `batch.items` (and the client's journal entries). */
  load(batch: WriteBatch<S>, trx: Knex.Transaction): Promise<void>;
  /** Stage 6: write the rows; returns their audit rows (the runner writes them and the journal). */
  write(batch: WriteBatch<S>, trx: Knex.Transaction): Promise<AuditRow[]>;
  /** After stage 8, still in the transaction: the answer. */
  result(batch: WriteBatch<S>, trx: Knex.Transaction): Promise<R>;
}

/** One stage of the lifecycle: its name, whether it runs in the write's transaction, and what it runs. */
export type Stage =
  | {
    readonly name: string; readonly inTransaction: false;
    run(host: LifecycleHost, kind: WriteKind<unknown, unknown>, batch: WriteBatch<unknown>): Promise<void>;
  }
  | {
    readonly name: string; readonly inTransaction: true;
    run(host: LifecycleHost, kind: WriteKind<unknown, unknown>, batch: WriteBatch<unknown>, trx: Knex.Transaction): Promise<void>;
  };

/** What a stage gives hooks and rules as the previous record: on delete a fresh copy, so no stage changes another's. */
const previousOf = (b: WriteBatch<unknown>, item: WriteItem): RecordData | null =>
  b.operation === 'delete' ? { ...item.record } : item.previous;

/** Whether the after stages concern the record: it was written, or it gained a journal entry (an update too). */
const afterApplies = (item: WriteItem): boolean => item.changed || item.entries > 0;

/** The named keys of a record. */
export function pick(record: RecordData, keys: Iterable<string>): RecordData {
  const out: RecordData = {};
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(record, k)) out[k] = record[k];
  return out;
}

/** Journal entries of several authors (the actor, rules acting for them), in order: one insert per run of an author. */
async function writeJournal(trx: Knex.Transaction, physical: string, at: string, pending: readonly PendingJournal[]): Promise<void> {
  let i = 0;
  while (i < pending.length) {
    const actor = pending[i]!.actor;
    const run: NewJournalEntry[] = [];
    while (i < pending.length && pending[i]!.actor === actor) run.push(pending[i++]!.entry);
    await appendJournal(trx, physical, actor, at, run);
  }
}

/** The lifecycle's stages, in order (see the module comment). */
export const STAGES: readonly Stage[] = Object.freeze([
  { name: 'check', inTransaction: false, run: async (_host, kind, b) => { await kind.check?.(b); } },
  { name: 'load', inTransaction: true, run: (_host, kind, b, trx) => kind.load(b, trx) },
  {
    name: 'before hooks', inTransaction: true,
    run: async (host, _kind, b) => {
      if (!host.hooks.hasBefore) return;
      for (const item of b.items) await host.hooks.before(item.ctx, item.record, previousOf(b, item));
    },
  },
  {
    name: 'before rules', inTransaction: true,
    run: async (host, _kind, b, trx) => {
      for (const item of b.items) {
        if (!host.rules.has(b.registry, item.cls, 'before', b.operation)) continue;
        const outcome = await host.rules.before(item.ctx, item.record, previousOf(b, item), item.added);
        const id = item.record.id as string;
        for (const e of outcome.journal) b.journal.push({ actor: e.actor, entry: host.journalEntry(item.cls, id, e) });
        item.entries += outcome.journal.length;
        // Values rules set are trusted but must still name existing records.
        if (outcome.set.size && b.operation !== 'delete') {
          await host.assertReferences(trx, b.registry, item.cls, [pick(item.record, outcome.set)], RULES, b.facts);
        }
      }
    },
  },
  {
    name: 'hook checks', inTransaction: true,
    run: async (host, _kind, b) => {
      if (!host.hooks.hasCheck || b.operation === 'delete') return;
      for (const item of b.items) await host.hooks.check(item.ctx, item.record, item.previous);
    },
  },
  {
    name: 'write', inTransaction: true,
    run: async (_host, kind, b, trx) => {
      const audits = await kind.write(b, trx);
      await writeAudit(trx, b.actor, b.at, audits);
      await writeJournal(trx, b.table.physical, b.at, b.journal);
    },
  },
  {
    name: 'after hooks', inTransaction: true,
    run: async (host, _kind, b) => {
      if (!host.hooks.hasAfter) return;
      for (const item of b.items) if (afterApplies(item)) await host.hooks.after(item.ctx, item.record, previousOf(b, item));
    },
  },
  {
    name: 'after rules', inTransaction: true,
    run: async (host, _kind, b) => {
      for (const item of b.items) {
        if (!afterApplies(item) || !host.rules.has(b.registry, item.cls, 'after', b.operation)) continue;
        await host.rules.after(item.ctx, item.record, previousOf(b, item), item.added);
        item.rewritten = true;
      }
    },
  },
] satisfies Stage[]);

// Split once, so a write allocates no stage list.
const OUTSIDE = STAGES.filter((s) => !s.inTransaction);
const INSIDE = STAGES.filter((s) => s.inTransaction);

/**
 * Run one write through the lifecycle: the stages outside the transaction, then — in `opts.trx` or a new
 * transaction — the others, then the kind's answer. Errors: whatever a stage raises (validation_failed,
 * forbidden, not_found, conflict, invalid_transition, rule_aborted, unique_violation, …); nothing is written then.
 */
export async function runWrite<S, R>(host: LifecycleHost, kind: WriteKind<S, R>, opts: WriteOptions, state: S): Promise<R> {
  const batch: WriteBatch<S> = {
    actor: opts.actor, registry: opts.registry, table: opts.table, operation: opts.operation, access: opts.access,
    facts: opts.facts, now: opts.now, at: opts.now.toISOString(), items: [], journal: [], state,
  };
  for (const s of OUTSIDE) if (!s.inTransaction) await s.run(host, kind, batch);
  return host.transaction(opts.trx, async (trx) => {
    for (const s of INSIDE) if (s.inTransaction) await s.run(host, kind, batch, trx);
    return kind.result(batch, trx);
  });
}

/** A new item of a write (the kind's `load` makes them). */
export function writeItem(
  ctx: RecordHookContext, record: RecordData, previous: RecordData | null, added: RecordData, entries: number,
): WriteItem {
  return { cls: ctx.table, record, previous, added, ctx, changed: true, entries, rewritten: false };
}

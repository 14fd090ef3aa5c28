/**
 * Record hooks: the one way other parts of the engine (the workflow, SLAs, attachments) join a record write. Where
 * they run in it is stated once, in platform/records/lifecycle.ts:
 *
 *   access → check → load → BEFORE HOOKS → before rules → HOOK CHECKS → write (+ audit, journal) → AFTER HOOKS → after rules
 *
 * all in the record operation's transaction (`ctx.trx`): whatever a hook writes commits or rolls back with the
 * record, and a hook that throws fails the whole operation (a FormworkError keeps its code and status; anything
 * else becomes a 500). Hooks run for every create, update and delete of every table, in registration order, once
 * per record; they decide themselves whether the table concerns them (`ctx.table` is the record's own table — its
 * class — also when it is written through a table it extends). Notifications are not hooks: they read the
 * committed sys_audit and sys_event rows after commit (platform/notify/feed.ts).
 *
 *  - `before(ctx, record, previous)`: `record` is the record as it will be written, after the client's change
 *    (on delete, the stored record); `previous` is the stored record (null on insert; on delete the record itself).
 *    A before hook may change `record` in place: the change is written and audited with the client's, and the
 *    before rules see it. Values are not checked again: set only values the field can hold.
 *  - `after(ctx, record, previous)`: the record as written (ids, numbers, version are final) and as it was. Write
 *    your own rows with `ctx.trx`; to change the record itself, go through the record service (a nested operation,
 *    which runs the hooks again for that write). After hooks run before the after rules, so a rule's own update is
 *    a write of its own that the hooks see separately: each write is seen exactly once. An update that changes no
 *    field and adds no journal entry is not a write: no after hook runs for it.
 *
 * Hooks see every actor: `ctx.actor.kind` is 'user' for people, 'system' for jobs, seeding, rules and workflows
 * (a rule or workflow acting for a person keeps their id; `originalActor(ctx.actor)` from platform/rules/chain.ts
 * gives the person). Journal text the operation adds is not in `record` (read it with the record service).
 *
 * Reads: `read(ctx, records)` runs after a read of one record or a page of a list (RecordService.readOne / query),
 * outside any write, with the records as the reader gets them (only fields they may see). It may replace values of
 * fields present in a record (a reader shown the published content of a record under revision, say), never add
 * fields: what the reader may not see stays absent. Filters and sorts ran on the stored values before it.
 * `readHistory(ctx, recordId, entries)` likewise narrows a record's field history (RecordService.history).
 *
 * Registering: `engine.hooks.register(hook)` (platform/engine.ts) — once per engine, at start. `register` returns
 * a function that removes the hook again.
 */
import type { Knex } from 'knex';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { Actor, HistoryEntry, RecordData } from './types.js';

export type HookOperation = 'insert' | 'update' | 'delete';

export interface RecordHookContext {
  /** The registry snapshot the operation runs under. */
  registry: Registry;
  /** The record's own table (its class). */
  table: ResolvedTable;
  operation: HookOperation;
  /** Who performs the write (see the module comment). */
  actor: Actor;
  /** The record operation's transaction: use it for every read and write. */
  trx: Knex.Transaction;
  /** The operation's time (the injected clock). */
  now: Date;
}

/** What a read hook gets: the read's table, reader and connection. */
export interface RecordReadContext {
  registry: Registry;
  /** The table read (records of tables extending it carry their `class`, when the reader asked for it). */
  table: ResolvedTable;
  actor: Actor;
  /** The read's connection (or transaction): use it for the hook's own reads. */
  knex: Knex | Knex.Transaction;
  /** Which of `ids` (records of `table`) the reader may update: the update grants' rows, checked in SQL. */
  updatable(ids: string[]): Promise<Set<string>>;
}

export interface RecordHook {
  /** A short name for logs and errors, e.g. "workflow", "sla", "notify". */
  name: string;
  before?(ctx: RecordHookContext, record: RecordData, previous: RecordData | null): Promise<void>;
  after?(ctx: RecordHookContext, record: RecordData, previous: RecordData | null): Promise<void>;
  /**
   * On create and update, after the before rules: the record exactly as it will be written (the client's change,
   * the before hooks' and the before rules'). For checks of values that hooks and rules may set too; it may refuse
   * the write and must not change the record (nothing after it would check the change).
   */
  check?(ctx: RecordHookContext, record: RecordData, previous: RecordData | null): Promise<void>;
  /** After a read (see the module comment): may replace values of fields present in `records`, in place. */
  read?(ctx: RecordReadContext, records: RecordData[]): Promise<void>;
  /** After a read of one record's field history: the entries the reader gets (a subset of `entries`). */
  readHistory?(ctx: RecordReadContext, recordId: string, entries: HistoryEntry[]): Promise<HistoryEntry[]>;
  /**
   * Before a list read: fields of `ctx.table` whose stored values are not what `read` shows this reader (filtering or
   * sorting on them would tell those values by the rows matched or their order); see {@link GuardedField}.
   */
  guardedFields?(ctx: RecordReadContext): ReadonlyMap<string, GuardedField>;
}

/** A field a list reader's filters refuse (with `message`, as invalid_query) and sorts order by `sortBy`, else refuse. */
export interface GuardedField {
  message: string;
  /** The SQL value to order by in place of `column` (the qualified column), in the database's dialect. */
  sortBy?(dialect: 'sqlite' | 'postgres', column: string, idColumn: string): { sql: string; bindings: unknown[] };
}

/** The hooks of one record service, in registration order. */
export class RecordHooks {
  #hooks: readonly RecordHook[] = [];
  // The before and after lists, merged when a hook is added or removed (not per write); empty lists are skipped.
  #before: readonly RecordHook[] = [];
  #after: readonly RecordHook[] = [];
  #check: readonly RecordHook[] = [];
  #read: readonly RecordHook[] = [];

  /** Add a hook; returns a function removing it. A second hook of the same name is refused. */
  register(hook: RecordHook): () => void {
    if (this.#hooks.some((h) => h.name === hook.name)) throw new Error(`A record hook named "${hook.name}" is already registered.`);
    this.#set([...this.#hooks, hook]);
    return () => { this.#set(this.#hooks.filter((h) => h !== hook)); };
  }

  #set(hooks: readonly RecordHook[]): void {
    this.#hooks = hooks;
    this.#before = hooks.filter((h) => h.before);
    this.#after = hooks.filter((h) => h.after);
    this.#check = hooks.filter((h) => h.check);
    this.#read = hooks.filter((h) => h.read || h.readHistory || h.guardedFields);
  }

  /** The registered hooks (a snapshot: registering during an operation does not change the one running). */
  list(): readonly RecordHook[] {
    return this.#hooks;
  }

  get hasBefore(): boolean { return this.#before.length > 0; }
  get hasAfter(): boolean { return this.#after.length > 0; }
  get hasCheck(): boolean { return this.#check.length > 0; }
  get hasRead(): boolean { return this.#read.length > 0; }

  async before(ctx: RecordHookContext, record: RecordData, previous: RecordData | null): Promise<void> {
    for (const h of this.#before) await h.before!(ctx, record, previous);
  }

  async after(ctx: RecordHookContext, record: RecordData, previous: RecordData | null): Promise<void> {
    for (const h of this.#after) await h.after!(ctx, record, previous);
  }

  async check(ctx: RecordHookContext, record: RecordData, previous: RecordData | null): Promise<void> {
    for (const h of this.#check) await h.check!(ctx, record, previous);
  }

  async read(ctx: RecordReadContext, records: RecordData[]): Promise<void> {
    if (!records.length) return;
    for (const h of this.#read) if (h.read) await h.read(ctx, records);
  }

  /** The fields a list's filters and sorts may not use as stored (see RecordHook.guardedFields); empty mostly. */
  guardedFields(ctx: RecordReadContext): ReadonlyMap<string, GuardedField> {
    const out = new Map<string, GuardedField>();
    for (const h of this.#read) for (const [f, why] of h.guardedFields?.(ctx) ?? []) if (!out.has(f)) out.set(f, why);
    return out;
  }

  async readHistory(ctx: RecordReadContext, recordId: string, entries: HistoryEntry[]): Promise<HistoryEntry[]> {
    let out = entries;
    for (const h of this.#hooks) if (h.readHistory && out.length) out = await h.readHistory(ctx, recordId, out);
    return out;
  }
}

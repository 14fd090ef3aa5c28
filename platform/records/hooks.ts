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
 * Registering: `engine.hooks.register(hook)` (platform/engine.ts) — once per engine, at start. `register` returns
 * a function that removes the hook again.
 */
import type { Knex } from 'knex';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { Actor, RecordData } from './types.js';

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
}

/** The hooks of one record service, in registration order. */
export class RecordHooks {
  #hooks: readonly RecordHook[] = [];
  // The before and after lists, merged when a hook is added or removed (not per write); empty lists are skipped.
  #before: readonly RecordHook[] = [];
  #after: readonly RecordHook[] = [];
  #check: readonly RecordHook[] = [];

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
  }

  /** The registered hooks (a snapshot: registering during an operation does not change the one running). */
  list(): readonly RecordHook[] {
    return this.#hooks;
  }

  get hasBefore(): boolean { return this.#before.length > 0; }
  get hasAfter(): boolean { return this.#after.length > 0; }
  get hasCheck(): boolean { return this.#check.length > 0; }

  async before(ctx: RecordHookContext, record: RecordData, previous: RecordData | null): Promise<void> {
    for (const h of this.#before) await h.before!(ctx, record, previous);
  }

  async after(ctx: RecordHookContext, record: RecordData, previous: RecordData | null): Promise<void> {
    for (const h of this.#after) await h.after!(ctx, record, previous);
  }

  async check(ctx: RecordHookContext, record: RecordData, previous: RecordData | null): Promise<void> {
    for (const h of this.#check) await h.check!(ctx, record, previous);
  }
}

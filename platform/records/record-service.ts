import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Clock, RegistrySource } from '../context.js';
import type { Database } from '../db/connection.js';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { TableOperation } from '../access/roles/types.js';
import { fail, FormworkError, isFormworkError } from '../errors.js';
import { accessFacts, accessFor, assertCanOperate, type TableAccess } from '../access/index.js';
import type { KeyRing } from '../access/crypto.js';
import { evaluateCondition, type FactContext } from '../conditions/index.js';
import { fetchHistory, type AuditRow, type Changes } from './audit.js';
import { labelHistory, labelJournal } from './activity-labels.js';
import { displayRecords, type DisplayContext } from './display-values.js';
import { hiddenFieldsOf, maskedFields, maskRecords } from './row-masking.js';
import { appendJournal, fetchJournal, type NewJournalEntry } from './journal.js';
import { insertRows } from '../db/insert.js';
import { reserveNumbers } from './numbering.js';
import { checkPayload, defaultsOf, needsProfileFacts, type CheckedPayload } from './payload.js';
import type { UserFacts } from '../access/fact-defaults.js';
import { actorFacts, fetchProfileFacts } from '../access/profile-facts.js';
import { BusinessRules } from '../rules/business-rules.js';
import { assertRuleDepth } from '../rules/chain.js';
import { enforceDataPolicies } from '../rules/data-policy.js';
import { applyFetchedFields, type ReadReferenced } from './fetched-fields.js';
import { RecordReader, type ReadScope, type TextSearch } from './record-reader.js';
import { fetchTagCounts } from './tag-counts.js';
import { FieldSealer } from './sealing.js';
import { assertNotReferenced, assertReferences } from './references.js';
import { RecordHooks, type RecordHookContext, type RecordReadContext } from './hooks.js';
import { pick, RULES, runWrite, writeItem, type LifecycleHost, type WriteBatch, type WriteKind, type WriteOptions } from './lifecycle.js';
import type {
  Actor, DiscardedValue, DisplayMode, HistoryEntry, JournalEntry, OperationOptions, QueryResult, QuerySpec, RecordData, RecordService,
  TagCount, TagCountOptions, UpdateOptions,
} from './types.js';

export interface RecordServiceDeps {
  db: Database;
  registry: RegistrySource;
  clock: Clock;
  /**
   * The key ring for fields declared `encrypted` (AES-256-GCM at rest). Without it, storing or reading a value of
   * an encrypted field fails with internal_error: plaintext is never stored in its place.
   */
  keys?: KeyRing;
}

/** The table of an operation, the actor's access to it, and the facts its conditions are bound to. */
interface Operation extends ReadScope {
  table: ResolvedTable;
}

/** The state of a create as it moves through the lifecycle. */
interface CreateState {
  data: RecordData[];
  form: string | undefined;
  readAccess: TableAccess;
  checked: CheckedPayload[];
  discarded?: DiscardedValue[];
  /** The person's facts, when a default of the table names one of their profile (read once per create). */
  user?: UserFacts;
}
/** The state of an update. */
interface UpdateState {
  op: Operation; ids: string[]; patch: RecordData; expectedVersion: number | undefined; form: string | undefined; readAccess: TableAccess;
  discarded?: DiscardedValue[];
}
/** The state of a delete. */
interface DeleteState { op: Operation; ids: string[]; expectedVersion: number | undefined; count: number }

/** The journal text an operation adds, by field (what rule conditions see as `record.<journal field>`). */
function addedJournal(entries: { field: string; body: string }[]): RecordData {
  return Object.fromEntries(entries.map((e) => [e.field, e.body]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The context hooks and rules get for a record of table `cls` in a write. */
function hookContext(b: WriteBatch<unknown>, cls: ResolvedTable, trx: Knex.Transaction): RecordHookContext {
  return { registry: b.registry, table: cls, operation: b.operation, actor: b.actor, trx, now: b.now };
}

/**
 * The one generic record service (see {@link RecordService}). Each method opens one transaction unless given
 * `trx`; the record rows, their field history, journal entries and sequence numbers commit or roll back together.
 * Creates, updates and deletes run through the lifecycle of platform/records/lifecycle.ts (its module comment is
 * the pipeline's one description); this class supplies what differs between them (a {@link WriteKind} each).
 *
 * Access (platform/access/policy.ts) is applied here, for every operation: the table operation must be granted
 * (else `forbidden`); the row condition of the actor's grants is compiled into every statement that reads records
 * — lists and totals, reads, history, journal and the read before an update or delete — so a record outside it
 * answers `not_found`, exactly like a missing one; a created or updated record must fall inside the grants' rows
 * (else `forbidden`); fields the actor may not read are absent from every response and unknown to filters, sorts
 * and field lists; fields they may not assign are refused. Policies and rules see a record as its own table
 * (class) has it, also when it is written through a table it extends.
 */
export class KnexRecordService implements RecordService {
  readonly #deps: RecordServiceDeps;
  readonly #reader: RecordReader;
  readonly #sealer: FieldSealer;
  readonly #rules: BusinessRules;
  /** Hooks other engine parts register (platform/records/hooks.ts); run next to the rules in every write. */
  readonly hooks = new RecordHooks();
  /** What the lifecycle runner needs of this service: a later entry passes it to `runWrite` with its own kind. */
  readonly lifecycle: LifecycleHost;

  constructor(deps: RecordServiceDeps) {
    this.#deps = deps;
    this.#sealer = new FieldSealer(deps.keys);
    this.#reader = new RecordReader(deps.db, this.#sealer);
    // Rules write through this service (nested operations in the same transaction) and its journal sealing.
    this.#rules = new BusinessRules({
      createMany: (table, data, opts) => this.createMany(table, data, opts),
      updateMany: (table, ids, patch, opts) => this.updateMany(table, ids, patch, opts),
      appendJournal: (trx, table, actor, at, entries) =>
        appendJournal(trx, table.physical, actor, at, entries.map((e) => this.#journalEntry(table, e.recordId, e))),
    });
    this.lifecycle = {
      hooks: this.hooks,
      rules: this.#rules,
      transaction: (trx, fn) => this.#inTransaction(trx, fn),
      journalEntry: (table, recordId, e) => this.#journalEntry(table, recordId, e),
      assertReferences: (trx, registry, table, rows, actor, facts) =>
        assertReferences(this.#reader, trx, registry, table, rows, actor, facts),
    };
  }

  get #registry(): Registry { return this.#deps.registry.current; }

  /** Resolve the table and the actor's access for the operation; `forbidden` when no grant gives it. */
  #operation(name: string, actor: Actor, operation: TableOperation, registry = this.#registry): Operation {
    const table = registry.getTable(name);
    const access = assertCanOperate(registry, actor, name, operation);
    return { table, access, facts: accessFacts(registry, actor, this.#deps.clock.now()) };
  }

  /** The lifecycle options of a write the operation `op` describes. */
  #writeOptions(registry: Registry, op: Operation, operation: WriteOptions['operation'], opts: OperationOptions): WriteOptions {
    return {
      trx: opts.trx, actor: opts.actor, registry, table: op.table, operation, access: op.access, facts: op.facts,
      now: this.#deps.clock.now(),
    };
  }

  async #inTransaction<T>(trx: Knex.Transaction | undefined, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    try {
      return trx ? await fn(trx) : await this.#deps.db.knex.transaction(fn);
    } catch (e) {
      throw this.#translate(e);
    }
  }

  /** Driver errors become platform errors here, in one place. */
  #translate(e: unknown): unknown {
    if (isFormworkError(e)) return e;
    const unique = this.#deps.db.dialect.uniqueViolation(e);
    if (unique) {
      const fields = unique.columns.length ? unique.columns : ['(unknown)'];
      return new FormworkError('unique_violation', `Another record already has this ${fields.join(', ')}.`, {
        cause: e,
        fieldErrors: fields.map((f) => ({ field: f, code: 'unique', message: `Another record already has this value of "${f}".` })),
      });
    }
    return e;
  }

  /** What the actor may see of a record: its readable fields (everything for the system actor). */
  #project(record: RecordData, access: TableAccess): RecordData {
    if (access.unrestricted) return record;
    const out: RecordData = {};
    for (const [k, v] of Object.entries(record)) if (access.readable.has(k)) out[k] = v;
    return out;
  }

  /** Whether a record (in API form) lies inside the rows of the access: evaluated in memory, before it is written. */
  async #inRows(access: TableAccess, facts: FactContext, record: RecordData): Promise<boolean> {
    return access.rowCondition === null || evaluateCondition(access.rowCondition, { ...facts, record });
  }

  async createOne(table: string, data: RecordData, opts: OperationOptions): Promise<RecordData> {
    return (await this.createMany(table, [data], opts))[0]!;
  }

  async createMany(tableName: string, data: RecordData[], opts: OperationOptions): Promise<RecordData[]> {
    assertRuleDepth(opts.actor);
    const registry = this.#registry;
    const op = this.#operation(tableName, opts.actor, 'create', registry);
    if (op.table.def.abstract) fail('forbidden', `Table "${op.table.name}" is abstract: create records in a table that extends it.`);
    if (!Array.isArray(data) || data.length === 0) fail('invalid_payload', 'Nothing to create: send one record or a non-empty array.');
    const readAccess = accessFor(registry, opts.actor, op.table.name, 'read');
    // Defaults from the person's profile: read once, and only when a field's default names it.
    const user = needsProfileFacts(op.table)
      ? await fetchProfileFacts(opts.trx ?? this.#deps.db.reader, opts.actor, actorFacts(opts.actor)) : undefined;
    return runWrite(this.lifecycle, this.#create, this.#writeOptions(registry, op, 'insert', opts),
      { data, form: opts.form, readAccess, checked: [], discarded: opts.discarded, user });
  }

  /** Create: data policies and payload checks before the transaction; new ids and numbers; one multi-row insert. */
  readonly #create: WriteKind<CreateState, RecordData[]> = {
    check: async (b) => {
      const { data, checked, form } = b.state;
      for (const [i, d] of data.entries()) {
        try {
          checked.push(await this.#checkWrite(
            b.registry, b.table, b.table, d, b.actor, b.now, undefined, b.access, b.facts, form, b.state.discarded, data.length > 1 ? `${i}.` : '', b.state.user,
          ));
        } catch (e) {
          if (data.length > 1 && isFormworkError(e)) {
            for (const fe of e.fieldErrors) fe.field = `${i}.${fe.field}`;
          }
          throw e;
        }
      }
    },
    load: async (b, trx) => {
      const { table, actor, at } = b;
      const { checked } = b.state;
      await assertReferences(this.#reader, trx, b.registry, table, checked.map((c) => c.values), actor, b.facts);
      const numbers = await reserveNumbers(trx, b.registry, table, checked.length);
      const ctx = hookContext(b, table, trx);
      for (const [i, c] of checked.entries()) {
        const record: RecordData = {};
        for (const field of table.fields.values()) {
          if (field.column === null) continue;
          // System counters (view and rating counts) start at their default; clients never give them.
          record[field.name] = c.values[field.name] ?? (field.system ? field.default ?? null : null);
        }
        Object.assign(record, {
          id: uuidv7(), class: table.name, version: 1, org_id: actor.orgId ?? null,
          created_at: at, created_by: actor.id, updated_at: at, updated_by: actor.id,
        });
        if (numbers) record.number = numbers[i];
        b.items.push(writeItem(ctx, record, null, addedJournal(c.journal), c.journal.length));
      }
      for (const [i, item] of b.items.entries()) {
        await applyFetchedFields(trx, table, item.record, checked[i]!.values, null, this.#readReferenced);
      }
      // The new records must lie inside the rows the create grants reach (their own organisation, say).
      for (const [i, item] of b.items.entries()) {
        if (!(await this.#inRows(b.access, b.facts, item.record))) {
          fail('forbidden', `${actor.username} may not create ${checked.length > 1 ? `record ${i} of table "${table.name}"` : `this record of table "${table.name}"`}: it would lie outside the records their roles let them create.`);
        }
      }
      for (const [i, item] of b.items.entries()) {
        for (const e of checked[i]!.journal) b.journal.push({ actor, entry: this.#journalEntry(table, item.record.id as string, e) });
      }
    },
    write: async (b, trx) => {
      const { table } = b;
      const rows = b.items.map((item) => this.#toRow(table, item.record));
      await insertRows(trx, table.physical, rows, Math.max(1, Math.floor(900 / Math.max(1, table.fields.size))));
      return b.items.map(({ record: r }) => {
        const changes: Changes = {};
        for (const [k, v] of Object.entries(r)) {
          const f = table.fields.get(k);
          if (v !== null && f && !f.system) changes[k] = [null, v];
        }
        return { table: table.physical, recordId: r.id as string, operation: 'insert', version: 1, changes: this.#sealChanges(table, changes) };
      });
    },
    result: async (b) => {
      const { readAccess } = b.state;
      const records = b.items.map((item) => item.record);
      const out = records.map((r) => this.#project(r, readAccess));
      await maskRecords(b.table, readAccess.unrestricted, b.facts, out, records);
      return out;
    },
  };

  /**
   * The checks of a client's values (a create's before its transaction, an update's on the locked record): data
   * policies (for anyone but the system: the browser is never trusted with them), then the payload checks, reported
   * together.
   */
  async #checkWrite(
    registry: Registry, table: ResolvedTable, recordTable: ResolvedTable, data: RecordData, actor: Actor, now: Date,
    existing: RecordData | undefined, access: TableAccess, facts: FactContext, form: string | undefined,
    discarded?: DiscardedValue[], prefix = '', user?: UserFacts,
  ): Promise<CheckedPayload> {
    if (actor.kind === 'system' || data === null || typeof data !== 'object' || Array.isArray(data)) {
      return checkPayload(table, data, actor, now, existing, access, { user });
    }
    const policed = await enforceDataPolicies({
      registry, table: recordTable, payload: data, base: existing ?? defaultsOf(recordTable, actor, now, user),
      existing: existing !== undefined, facts, form,
    });
    // One entry per field and record (an update of several records sends them one patch).
    for (const d of policed.discarded) {
      const field = `${prefix}${d.field}`;
      if (discarded && !discarded.some((x) => x.field === field)) discarded.push({ ...d, field });
    }
    return checkPayload(table, policed.payload, actor, now, existing, access, { forced: policed.forced, errors: policed.errors, user });
  }

  /** Plug in full-text matching for lists' `search` (platform/search). */
  useTextSearch(search: TextSearch): void {
    this.#reader.textSearch = search;
  }

  /**
   * What a list of `tableName` by `actor` reads through: the table, the read access and facts (the scope), and the
   * reader whose `scope` and `restrict` put the list's class and row conditions into another query (full-text
   * search). Errors: forbidden, table_not_found.
   */
  listScope(tableName: string, actor: Actor): { table: ResolvedTable; scope: ReadScope; reader: RecordReader } {
    const op = this.#operation(tableName, actor, 'read');
    return { table: op.table, scope: op, reader: this.#reader };
  }

  async readOne(tableName: string, id: string, opts: OperationOptions & { fields?: string[] }): Promise<RecordData> {
    const op = this.#operation(tableName, opts.actor, 'read');
    const knex = opts.trx ?? this.#deps.db.reader;
    const record = await this.#reader.readOne(knex, op.table, id, op, opts.fields);
    if (!record) fail('not_found', `Record "${id}" of table "${op.table.name}" does not exist.`);
    if (this.hooks.hasRead) await this.hooks.read(this.#readContext(knex, op, opts.actor), [record]);
    return record;
  }

  async query(tableName: string, spec: QuerySpec, opts: OperationOptions): Promise<QueryResult> {
    const op = this.#operation(tableName, opts.actor, 'read');
    const knex = opts.trx ?? this.#deps.db.reader;
    const ctx = this.hooks.hasRead ? this.#readContext(knex, op, opts.actor) : null;
    const guarded = ctx ? this.hooks.guardedFields(ctx) : null;
    const result = await this.#reader.query(knex, op.table, spec, guarded?.size ? { ...op, guarded } : op);
    if (ctx) await this.hooks.read(ctx, result.records);
    return result;
  }

  /** What read hooks get: the read's table and reader, and which records the reader may update (checked in SQL). */
  #readContext(knex: Knex | Knex.Transaction, op: Operation, actor: Actor): RecordReadContext {
    return {
      registry: this.#registry, table: op.table, actor, knex,
      updatable: async (ids) => {
        const update = accessFor(this.#registry, actor, op.table.name, 'update');
        if (!update.allowed || !ids.length) return new Set();
        if (update.rowCondition === null) return new Set(ids);
        const rows = await this.#reader.readMany(knex, op.table, ids, { access: update, facts: op.facts }, { columns: ['id'] });
        return new Set(rows.map((r) => r.id as string));
      },
    };
  }

  async tagCounts(tableName: string, field: string, opts: OperationOptions & TagCountOptions): Promise<TagCount[]> {
    const op = this.#operation(tableName, opts.actor, 'read');
    const knex = opts.trx ?? this.#deps.db.reader;
    // Counts over stored values a read hook does not show this reader would tell those values: refused, as filters are.
    const guarded = this.hooks.hasRead ? this.hooks.guardedFields(this.#readContext(knex, op, opts.actor)).get(field) : undefined;
    if (guarded && (op.access.unrestricted || op.access.readable.has(field))) fail('invalid_query', guarded.message);
    return fetchTagCounts(knex, this.#deps.db.dialect, this.#reader, op.table, field, op, opts);
  }

  async updateOne(table: string, id: string, patch: RecordData, opts: UpdateOptions): Promise<RecordData> {
    return (await this.updateMany(table, [id], patch, opts))[0]!;
  }

  async updateMany(tableName: string, ids: string[], patch: RecordData, opts: UpdateOptions): Promise<RecordData[]> {
    assertRuleDepth(opts.actor);
    const registry = this.#registry;
    const op = this.#operation(tableName, opts.actor, 'update', registry);
    const readAccess = accessFor(registry, opts.actor, op.table.name, 'read');
    return runWrite(this.lifecycle, this.#update, this.#writeOptions(registry, op, 'update', opts),
      { op, ids, patch, expectedVersion: opts.expectedVersion, form: opts.form, readAccess, discarded: opts.discarded });
  }

  /** Update: the stored rows locked and checked in the transaction; one versioned UPDATE per changed record. */
  readonly #update: WriteKind<UpdateState, RecordData[]> = {
    load: async (b, trx) => {
      const { registry, table, actor, access, facts, now } = b;
      const { op, patch, form } = b.state;
      for (const stored of await this.#lockForWrite(trx, registry, op, actor, b.state.ids, b.state.expectedVersion)) {
        // Policies and rules see the record as its own table (class) has it, with every field of that table.
        const cls = this.#classOf(registry, table, stored);
        const before = cls === table ? stored : await this.#fullRecord(trx, cls, stored, op);
        const { values, journal: entries } = await this.#checkWrite(
          registry, table, cls, patch, actor, now, before, access, facts, form, b.state.discarded,
        );
        await assertReferences(this.#reader, trx, registry, table, [values], actor, facts);
        const after: RecordData = { ...before, ...values };
        await applyFetchedFields(trx, cls, after, values, before, this.#readReferenced);
        // The record must stay inside the rows the update grants reach: no moving it out of one's own scope.
        if (Object.keys(values).some((k) => !sameValue(before[k], values[k])) && !(await this.#inRows(access, facts, after))) {
          fail('forbidden', `${actor.username} may not make this change to record "${before.id}" of table "${table.name}": it would move the record outside the records their roles let them update.`);
        }
        for (const e of entries) b.journal.push({ actor, entry: this.#journalEntry(cls, before.id as string, e) });
        b.items.push(writeItem(hookContext(b, cls, trx), after, before, addedJournal(entries), entries.length));
      }
    },
    write: async (b, trx) => {
      const { table, actor, at } = b;
      const audits: AuditRow[] = [];
      for (const item of b.items) {
        const { cls, record: after } = item;
        const before = item.previous!;
        const changes: Changes = {};
        for (const field of cls.fields.values()) {
          if (field.system || field.column === null) continue;
          if (!sameValue(before[field.name], after[field.name])) {
            changes[field.name] = [before[field.name] ?? null, after[field.name] ?? null];
          }
        }
        // Nothing changed: no new version. A journal entry alone is an update of the record too: its after stages run.
        if (!Object.keys(changes).length) { item.changed = false; continue; }
        const version = (before.version as number) + 1;
        Object.assign(after, { version, updated_at: at, updated_by: actor.id });
        const set = this.#toRow(cls, Object.fromEntries(Object.keys(changes).map((k) => [k, after[k]])));
        Object.assign(set, { version, updated_at: at, updated_by: actor.id });
        const n = await trx(table.physical).where({ id: before.id, version: before.version }).update(set);
        if (n !== 1) fail('conflict', `Record "${before.id}" changed while it was being updated.`, { extra: { currentVersion: before.version } });
        audits.push({ table: table.physical, recordId: before.id as string, operation: 'update', version, changes: this.#sealChanges(cls, changes) });
      }
      return audits;
    },
    result: async (b) => {
      const { readAccess } = b.state;
      // The stored record behind each answer: per-record field masking (row-masking.ts) is decided on it.
      const fulls = b.items.map((item) => (item.changed || item.rewritten ? item.record : item.previous!));
      const out = fulls.map((r) => this.#project(pick(r, b.table.fields.keys()), readAccess));
      await maskRecords(b.table, readAccess.unrestricted, b.facts, out, fulls);
      return out;
    },
  };

  async deleteOne(table: string, id: string, opts: UpdateOptions): Promise<void> {
    await this.deleteMany(table, [id], opts);
  }

  async deleteMany(tableName: string, ids: string[], opts: UpdateOptions): Promise<number> {
    assertRuleDepth(opts.actor);
    const registry = this.#registry;
    const op = this.#operation(tableName, opts.actor, 'delete', registry);
    return runWrite(this.lifecycle, this.#delete, this.#writeOptions(registry, op, 'delete', opts),
      { op, ids, expectedVersion: opts.expectedVersion, count: 0 });
  }

  /** Delete: the stored rows locked in the transaction; refused while other records reference them. */
  readonly #delete: WriteKind<DeleteState, number> = {
    load: async (b, trx) => {
      const { op } = b.state;
      const current = await this.#lockForWrite(trx, b.registry, op, b.actor, b.state.ids, b.state.expectedVersion);
      b.state.count = current.length;
      for (const stored of current) {
        const cls = this.#classOf(b.registry, b.table, stored);
        const record = cls === b.table ? stored : await this.#fullRecord(trx, cls, stored, op);
        b.items.push(writeItem(hookContext(b, cls, trx), record, null, {}, 0));
      }
    },
    write: async (b, trx) => {
      const { table } = b;
      await assertNotReferenced(trx, b.registry, table, b.state.ids);
      await trx(table.physical).whereIn('id', b.state.ids).delete();
      return b.items.map(({ cls, record: r }) => {
        const changes: Changes = {};
        for (const [k, v] of Object.entries(r)) if (v !== null && !cls.fields.get(k)?.system) changes[k] = [v, null];
        return { table: table.physical, recordId: r.id as string, operation: 'delete', version: r.version as number, changes: this.#sealChanges(cls, changes) };
      });
    },
    result: async (b) => b.state.count,
  };

  /** The record a fetched field copies from, read as the system (platform/records/fetched-fields.ts). */
  #readReferenced: ReadReferenced = (table, id, fields, trx) => this.readOne(table, id, { actor: RULES, trx, fields });

  /** The table a stored record belongs to (its class), or the operation's table when the class is unknown. */
  #classOf(registry: Registry, table: ResolvedTable, record: RecordData): ResolvedTable {
    const cls = typeof record.class === 'string' ? registry.tables.get(record.class) : undefined;
    return cls && cls.physical === table.physical ? cls : table;
  }

  /** A record already read (and locked) through a parent table, again with every field of its own table. */
  async #fullRecord(trx: Knex.Transaction, cls: ResolvedTable, stored: RecordData, op: Operation): Promise<RecordData> {
    const [row] = await this.#reader.readMany(trx, cls, [stored.id as string], op, { allColumns: true });
    return row ?? stored;
  }

  async history(tableName: string, id: string, opts: OperationOptions): Promise<HistoryEntry[]> {
    const op = this.#operation(tableName, opts.actor, 'read');
    const knex = opts.trx ?? this.#deps.db.knex;
    await this.#assertVisible(knex, op, id);
    const { table, access } = op;
    const entries = await fetchHistory(knex, table.physical, id);
    const hidden = maskedFields(table).length && !access.unrestricted
      ? await hiddenFieldsOf(table, false, op.facts, (await this.#reader.readMany(knex, table, [id], op, { allColumns: true }))[0] ?? {})
      : new Set<string>();
    const out: HistoryEntry[] = [];
    for (const e of entries) {
      // Changes of fields the reader may not see are left out, as the fields are from the record.
      if (!access.unrestricted && (!access.readable.has(e.field) || hidden.has(e.field))) continue;
      const field = table.fields.get(e.field);
      out.push(field?.encrypted
        ? { ...e, oldValue: this.#sealer.open(field, e.oldValue), newValue: this.#sealer.open(field, e.newValue) }
        : e);
    }
    const shown = this.hooks.hasRead ? await this.hooks.readHistory(this.#readContext(knex, op, opts.actor), id, out) : out;
    return labelHistory(this.#displayContext(knex, op, opts.actor), table, shown);
  }

  async journal(tableName: string, id: string, opts: OperationOptions & { field?: string }): Promise<JournalEntry[]> {
    const op = this.#operation(tableName, opts.actor, 'read');
    const { table, access } = op;
    const readable = (name: string) => access.unrestricted || access.readable.has(name);
    if (opts.field !== undefined && (table.fields.get(opts.field)?.type !== 'journal' || !readable(opts.field))) {
      fail('unknown_field', `Table "${table.name}" has no journal field "${opts.field}".`,
        { fieldErrors: [{ field: opts.field, code: 'unknown_field', message: `No journal field "${opts.field}".` }] });
    }
    const knex = opts.trx ?? this.#deps.db.knex;
    await this.#assertVisible(knex, op, id);
    const visible = access.unrestricted ? undefined : [...table.fields.values()].filter((f) => f.type === 'journal' && readable(f.name)).map((f) => f.name);
    const entries = await fetchJournal(knex, table.physical, id, opts.field, visible);
    return labelJournal(this.#displayContext(knex, op, opts.actor), table, entries.map((e) => {
      const field = table.fields.get(e.field);
      return field?.encrypted ? { ...e, body: this.#sealer.open(field, e.body) as string } : e;
    }));
  }

  async display(tableName: string, records: RecordData[], mode: DisplayMode, opts: OperationOptions): Promise<RecordData[]> {
    const op = this.#operation(tableName, opts.actor, 'read');
    return displayRecords(this.#displayContext(opts.trx ?? this.#deps.db.reader, op, opts.actor), op.table, records, mode);
  }

  /** Display values are looked up as the reader: their access to each referenced table decides what shows. */
  #displayContext(knex: Knex | Knex.Transaction, op: Operation, actor: Actor): DisplayContext {
    return { knex, registry: this.#registry, reader: this.#reader, actor, facts: op.facts };
  }

  /** `not_found` unless the record exists inside the rows the operation reaches. */
  async #assertVisible(knex: Knex | Knex.Transaction, op: Operation, id: string): Promise<void> {
    const found = await this.#reader.readOne(knex, op.table, id, op, ['id']);
    if (!found) fail('not_found', `Record "${id}" of table "${op.table.name}" does not exist.`);
  }

  /**
   * Read the rows about to change, locked for the transaction, inside the rows the operation reaches. A record the
   * actor cannot read is `not_found` (its existence is not revealed); one they can read but not change is
   * `forbidden`. Then the expected version is checked.
   */
  async #lockForWrite(
    trx: Knex.Transaction, registry: Registry, op: Operation, actor: Actor, ids: string[], expectedVersion?: number,
  ): Promise<RecordData[]> {
    const { table } = op;
    if (!Array.isArray(ids) || ids.length === 0) fail('invalid_payload', 'No record ids given.');
    const rows = await this.#reader.readMany(trx, table, ids, op, { allColumns: true, forUpdate: true });
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    const missing = ids.filter((id) => !byId.has(id));
    let readable = new Set<string>();
    if (missing.length && !op.access.unrestricted) {
      const read = accessFor(registry, actor, table.name, 'read');
      if (read.allowed) {
        readable = new Set((await this.#reader.readMany(trx, table, missing, { access: read, facts: op.facts }, { columns: ['id'] })).map((r) => r.id as string));
      }
    }
    for (const id of ids) {
      const row = byId.get(id);
      if (!row) {
        if (readable.has(id)) fail('forbidden', `${actor.username} may not ${op.access.operation} record "${id}" of table "${table.name}".`);
        fail('not_found', `Record "${id}" of table "${table.name}" does not exist.`);
      }
      if (expectedVersion !== undefined && row.version !== expectedVersion) {
        fail('conflict', `Record "${id}" is at version ${row.version}, not ${expectedVersion}: it changed since it was read.`,
          { extra: { currentVersion: row.version } });
      }
    }
    return ids.map((id) => byId.get(id)!);
  }

  /** Field history holds the values as stored: encrypted fields' old and new values are sealed too. */
  #sealChanges(table: ResolvedTable, changes: Changes): Changes {
    for (const [k, [before, after]] of Object.entries(changes)) {
      const f = table.fields.get(k);
      if (f?.encrypted) changes[k] = [this.#sealer.seal(f, before), this.#sealer.seal(f, after)];
    }
    return changes;
  }

  /** A journal entry as stored: the body of an encrypted journal field is sealed. */
  #journalEntry(table: ResolvedTable, recordId: string, e: { field: string; body: string }): NewJournalEntry {
    const field = table.fields.get(e.field);
    return {
      recordId, field: e.field, entryType: field?.journalType ?? 'comment',
      body: field ? this.#sealer.seal(field, e.body) as string : e.body,
    };
  }

  #toRow(table: ResolvedTable, record: RecordData): RecordData {
    return this.#reader.toRow(table, record);
  }
}

import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Clock, RegistrySource } from '../context.js';
import type { Database } from '../db/connection.js';
import type { Registry, ResolvedTable, TableOperation } from '../definitions/types.js';
import { fail, FormworkError, isFormworkError } from '../errors.js';
import { accessFacts, accessFor, assertCanOperate, type TableAccess } from '../access/index.js';
import type { KeyRing } from '../access/crypto.js';
import { evaluateCondition, type FactContext } from '../conditions/index.js';
import { writeAudit, fetchHistory, type AuditRow, type Changes } from './audit.js';
import { hiddenFieldsOf, maskedFields, maskRecords } from './row-masking.js';
import { appendJournal, fetchJournal, type NewJournalEntry } from './journal.js';
import { insertRows } from '../db/insert.js';
import { reserveNumbers } from './numbering.js';
import { checkPayload, defaultsOf, type CheckedPayload } from './payload.js';
import { BusinessRules } from '../rules/business-rules.js';
import { assertRuleDepth } from '../rules/chain.js';
import { enforceDataPolicies } from '../rules/data-policy.js';
import { applyFetchedFields, type ReadReferenced } from './fetched-fields.js';
import { RecordReader, type ReadScope } from './record-reader.js';
import { FieldSealer } from './sealing.js';
import { RecordHooks } from './hooks.js';
import type {
  Actor, HistoryEntry, JournalEntry, OperationOptions, QueryResult, QuerySpec, RecordData, RecordService, UpdateOptions,
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

/** A journal entry waiting to be written, with its author (the actor, or a rule acting for them). */
interface PendingJournal { actor: Actor; entry: NewJournalEntry }

/** Checks references that rules set: rules are trusted, so any existing record will do. */
const RULES: Actor = Object.freeze({ kind: 'system', id: null, username: 'rules', roles: [], orgs: [] });

/** The journal text an operation adds, by field (what rule conditions see as `record.<journal field>`). */
function addedJournal(entries: { field: string; body: string }[]): RecordData {
  return Object.fromEntries(entries.map((e) => [e.field, e.body]));
}

/** The named keys of a record. */
function pick(record: RecordData, keys: Iterable<string>): RecordData {
  const out: RecordData = {};
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(record, k)) out[k] = record[k];
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The one generic record service (see {@link RecordService}). Each method opens one transaction unless given
 * `trx`; the record rows, their field history, journal entries and sequence numbers commit or roll back together.
 *
 * Access (platform/access/policy.ts) is applied here, for every operation: the table operation must be granted
 * (else `forbidden`); the row condition of the actor's grants is compiled into every statement that reads records
 * — lists and totals, reads, history, journal and the read before an update or delete — so a record outside it
 * answers `not_found`, exactly like a missing one; a created or updated record must fall inside the grants' rows
 * (else `forbidden`); fields the actor may not read are absent from every response and unknown to filters, sorts
 * and field lists; fields they may not assign are refused.
 *
 * The write pipeline, for create / update / delete: access → data policies (the UI policies of the table's default
 * form and of the form the client names, for every actor but the system; platform/rules/data-policy.ts) and payload
 * checks → fetched fields (platform/records/fetched-fields.ts) → before rules → the write with its audit rows and
 * journal entries → after rules, all in one transaction (platform/rules/business-rules.ts). The row check applies to
 * the client's change (with its fetched fields), before rules run: rules are trusted definitions and may set any
 * field. Registered record hooks (platform/records/hooks.ts: workflow, SLAs, notifications) run next to the rules:
 * before hooks just before the before rules, after hooks just after the write and before the after rules, in the
 * same transaction. Rules' own writes re-enter this service as `rule:<name> for <user>` in the same transaction,
 * nested at most MAX_RULE_DEPTH deep (platform/rules/chain.ts). Policies and rules see a record as its own table
 * (class) has it, also when it is written through a table it extends.
 */
export class KnexRecordService implements RecordService {
  readonly #deps: RecordServiceDeps;
  readonly #reader: RecordReader;
  readonly #sealer: FieldSealer;
  readonly #rules: BusinessRules;
  /** Hooks other engine parts register (platform/records/hooks.ts); run next to the rules in every write. */
  readonly hooks = new RecordHooks();

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
  }

  get #registry(): Registry { return this.#deps.registry.current; }

  /** Resolve the table and the actor's access for the operation; `forbidden` when no grant gives it. */
  #operation(name: string, actor: Actor, operation: TableOperation, registry = this.#registry): Operation {
    const table = registry.getTable(name);
    const access = assertCanOperate(registry, actor, name, operation);
    return { table, access, facts: accessFacts(registry, actor, this.#deps.clock.now()) };
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
    const { table, access, facts } = this.#operation(tableName, opts.actor, 'create', registry);
    if (table.def.abstract) fail('forbidden', `Table "${table.name}" is abstract: create records in a table that extends it.`);
    if (!Array.isArray(data) || data.length === 0) fail('invalid_payload', 'Nothing to create: send one record or a non-empty array.');
    const now = this.#deps.clock.now();
    const at = now.toISOString();
    const { actor } = opts;
    const readAccess = accessFor(registry, actor, table.name, 'read');
    const checked: CheckedPayload[] = [];
    for (const [i, d] of data.entries()) {
      try {
        checked.push(await this.#checkWrite(registry, table, table, d, actor, now, undefined, access, facts, opts.form));
      } catch (e) {
        if (data.length > 1 && isFormworkError(e)) {
          for (const fe of e.fieldErrors) fe.field = `${i}.${fe.field}`;
        }
        throw e;
      }
    }

    return this.#inTransaction(opts.trx, async (trx) => {
      await this.#assertReferences(trx, registry, table, checked.map((c) => c.values), actor, facts);
      const numbers = await reserveNumbers(trx, registry, table, data.length);
      const records: RecordData[] = checked.map((c, i) => {
        const record: RecordData = {};
        for (const field of table.fields.values()) {
          if (field.column === null) continue;
          record[field.name] = c.values[field.name] ?? null;
        }
        Object.assign(record, {
          id: uuidv7(), class: table.name, version: 1, org_id: actor.orgId ?? null,
          created_at: at, created_by: actor.id, updated_at: at, updated_by: actor.id,
        });
        if (numbers) record.number = numbers[i];
        return record;
      });
      for (const [i, r] of records.entries()) await applyFetchedFields(trx, table, r, checked[i]!.values, null, this.#readReferenced);
      // The new records must lie inside the rows the create grants reach (their own organisation, say).
      for (const [i, r] of records.entries()) {
        if (!(await this.#inRows(access, facts, r))) {
          fail('forbidden', `${actor.username} may not create ${data.length > 1 ? `record ${i} of table "${table.name}"` : `this record of table "${table.name}"`}: it would lie outside the records their roles let them create.`);
        }
      }
      const journal: PendingJournal[] = records.flatMap((r, i) => checked[i]!.journal.map((e) => ({ actor, entry: this.#journalEntry(table, r.id as string, e) })));
      const invocation = { registry, table, operation: 'insert' as const, actor, trx, now };
      // Before hooks (workflow: initial state, queue), then before rules: they may change the records, refuse the
      // operation, or add journal entries.
      if (this.hooks.hasBefore) for (const r of records) await this.hooks.before(invocation, r, null);
      if (this.#rules.has(registry, table, 'before', 'insert')) {
        for (const [i, r] of records.entries()) {
          const outcome = await this.#rules.before(invocation, r, null, addedJournal(checked[i]!.journal));
          for (const e of outcome.journal) journal.push({ actor: e.actor, entry: this.#journalEntry(table, r.id as string, e) });
          if (outcome.set.size) await this.#assertReferences(trx, registry, table, [pick(r, outcome.set)], RULES, facts);
        }
      }
      const rows = records.map((r) => this.#toRow(table, r));
      await insertRows(trx, table.physical, rows, Math.max(1, Math.floor(900 / Math.max(1, table.fields.size))));
      const audits: AuditRow[] = records.map((r) => {
        const changes: Changes = {};
        for (const [k, v] of Object.entries(r)) {
          const f = table.fields.get(k);
          if (v !== null && f && !f.system) changes[k] = [null, v];
        }
        return { table: table.physical, recordId: r.id as string, operation: 'insert', version: 1, changes: this.#sealChanges(table, changes) };
      });
      await writeAudit(trx, actor, at, audits);
      await this.#writeJournal(trx, table.physical, at, journal);
      if (this.hooks.hasAfter) for (const r of records) await this.hooks.after(invocation, r, null);
      // After rules: in the same transaction, on the written records (an after rule's `set` updates them).
      if (this.#rules.has(registry, table, 'after', 'insert')) {
        for (const [i, r] of records.entries()) await this.#rules.after(invocation, r, null, addedJournal(checked[i]!.journal));
      }
      const out = records.map((r) => this.#project(r, readAccess));
      await maskRecords(table, readAccess.unrestricted, facts, out, records);
      return out;
    });
  }

  /**
   * The checks of a client's values before the transaction: data policies (for anyone but the system: the browser
   * is never trusted with them), then the payload checks, reported together.
   */
  async #checkWrite(
    registry: Registry, table: ResolvedTable, recordTable: ResolvedTable, data: RecordData, actor: Actor, now: Date,
    existing: RecordData | undefined, access: TableAccess, facts: FactContext, form: string | undefined,
  ): Promise<CheckedPayload> {
    if (actor.kind === 'system' || data === null || typeof data !== 'object' || Array.isArray(data)) {
      return checkPayload(table, data, actor, now, existing, access);
    }
    const policed = await enforceDataPolicies({
      registry, table: recordTable, payload: data, base: existing ?? defaultsOf(recordTable, actor, now), existing: existing !== undefined, facts, form,
    });
    return checkPayload(table, policed.payload, actor, now, existing, access, { forced: policed.forced, errors: policed.errors });
  }

  async readOne(tableName: string, id: string, opts: OperationOptions & { fields?: string[] }): Promise<RecordData> {
    const op = this.#operation(tableName, opts.actor, 'read');
    const record = await this.#reader.readOne(opts.trx ?? this.#deps.db.knex, op.table, id, op, opts.fields);
    if (!record) fail('not_found', `Record "${id}" of table "${op.table.name}" does not exist.`);
    return record;
  }

  async query(tableName: string, spec: QuerySpec, opts: OperationOptions): Promise<QueryResult> {
    const op = this.#operation(tableName, opts.actor, 'read');
    return this.#reader.query(opts.trx ?? this.#deps.db.knex, op.table, spec, op);
  }

  async updateOne(table: string, id: string, patch: RecordData, opts: UpdateOptions): Promise<RecordData> {
    return (await this.updateMany(table, [id], patch, opts))[0]!;
  }

  async updateMany(tableName: string, ids: string[], patch: RecordData, opts: UpdateOptions): Promise<RecordData[]> {
    assertRuleDepth(opts.actor);
    const registry = this.#registry;
    const op = this.#operation(tableName, opts.actor, 'update', registry);
    const { table, access, facts } = op;
    const now = this.#deps.clock.now();
    const at = now.toISOString();
    const { actor } = opts;
    const readAccess = accessFor(registry, actor, table.name, 'read');
    return this.#inTransaction(opts.trx, async (trx) => {
      const current = await this.#lockForWrite(trx, registry, op, actor, ids, opts.expectedVersion);
      const out: RecordData[] = [];
      // The stored record behind each answer: per-record field masking (row-masking.ts) is decided on it.
      const fulls: RecordData[] = [];
      const audits: AuditRow[] = [];
      const journal: PendingJournal[] = [];
      const written: { cls: ResolvedTable; record: RecordData; previous: RecordData; added: RecordData; index: number }[] = [];
      for (const stored of current) {
        // Policies and rules see the record as its own table (class) has it, with every field of that table.
        const cls = this.#classOf(registry, table, stored);
        const before = cls === table ? stored : await this.#fullRecord(trx, cls, stored, op);
        const { values, journal: entries } = await this.#checkWrite(registry, table, cls, patch, actor, now, before, access, facts, opts.form);
        await this.#assertReferences(trx, registry, table, [values], actor, facts);
        const after: RecordData = { ...before, ...values };
        await applyFetchedFields(trx, cls, after, values, before, this.#readReferenced);
        // The record must stay inside the rows the update grants reach: no moving it out of one's own scope.
        if (Object.keys(values).some((k) => !sameValue(before[k], values[k])) && !(await this.#inRows(access, facts, after))) {
          fail('forbidden', `${actor.username} may not make this change to record "${before.id}" of table "${table.name}": it would move the record outside the records their roles let them update.`);
        }
        const added = addedJournal(entries);
        const recordJournal: PendingJournal[] = entries.map((e) => ({ actor, entry: this.#journalEntry(cls, before.id as string, e) }));
        if (this.hooks.hasBefore) await this.hooks.before({ registry, table: cls, operation: 'update', actor, trx, now }, after, before);
        if (this.#rules.has(registry, cls, 'before', 'update')) {
          const outcome = await this.#rules.before({ registry, table: cls, operation: 'update', actor, trx, now }, after, before, added);
          for (const e of outcome.journal) recordJournal.push({ actor: e.actor, entry: this.#journalEntry(cls, before.id as string, e) });
          if (outcome.set.size) await this.#assertReferences(trx, registry, cls, [pick(after, outcome.set)], RULES, facts);
        }
        const changes: Changes = {};
        for (const field of cls.fields.values()) {
          if (field.system || field.column === null) continue;
          if (!sameValue(before[field.name], after[field.name])) changes[field.name] = [before[field.name] ?? null, after[field.name] ?? null];
        }
        journal.push(...recordJournal);
        if (!Object.keys(changes).length) {
          out.push(this.#project(pick(before, table.fields.keys()), readAccess));
          fulls.push(before);
          // A journal entry alone is an update of the record too: its after rules run (no new version).
          if (recordJournal.length) written.push({ cls, record: after, previous: before, added, index: out.length - 1 });
          continue;
        }
        const version = (before.version as number) + 1;
        Object.assign(after, { version, updated_at: at, updated_by: actor.id });
        const set = this.#toRow(cls, Object.fromEntries(Object.keys(changes).map((k) => [k, after[k]])));
        Object.assign(set, { version, updated_at: at, updated_by: actor.id });
        const n = await trx(table.physical).where({ id: before.id, version: before.version }).update(set);
        if (n !== 1) fail('conflict', `Record "${before.id}" changed while it was being updated.`, { extra: { currentVersion: before.version } });
        audits.push({ table: table.physical, recordId: before.id as string, operation: 'update', version, changes: this.#sealChanges(cls, changes) });
        out.push(this.#project(pick(after, table.fields.keys()), readAccess));
        fulls.push(after);
        written.push({ cls, record: after, previous: before, added, index: out.length - 1 });
      }
      await writeAudit(trx, actor, at, audits);
      await this.#writeJournal(trx, table.physical, at, journal);
      for (const w of written) {
        if (this.hooks.hasAfter) await this.hooks.after({ registry, table: w.cls, operation: 'update', actor, trx, now }, w.record, w.previous);
        if (!this.#rules.has(registry, w.cls, 'after', 'update')) continue;
        await this.#rules.after({ registry, table: w.cls, operation: 'update', actor, trx, now }, w.record, w.previous, w.added);
        out[w.index] = this.#project(pick(w.record, table.fields.keys()), readAccess);
        fulls[w.index] = w.record;
      }
      await maskRecords(table, readAccess.unrestricted, facts, out, fulls);
      return out;
    });
  }

  async deleteOne(table: string, id: string, opts: UpdateOptions): Promise<void> {
    await this.deleteMany(table, [id], opts);
  }

  async deleteMany(tableName: string, ids: string[], opts: UpdateOptions): Promise<number> {
    assertRuleDepth(opts.actor);
    const registry = this.#registry;
    const op = this.#operation(tableName, opts.actor, 'delete', registry);
    const { table } = op;
    const now = this.#deps.clock.now();
    const at = now.toISOString();
    const { actor } = opts;
    return this.#inTransaction(opts.trx, async (trx) => {
      const current = await this.#lockForWrite(trx, registry, op, actor, ids, opts.expectedVersion);
      const records: { cls: ResolvedTable; record: RecordData }[] = [];
      for (const stored of current) {
        const cls = this.#classOf(registry, table, stored);
        records.push({ cls, record: cls === table ? stored : await this.#fullRecord(trx, cls, stored, op) });
      }
      const journal: PendingJournal[] = [];
      if (this.hooks.hasBefore) {
        for (const { cls, record } of records) await this.hooks.before({ registry, table: cls, operation: 'delete', actor, trx, now }, record, { ...record });
      }
      for (const { cls, record } of records) {
        if (!this.#rules.has(registry, cls, 'before', 'delete')) continue;
        const outcome = await this.#rules.before({ registry, table: cls, operation: 'delete', actor, trx, now }, record, { ...record });
        for (const e of outcome.journal) journal.push({ actor: e.actor, entry: this.#journalEntry(cls, record.id as string, e) });
      }
      await this.#assertNotReferenced(trx, registry, table, ids);
      await trx(table.physical).whereIn('id', ids).delete();
      await writeAudit(trx, actor, at, records.map(({ cls, record: r }) => {
        const changes: Changes = {};
        for (const [k, v] of Object.entries(r)) if (v !== null && !cls.fields.get(k)?.system) changes[k] = [v, null];
        return { table: table.physical, recordId: r.id as string, operation: 'delete', version: r.version as number, changes: this.#sealChanges(cls, changes) };
      }));
      await this.#writeJournal(trx, table.physical, at, journal);
      for (const { cls, record } of records) {
        if (this.hooks.hasAfter) await this.hooks.after({ registry, table: cls, operation: 'delete', actor, trx, now }, record, { ...record });
        if (!this.#rules.has(registry, cls, 'after', 'delete')) continue;
        await this.#rules.after({ registry, table: cls, operation: 'delete', actor, trx, now }, record, { ...record });
      }
      return current.length;
    });
  }

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

  /** Journal entries of several authors (the actor, rules acting for them), in order. */
  async #writeJournal(trx: Knex.Transaction, physical: string, at: string, pending: PendingJournal[]): Promise<void> {
    let i = 0;
    while (i < pending.length) {
      const actor = pending[i]!.actor;
      const run: NewJournalEntry[] = [];
      while (i < pending.length && pending[i]!.actor === actor) run.push(pending[i++]!.entry);
      await appendJournal(trx, physical, actor, at, run);
    }
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
      out.push(field?.encrypted ? { ...e, oldValue: this.#sealer.open(field, e.oldValue), newValue: this.#sealer.open(field, e.newValue) } : e);
    }
    return out;
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
    return entries.map((e) => {
      const field = table.fields.get(e.field);
      return field?.encrypted ? { ...e, body: this.#sealer.open(field, e.body) as string } : e;
    });
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
  async #lockForWrite(trx: Knex.Transaction, registry: Registry, op: Operation, actor: Actor, ids: string[], expectedVersion?: number): Promise<RecordData[]> {
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

  /**
   * Every reference value must name an existing record of the target table (or a table extending it) that the
   * actor may read: a record outside their rows is as absent as one that does not exist.
   */
  async #assertReferences(trx: Knex.Transaction, registry: Registry, table: ResolvedTable, rows: RecordData[], actor: Actor, facts: FactContext): Promise<void> {
    const errors: { field: string; code: string; message: string }[] = [];
    for (const field of table.fields.values()) {
      if (field.type !== 'reference' || !field.reference) continue;
      const wanted = [...new Set(rows.map((r) => r[field.name]).filter((v): v is string => typeof v === 'string'))];
      if (!wanted.length) continue;
      const target = registry.getTable(field.reference);
      const access = accessFor(registry, actor, target.name, 'read');
      const found = new Set(access.allowed
        ? (await this.#reader.readMany(trx, target, wanted, { access, facts }, { columns: ['id'] })).map((r) => r.id)
        : []);
      for (const id of wanted) {
        if (!found.has(id)) errors.push({ field: field.name, code: 'reference_not_found', message: `${field.label ?? field.name}: no ${target.def.label ?? target.name} record "${id}" exists.` });
      }
    }
    if (errors.length) fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
  }

  /** Refuse to delete records that other records reference (409 reference_in_use). */
  async #assertNotReferenced(trx: Knex.Transaction, registry: Registry, table: ResolvedTable, ids: string[]): Promise<void> {
    for (const other of registry.tables.values()) {
      for (const field of other.fields.values()) {
        if (field.type !== 'reference' || field.declaredBy !== other.name || !field.reference) continue;
        const target = registry.getTable(field.reference);
        if (target.physical !== table.physical) continue;
        const hit = await trx(other.physical).whereIn(field.column!, ids).first('id');
        if (hit) fail('reference_in_use', `Record "${ids.length === 1 ? ids[0] : ids.join(', ')}" is referenced by field "${field.name}" of table "${other.name}".`);
      }
    }
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

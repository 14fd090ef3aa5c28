import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Clock, RegistrySource } from '../context.js';
import type { Database } from '../db/connection.js';
import type { Registry, ResolvedTable, TableOperation } from '../definitions/types.js';
import { fail, FormworkError, isFormworkError } from '../errors.js';
import { assertCanOperate } from '../access/index.js';
import { writeAudit, fetchHistory, type AuditRow, type Changes } from './audit.js';
import { appendJournal, fetchJournal, type NewJournalEntry } from './journal.js';
import { insertRows } from '../db/insert.js';
import { reserveNumbers } from './numbering.js';
import { checkPayload } from './payload.js';
import { RecordReader } from './record-reader.js';
import type {
  Actor, HistoryEntry, JournalEntry, OperationOptions, QueryResult, QuerySpec, RecordData, RecordService, UpdateOptions,
} from './types.js';

export interface RecordServiceDeps {
  db: Database;
  registry: RegistrySource;
  clock: Clock;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The one generic record service (see {@link RecordService}). Each method opens one transaction unless given
 * `trx`; the record rows, their field history, journal entries and sequence numbers commit or roll back together.
 */
export class KnexRecordService implements RecordService {
  readonly #deps: RecordServiceDeps;
  readonly #reader: RecordReader;

  constructor(deps: RecordServiceDeps) {
    this.#deps = deps;
    this.#reader = new RecordReader(deps.db);
  }

  get #registry(): Registry { return this.#deps.registry.current; }

  #table(name: string, actor: Actor, operation: TableOperation): ResolvedTable {
    const table = this.#registry.getTable(name);
    assertCanOperate(this.#registry, actor, name, operation);
    return table;
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

  async createOne(table: string, data: RecordData, opts: OperationOptions): Promise<RecordData> {
    return (await this.createMany(table, [data], opts))[0]!;
  }

  async createMany(tableName: string, data: RecordData[], opts: OperationOptions): Promise<RecordData[]> {
    const table = this.#table(tableName, opts.actor, 'create');
    if (table.def.abstract) fail('forbidden', `Table "${table.name}" is abstract: create records in a table that extends it.`);
    if (!Array.isArray(data) || data.length === 0) fail('invalid_payload', 'Nothing to create: send one record or a non-empty array.');
    const now = this.#deps.clock.now();
    const at = now.toISOString();
    const { actor } = opts;
    const checked = data.map((d, i) => {
      try {
        return checkPayload(table, d, actor, now);
      } catch (e) {
        if (data.length > 1 && isFormworkError(e)) {
          for (const fe of e.fieldErrors) fe.field = `${i}.${fe.field}`;
        }
        throw e;
      }
    });

    return this.#inTransaction(opts.trx, async (trx) => {
      await this.#assertReferences(trx, table, checked.map((c) => c.values));
      const numbers = await reserveNumbers(trx, this.#registry, table, data.length);
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
      const rows = records.map((r) => this.#toRow(table, r));
      await insertRows(trx, table.physical, rows, Math.max(1, Math.floor(900 / Math.max(1, table.fields.size))));
      const audits: AuditRow[] = records.map((r) => {
        const changes: Changes = {};
        for (const [k, v] of Object.entries(r)) {
          const f = table.fields.get(k);
          if (v !== null && f && !f.system) changes[k] = [null, v];
        }
        return { table: table.physical, recordId: r.id as string, operation: 'insert', version: 1, changes };
      });
      await writeAudit(trx, actor, at, audits);
      await appendJournal(trx, table.physical, actor, at, this.#journalEntries(table, records, checked.map((c) => c.journal)));
      return records;
    });
  }

  async readOne(tableName: string, id: string, opts: OperationOptions & { fields?: string[] }): Promise<RecordData> {
    const table = this.#table(tableName, opts.actor, 'read');
    const record = await this.#reader.readOne(opts.trx ?? this.#deps.db.knex, table, id, opts.fields);
    if (!record) fail('not_found', `Record "${id}" of table "${table.name}" does not exist.`);
    return record;
  }

  async query(tableName: string, spec: QuerySpec, opts: OperationOptions): Promise<QueryResult> {
    const table = this.#table(tableName, opts.actor, 'read');
    return this.#reader.query(opts.trx ?? this.#deps.db.knex, table, spec, opts.actor, this.#deps.clock.now());
  }

  async updateOne(table: string, id: string, patch: RecordData, opts: UpdateOptions): Promise<RecordData> {
    return (await this.updateMany(table, [id], patch, opts))[0]!;
  }

  async updateMany(tableName: string, ids: string[], patch: RecordData, opts: UpdateOptions): Promise<RecordData[]> {
    const table = this.#table(tableName, opts.actor, 'update');
    const now = this.#deps.clock.now();
    const at = now.toISOString();
    const { actor } = opts;
    return this.#inTransaction(opts.trx, async (trx) => {
      const current = await this.#lockForWrite(trx, table, ids, opts.expectedVersion);
      const out: RecordData[] = [];
      const audits: AuditRow[] = [];
      const journal: NewJournalEntry[] = [];
      for (const before of current) {
        const { values, journal: entries } = checkPayload(table, patch, actor, now, before);
        await this.#assertReferences(trx, table, [values]);
        const changes: Changes = {};
        for (const [k, v] of Object.entries(values)) if (!sameValue(before[k], v)) changes[k] = [before[k] ?? null, v];
        for (const e of entries) journal.push({ recordId: before.id as string, field: e.field, entryType: this.#journalType(table, e.field), body: e.body });
        if (!Object.keys(changes).length) {
          out.push(before);
          continue;
        }
        const version = (before.version as number) + 1;
        const after: RecordData = { ...before, ...values, version, updated_at: at, updated_by: actor.id };
        const set = this.#toRow(table, Object.fromEntries(Object.keys(changes).map((k) => [k, values[k]])));
        Object.assign(set, { version, updated_at: at, updated_by: actor.id });
        const n = await trx(table.physical).where({ id: before.id, version: before.version }).update(set);
        if (n !== 1) fail('conflict', `Record "${before.id}" changed while it was being updated.`, { extra: { currentVersion: before.version } });
        audits.push({ table: table.physical, recordId: before.id as string, operation: 'update', version, changes });
        out.push(after);
      }
      await writeAudit(trx, actor, at, audits);
      await appendJournal(trx, table.physical, actor, at, journal);
      return out;
    });
  }

  async deleteOne(table: string, id: string, opts: UpdateOptions): Promise<void> {
    await this.deleteMany(table, [id], opts);
  }

  async deleteMany(tableName: string, ids: string[], opts: UpdateOptions): Promise<number> {
    const table = this.#table(tableName, opts.actor, 'delete');
    const at = this.#deps.clock.now().toISOString();
    return this.#inTransaction(opts.trx, async (trx) => {
      const current = await this.#lockForWrite(trx, table, ids, opts.expectedVersion);
      await this.#assertNotReferenced(trx, table, ids);
      await trx(table.physical).whereIn('id', ids).delete();
      await writeAudit(trx, opts.actor, at, current.map((r) => {
        const changes: Changes = {};
        for (const [k, v] of Object.entries(r)) if (v !== null && !table.fields.get(k)?.system) changes[k] = [v, null];
        return { table: table.physical, recordId: r.id as string, operation: 'delete', version: r.version as number, changes };
      }));
      return current.length;
    });
  }

  async history(tableName: string, id: string, opts: OperationOptions): Promise<HistoryEntry[]> {
    const table = this.#registry.getTable(tableName);
    await this.readOne(tableName, id, { ...opts, fields: ['id'] });
    return fetchHistory(opts.trx ?? this.#deps.db.knex, table.physical, id);
  }

  async journal(tableName: string, id: string, opts: OperationOptions & { field?: string }): Promise<JournalEntry[]> {
    const table = this.#registry.getTable(tableName);
    if (opts.field !== undefined && table.fields.get(opts.field)?.type !== 'journal') {
      fail('unknown_field', `Table "${table.name}" has no journal field "${opts.field}".`,
        { fieldErrors: [{ field: opts.field, code: 'unknown_field', message: `No journal field "${opts.field}".` }] });
    }
    await this.readOne(tableName, id, { ...opts, fields: ['id'] });
    return fetchJournal(opts.trx ?? this.#deps.db.knex, table.physical, id, opts.field);
  }

  /** Read the rows about to change, locked for the transaction; checks existence and the expected version. */
  async #lockForWrite(trx: Knex.Transaction, table: ResolvedTable, ids: string[], expectedVersion?: number): Promise<RecordData[]> {
    if (!Array.isArray(ids) || ids.length === 0) fail('invalid_payload', 'No record ids given.');
    const rows = await this.#reader.readMany(trx, table, ids, { forUpdate: true });
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    for (const id of ids) {
      const row = byId.get(id);
      if (!row) fail('not_found', `Record "${id}" of table "${table.name}" does not exist.`);
      if (expectedVersion !== undefined && row.version !== expectedVersion) {
        fail('conflict', `Record "${id}" is at version ${row.version}, not ${expectedVersion}: it changed since it was read.`,
          { extra: { currentVersion: row.version } });
      }
    }
    return ids.map((id) => byId.get(id)!);
  }

  /** Every reference value must name an existing record of the target table (or a table extending it). */
  async #assertReferences(trx: Knex.Transaction, table: ResolvedTable, rows: RecordData[]): Promise<void> {
    const errors: { field: string; code: string; message: string }[] = [];
    for (const field of table.fields.values()) {
      if (field.type !== 'reference' || !field.reference) continue;
      const wanted = [...new Set(rows.map((r) => r[field.name]).filter((v): v is string => typeof v === 'string'))];
      if (!wanted.length) continue;
      const target = this.#registry.getTable(field.reference);
      const found = new Set((await this.#reader.readMany(trx, target, wanted, { columns: ['id'] })).map((r) => r.id));
      for (const id of wanted) {
        if (!found.has(id)) errors.push({ field: field.name, code: 'reference_not_found', message: `${field.label ?? field.name}: no ${target.def.label ?? target.name} record "${id}" exists.` });
      }
    }
    if (errors.length) fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
  }

  /** Refuse to delete records that other records reference (409 reference_in_use). */
  async #assertNotReferenced(trx: Knex.Transaction, table: ResolvedTable, ids: string[]): Promise<void> {
    for (const other of this.#registry.tables.values()) {
      for (const field of other.fields.values()) {
        if (field.type !== 'reference' || field.declaredBy !== other.name || !field.reference) continue;
        const target = this.#registry.getTable(field.reference);
        if (target.physical !== table.physical) continue;
        const hit = await trx(other.physical).whereIn(field.column!, ids).first('id');
        if (hit) fail('reference_in_use', `Record "${ids.length === 1 ? ids[0] : ids.join(', ')}" is referenced by field "${field.name}" of table "${other.name}".`);
      }
    }
  }

  #journalType(table: ResolvedTable, field: string): string {
    return table.fields.get(field)?.journalType ?? 'comment';
  }

  #journalEntries(table: ResolvedTable, records: RecordData[], journals: { field: string; body: string }[][]): NewJournalEntry[] {
    return journals.flatMap((entries, i) => entries.map((e) => ({
      recordId: records[i]!.id as string, field: e.field, entryType: this.#journalType(table, e.field), body: e.body,
    })));
  }

  #toRow(table: ResolvedTable, record: RecordData): RecordData {
    return this.#reader.toRow(table, record);
  }
}


import type { Knex } from 'knex';
import type { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import { accessFor } from '../access/index.js';
import type { Formwork } from '../context.js';
import type { ResolvedField, ResolvedTable } from '../definitions/types.js';
import { fail, isFormworkError } from '../errors.js';
import type { Actor, RecordData } from '../records/types.js';
import type { RecordHook } from '../records/hooks.js';
import { isAccepted } from './content-type.js';
import { DatabaseStore } from './database-store.js';
import { DirectoryStore } from './directory-store.js';
import { sanitiseFileName } from './file-name.js';
import type { AttachmentEntry, AttachmentInfo, AttachmentStore, StoreName } from './types.js';
import { formatBytes } from './upload-inspector.js';
import { configuredScanners, declaredType, streamUpload } from './upload-stream.js';

/** An upload as the HTTP layer hands it over: the body unread. */
export interface UploadInput {
  table: string;
  recordId: string;
  field: string;
  /** The request's Content-Type (the file's type). */
  contentType: string | undefined;
  /** The file name the client gave (unsanitised), if any. */
  fileName: string | undefined;
  /** The request's Content-Length, when it sent one. */
  contentLength: number | undefined;
  /** The file's bytes; read only once every check that needs no content passed. */
  body: Readable;
}

export interface UploadResult {
  attachment: AttachmentInfo;
  /** The record's version after the attachment was added (its new ETag). */
  recordVersion: number;
}

export interface OpenedAttachment {
  attachment: AttachmentInfo;
  content: Readable;
}

/** Write conflicts (two uploads to one record at once on PostgreSQL) are retried this many times. */
const ATTEMPTS = 3;

interface AttachmentRow {
  id: string; table_name: string; record_id: string; field: string; file_name: string; content_type: string;
  size: number | string; sha256: string; store: StoreName; store_key: string; scan_status: string;
  created_by: string | null; created_at: string; deleted_by?: string | null; deleted_at?: string | null;
}

function toInfo(r: AttachmentRow): AttachmentInfo {
  return {
    id: r.id, field: r.field, name: r.file_name, type: r.content_type, size: Number(r.size), sha256: r.sha256,
    scanStatus: r.scan_status, createdBy: r.created_by, createdAt: r.created_at,
  };
}

/**
 * Attachments of records: upload (streamed, size-limited, type-checked, scanned), download, list and delete.
 * Access is the record's: an attachment is reached only through a record the actor can read (`not_found`
 * otherwise, as for a missing record) and a field they can read; adding or removing one is an update of the record's
 * attachment field, so it needs update access to the record and write access to the field, and its field history
 * records it. Content lives in an {@link AttachmentStore}; metadata in `sys_attachment`.
 *
 * Errors: table_not_found, not_found, forbidden, unsupported_media_type, payload_too_large, file_rejected,
 * scanner_unavailable, and those of the record service's update.
 */
export class AttachmentService {
  readonly #fw: Formwork;
  readonly #stores = new Map<string, AttachmentStore>();

  constructor(fw: Formwork) {
    this.#fw = fw;
  }

  /**
   * Store an uploaded file and add it to the record's attachment field, in one transaction with the field's
   * history. Everything that needs no content is checked before the body is read; anything refused later leaves
   * nothing stored.
   */
  async upload(input: UploadInput, actor: Actor): Promise<UploadResult> {
    const { table, field } = await this.#resolve(input.table, input.recordId, input.field, actor, 'write');
    const label = field.label ?? field.name;
    const name = sanitiseFileName(input.fileName);
    const declared = declaredType(input.contentType);
    if (!isAccepted(field.accept, declared, name)) {
      fail('unsupported_media_type', `${label} does not accept ${declared} files ("${name}"); allowed: ${field.accept!.join(', ')}.`, {
        fieldErrors: [{ field: field.name, code: 'type_not_allowed', message: `The selected file must be ${describeAccept(field.accept!)}.` }],
        extra: { accept: field.accept },
      });
    }
    const maxSize = field.maxSize ?? this.#fw.config.attachmentMaxSize;
    if (input.contentLength !== undefined && input.contentLength > maxSize) {
      fail('payload_too_large', `File "${name}" (${formatBytes(input.contentLength)}) is larger than the ${formatBytes(maxSize)} ${label} allows.`, {
        fieldErrors: [{ field: field.name, code: 'too_large', message: `The selected file must be smaller than ${formatBytes(maxSize)}.` }],
        extra: { maxSize },
      });
    }

    const store = this.#store(this.#fw.config.fileStore);
    const { stored, inspection, antivirus } = await streamUpload({
      body: input.body, store, scanners: configuredScanners(this.#fw.config), maxSize, declared,
      label: `File "${name}" for ${label}`, fieldName: field.name,
    });
    const now = this.#fw.clock.now().toISOString();
    const row: AttachmentRow = {
      id: uuidv7(), table_name: table.physical, record_id: input.recordId, field: field.name, file_name: name,
      content_type: inspection.servedType, size: stored.size, sha256: stored.sha256, store: store.name, store_key: stored.key,
      scan_status: antivirus ? 'clean' : 'unscanned', created_by: actor.id, created_at: now,
    };
    const entry: AttachmentEntry = { id: row.id, name, type: declared, size: stored.size };
    try {
      const recordVersion = await this.#changeField(table, input.recordId, field, actor, async (trx, list) => {
        await trx('sys_attachment').insert(row);
        return [...list, entry];
      });
      return { attachment: toInfo(row), recordVersion };
    } catch (e) {
      await store.delete(stored.key).catch((err: unknown) => {
        this.#fw.log.error('removing the content of a failed upload failed', { key: stored.key, error: (err as Error)?.message });
      });
      throw e;
    }
  }

  /** The attachments of a record, in the fields the actor can read, oldest first. */
  async list(tableName: string, recordId: string, actor: Actor): Promise<AttachmentInfo[]> {
    const table = this.#fw.registry.current.getTable(tableName);
    await this.#fw.records.readOne(table.name, recordId, { actor, fields: ['id'] });
    const readable = accessFor(this.#fw.registry.current, actor, table.name, 'read').readable;
    const fields = [...table.fields.values()].filter((f) => f.type === 'attachment' && readable.has(f.name)).map((f) => f.name);
    if (!fields.length) return [];
    const rows: AttachmentRow[] = await this.#fw.db.knex('sys_attachment')
      .where({ table_name: table.physical, record_id: recordId }).whereIn('field', fields).whereNull('deleted_at')
      .orderBy([{ column: 'created_at' }, { column: 'id' }]);
    return rows.map(toInfo);
  }

  /** One attachment and its content, streamed. */
  async open(tableName: string, recordId: string, fieldName: string, attachmentId: string, actor: Actor): Promise<OpenedAttachment> {
    const { table, field } = await this.#resolve(tableName, recordId, fieldName, actor, 'read');
    const row = await this.#row(this.#fw.db.knex, table, recordId, field, attachmentId);
    const content = await this.#store(row.store).get(row.store_key);
    return { attachment: toInfo(row), content };
  }

  /**
   * Remove an attachment from the record's field (an update: history records it) and mark its metadata deleted, in
   * one transaction. The content stays in its store until a purge removes it. Returns the record's new version.
   */
  async remove(tableName: string, recordId: string, fieldName: string, attachmentId: string, actor: Actor): Promise<number> {
    const { table, field } = await this.#resolve(tableName, recordId, fieldName, actor, 'write');
    return this.#changeField(table, recordId, field, actor, async (trx, list) => {
      const row = await this.#row(trx, table, recordId, field, attachmentId);
      await trx('sys_attachment').where({ id: row.id }).update({ deleted_at: this.#fw.clock.now().toISOString(), deleted_by: actor.id });
      return list.filter((a) => (a as { id?: unknown })?.id !== row.id);
    });
  }

  /**
   * The table and attachment field, once the actor is known to reach the record: it must be readable to them
   * (`not_found` otherwise). Reading needs the field readable (`not_found` otherwise); writing needs update access to
   * the table and write access to the field (`forbidden`) — the record's rows are checked again by the update.
   */
  async #resolve(tableName: string, recordId: string, fieldName: string, actor: Actor, mode: 'read' | 'write'): Promise<{ table: ResolvedTable; field: ResolvedField }> {
    const registry = this.#fw.registry.current;
    const table = registry.getTable(tableName);
    await this.#fw.records.readOne(table.name, recordId, { actor, fields: ['id'] });
    const field = table.fields.get(fieldName);
    const read = accessFor(registry, actor, table.name, 'read');
    const update = accessFor(registry, actor, table.name, 'update');
    const visible = field?.type === 'attachment' && (read.readable.has(field.name) || (mode === 'write' && update.writable.has(field.name)));
    if (!field || !visible) fail('not_found', `Table "${table.name}" has no attachment field "${fieldName}".`);
    if (mode === 'write') {
      if (!update.allowed) fail('forbidden', `${actor.username} may not update records of table "${table.name}", so cannot change their attachments.`);
      if (!update.writable.has(field.name)) {
        fail('forbidden', `${actor.username} may not change ${field.label ?? field.name}.`, {
          fieldErrors: [{ field: field.name, code: field.readOnly || field.protected ? 'read_only' : 'forbidden_field', message: `${actor.username} may not change ${field.label ?? field.name}.` }],
        });
      }
    }
    return { table, field };
  }

  async #row(
    knex: Knex | Knex.Transaction, table: ResolvedTable, recordId: string, field: ResolvedField, id: string,
  ): Promise<AttachmentRow> {
    const row: AttachmentRow | undefined = /^[0-9a-f-]{36}$/i.test(id)
      ? await knex('sys_attachment').where({ id: id.toLowerCase(), table_name: table.physical, record_id: recordId, field: field.name }).whereNull('deleted_at').first()
      : undefined;
    if (!row) fail('not_found', `Record "${recordId}" of table "${table.name}" has no attachment "${id}" in ${field.label ?? field.name}.`);
    return row;
  }

  /**
   * Replace the record's attachment field with what `change` makes of it, through the record service as the actor
   * (access, history and rules apply), in one transaction with `change`'s own writes. The stored value is read
   * as the system: the actor's right to change the field was checked, reading it is not theirs to need.
   */
  async #changeField(
    table: ResolvedTable, recordId: string, field: ResolvedField, actor: Actor,
    change: (trx: Knex.Transaction, list: unknown[]) => Promise<unknown[]>,
  ): Promise<number> {
    const fw = this.#fw;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await fw.db.knex.transaction(async (trx) => {
          const current: RecordData = await fw.records.readOne(table.name, recordId, { actor: fw.systemActor, trx, fields: [field.name] });
          const list = Array.isArray(current[field.name]) ? current[field.name] as unknown[] : [];
          const next = await change(trx, list);
          const updated = await fw.records.updateOne(table.name, recordId, { [field.name]: next.length ? next : null }, {
            actor, trx, expectedVersion: current.version as number,
          });
          return updated.version as number;
        });
      } catch (e) {
        if (!(isFormworkError(e) && e.code === 'conflict' && attempt < ATTEMPTS)) throw e;
      }
    }
  }

  #store(name: StoreName): AttachmentStore {
    const key = name === 'files' ? `files:${this.#fw.config.filesDir}` : 'database';
    let store = this.#stores.get(key);
    if (!store) {
      store = name === 'files' ? new DirectoryStore(this.#fw.config.filesDir) : new DatabaseStore(this.#fw.db.knex);
      this.#stores.set(key, store);
    }
    return store;
  }
}

/** The accept list as people read it in a field error: "one of these types: application/pdf, image/*, .docx". */
export function describeAccept(accept: readonly string[]): string {
  return accept.length === 1 ? `of type ${accept[0]}` : `one of these types: ${accept.join(', ')}`;
}

/**
 * The record hook that closes a deleted record's attachments: in the delete's own transaction their rows are
 * marked deleted (by the person deleting), so nothing can reach them and a purge can find their stored content.
 */
export function attachmentRecordHook(): RecordHook {
  return {
    name: 'attachments',
    async after(ctx, record) {
      if (ctx.operation !== 'delete') return;
      if (![...ctx.table.fields.values()].some((f) => f.type === 'attachment')) return;
      await ctx.trx('sys_attachment').where({ table_name: ctx.table.physical, record_id: String(record.id) }).whereNull('deleted_at')
        .update({ deleted_at: ctx.now.toISOString(), deleted_by: ctx.actor.id });
    },
  };
}

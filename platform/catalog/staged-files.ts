/**
 * Files attached while ordering. The record an order creates does not exist yet when the orderer picks files, so
 * each upload is staged: stored and scanned as any attachment (the configured store, the built-in EICAR check and
 * clamd when configured, the type checked against the content) under a sys_attachment row that belongs to no record
 * (table `@catalog`, the orderer's id, the item's name). The order names staged files by id; in its transaction the
 * rows move onto the created requested item or record (its attachment field), so the files are then reached, and
 * their field history kept, like any other attachment. Staged files are checked against the item's attachment rule
 * (types, size, count) when uploaded and again when ordered.
 */
import type { Knex } from 'knex';
import type { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../context.js';
import { fail, type FieldError } from '../errors.js';
import {
  DatabaseStore, DirectoryStore, configuredScanners, declaredType, describeAccept, formatBytes, isAccepted, sanitiseFileName, streamUpload,
  type AttachmentEntry, type AttachmentStore,
} from '../files/index.js';
import type { Actor } from '../records/types.js';
import type { AttachmentRule } from './types.js';

/** The table name staged files are kept under in sys_attachment (no record table is named so). */
export const STAGE_TABLE = '@catalog';
/** Most files per order when the item's rule does not say. */
export const DEFAULT_MAX_FILES = 10;
/**
 * How long a staged file waits for its order: an abandoned page's files stop counting (against the item's file
 * limit) and being orderable after a day, and are removed — like any removed attachment, their content goes at the
 * next purge — when the person next uploads.
 */
export const STAGED_FILE_TTL_MS = 24 * 60 * 60 * 1000;
/** Where attachment problems are reported. */
export const ATTACHMENTS_FIELD = 'attachments';

/** A staged file as the API shows it. */
export interface StagedFile { id: string; name: string; type: string; size: number; item: string; createdAt: string }

export interface StageInput {
  contentType: string | undefined;
  fileName: string | undefined;
  contentLength: number | undefined;
  body: Readable;
}

interface Row {
  id: string; table_name: string; record_id: string; field: string; file_name: string; content_type: string;
  size: number | string; sha256: string; store: 'database' | 'files'; store_key: string; created_at: string;
}

const toStaged = (r: Row, declared?: string): StagedFile => ({
  id: r.id, name: r.file_name, type: declared ?? r.content_type.split(';')[0]!, size: Number(r.size), item: r.field, createdAt: r.created_at,
});

const refuse = (code: 'unsupported_media_type' | 'payload_too_large' | 'validation_failed', message: string, sub: string, extra?: Record<string, unknown>): never =>
  fail(code, message, { fieldErrors: [{ field: ATTACHMENTS_FIELD, code: sub, message }], ...(extra ? { extra } : {}) });

/** The staging area (one per engine: it keeps its stores). */
export class StagedFiles {
  readonly #fw: Formwork;
  #store: AttachmentStore | undefined;

  constructor(fw: Formwork) { this.#fw = fw; }

  /**
   * Stage one uploaded file for `item` (already known orderable by the actor). Errors: unsupported_media_type
   * (`type_not_allowed`), payload_too_large (`too_large`), validation_failed (`too_many`: the item's file limit is
   * reached, or it takes no files), file_rejected, scanner_unavailable.
   */
  async stage(actor: Actor, item: string, rule: AttachmentRule | undefined, input: StageInput): Promise<StagedFile> {
    if (!rule) return refuse('validation_failed', 'This item takes no attachments.', 'too_many');
    const name = sanitiseFileName(input.fileName);
    const declared = declaredType(input.contentType);
    if (!isAccepted(rule.accept, declared, name)) {
      refuse('unsupported_media_type', `The selected file must be ${describeAccept(rule.accept!)}; "${name}" is ${declared}.`, 'type_not_allowed', { accept: rule.accept });
    }
    const maxSize = this.maxSize(rule);
    if (input.contentLength !== undefined && input.contentLength > maxSize) {
      refuse('payload_too_large', `The selected file must be smaller than ${formatBytes(maxSize)}; "${name}" is ${formatBytes(input.contentLength)}.`, 'too_large', { maxSize });
    }
    await this.#expire(actor);
    const maxFiles = rule.maxFiles ?? DEFAULT_MAX_FILES;
    if ((await this.list(actor, item)).length >= maxFiles) {
      refuse('validation_failed', `Attach at most ${maxFiles} file${maxFiles === 1 ? '' : 's'}: remove one first.`, 'too_many');
    }
    const store = this.#storeOf();
    const { stored, inspection, antivirus } = await streamUpload({
      body: input.body, store, scanners: configuredScanners(this.#fw.config), maxSize, declared, label: `File "${name}"`, fieldName: ATTACHMENTS_FIELD,
    });
    const row: Row = {
      id: uuidv7(), table_name: STAGE_TABLE, record_id: actor.id ?? '', field: item, file_name: name,
      content_type: inspection.servedType, size: stored.size, sha256: stored.sha256, store: store.name, store_key: stored.key,
      created_at: this.#fw.clock.now().toISOString(),
    };
    await this.#fw.db.knex('sys_attachment').insert({
      ...row, scan_status: antivirus ? 'clean' : 'unscanned', created_by: actor.id,
    });
    return toStaged(row, declared);
  }

  /** The oldest time a staged file may have been uploaded and still wait for its order. */
  #freshFrom(): string {
    return new Date(this.#fw.clock.now().getTime() - STAGED_FILE_TTL_MS).toISOString();
  }

  /** Remove the actor's staged files that waited too long (see STAGED_FILE_TTL_MS). */
  async #expire(actor: Actor): Promise<void> {
    await this.#fw.db.knex('sys_attachment').where({ table_name: STAGE_TABLE, record_id: actor.id ?? '' }).whereNull('deleted_at')
      .where('created_at', '<', this.#freshFrom()).update({ deleted_at: this.#fw.clock.now().toISOString(), deleted_by: actor.id });
  }

  /** The actor's staged files for an item that still wait for their order, oldest first. */
  async list(actor: Actor, item: string, knex: Knex | Knex.Transaction = this.#fw.db.knex): Promise<StagedFile[]> {
    const rows: Row[] = await knex('sys_attachment').where({ table_name: STAGE_TABLE, record_id: actor.id ?? '', field: item })
      .whereNull('deleted_at').where('created_at', '>=', this.#freshFrom()).orderBy([{ column: 'created_at' }, { column: 'id' }]);
    return rows.map((r) => toStaged(r));
  }

  /** Largest file the rule allows. */
  maxSize(rule: AttachmentRule): number {
    return rule.maxSize ?? this.#fw.config.attachmentMaxSize;
  }

  /**
   * The staged files an order names, checked against the item's rule now (it may have changed since they were
   * staged): each must be the actor's, staged for this item; within the count, types and size; at least one when
   * required. Problems are field errors on `${prefix}attachments`.
   */
  async check(
    knex: Knex | Knex.Transaction, actor: Actor, item: string, rule: AttachmentRule | undefined, ids: unknown, prefix: string,
    errors: FieldError[],
  ): Promise<StagedFile[]> {
    const field = `${prefix}${ATTACHMENTS_FIELD}`;
    const push = (code: string, message: string) => { errors.push({ field, code, message }); };
    if (ids !== undefined && (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))) {
      push('type', 'Attachments must be a list of the ids of files uploaded for this item.');
      return [];
    }
    const wanted = [...new Set((ids as string[] | undefined) ?? [])];
    if (wanted.length && !rule) { push('too_many', 'This item takes no attachments.'); return []; }
    // An order naming no file needs no look-up (a required file is reported below all the same).
    const staged = new Map(wanted.length ? (await this.list(actor, item, knex)).map((f) => [f.id, f]) : []);
    const files: StagedFile[] = [];
    for (const id of wanted) {
      const f = staged.get(id.toLowerCase());
      if (!f) push('unknown_attachment', `There is no uploaded file "${id}" for this item.`);
      else files.push(f);
    }
    if (!rule) return files;
    if (rule.required && wanted.length === 0) push('required', rule.help ? `Attach a file: ${rule.help}` : 'Attach at least one file.');
    const maxFiles = rule.maxFiles ?? DEFAULT_MAX_FILES;
    if (files.length > maxFiles) push('too_many', `Attach at most ${maxFiles} file${maxFiles === 1 ? '' : 's'}.`);
    for (const f of files) {
      if (!isAccepted(rule.accept, f.type, f.name)) push('type_not_allowed', `"${f.name}" must be ${describeAccept(rule.accept!)}.`);
      if (f.size > this.maxSize(rule)) push('too_large', `"${f.name}" must be smaller than ${formatBytes(this.maxSize(rule))}.`);
    }
    return files;
  }

  /**
   * Move staged files onto a record's attachment field, in the order's transaction; returns the field's entries.
   */
  async attach(trx: Knex.Transaction, physical: string, recordId: string, field: string, files: StagedFile[]): Promise<AttachmentEntry[]> {
    if (!files.length) return [];
    await trx('sys_attachment').whereIn('id', files.map((f) => f.id)).where({ table_name: STAGE_TABLE })
      .update({ table_name: physical, record_id: recordId, field });
    return files.map((f) => ({ id: f.id, name: f.name, type: f.type, size: f.size }));
  }

  /** Remove one of the actor's staged files (the content stays until a purge, as for any removed attachment). */
  async remove(actor: Actor, item: string, id: string): Promise<void> {
    const where = { id: id.toLowerCase(), table_name: STAGE_TABLE, record_id: actor.id ?? '', field: item };
    const n = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.#fw.db.knex('sys_attachment').where(where).whereNull('deleted_at').update({ deleted_at: this.#fw.clock.now().toISOString(), deleted_by: actor.id })
      : 0;
    if (!n) fail('not_found', `There is no uploaded file "${id}" for this item.`);
  }

  #storeOf(): AttachmentStore {
    this.#store ??= this.#fw.config.fileStore === 'files' ? new DirectoryStore(this.#fw.config.filesDir) : new DatabaseStore(this.#fw.db.knex);
    return this.#store;
  }
}

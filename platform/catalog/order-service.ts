/**
 * Ordering. An order is checked whole before anything is written — the item may be ordered by the person
 * (visibility.ts), the quantity is within the item's limit, the answers pass (answers.ts), the staged files fit the
 * item's attachment rule (staged-files.ts) — and every problem is reported in one `validation_failed`. Then, in one
 * transaction, through the record service so numbering, audit, workflows, rules and SLAs run as for any record:
 *
 *  - a requested item: one request (REQ…) and one requested item (RITM…) per line, its answers stored on it
 *    (`variables`) and as catalog_answer records, its files moved onto it. These are written as
 *    `catalog:<item> for <person>` (the person's id and organisation, the system's powers: who may order is the
 *    catalogue's rule, not a table grant, and the answers were checked above);
 *  - a record producer: the target table's record, created as the person, with the target form's policies, so that
 *    table's access, data policies, rules and workflow apply exactly as to a create through its form. Variables named
 *    like a field of the table map to it; the item's `fields` map others or set literals.
 *
 * Anything failing rolls the whole order back: nothing is written.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../context.js';
import { fail, isFormworkError, type FieldError } from '../errors.js';
import type { Actor, RecordData } from '../records/types.js';
import { ruleActor } from '../rules/chain.js';
import { answerRows, displayReader, insertAnswerRows } from './answer-rows.js';
import { checkAnswers, storedAnswers, type CheckedAnswers } from './answers.js';
import { accessOrderer, fetchOrdererFacts } from './facts.js';
import { REQUEST_TABLE, REQUESTED_ITEM_TABLE, type OrdererFacts, type ResolvedItem } from './model.js';
import { ATTACHMENTS_FIELD, StagedFiles, type StagedFile } from './staged-files.js';
import type { MappedValue, RecordTarget, RequestTarget } from './types.js';
import { orderableItem, ordererFor, type Audience } from './visibility.js';

/** One line of an order as the client sends it. */
export interface OrderLineInput {
  quantity?: unknown;
  variables?: unknown;
  attachments?: unknown;
}

/** A line that passed every check, ready to write. */
export interface PreparedLine {
  item: ResolvedItem;
  quantity: number;
  answers: CheckedAnswers;
  files: StagedFile[];
}

export interface NumberedRecord { id: string; number: string | null }

export type OrderResult =
  | { request: NumberedRecord; items: NumberedRecord[]; discarded: string[] }
  | { record: { table: string } & NumberedRecord; discarded: string[] };

/** The actor an order's own writes run as (see the module comment). */
export function catalogActor(actor: Actor, what: string): Actor {
  return ruleActor(actor, what, `catalogue: ${what}`, 'catalog');
}

const numbered = (r: RecordData): NumberedRecord => ({ id: String(r.id), number: (r.number as string | null | undefined) ?? null });

/** The person asking, as audiences see them. */
export async function audienceOf(fw: Formwork, actor: Actor): Promise<Audience> {
  const now = fw.clock.now();
  const user = accessOrderer(fw, actor, now);
  let profile: Promise<OrdererFacts> | undefined;
  return { registry: fw.registry.current, user, now: now.toISOString(), profile: () => (profile ??= fetchOrdererFacts(fw, actor, user)) };
}

/** Throw one `validation_failed` listing `errors`, when there are any. */
export function assertNoErrors(errors: FieldError[]): void {
  if (!errors.length) return;
  fail('validation_failed', `${errors.length} answer${errors.length > 1 ? 's are' : ' is'} not valid: ${errors.map((e) => e.message).join(' ')}`, { fieldErrors: errors });
}

/** The ordering service (one per engine). */
export class CatalogOrders {
  readonly fw: Formwork;
  readonly staged: StagedFiles;

  constructor(fw: Formwork, staged = new StagedFiles(fw)) {
    this.fw = fw;
    this.staged = staged;
  }

  /**
   * Check one line for `item` (already orderable by the person); problems go to `errors`, named with `prefix`.
   */
  async prepare(
    a: Audience, actor: Actor, item: ResolvedItem, line: OrderLineInput, prefix: string, errors: FieldError[],
  ): Promise<PreparedLine> {
    const quantity = checkQuantity(item, line.quantity, `${prefix}quantity`, errors);
    const answers = await checkAnswers(item, line.variables, { user: await ordererFor(a, item), now: a.now }, prefix);
    errors.push(...answers.errors);
    const files = await this.staged.check(this.fw.db.knex, actor, item.def.name, item.def.attachments, line.attachments, prefix, errors);
    return { item, quantity, answers, files };
  }

  /**
   * Order one item: `{ variables, quantity?, attachments? }`. Errors: not_found (an item the person may not order),
   * invalid_payload (the body's shape), validation_failed (field errors by variable, `quantity`, `attachments`),
   * and those of the record service (a producer's target table: forbidden, validation_failed, rule_aborted…).
   */
  async order(actor: Actor, name: string, body: OrderLineInput): Promise<OrderResult> {
    const a = await audienceOf(this.fw, actor);
    const item = await orderableItem(a, name);
    const errors: FieldError[] = [];
    const line = await this.prepare(a, actor, item, body, '', errors);
    assertNoErrors(errors);
    const discarded = line.answers.discarded;
    if ('record' in item.def.creates) {
      const target = item.def.creates.record;
      return this.fw.db.knex.transaction(async (trx) => ({ record: await this.produce(trx, actor, line, target), discarded }));
    }
    return this.fw.db.knex.transaction(async (trx) => ({ ...(await this.placeRequest(trx, actor, [line])), discarded }));
  }

  /** Write one request with a requested item per line, in `trx` (every line was prepared and passed). */
  async placeRequest(
    trx: Knex.Transaction, actor: Actor, lines: PreparedLine[],
  ): Promise<{ request: NumberedRecord; items: NumberedRecord[] }> {
    const fw = this.fw;
    const now = fw.clock.now().toISOString();
    const first = lines[0]!.item.def;
    const by = catalogActor(actor, first.name);
    const title = lines.length === 1 ? first.title : `${first.title} and ${lines.length - 1} more`;
    const request = await fw.records.createOne(REQUEST_TABLE, {
      short_description: title.slice(0, 160), requested_by: actor.username, requested_for: actor.username,
      last_action: 'Submitted', last_action_at: now,
    }, { actor: by, trx });
    const display = displayReader(fw, trx);
    const items: NumberedRecord[] = [];
    for (const line of lines) {
      const def = line.item.def;
      const target: RequestTarget = 'request' in def.creates ? def.creates.request : {};
      const tableName = target.table ?? REQUESTED_ITEM_TABLE;
      const data: RecordData = {
        request: request.id, item: def.name, item_title: def.title.slice(0, 160), short_description: def.title.slice(0, 160),
        quantity: line.quantity, variables: storedAnswers(line.answers), requested_by: actor.username, requested_for: actor.username,
        ...(target.queue ? { assignment_group: target.queue } : {}),
        ...mapFields(target.fields, line.answers),
      };
      const ritm = await fw.records.createOne(tableName, data, { actor: catalogActor(actor, def.name), trx });
      const rows = await answerRows(line.item, line.answers, display);
      await insertAnswerRows(fw, trx, rows, String(ritm.id), actor, now);
      await this.#attach(trx, by, tableName, ritm, line.files);
      items.push(numbered(ritm));
    }
    return { request: numbered(request), items };
  }

  /** Create a record producer's record in `trx`, as the person (see the module comment). */
  async produce(
    trx: Knex.Transaction, actor: Actor, line: PreparedLine, target: RecordTarget,
  ): Promise<{ table: string } & NumberedRecord> {
    const fw = this.fw;
    const table = fw.registry.current.getTable(target.table);
    const data: RecordData = {};
    const explicit = new Set(Object.keys(target.fields ?? {}));
    const fromVariable = new Map<string, string>();
    for (const [name, value] of Object.entries(line.answers.values)) {
      const field = table.fields.get(name);
      if (field && !field.system && !explicit.has(name)) { data[name] = value; fromVariable.set(name, name); }
    }
    for (const [field, mapped] of Object.entries(target.fields ?? {})) {
      if (isVariableRef(mapped)) fromVariable.set(field, mapped.variable);
    }
    Object.assign(data, mapFields(target.fields, line.answers));
    let created: RecordData;
    try {
      created = await fw.records.createOne(table.name, data, { actor, trx, ...(target.form ? { form: target.form } : {}) });
    } catch (e) {
      // The target's own checks name its fields: name the question instead where one answered it.
      if (isFormworkError(e) && e.fieldErrors?.length) {
        const fieldErrors = e.fieldErrors.map((fe) => ({ ...fe, field: fromVariable.get(fe.field) ?? fe.field }));
        fail(e.code, e.message, { fieldErrors, ...(e.extra ? { extra: e.extra } : {}), cause: e });
      }
      throw e;
    }
    await this.#attach(trx, catalogActor(actor, line.item.def.name), table.name, created, line.files);
    return { table: table.name, ...numbered(created) };
  }

  /** Move an order's staged files onto the record's first attachment field. */
  async #attach(trx: Knex.Transaction, by: Actor, tableName: string, record: RecordData, files: StagedFile[]): Promise<void> {
    if (!files.length) return;
    const table = this.fw.registry.current.getTable(tableName);
    const field = [...table.fields.values()].find((f) => f.type === 'attachment');
    if (!field) {
      fail('validation_failed', `${table.def.label ?? table.name} records keep no files, so this item takes no attachments.`, {
        fieldErrors: [{ field: ATTACHMENTS_FIELD, code: 'too_many', message: 'This item takes no attachments.' }],
      });
    }
    const entries = await this.staged.attach(trx, table.physical, String(record.id), field.name, files);
    await this.fw.records.updateOne(table.name, String(record.id), { [field.name]: entries }, { actor: by, trx });
  }
}

function isVariableRef(v: MappedValue): v is { variable: string } {
  return typeof v === 'object' && v !== null && typeof (v as { variable?: unknown }).variable === 'string';
}

/** The fields a mapping sets: answers (a multi-row set: its rows) or literals; unanswered variables set nothing. */
function mapFields(fields: Record<string, MappedValue> | undefined, answers: CheckedAnswers): RecordData {
  const out: RecordData = {};
  for (const [field, mapped] of Object.entries(fields ?? {})) {
    if (!isVariableRef(mapped)) { out[field] = mapped; continue; }
    const v = Object.prototype.hasOwnProperty.call(answers.values, mapped.variable)
      ? answers.values[mapped.variable] : answers.rows[mapped.variable];
    if (v !== undefined) out[field] = v;
  }
  return out;
}

/** The quantity of one line: 1 when the item does not ask; else a whole number from 1 to its maximum. */
function checkQuantity(item: ResolvedItem, value: unknown, field: string, errors: FieldError[]): number {
  if (value === undefined || value === null) return 1;
  const max = item.maxQuantity;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    errors.push({
      field, code: typeof value === 'number' ? 'range' : 'type',
      message: max === 1 ? `${item.def.title} is ordered one at a time; got ${JSON.stringify(value)}.` : `Quantity must be a whole number from 1 to ${max}; got ${JSON.stringify(value)}.`,
    });
    return 1;
  }
  return value;
}

/**
 * Requests as the portal shows them. A person sees the requests they placed and those of their organisations —
 * the 'org' row scope, applied here as a filter in the one condition language so it holds whatever their roles;
 * fulfilment staff and administrators reach the others their role grants reach (the record service decides). A
 * request someone may not see is `not_found`.
 *
 * Updates: anyone who sees a request may add an update with a type and text (a catalog_request_update record; the
 * request's last action follows). Cancelling: while the request is not closed, it moves to cancelled, and the
 * catalogue's record hook cancels its open items (rollup-hook.ts).
 */
import type { Condition } from '../conditions/types.js';
import type { Formwork } from '../context.js';
import { fail, isFormworkError } from '../errors.js';
import { MAX_LIMIT } from '../records/index.js';
import type { Actor, RecordData } from '../records/types.js';
import { workflowOf, workflowService } from '../workflow/index.js';
import { catalogActor } from './order-service.js';
import { REQUEST_TABLE, REQUESTED_ITEM_TABLE } from './model.js';
import { REQUEST_STATES } from './rollup-hook.js';

export const UPDATES_TABLE = 'catalog_request_update';
export const ANSWERS_TABLE = 'catalog_answer';
/** Update types a person may add (cancel_request cancels the request too). */
export const UPDATE_TYPES = ['comment', 'more_information', 'chase', 'cancel_request'] as const;
const MAX_LIST = 200;

/** The requests a person sees by the org scope: those they placed, and their organisations'. */
function scopeFilter(actor: Actor, scope: 'mine' | 'org'): Condition {
  const mine: Condition = { fact: 'record.requested_by', operator: 'equal', value: actor.username };
  if (scope === 'mine' || !actor.orgs?.length) return mine;
  return { any: [mine, { fact: 'record.org_id', operator: 'in', value: [...actor.orgs] }] };
}

const label = (fw: Formwork, table: string, field: string, value: unknown) =>
  fw.registry.current.getTable(table).fields.get(field)?.choices?.find((c) => c.value === value)?.label ?? (value as string | null);

/** The portal's request service. */
export class CatalogRequests {
  readonly #fw: Formwork;

  constructor(fw: Formwork) { this.#fw = fw; }

  /** The person's requests (`mine`) or their organisations' (`org`), newest first, with their items. */
  async list(actor: Actor, scope: 'mine' | 'org') {
    const fw = this.#fw;
    const { records } = await fw.records.query(REQUEST_TABLE, {
      filter: scopeFilter(actor, scope), sort: [{ field: 'opened_at', direction: 'desc' }], limit: MAX_LIST, withTotal: false,
    }, { actor: fw.systemActor });
    const ids = records.map((r) => String(r.id));
    const items = ids.length ? (await fw.records.query(REQUESTED_ITEM_TABLE, {
      filter: { fact: 'record.request', operator: 'in', value: ids }, fields: ['request', 'number', 'item', 'item_title', 'state', 'quantity'],
      limit: MAX_LIMIT, withTotal: false,
    }, { actor: fw.systemActor })).records : [];
    return records.map((r) => ({
      ...this.#requestView(r),
      items: items.filter((i) => i.request === r.id).map((i) => this.#itemView(i)),
    }));
  }

  /**
   * The request a person may see (the org scope, else their role grants), or `not_found`.
   */
  async #visible(actor: Actor, id: string): Promise<RecordData> {
    const fw = this.#fw;
    const { records } = await fw.records.query(REQUEST_TABLE, {
      filter: { all: [{ fact: 'record.id', operator: 'equal', value: id }, scopeFilter(actor, 'org')] }, limit: 1, withTotal: false,
    }, { actor: fw.systemActor });
    if (records[0]) return records[0];
    try {
      await fw.records.readOne(REQUEST_TABLE, id, { actor, fields: ['id'] });
    } catch (e) {
      if (isFormworkError(e) && (e.code === 'not_found' || e.code === 'forbidden' || e.code === 'table_not_found')) {
        fail('not_found', `There is no request "${id}".`);
      }
      throw e;
    }
    return fw.records.readOne(REQUEST_TABLE, id, { actor: fw.systemActor });
  }

  /** One request with its items, their answers and approvals, and its updates. */
  async detail(actor: Actor, id: string) {
    const fw = this.#fw;
    const request = await this.#visible(actor, id);
    const system = { actor: fw.systemActor };
    const items = (await fw.records.query(REQUESTED_ITEM_TABLE, {
      filter: { fact: 'record.request', operator: 'equal', value: id }, sort: [{ field: 'number', direction: 'asc' }], limit: MAX_LIMIT, withTotal: false,
    }, system)).records;
    const ids = items.map((i) => String(i.id));
    const answers = ids.length ? (await fw.records.query(ANSWERS_TABLE, {
      filter: { fact: 'record.requested_item', operator: 'in', value: ids }, sort: [{ field: 'position', direction: 'asc' }], limit: MAX_LIMIT, withTotal: false,
    }, system)).records : [];
    const updates = (await fw.records.query(UPDATES_TABLE, {
      filter: { fact: 'record.request', operator: 'equal', value: id }, sort: [{ field: 'created_at', direction: 'asc' }], limit: MAX_LIMIT, withTotal: false,
    }, system)).records;
    const approvals = workflowService(fw).approvals;
    const itemViews = [];
    for (const item of items) {
      itemViews.push({
        ...this.#itemView(item),
        assignmentGroup: item.assignment_group ?? null, openedAt: item.opened_at ?? null, closedAt: item.closed_at ?? null,
        answers: answers.filter((x) => x.requested_item === item.id).map((x) => ({
          variable: x.variable, label: x.label, type: x.type, value: x.value, set: x.set ?? null, row: x.row ?? null,
        })),
        approvals: (await approvals.list(String(item.class ?? REQUESTED_ITEM_TABLE), String(item.id), fw.systemActor)).map((p) => ({
          id: p.id, approver: p.approver, status: p.status, stage: p.stage, decidedBy: p.decidedBy, comment: p.comment,
          requestedAt: p.requestedAt, decidedAt: p.decidedAt,
        })),
      });
    }
    return {
      ...this.#requestView(request),
      items: itemViews,
      updates: updates.map((u) => ({
        id: u.id, type: u.type, typeLabel: label(fw, UPDATES_TABLE, 'type', u.type), text: u.text, author: u.author, createdAt: u.created_at,
      })),
      cancellable: this.#cancellable(request),
    };
  }

  /** Add an update `{ type, text }` to a request the person sees. */
  async addUpdate(actor: Actor, id: string, type: string, text: string) {
    const request = await this.#visible(actor, id);
    if (type === 'cancel_request') return this.cancel(actor, id, text);
    const fw = this.#fw;
    const by = catalogActor(actor, 'update');
    return fw.db.knex.transaction(async (trx) => {
      const update = await fw.records.createOne(UPDATES_TABLE, { request: request.id, type, text, author: actor.username },
        { actor: by, trx });
      await fw.records.updateOne(REQUEST_TABLE, String(request.id), {
        last_action: `${label(fw, UPDATES_TABLE, 'type', type)} by ${actor.username}`.slice(0, 160), last_action_at: fw.clock.now().toISOString(),
      }, { actor: by, trx });
      return { id: String(update.id), type, text };
    });
  }

  /**
   * Cancel a request the person sees, with an optional reason (recorded as a `cancel_request` update): refused with
   * `invalid_transition` once it is closed (fulfilled, closed or cancelled already).
   */
  async cancel(actor: Actor, id: string, reason?: string) {
    const fw = this.#fw;
    const request = await this.#visible(actor, id);
    if (!this.#cancellable(request)) {
      fail('invalid_transition', `Request ${String(request.number)} is ${String(label(fw, REQUEST_TABLE, 'state', request.state))}: it can no longer be cancelled.`, {
        extra: { allowed: [], state: request.state },
      });
    }
    const by = catalogActor(actor, 'cancel');
    return fw.db.knex.transaction(async (trx) => {
      await fw.records.createOne(UPDATES_TABLE, {
        request: request.id, type: 'cancel_request', text: reason?.trim() ? reason : 'Cancelled by the requester.', author: actor.username,
      }, { actor: by, trx });
      const updated = await fw.records.updateOne(REQUEST_TABLE, String(request.id), {
        state: REQUEST_STATES.cancelled, last_action: `Cancelled by ${actor.username}`.slice(0, 160), last_action_at: fw.clock.now().toISOString(),
      }, { actor: by, trx });
      return { id: String(updated.id), number: updated.number, state: updated.state };
    });
  }

  #cancellable(request: RecordData): boolean {
    const registry = this.#fw.registry.current;
    const wf = workflowOf(registry, registry.getTable(REQUEST_TABLE));
    return wf?.def.states[String(request.state)]?.category !== 'closed';
  }

  #requestView(r: RecordData) {
    const fw = this.#fw;
    return {
      id: r.id, number: r.number, shortDescription: r.short_description, state: r.state, stateLabel: label(fw, REQUEST_TABLE, 'state', r.state),
      requestedBy: r.requested_by, requestedFor: r.requested_for, openedAt: r.opened_at, closedAt: r.closed_at ?? null,
      lastAction: r.last_action ?? null, lastActionAt: r.last_action_at ?? null,
    };
  }

  #itemView(i: RecordData) {
    return {
      id: i.id, number: i.number, item: i.item, title: i.item_title, quantity: i.quantity, state: i.state,
      stateLabel: label(this.#fw, REQUESTED_ITEM_TABLE, 'state', i.state),
    };
  }
}

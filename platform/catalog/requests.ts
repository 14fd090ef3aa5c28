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
import { personName } from '../access/identity/index.js';
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
    const shown = await fw.records.display(REQUEST_TABLE, records, 'true', { actor: fw.systemActor });
    return records.map((r, i) => ({
      ...this.#requestView(r, shown[i]!),
      items: items.filter((item) => item.request === r.id).map((item) => this.#itemView(item)),
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
    // People and queues by their names (display values), never their keys.
    const [[shownRequest], shownItems, shownUpdates] = await Promise.all([
      fw.records.display(REQUEST_TABLE, [request], 'true', system),
      fw.records.display(REQUESTED_ITEM_TABLE, items, 'true', system),
      fw.records.display(UPDATES_TABLE, updates, 'true', system),
    ]);
    const itemViews = [];
    for (const [n, item] of items.entries()) {
      itemViews.push({
        ...this.#itemView(item),
        assignmentGroup: shownItems[n]!.assignment_group ?? null, openedAt: item.opened_at ?? null, closedAt: item.closed_at ?? null,
        answers: answers.filter((x) => x.requested_item === item.id).map((x) => ({
          variable: x.variable, label: x.label, type: x.type, value: x.value, set: x.set ?? null, row: x.row ?? null,
        })),
        approvals: (await approvals.list(String(item.class ?? REQUESTED_ITEM_TABLE), String(item.id), fw.systemActor)).map((p) => ({
          id: p.id, approver: p.approverName, status: p.status, stage: p.stage, decidedBy: p.decidedByName ?? p.decidedBy,
          comment: p.comment,
          requestedAt: p.requestedAt, decidedAt: p.decidedAt,
        })),
      });
    }
    return {
      ...this.#requestView(request, shownRequest!),
      items: itemViews,
      updates: updates.map((u, n) => ({
        id: u.id, type: u.type, typeLabel: label(fw, UPDATES_TABLE, 'type', u.type), text: u.text, author: shownUpdates[n]!.author, createdAt: u.created_at,
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
    const name = await this.#nameOf(actor);
    return fw.db.knex.transaction(async (trx) => {
      const update = await fw.records.createOne(UPDATES_TABLE, { request: request.id, type, text, author: actor.username },
        { actor: by, trx });
      await fw.records.updateOne(REQUEST_TABLE, String(request.id), {
        last_action: `${label(fw, UPDATES_TABLE, 'type', type)} by ${name}`.slice(0, 160), last_action_at: fw.clock.now().toISOString(),
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
    const name = await this.#nameOf(actor);
    return fw.db.knex.transaction(async (trx) => {
      await fw.records.createOne(UPDATES_TABLE, {
        request: request.id, type: 'cancel_request', text: reason?.trim() ? reason : 'Cancelled by the requester.', author: actor.username,
      }, { actor: by, trx });
      const updated = await fw.records.updateOne(REQUEST_TABLE, String(request.id), {
        state: REQUEST_STATES.cancelled, last_action: `Cancelled by ${name}`.slice(0, 160), last_action_at: fw.clock.now().toISOString(),
      }, { actor: by, trx });
      return { id: String(updated.id), number: updated.number, state: updated.state };
    });
  }

  /** The person's name as others read it (their display name, else their username). */
  async #nameOf(actor: Actor): Promise<string> {
    const row = actor.id ? await this.#fw.db.knex('sys_user').where({ id: actor.id }).first('display_name') : undefined;
    return personName({ username: actor.username, display_name: row?.display_name });
  }

  #cancellable(request: RecordData): boolean {
    const registry = this.#fw.registry.current;
    const wf = workflowOf(registry, registry.getTable(REQUEST_TABLE));
    return wf?.def.states[String(request.state)]?.category !== 'closed';
  }

  /** A request for its pages; `shown`: the same record's display values (people by name). */
  #requestView(r: RecordData, shown: RecordData) {
    const fw = this.#fw;
    return {
      id: r.id, number: r.number, shortDescription: r.short_description, state: r.state, stateLabel: label(fw, REQUEST_TABLE, 'state', r.state),
      requestedBy: shown.requested_by, requestedFor: shown.requested_for, openedAt: r.opened_at, closedAt: r.closed_at ?? null,
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

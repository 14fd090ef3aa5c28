/**
 * A request follows its items (the record hook `catalog`, registered by the engine):
 *
 *  - a requested item (of the requested-item table or one extending it) entering a state of category `closed` gets
 *    `closed_at`; leaving it clears it. A request entering a closed state likewise;
 *  - when an item's state changes, its request follows: the first item in an open state moves a submitted request
 *    to in progress; when every item is closed, the request closes — complete when any item was fulfilled,
 *    cancelled when every item was cancelled, incomplete otherwise;
 *  - a request cancelled (by a transition, the portal or the system) cancels its items that are not closed;
 *  - the request's last action (and its time) follows: the item's number and new state, or the request's new state.
 *
 * States are read through each table's workflow (its `category`), so a pack extending the requested-item table with
 * a workflow of its own rolls up the same way. Everything runs in the write's transaction, as
 * `catalog:rollup for <person>`; an item's definition is never needed, so a withdrawn item's requests stay workable.
 */
import type { Formwork } from '../context.js';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { RecordHook, RecordHookContext } from '../records/hooks.js';
import { MAX_LIMIT } from '../records/index.js';
import type { RecordData } from '../records/types.js';
import { ruleActor } from '../rules/chain.js';
import { workflowOf } from '../workflow/index.js';
import { REQUEST_TABLE, REQUESTED_ITEM_TABLE } from './model.js';

/** The request state an all-closed request takes, and the item states that decide it. */
export const REQUEST_STATES = {
  open: 'in_progress', submitted: 'submitted', complete: 'closed_complete', incomplete: 'closed_incomplete', cancelled: 'cancelled',
} as const;
/** The item state that counts as delivered, and the one a cancelled request gives its open items. */
export const ITEM_STATES = { fulfilled: 'fulfilled', cancelled: 'cancelled' } as const;

const isItemTable = (t: ResolvedTable) => t.name === REQUESTED_ITEM_TABLE || t.ancestors.includes(REQUESTED_ITEM_TABLE);

/** The category of a record's state under its table's workflow (null without one). */
function categoryOf(registry: Registry, table: ResolvedTable, record: RecordData | null): string | null {
  const wf = workflowOf(registry, table);
  if (!wf || !record) return null;
  return wf.def.states[String(record[wf.def.stateField])]?.category ?? null;
}

/** The catalogue's record hook (see the module comment). */
export function catalogRecordHook(fw: Formwork): RecordHook {
  const actorFor = (ctx: RecordHookContext, step: string) => ruleActor(ctx.actor, 'rollup', `catalogue roll-up: ${step}`, 'catalog');

  async function rollUp(ctx: RecordHookContext, item: RecordData, requestId: string): Promise<void> {
    const { registry, trx } = ctx;
    const requestTable = registry.getTable(REQUEST_TABLE);
    const request = await fw.records.readOne(REQUEST_TABLE, requestId, { actor: fw.systemActor, trx });
    if (categoryOf(registry, requestTable, request) === 'closed') return;
    const items = (await fw.records.query(REQUESTED_ITEM_TABLE, {
      filter: { fact: 'record.request', operator: 'equal', value: requestId }, fields: ['state', 'class'], limit: MAX_LIMIT, withTotal: false,
    }, { actor: fw.systemActor, trx })).records;
    if (!items.length) return;
    const classOf = (i: RecordData) => registry.tables.get(String(i.class)) ?? registry.getTable(REQUESTED_ITEM_TABLE);
    const cats = items.map((i) => categoryOf(registry, classOf(i), i));
    let next: string | null = null;
    if (cats.every((c) => c === 'closed')) {
      if (items.some((i) => i.state === ITEM_STATES.fulfilled)) next = REQUEST_STATES.complete;
      else if (items.every((i) => i.state === ITEM_STATES.cancelled)) next = REQUEST_STATES.cancelled;
      else next = REQUEST_STATES.incomplete;
    } else if (request.state === REQUEST_STATES.submitted
      && items.some((i, n) => cats[n] === 'open' && i.state !== workflowOf(registry, classOf(i))?.def.initialState)) {
      // Work started on an item (it left its first state for another open one).
      next = REQUEST_STATES.open;
    }
    // The request's last action names what happened to the item (its number and new state), or the request's new state.
    const itemState = stateLabel(ctx.table, String(item.state));
    const lastAction = next !== null && next !== request.state ? stateLabel(requestTable, next) : `${String(item.number ?? item.item_title ?? '')} ${itemState}`.trim();
    const patch: RecordData = { last_action: lastAction.slice(0, 160), last_action_at: ctx.now.toISOString() };
    if (next !== null && next !== request.state) patch.state = next;
    await fw.records.updateOne(REQUEST_TABLE, requestId, patch, { actor: actorFor(ctx, next ?? 'last action'), trx });
  }

  async function cancelItems(ctx: RecordHookContext, requestId: string): Promise<void> {
    const { registry, trx } = ctx;
    const items = (await fw.records.query(REQUESTED_ITEM_TABLE, {
      filter: { fact: 'record.request', operator: 'equal', value: requestId }, fields: ['state', 'class'], limit: MAX_LIMIT, withTotal: false,
    }, { actor: fw.systemActor, trx })).records;
    for (const item of items) {
      const cls = registry.tables.get(String(item.class)) ?? registry.getTable(REQUESTED_ITEM_TABLE);
      if (categoryOf(registry, cls, item) === 'closed') continue;
      await fw.records.updateOne(cls.name, String(item.id), { state: ITEM_STATES.cancelled }, { actor: actorFor(ctx, 'cancel'), trx });
    }
  }

  return {
    name: 'catalog',
    async before(ctx, record, previous) {
      if (ctx.operation === 'delete') return;
      const isRequest = ctx.table.name === REQUEST_TABLE;
      if (!isRequest && !isItemTable(ctx.table)) return;
      const now = categoryOf(ctx.registry, ctx.table, record);
      const was = categoryOf(ctx.registry, ctx.table, previous);
      if (now === was && previous) return;
      if (now === 'closed' && ctx.table.fields.has('closed_at')) record.closed_at = ctx.now.toISOString();
      else if (was === 'closed' && ctx.table.fields.has('closed_at')) record.closed_at = null;
    },
    async after(ctx, record, previous) {
      if (ctx.operation !== 'update' || !previous || record.state === previous.state) return;
      if (ctx.table.name === REQUEST_TABLE) {
        if (record.state === REQUEST_STATES.cancelled) await cancelItems(ctx, String(record.id));
        return;
      }
      if (isItemTable(ctx.table) && typeof record.request === 'string') await rollUp(ctx, record, record.request);
    },
  };
}

function stateLabel(table: ResolvedTable, state: string): string {
  return table.fields.get('state')?.choices?.find((c) => c.value === state)?.label ?? state;
}

/**
 * The cart: lines a person collects before ordering them together (sys_catalog_cart_item). A line is checked when
 * added or changed, as an order would be, so mistakes show at once; at checkout every line is checked again against
 * the definitions in force then (an item may have changed or been withdrawn meanwhile) and, when all pass, becomes
 * a requested item of one request, in one transaction that also empties the cart. Only items that create requested
 * items go in a cart; a record producer is ordered on its own.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../context.js';
import { fail, isFormworkError, type FieldError } from '../errors.js';
import type { Actor } from '../records/types.js';
import { cardOf, type CatalogCard } from './item-view.js';
import { resolveItem } from './model.js';
import { assertNoErrors, audienceOf, type CatalogOrders, type NumberedRecord, type OrderLineInput, type PreparedLine } from './order-service.js';
import { orderableItem, type Audience } from './visibility.js';

interface CartRow {
  id: string; user_id: string; item: string; quantity: number | string;
  variables: string; attachments: string; created_at: string; updated_at: string;
}

/** A cart line as the API shows it. */
export interface CartLine {
  id: string;
  item: string;
  /** The item's card, or null when it is no longer orderable (checkout then refuses the line). */
  card: CatalogCard | null;
  quantity: number;
  variables: Record<string, unknown>;
  attachments: string[];
  createdAt: string;
  updatedAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cart of each person (one service per engine). */
export class CatalogCart {
  readonly #fw: Formwork;
  readonly #orders: CatalogOrders;

  constructor(fw: Formwork, orders: CatalogOrders) {
    this.#fw = fw;
    this.#orders = orders;
  }

  /** Check a line for `item` as an order would (not_found, validation_failed; a producer is refused). */
  async #checked(a: Audience, actor: Actor, name: unknown, line: OrderLineInput): Promise<PreparedLine> {
    if (typeof name !== 'string' || !name) {
      fail('validation_failed', 'Name the item to add.', { fieldErrors: [{ field: 'item', code: 'required', message: 'Name the item to add.' }] });
    }
    const item = await orderableItem(a, name);
    if ('record' in item.def.creates) {
      const message = `${item.def.title} is ordered on its own, not through the cart.`;
      fail('validation_failed', message, { fieldErrors: [{ field: 'item', code: 'not_for_cart', message }] });
    }
    const errors: FieldError[] = [];
    const prepared = await this.#orders.prepare(a, actor, item, line, '', errors);
    assertNoErrors(errors);
    return prepared;
  }

  /** Add a line `{ item, quantity?, variables?, attachments? }`. */
  async add(actor: Actor, body: OrderLineInput & { item?: unknown }): Promise<CartLine> {
    const a = await audienceOf(this.#fw, actor);
    const line = await this.#checked(a, actor, body.item, body);
    const now = this.#fw.clock.now().toISOString();
    const row: CartRow = {
      id: uuidv7(), user_id: this.#userId(actor), item: line.item.def.name, quantity: line.quantity,
      variables: JSON.stringify(body.variables ?? {}), attachments: JSON.stringify(line.files.map((f) => f.id)),
      created_at: now, updated_at: now,
    };
    await this.#fw.db.knex('sys_catalog_cart_item').insert(row);
    return this.#view(a, row);
  }

  /** The person's cart, oldest line first. */
  async list(actor: Actor): Promise<CartLine[]> {
    const a = await audienceOf(this.#fw, actor);
    const rows: CartRow[] = await this.#fw.db.knex('sys_catalog_cart_item').where({ user_id: this.#userId(actor) })
      .orderBy([{ column: 'created_at' }, { column: 'id' }]);
    return rows.map((r) => this.#view(a, r));
  }

  /** Change a line's quantity, answers or files (each optional); the line is checked again whole. */
  async change(actor: Actor, id: string, body: OrderLineInput): Promise<CartLine> {
    const row = await this.#row(actor, id);
    const a = await audienceOf(this.#fw, actor);
    const merged: OrderLineInput = {
      quantity: body.quantity !== undefined ? body.quantity : Number(row.quantity),
      variables: body.variables !== undefined ? body.variables : JSON.parse(row.variables),
      attachments: body.attachments !== undefined ? body.attachments : JSON.parse(row.attachments),
    };
    const line = await this.#checked(a, actor, row.item, merged);
    const next: CartRow = {
      ...row, quantity: line.quantity, variables: JSON.stringify(merged.variables ?? {}),
      attachments: JSON.stringify(line.files.map((f) => f.id)), updated_at: this.#fw.clock.now().toISOString(),
    };
    await this.#fw.db.knex('sys_catalog_cart_item').where({ id: row.id })
      .update({ quantity: next.quantity, variables: next.variables, attachments: next.attachments, updated_at: next.updated_at });
    return this.#view(a, next);
  }

  /** Remove a line. */
  async remove(actor: Actor, id: string): Promise<void> {
    const row = await this.#row(actor, id);
    await this.#fw.db.knex('sys_catalog_cart_item').where({ id: row.id }).delete();
  }

  /**
   * Order everything in the cart: one request with a requested item per line, the cart emptied, in one transaction.
   * Every line is checked again first; errors name the line (`lines[0].quantity`, `lines[1].colour`). An empty
   * cart is `validation_failed` on `lines`.
   */
  async checkout(actor: Actor): Promise<{ request: NumberedRecord; items: NumberedRecord[] }> {
    const fw = this.#fw;
    const a = await audienceOf(fw, actor);
    const rows: CartRow[] = await fw.db.knex('sys_catalog_cart_item').where({ user_id: this.#userId(actor) })
      .orderBy([{ column: 'created_at' }, { column: 'id' }]);
    if (!rows.length) {
      fail('validation_failed', 'The cart is empty.', { fieldErrors: [{ field: 'lines', code: 'required', message: 'Add an item to the cart first.' }] });
    }
    const errors: FieldError[] = [];
    const lines: PreparedLine[] = [];
    const rowOf: number[] = [];
    for (const [i, row] of rows.entries()) {
      const prefix = `lines[${i}].`;
      let item;
      try {
        item = await orderableItem(a, row.item);
      } catch (e) {
        if (!isFormworkError(e) || e.code !== 'not_found') throw e;
        errors.push({ field: `${prefix}item`, code: 'not_available', message: `"${row.item}" can no longer be ordered: remove it from the cart.` });
        continue;
      }
      rowOf.push(i);
      lines.push(await this.#orders.prepare(a, actor, item, {
        quantity: Number(row.quantity), variables: JSON.parse(row.variables), attachments: JSON.parse(row.attachments),
      }, prefix, errors));
    }
    // A staged file moves onto one record: two lines naming it cannot both have it.
    const claimed = new Set<string>();
    lines.forEach((line, i) => {
      for (const f of line.files) {
        if (claimed.has(f.id)) {
          errors.push({ field: `lines[${rowOf[i]}].attachments`, code: 'duplicate', message: `"${f.name}" is attached to another line already.` });
        }
        claimed.add(f.id);
      }
    });
    assertNoErrors(errors);
    return fw.db.knex.transaction(async (trx) => {
      const placed = await this.#orders.placeRequest(trx, actor, lines);
      // Only the lines ordered: a line added meanwhile (another tab) stays for the next checkout.
      await trx('sys_catalog_cart_item').whereIn('id', rows.map((r) => r.id)).delete();
      return placed;
    });
  }

  #userId(actor: Actor): string {
    if (!actor.id) fail('forbidden', 'Only a person has a cart.');
    return actor.id;
  }

  async #row(actor: Actor, id: string): Promise<CartRow> {
    const row: CartRow | undefined = UUID.test(id)
      ? await this.#fw.db.knex('sys_catalog_cart_item').where({ id: id.toLowerCase(), user_id: this.#userId(actor) }).first()
      : undefined;
    if (!row) fail('not_found', `There is no cart line "${id}".`);
    return row;
  }

  #view(a: Audience, r: CartRow): CartLine {
    const item = resolveItem(a.registry, r.item);
    return {
      id: r.id, item: r.item, card: item && item.def.active !== false ? cardOf(item.def) : null, quantity: Number(r.quantity),
      variables: JSON.parse(r.variables), attachments: JSON.parse(r.attachments), createdAt: r.created_at, updatedAt: r.updated_at,
    };
  }
}

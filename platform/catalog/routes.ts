/**
 * The catalogue API (platform/catalog): thin — parse, call the catalogue services with the request's actor, respond.
 *
 *   GET    /catalog                              catalogues and categories the caller sees
 *   GET    /catalog/items?category=&q=           items and guides the caller may order (`type`: item | guide)
 *   GET    /catalog/items/:name                  an item's page: texts, rules, form metadata, defaults, multi-row sets
 *   POST   /catalog/items/:name/order            { variables, quantity?, attachments? } → 201 { request, items } | { record }
 *   POST   /catalog/items/:name/attachments      stage a file for an order (raw body, as record attachments)
 *   GET    /catalog/items/:name/attachments      the caller's staged files for the item
 *   DELETE /catalog/items/:name/attachments/:id  remove one
 *   GET    /catalog/cart, POST /catalog/cart/items, PATCH|DELETE /catalog/cart/items/:id, POST /catalog/cart/checkout
 *   GET    /catalog/guides/:name, POST /catalog/guides/:name/choose { variables }
 *   GET    /catalog/requests?scope=mine|org, GET /catalog/requests/:id
 *   POST   /catalog/requests/:id/updates { type, text }, POST /catalog/requests/:id/cancel { reason? }
 *
 * An item or guide the caller may not see or order is 404 `not_found`, never 403. Answer problems are one 422
 * `validation_failed` whose `errors` name variables (`colour`, `devices[2].serial`, `quantity`, `attachments`).
 * Uploads stream the raw file: {@link catalogUploadRouter} is mounted before the JSON-only rule (app.ts).
 */
import { Router, type Request, type Response } from 'express';
import type { Formwork } from '../context.js';
import { fail } from '../errors.js';
import { fileNameFromDisposition } from '../files/index.js';
import { compileBody, compileQuery, NO_QUERY, param, readBody, readQuery } from '../http/input.js';
import { methodNotAllowed } from '../http/middleware/method-not-allowed.js';
import type { Actor } from '../records/types.js';
import { browseCatalog, chooseFromGuide, listItems } from './browse.js';
import { CatalogCart } from './cart.js';
import { guideView, itemView } from './item-view.js';
import { audienceOf, CatalogOrders, type OrderLineInput } from './order-service.js';
import { CatalogRequests, UPDATE_TYPES } from './requests.js';
import { mayOrder, orderableItem, ordererFor, usableGuide, visibleCategories } from './visibility.js';
import type { CatalogCategoryDef, CatalogItemDef, OrderGuideDef } from './types.js';

/** The first of an item's categories the person sees (the page's breadcrumb), as a name and title. */
function shelf(def: CatalogItemDef | OrderGuideDef, seen: ReadonlyMap<string, CatalogCategoryDef>): { name: string; title: string } | null {
  const category = def.categories.map((c) => seen.get(c)).find((c) => c !== undefined);
  return category ? { name: category.name, title: category.title } : null;
}

const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ITEMS_QUERY = compileQuery<{ category?: string; q?: string }>({ category: param.text, q: param.text });
const REQUESTS_QUERY = compileQuery<{ scope: 'mine' | 'org' }>({ scope: param.oneOf(['mine', 'org'], 'mine') });
const UPLOAD_QUERY = compileQuery<{ name?: string }>({ name: param.text });

const LINE = {
  variables: { type: 'object', expected: 'an object of answers keyed by variable name' },
  quantity: {},
  attachments: { type: 'array', items: { type: 'string' }, expected: 'a list of the ids of uploaded files' },
};
const ORDER_BODY = compileBody<OrderLineInput>({ type: 'object', properties: LINE }, { textCheckedBy: 'service' });
const CART_ADD_BODY = compileBody<OrderLineInput & { item: string }>(
  { type: 'object', properties: { item: { type: 'string', minLength: 1, expected: 'the name of an item' }, ...LINE }, required: ['item'] },
  { required: true, textCheckedBy: 'service' },
);
const CART_CHANGE_BODY = compileBody<OrderLineInput>({ type: 'object', properties: LINE }, { required: true, textCheckedBy: 'service' });
const CHOOSE_BODY = compileBody<{ variables?: unknown }>({ type: 'object', properties: { variables: LINE.variables } }, { textCheckedBy: 'service' });
const UPDATE_BODY = compileBody<{ type: string; text: string }>({
  type: 'object',
  properties: {
    type: param.oneOf(UPDATE_TYPES),
    text: { type: 'string', minLength: 1, maxLength: 4000, expected: 'text of 1 to 4000 characters' },
  },
  required: ['type', 'text'],
}, { required: true });
const CANCEL_BODY = compileBody<{ reason?: string }>({
  type: 'object', properties: { reason: { type: 'string', maxLength: 4000, expected: 'text of up to 4000 characters' } },
});

const actorOf = (res: Response): Actor => res.locals.actor as Actor;

function recordId(id: string, what: string): string {
  if (!RECORD_ID.test(id)) fail('not_found', `There is no ${what} "${id}".`);
  return id.toLowerCase();
}

/** The catalogue services of one engine (built once per router pair). */
export interface CatalogServices {
  orders: CatalogOrders;
  cart: CatalogCart;
  requests: CatalogRequests;
}

/** The services the two routers share. */
export function catalogServices(fw: Formwork): CatalogServices {
  const orders = new CatalogOrders(fw);
  return { orders, cart: new CatalogCart(fw, orders), requests: new CatalogRequests(fw) };
}

/** Staged uploads (raw bodies): mount before the JSON-only rule. */
export function catalogUploadRouter(fw: Formwork, services: CatalogServices): Router {
  const router = Router();
  const staged = services.orders.staged;
  type P = { name: string; id?: string };

  router.route('/catalog/items/:name/attachments')
    .post(async (req: Request<P>, res) => {
      const fromQuery = readQuery(req, UPLOAD_QUERY).name;
      const actor = actorOf(res);
      try {
        const encoding = req.get('content-encoding')?.trim().toLowerCase();
        if (encoding && encoding !== 'identity') {
          fail('unsupported_media_type', `Send the file as it is: a Content-Encoding ("${encoding}") is not accepted on uploads.`);
        }
        const item = await orderableItem(await audienceOf(fw, actor), req.params.name);
        const length = req.get('content-length');
        const file = await staged.stage(actor, item.def.name, item.def.attachments, {
          contentType: req.get('content-type'), fileName: fileNameFromDisposition(req.get('content-disposition')) ?? fromQuery,
          contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined, body: req,
        });
        res.status(201).json({ data: file });
      } catch (e) {
        // Refused before the whole file arrived: answer at once and close, rather than read the rest of it.
        if (!req.complete) res.setHeader('Connection', 'close');
        throw e;
      }
    })
    .get(async (req: Request<P>, res) => {
      readQuery(req, NO_QUERY);
      const item = await orderableItem(await audienceOf(fw, actorOf(res)), req.params.name);
      res.json({ data: await staged.list(actorOf(res), item.def.name) });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/catalog/items/:name/attachments/:id')
    .delete(async (req: Request<P>, res) => {
      readQuery(req, NO_QUERY);
      const item = await orderableItem(await audienceOf(fw, actorOf(res)), req.params.name);
      await staged.remove(actorOf(res), item.def.name, req.params.id!);
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));
  return router;
}

/** Everything else (JSON). */
export function catalogRouter(fw: Formwork, services: CatalogServices): Router {
  const router = Router();
  const { orders, cart, requests } = services;

  router.route('/catalog')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: { catalogs: await browseCatalog(await audienceOf(fw, actorOf(res))) } });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/catalog/items')
    .get(async (req, res) => {
      const query = readQuery(req, ITEMS_QUERY);
      res.json({ data: await listItems(await audienceOf(fw, actorOf(res)), query) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/catalog/items/:name')
    .get(async (req: Request<{ name: string }>, res) => {
      readQuery(req, NO_QUERY);
      const a = await audienceOf(fw, actorOf(res));
      const item = await orderableItem(a, req.params.name);
      const seen = await visibleCategories(a);
      res.json({ data: itemView(item, a, await ordererFor(a, item), shelf(item.def, seen)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/catalog/items/:name/order')
    .post(async (req: Request<{ name: string }>, res) => {
      readQuery(req, NO_QUERY);
      const body = readBody(req, ORDER_BODY);
      const { discarded, ...result } = await orders.order(actorOf(res), req.params.name, body);
      res.status(201).json({ data: result, meta: { discarded } });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/catalog/cart')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await cart.list(actorOf(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/catalog/cart/items')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.status(201).json({ data: await cart.add(actorOf(res), readBody(req, CART_ADD_BODY)) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/catalog/cart/items/:id')
    .patch(async (req: Request<{ id: string }>, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await cart.change(actorOf(res), req.params.id, readBody(req, CART_CHANGE_BODY)) });
    })
    .delete(async (req: Request<{ id: string }>, res) => {
      readQuery(req, NO_QUERY);
      await cart.remove(actorOf(res), req.params.id);
      res.status(204).end();
    })
    .all(methodNotAllowed(['PATCH', 'DELETE']));

  router.route('/catalog/cart/checkout')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      readBody(req, compileBody({ type: 'object', properties: {} }));
      res.status(201).json({ data: await cart.checkout(actorOf(res)) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/catalog/guides/:name')
    .get(async (req: Request<{ name: string }>, res) => {
      readQuery(req, NO_QUERY);
      const a = await audienceOf(fw, actorOf(res));
      const guide = await usableGuide(a, req.params.name);
      const seen = await visibleCategories(a);
      // Only the items this person may order: the guide never offers what the order would refuse.
      const items: string[] = [];
      for (const { item } of guide.def.items) {
        const def = a.registry.catalogItems.get(item);
        if (def && !items.includes(item) && await mayOrder(a, def, seen)) items.push(item);
      }
      res.json({ data: guideView(guide, a, await ordererFor(a, guide), shelf(guide.def, seen), items) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/catalog/guides/:name/choose')
    .post(async (req: Request<{ name: string }>, res) => {
      readQuery(req, NO_QUERY);
      const body = readBody(req, CHOOSE_BODY);
      res.json({ data: await chooseFromGuide(await audienceOf(fw, actorOf(res)), req.params.name, body.variables) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/catalog/requests')
    .get(async (req, res) => {
      const { scope } = readQuery(req, REQUESTS_QUERY);
      res.json({ data: await requests.list(actorOf(res), scope) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/catalog/requests/:id')
    .get(async (req: Request<{ id: string }>, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await requests.detail(actorOf(res), recordId(req.params.id, 'request')) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/catalog/requests/:id/updates')
    .post(async (req: Request<{ id: string }>, res) => {
      readQuery(req, NO_QUERY);
      const { type, text } = readBody(req, UPDATE_BODY);
      res.status(201).json({ data: await requests.addUpdate(actorOf(res), recordId(req.params.id, 'request'), type, text) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/catalog/requests/:id/cancel')
    .post(async (req: Request<{ id: string }>, res) => {
      readQuery(req, NO_QUERY);
      const { reason } = readBody(req, CANCEL_BODY);
      res.json({ data: await requests.cancel(actorOf(res), recordId(req.params.id, 'request'), reason) });
    })
    .all(methodNotAllowed(['POST']));

  return router;
}

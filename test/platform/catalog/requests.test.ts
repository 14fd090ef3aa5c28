/**
 * Requests after ordering: the portal's views (mine, my organisation's, one request with items, answers, approvals
 * and updates), organisation isolation, updates with a type and text, cancelling, the roll-up of a request from its
 * items, the cart and order guides.
 */
import { expect } from 'chai';
import { CHAIR, counts, fieldErrors, openShop, person, type Person, type Shop } from './support.js';

describe('catalogue requests, cart and guides', function () {
  let shop: Shop;
  let alice: Person;
  let carol: Person;
  let bob: Person;
  let agent: Person;

  before(async function () {
    shop = await openShop();
    alice = await person(shop, ['catalog_requester'], 'ACME');
    carol = await person(shop, ['catalog_requester'], 'ACME');
    bob = await person(shop, ['catalog_requester'], 'GLOBEX');
    agent = await person(shop, ['agent'], 'SERVICE');
  });
  after(async function () { await shop?.close(); });

  /** Order two lines through the cart; the request and its items. */
  async function twoItems(who: Person = alice) {
    expect((await who.call('POST', '/api/catalog/cart/items', { item: 'fx_chair', variables: CHAIR })).status).to.equal(201);
    expect((await who.call('POST', '/api/catalog/cart/items', { item: 'fx_not_for_agents' })).status).to.equal(201);
    const res = await who.call('POST', '/api/catalog/cart/checkout', {});
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.data as { request: { id: string; number: string }; items: { id: string; number: string }[] };
  }

  const transition = (id: string, name: string, body: unknown = {}) =>
    agent.call('POST', `/api/tables/catalog_request_item/${id}/transitions/${name}`, body);
  const requestState = async (id: string) => (await shop.fw.records.readOne('catalog_request', id, { actor: shop.fw.systemActor })).state;

  describe('portal views and isolation', function () {
    it('shows the orderer and their organisation the request, never another organisation', async function () {
      const placed = await alice.call('POST', '/api/catalog/items/fx_chair/order', { variables: { ...CHAIR, legs: 4 } });
      const id = placed.body.data.request.id;
      const mine = await alice.call('GET', '/api/catalog/requests?scope=mine');
      expect(mine.body.data.map((r: any) => r.id)).to.include(id);
      const org = await carol.call('GET', '/api/catalog/requests?scope=org');
      expect(org.body.data.map((r: any) => r.id)).to.include(id);
      expect((await carol.call('GET', '/api/catalog/requests?scope=mine')).body.data.map((r: any) => r.id)).to.not.include(id);
      const detail = await carol.call('GET', `/api/catalog/requests/${id}`);
      expect(detail.status).to.equal(200);
      expect(detail.body.data).to.include({ number: placed.body.data.request.number, state: 'submitted', stateLabel: 'Submitted', cancellable: true });
      const item = detail.body.data.items[0];
      expect(item).to.include({ title: 'Office chair', stateLabel: 'Requested' });
      expect(item.answers.find((a: any) => a.variable === 'legs')).to.include({ label: 'Legs', value: '4' });
      expect(item.approvals).to.deep.equal([]);

      expect((await bob.call('GET', '/api/catalog/requests?scope=org')).body.data.map((r: any) => r.id)).to.not.include(id);
      const hidden = await bob.call('GET', `/api/catalog/requests/${id}`);
      expect(hidden.status).to.equal(404);
      expect(hidden.body.code).to.equal('not_found');
      expect((await bob.call('GET', `/api/tables/catalog_request/${id}`)).status).to.equal(404);
      expect((await carol.call('GET', `/api/tables/catalog_request/${id}`)).status).to.equal(200);
      expect((await bob.call('POST', `/api/catalog/requests/${id}/cancel`, {})).status).to.equal(404);
      expect((await bob.call('POST', `/api/catalog/requests/${id}/updates`, { type: 'chase', text: 'x' })).status).to.equal(404);
      expect((await agent.call('GET', `/api/catalog/requests/${id}`)).status).to.equal(200);
    });

    it('adds updates with a type and text, and the request shows its last action', async function () {
      const placed = await alice.call('POST', '/api/catalog/items/fx_chair/order', { variables: CHAIR });
      const id = placed.body.data.request.id;
      const res = await carol.call('POST', `/api/catalog/requests/${id}/updates`, { type: 'chase', text: 'Any news?' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const detail = (await alice.call('GET', `/api/catalog/requests/${id}`)).body.data;
      // People by their names, never their usernames.
      const carolName = (await shop.fw.db.knex('sys_user').where({ username: carol.username }).first('display_name')).display_name as string;
      expect(carolName).to.be.a('string').and.not.equal(carol.username);
      expect(detail.updates.map((u: any) => `${u.typeLabel}:${u.text}:${u.author}`)).to.deep.equal([`Chase:Any news?:${carolName}`]);
      expect(detail.lastAction).to.equal(`Chase by ${carolName}`);
      const bad = await alice.call('POST', `/api/catalog/requests/${id}/updates`, { type: 'shout', text: 'x' });
      expect(bad.status).to.equal(422);
      expect(bad.body.code).to.equal('validation_failed');
    });
  });

  describe('roll-up and cancelling', function () {
    it('moves the request to in progress when work starts, and closes it complete when every item is closed', async function () {
      const { request, items } = await twoItems();
      expect((await transition(items[0]!.id, 'start')).status).to.equal(200);
      expect(await requestState(request.id)).to.equal('in_progress');
      expect((await transition(items[0]!.id, 'fulfil')).status).to.equal(200);
      expect(await requestState(request.id)).to.equal('in_progress');
      const seen = (await alice.call('GET', `/api/catalog/requests/${request.id}`)).body.data;
      expect(seen.lastAction).to.equal(`${items[0]!.number} Fulfilled`);
      const cancelled = await transition(items[1]!.id, 'cancel', { comment: 'Out of stock' });
      expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
      const closed = await shop.fw.records.readOne('catalog_request', request.id, { actor: shop.fw.systemActor });
      expect(closed.state).to.equal('closed_complete');
      expect(closed.closed_at).to.be.a('string');
      const refused = await alice.call('POST', `/api/catalog/requests/${request.id}/cancel`, {});
      expect(refused.status).to.equal(409);
      expect(refused.body.code).to.equal('invalid_transition');
    });

    it('closes the request incomplete when no item was fulfilled', async function () {
      const { request, items } = await twoItems();
      expect((await transition(items[0]!.id, 'close_incomplete', { fields: { close_notes: 'None left' } })).status).to.equal(200);
      expect((await transition(items[1]!.id, 'cancel', { comment: 'Not needed' })).status).to.equal(200);
      expect(await requestState(request.id)).to.equal('closed_incomplete');
    });

    it('cancels the open items with the request, once', async function () {
      const { request, items } = await twoItems();
      expect((await transition(items[0]!.id, 'fulfil')).status).to.equal(200);
      const res = await carol.call('POST', `/api/catalog/requests/${request.id}/cancel`, { reason: 'Changed my mind' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.data.state).to.equal('cancelled');
      const states = await Promise.all(items.map(async (i) => (await shop.fw.records.readOne('catalog_request_item', i.id, { actor: shop.fw.systemActor })).state));
      expect(states).to.deep.equal(['fulfilled', 'cancelled']);
      expect(await requestState(request.id)).to.equal('cancelled');
      const detail = (await alice.call('GET', `/api/catalog/requests/${request.id}`)).body.data;
      expect(detail.updates.map((u: any) => `${u.type}:${u.text}`)).to.deep.equal(['cancel_request:Changed my mind']);
      expect(detail.cancellable).to.equal(false);
      const again = await alice.call('POST', `/api/catalog/requests/${request.id}/cancel`, {});
      expect(again.status).to.equal(409);
      expect(again.body.code).to.equal('invalid_transition');
    });
  });

  describe('cart', function () {
    it('adds, lists, changes and removes lines; checkout makes one request with one item per line and empties the cart', async function () {
      const a = await alice.call('POST', '/api/catalog/cart/items', { item: 'fx_chair', variables: CHAIR, quantity: 2 });
      expect(a.status, JSON.stringify(a.body)).to.equal(201);
      const b = await alice.call('POST', '/api/catalog/cart/items', { item: 'fx_not_for_agents' });
      const c = await alice.call('POST', '/api/catalog/cart/items', { item: 'fx_chair', variables: { colour: 'blue' } });
      let cart = (await alice.call('GET', '/api/catalog/cart')).body.data;
      expect(cart.map((l: any) => `${l.item}x${l.quantity}`)).to.deep.equal(['fx_chairx2', 'fx_not_for_agentsx1', 'fx_chairx1']);
      expect(cart[0].card).to.include({ title: 'Office chair' });
      const changed = await alice.call('PATCH', `/api/catalog/cart/items/${c.body.data.id}`, { quantity: 3 });
      expect(changed.status).to.equal(200);
      expect(changed.body.data).to.include({ quantity: 3 });
      const bad = await alice.call('PATCH', `/api/catalog/cart/items/${c.body.data.id}`, { quantity: 0 });
      expect(bad.status).to.equal(422);
      expect(fieldErrors(bad.body)).to.deep.equal(['quantity:range']);
      expect((await alice.call('DELETE', `/api/catalog/cart/items/${b.body.data.id}`)).status).to.equal(204);
      expect((await bob.call('DELETE', `/api/catalog/cart/items/${a.body.data.id}`)).status).to.equal(404);
      cart = (await alice.call('GET', '/api/catalog/cart')).body.data;
      expect(cart.map((l: any) => `${l.item}x${l.quantity}`)).to.deep.equal(['fx_chairx2', 'fx_chairx3']);

      const out = await alice.call('POST', '/api/catalog/cart/checkout', {});
      expect(out.status, JSON.stringify(out.body)).to.equal(201);
      expect(out.body.data.items).to.have.length(2);
      const ritms = await Promise.all(out.body.data.items.map((i: any) => shop.fw.records.readOne('catalog_request_item', i.id, { actor: shop.fw.systemActor })));
      expect(ritms.map((r) => `${r.request === out.body.data.request.id}:${(r.variables as any).colour}x${r.quantity}`)).to.deep.equal(['true:redx2', 'true:bluex3']);
      expect((await alice.call('GET', '/api/catalog/cart')).body.data).to.deep.equal([]);
      const empty = await alice.call('POST', '/api/catalog/cart/checkout', {});
      expect(empty.status).to.equal(422);
      expect(fieldErrors(empty.body)).to.deep.equal(['lines:required']);
    });

    it('refuses bad lines when added, and producers in the cart', async function () {
      const before = await counts(shop.fw);
      const bad = await alice.call('POST', '/api/catalog/cart/items', { item: 'fx_chair', variables: { colour: 'green' } });
      expect(bad.status).to.equal(422);
      expect(fieldErrors(bad.body)).to.deep.equal(['colour:choice']);
      const producer = await alice.call('POST', '/api/catalog/cart/items', { item: 'fx_report', variables: { title: 'x' } });
      expect(fieldErrors(producer.body)).to.deep.equal(['item:not_for_cart']);
      const hidden = await alice.call('POST', '/api/catalog/cart/items', { item: 'fx_staff_item' });
      expect(hidden.status).to.equal(404);
      expect(await counts(shop.fw)).to.deep.equal(before);
    });
  });

  describe('order guides', function () {
    it('shows the guide and chooses the items whose condition holds, cascading answers', async function () {
      const guide = await alice.call('GET', '/api/catalog/guides/fx_setup');
      expect(guide.status).to.equal(200);
      expect(guide.body.data).to.include({ type: 'guide', name: 'fx_setup' });
      expect(guide.body.data.form.fields.colour.type).to.equal('choice');
      const both = await alice.call('POST', '/api/catalog/guides/fx_setup/choose', { variables: { colour: 'blue', want_badge: true } });
      expect(both.status, JSON.stringify(both.body)).to.equal(200);
      expect(both.body.data.items.map((i: any) => i.name)).to.deep.equal(['fx_chair', 'fx_badge']);
      expect(both.body.data.items[0].variables).to.deep.equal({ colour: 'blue' });
      const none = await alice.call('POST', '/api/catalog/guides/fx_setup/choose', { variables: {} });
      expect(none.body.data.items).to.deep.equal([]);
      const bad = await alice.call('POST', '/api/catalog/guides/fx_setup/choose', { variables: { colour: 'green', size: 2 } });
      expect(bad.status).to.equal(422);
      expect(fieldErrors(bad.body)).to.deep.equal(['colour:choice', 'size:unknown_field']);
      expect((await alice.call('GET', '/api/catalog/guides/nope')).status).to.equal(404);
    });
  });
});

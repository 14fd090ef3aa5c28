/**
 * Ordering through the catalogue API: visibility and availability (404, never 403), answers checked like record
 * fields with the item's policies (unknown, wrong type, hidden, mandatory by policy, read-only, dependent choices,
 * multi-row sets), quantity, staged attachments against the item's rule, and that a refused order writes nothing.
 */
import { expect } from 'chai';
import { counts, CHAIR, fieldErrors, openShop, person, type Person, type Shop } from './support.js';

describe('catalogue ordering API', function () {
  let shop: Shop;
  let alice: Person;

  before(async function () {
    shop = await openShop();
    alice = await person(shop, [], 'ACME');
  });
  after(async function () { await shop?.close(); });

  describe('GET /api/catalog and /api/catalog/items', function () {
    it('lists the catalogues and categories the caller sees', async function () {
      const res = await alice.call('GET', '/api/catalog');
      expect(res.status).to.equal(200);
      expect(res.body.data.catalogs.map((c: any) => c.name)).to.deep.equal(['fx_shop']);
      expect(res.body.data.catalogs[0].categories.map((c: any) => c.name)).to.have.members(['fx_general', 'fx_sub']);
      const agent = await person(shop, ['agent'], 'ACME');
      const seen = (await agent.call('GET', '/api/catalog')).body.data.catalogs.map((c: any) => c.name);
      expect(seen).to.include('fx_staff');
    });

    it('lists orderable items and guides with their type; withdrawn and unavailable ones are left out', async function () {
      const res = await alice.call('GET', '/api/catalog/items');
      expect(res.status).to.equal(200);
      const names = res.body.data.map((c: any) => `${c.type}:${c.name}`);
      expect(names).to.include.members(['item:fx_chair', 'item:fx_badge', 'item:fx_report', 'item:fx_not_for_agents', 'guide:fx_setup']);
      expect(names).to.not.include('item:fx_retired');
      expect(names).to.not.include('item:fx_staff_item');
      const agent = await person(shop, ['agent'], 'ACME');
      const agentNames = (await agent.call('GET', '/api/catalog/items')).body.data.map((c: any) => c.name);
      expect(agentNames).to.include('fx_staff_item');
      expect(agentNames).to.not.include('fx_not_for_agents');
    });

    it('filters by category (with the categories under it) and searches titles, descriptions and keywords', async function () {
      const inSub = (await alice.call('GET', '/api/catalog/items?category=fx_sub')).body.data.map((c: any) => c.name);
      expect(inSub).to.deep.equal(['fx_chair']);
      const inGeneral = (await alice.call('GET', '/api/catalog/items?category=fx_general')).body.data.map((c: any) => c.name);
      expect(inGeneral).to.include.members(['fx_chair', 'fx_badge']);
      for (const q of ['SEAT', 'ergonomic', 'office CHAIR']) {
        const found = (await alice.call('GET', `/api/catalog/items?q=${encodeURIComponent(q)}`)).body.data.map((c: any) => c.name);
        expect(found, q).to.deep.equal(['fx_chair']);
      }
      const none = await alice.call('GET', '/api/catalog/items?q=submarine');
      expect(none.body.data).to.deep.equal([]);
    });
  });

  describe('GET /api/catalog/items/:name', function () {
    it('gives the form metadata, defaults resolved for the caller, rules and multi-row sets', async function () {
      const res = await alice.call('GET', '/api/catalog/items/fx_chair');
      expect(res.status).to.equal(200);
      const item = res.body.data;
      expect(item).to.include({ type: 'item', name: 'fx_chair', title: 'Office chair', creates: 'request' });
      expect(item.quantity).to.deep.equal({ asked: true, max: 5 });
      expect(item.attachments).to.include({ required: false, maxFiles: 2, maxSize: 1000 });
      expect(item.form.fields.colour).to.include({ type: 'choice', label: 'Colour', required: true });
      expect(item.form.fields.shade.dependsOn).to.equal('colour');
      expect(item.defaults).to.deep.include({ wants_delivery: false, contact_email: `${alice.username}@example.test` });
      expect(item.form.uiPolicies.length).to.be.greaterThan(0);
      expect(item.multiRow[0]).to.include({ name: 'fx_parts', maxRows: 2, minRows: 0 });
      expect(Object.keys(item.multiRow[0].form.fields)).to.deep.equal(['part', 'count']);
    });

    it('is not_found for an item the caller may not see, a withdrawn one and one not available to them', async function () {
      const agent = await person(shop, ['agent'], 'ACME');
      for (const [who, name] of [[alice, 'fx_staff_item'], [alice, 'fx_retired'], [agent, 'fx_not_for_agents'], [alice, 'nope']] as const) {
        const res = await who.call('GET', `/api/catalog/items/${name}`);
        expect(res.status, name).to.equal(404);
        expect(res.body.code).to.equal('not_found');
      }
    });
  });

  describe('POST /api/catalog/items/:name/order', function () {
    it('creates a request and a requested item with numbers, answers stored typed and as answer records', async function () {
      const res = await alice.call('POST', '/api/catalog/items/fx_chair/order', {
        variables: { ...CHAIR, legs: 4, urgent: true, reason: 'Back pain', fx_parts: [{ part: 'wheel', count: 2 }, { part: 'arm' }] },
        quantity: 2,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const { request, items } = res.body.data;
      expect(request.number).to.match(/^REQ\d+$/);
      expect(items).to.have.length(1);
      expect(items[0].number).to.match(/^RITM\d+$/);
      const ritm = await shop.fw.records.readOne('catalog_request_item', items[0].id, { actor: shop.fw.systemActor });
      expect(ritm).to.include({ request: request.id, item: 'fx_chair', item_title: 'Office chair', quantity: 2, state: 'requested', requested_by: alice.username });
      expect(ritm.short_description).to.equal('red');
      expect(ritm.variables).to.deep.include({ colour: 'red', shade: 'crimson', legs: 4, urgent: true, wants_delivery: false });
      expect((ritm.variables as any).fx_parts).to.deep.equal([{ part: 'wheel', count: 2 }, { part: 'arm', count: 1 }]);
      const answers = (await shop.fw.records.query('catalog_answer', {
        filter: { fact: 'record.requested_item', operator: 'equal', value: items[0].id }, sort: [{ field: 'position', direction: 'asc' }],
      }, { actor: shop.fw.systemActor })).records;
      const colour = answers.find((a) => a.variable === 'colour')!;
      expect(colour).to.include({ label: 'Colour', value: 'Red', type: 'choice' });
      expect(answers.find((a) => a.variable === 'legs')).to.include({ value: '4', number_value: 4 });
      expect(answers.filter((a) => a.set === 'fx_parts').map((a) => `${a.row}:${a.variable}=${a.value}`))
        .to.deep.equal(['1:part=wheel', '1:count=2', '2:part=arm', '2:count=1']);
      const req = await shop.fw.records.readOne('catalog_request', request.id, { actor: shop.fw.systemActor });
      expect(req).to.include({ state: 'submitted', requested_by: alice.username, org_id: alice.actor.orgId });
    });

    it('refuses an unknown variable, a wrong type and a choice that does not apply, all in one 422', async function () {
      const before = await counts(shop.fw);
      const res = await alice.call('POST', '/api/catalog/items/fx_chair/order', {
        variables: { colour: 'blue', shade: 'crimson', legs: 'four', flavour: 'mint' },
      });
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal('validation_failed');
      expect(fieldErrors(res.body)).to.deep.equal(['flavour:unknown_field', 'legs:type', 'shade:dependent_choice']);
      expect(await counts(shop.fw)).to.deep.equal(before);
    });

    it('discards an answer to a hidden variable and stores nothing for it', async function () {
      const res = await alice.call('POST', '/api/catalog/items/fx_chair/order', {
        variables: { ...CHAIR, wants_delivery: false, delivery_address: '1 Secret Street' },
      });
      expect(res.status).to.equal(201);
      expect(res.body.meta.discarded).to.deep.equal(['delivery_address']);
      const ritm = await shop.fw.records.readOne('catalog_request_item', res.body.data.items[0].id, { actor: shop.fw.systemActor });
      expect(ritm.variables).to.not.have.property('delivery_address');
      const stored = await shop.fw.records.query('catalog_answer', {
        filter: { all: [{ fact: 'record.requested_item', operator: 'equal', value: ritm.id }, { fact: 'record.variable', operator: 'equal', value: 'delivery_address' }] },
      }, { actor: shop.fw.systemActor });
      expect(stored.records).to.have.length(0);
      const shown = await alice.call('POST', '/api/catalog/items/fx_chair/order', {
        variables: { ...CHAIR, wants_delivery: true, delivery_address: '1 Open Road' },
      });
      expect(shown.status).to.equal(201);
      const kept = await shop.fw.records.readOne('catalog_request_item', shown.body.data.items[0].id, { actor: shop.fw.systemActor });
      expect((kept.variables as any).delivery_address).to.equal('1 Open Road');
    });

    it('enforces a variable made mandatory by a policy, and required variables', async function () {
      const before = await counts(shop.fw);
      const res = await alice.call('POST', '/api/catalog/items/fx_chair/order', { variables: { urgent: true } });
      expect(res.status).to.equal(422);
      expect(fieldErrors(res.body)).to.deep.equal(['colour:required', 'reason:required']);
      expect(await counts(shop.fw)).to.deep.equal(before);
    });

    it('refuses a change to a read-only variable, and keeps its default', async function () {
      const changed = await alice.call('POST', '/api/catalog/items/fx_chair/order', { variables: { ...CHAIR, site: 'Annex' } });
      expect(changed.status).to.equal(422);
      expect(fieldErrors(changed.body)).to.deep.equal(['site:read_only']);
      const same = await alice.call('POST', '/api/catalog/items/fx_chair/order', { variables: { ...CHAIR, site: 'HQ' } });
      expect(same.status).to.equal(201);
      const ritm = await shop.fw.records.readOne('catalog_request_item', same.body.data.items[0].id, { actor: shop.fw.systemActor });
      expect((ritm.variables as any).site).to.equal('HQ');
    });

    it('checks multi-row sets row by row, with their row limit', async function () {
      const bad = await alice.call('POST', '/api/catalog/items/fx_chair/order', {
        variables: { ...CHAIR, fx_parts: [{ count: 12 }, { part: 'x', size: 3 }] },
      });
      expect(bad.status).to.equal(422);
      expect(fieldErrors(bad.body)).to.deep.equal(['fx_parts[0].count:max', 'fx_parts[0].part:required', 'fx_parts[1].size:unknown_field']);
      const many = await alice.call('POST', '/api/catalog/items/fx_chair/order', {
        variables: { ...CHAIR, fx_parts: [{ part: 'a' }, { part: 'b' }, { part: 'c' }] },
      });
      expect(fieldErrors(many.body)).to.deep.equal(['fx_parts:max_rows']);
      const notList = await alice.call('POST', '/api/catalog/items/fx_chair/order', { variables: { ...CHAIR, fx_parts: { part: 'a' } } });
      expect(fieldErrors(notList.body)).to.deep.equal(['fx_parts:type']);
    });

    it('refuses a quantity of 0 or 10^9, or one for an item that does not ask', async function () {
      const before = await counts(shop.fw);
      for (const quantity of [0, 1e9, 2.5, '2']) {
        const res = await alice.call('POST', '/api/catalog/items/fx_chair/order', { variables: CHAIR, quantity });
        expect(res.status, String(quantity)).to.equal(422);
        expect(res.body.code).to.equal('validation_failed');
        expect(fieldErrors(res.body)[0]).to.match(/^quantity:(range|type)$/);
      }
      const once = await alice.call('POST', '/api/catalog/items/fx_not_for_agents/order', { quantity: 3 });
      expect(fieldErrors(once.body)).to.deep.equal(['quantity:range']);
      expect(await counts(shop.fw)).to.deep.equal(before);
    });

    it('is not_found for an item the caller may not see or order, and writes nothing', async function () {
      const before = await counts(shop.fw);
      const agent = await person(shop, ['agent'], 'ACME');
      for (const [who, name] of [[alice, 'fx_staff_item'], [alice, 'fx_retired'], [agent, 'fx_not_for_agents']] as const) {
        const res = await who.call('POST', `/api/catalog/items/${name}/order`, { variables: {} });
        expect(res.status, name).to.equal(404);
        expect(res.body.code).to.equal('not_found');
      }
      expect(await counts(shop.fw)).to.deep.equal(before);
    });

    it('refuses a body of the wrong shape', async function () {
      const res = await alice.call('POST', '/api/catalog/items/fx_chair/order', { variables: CHAIR, extra: 1 });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('invalid_payload');
    });
  });
});

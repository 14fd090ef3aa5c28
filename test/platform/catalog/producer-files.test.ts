/**
 * Record producers (a record created through the target table's pipeline, as the orderer) and files attached while
 * ordering (staged, checked against the item's attachment rule, moved onto the created record in the order's
 * transaction); and that an order failing half-way rolls everything back.
 */
import { expect } from 'chai';
import { counts, CHAIR, fieldErrors, openShop, person, type Person, type Shop } from './support.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001'
  + '0d0a2db40000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('catalogue record producers and attachments', function () {
  let shop: Shop;
  let reporter: Person;
  let alice: Person;

  before(async function () {
    shop = await openShop();
    reporter = await person(shop, ['fx_reporter'], 'ACME');
    alice = await person(shop, [], 'ACME');
  });
  after(async function () { await shop?.close(); });

  describe('record producers', function () {
    it('creates the target record through its pipeline: same-named variables and mapped fields', async function () {
      const res = await reporter.call('POST', '/api/catalog/items/fx_report/order', { variables: { title: 'Lift broken', story: 'Stuck on 3' } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const { record } = res.body.data;
      expect(record.table).to.equal('fx_ticket');
      expect(record.number).to.match(/^FXT\d+$/);
      const stored = await shop.fw.records.readOne('fx_ticket', record.id, { actor: shop.fw.systemActor });
      expect(stored).to.include({ title: 'Lift broken', details: 'Stuck on 3', priority: '3', source: 'catalog', created_by: reporter.user.id });
      expect(await shop.fw.db.knex('sys_audit').where({ record_id: record.id }).first()).to.not.equal(undefined);
    });

    it("applies the target form's policies, naming the question that answers the field", async function () {
      const before = await counts(shop.fw);
      const res = await reporter.call('POST', '/api/catalog/items/fx_report/order', { variables: { title: 'Fire', priority: '1' } });
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal('validation_failed');
      expect(fieldErrors(res.body)).to.deep.equal(['story:required']);
      expect(await counts(shop.fw)).to.deep.equal(before);
    });

    it("applies the target table's access: someone who may not create its records is refused", async function () {
      const res = await alice.call('POST', '/api/catalog/items/fx_report/order', { variables: { title: 'Lift broken' } });
      expect(res.status).to.equal(403);
      expect(res.body.code).to.equal('forbidden');
    });
  });

  describe('attachments', function () {
    it('stages a file and moves it onto the requested item when ordered', async function () {
      const staged = await alice.upload('fx_chair', 'receipt.pdf', 'application/pdf', PDF);
      expect(staged.status, JSON.stringify(staged.body)).to.equal(201);
      const listed = await alice.call('GET', '/api/catalog/items/fx_chair/attachments');
      expect(listed.body.data.map((f: any) => f.id)).to.deep.equal([staged.body.data.id]);
      const res = await alice.call('POST', '/api/catalog/items/fx_chair/order', { variables: CHAIR, attachments: [staged.body.data.id] });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const id = res.body.data.items[0].id;
      const ritm = await shop.fw.records.readOne('catalog_request_item', id, { actor: shop.fw.systemActor });
      expect((ritm.attachments as any[]).map((a) => a.name)).to.deep.equal(['receipt.pdf']);
      const row = await shop.fw.db.knex('sys_attachment').where({ id: staged.body.data.id }).first();
      expect(row).to.include({ record_id: id, field: 'attachments' });
      expect((await alice.call('GET', '/api/catalog/items/fx_chair/attachments')).body.data).to.deep.equal([]);
    });

    it('moves staged files onto a producer record too', async function () {
      const staged = await reporter.upload('fx_report', 'log.txt', 'text/plain', 'it broke\n');
      expect(staged.status, JSON.stringify(staged.body)).to.equal(201);
      const res = await reporter.call('POST', '/api/catalog/items/fx_report/order', { variables: { title: 'Logs' }, attachments: [staged.body.data.id] });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const stored = await shop.fw.records.readOne('fx_ticket', res.body.data.record.id, { actor: shop.fw.systemActor });
      expect((stored.files as any[]).map((a) => a.name)).to.deep.equal(['log.txt']);
    });

    it('refuses a file of a type the item does not accept, and one too large', async function () {
      const before = await counts(shop.fw);
      const wrong = await alice.upload('fx_chair', 'notes.txt', 'text/plain', 'hello');
      expect(wrong.status).to.equal(415);
      expect(wrong.body.code).to.equal('unsupported_media_type');
      expect(fieldErrors(wrong.body)).to.deep.equal(['attachments:type_not_allowed']);
      const big = await alice.upload('fx_chair', 'big.pdf', 'application/pdf', Buffer.concat([PDF, Buffer.alloc(2000, 32)]));
      expect(big.status).to.equal(413);
      expect(big.body.code).to.equal('payload_too_large');
      expect(await counts(shop.fw)).to.deep.equal(before);
    });

    it('refuses too many files, and files for an item that takes none', async function () {
      const ids = [];
      for (const n of [1, 2]) ids.push((await alice.upload('fx_chair', `p${n}.pdf`, 'application/pdf', PDF)).body.data.id);
      const third = await alice.upload('fx_chair', 'p3.pdf', 'application/pdf', PDF);
      expect(third.status).to.equal(422);
      expect(fieldErrors(third.body)).to.deep.equal(['attachments:too_many']);
      for (const id of ids) expect((await alice.call('DELETE', `/api/catalog/items/fx_chair/attachments/${id}`)).status).to.equal(204);
      const none = await alice.upload('fx_not_for_agents', 'p.pdf', 'application/pdf', PDF);
      expect(none.status).to.equal(422);
      expect(fieldErrors(none.body)).to.deep.equal(['attachments:too_many']);
    });

    it('requires a file when the rule says so, and refuses ids that are not staged for the item', async function () {
      const before = await counts(shop.fw);
      const missing = await alice.call('POST', '/api/catalog/items/fx_badge/order', { variables: { building: 'HQ' } });
      expect(missing.status).to.equal(422);
      expect(fieldErrors(missing.body)).to.deep.equal(['attachments:required']);
      const foreign = await alice.call('POST', '/api/catalog/items/fx_badge/order', {
        variables: { building: 'HQ' }, attachments: ['018f0000-0000-7000-8000-0000000000aa'],
      });
      expect(fieldErrors(foreign.body)).to.deep.equal(['attachments:unknown_attachment']);
      expect(await counts(shop.fw)).to.deep.equal(before);
      const photo = await alice.upload('fx_badge', 'me.png', 'image/png', PNG);
      expect(photo.status, JSON.stringify(photo.body)).to.equal(201);
      const ok = await alice.call('POST', '/api/catalog/items/fx_badge/order', { variables: { building: 'HQ' }, attachments: [photo.body.data.id] });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    });

    it('carries staged files through the cart, each onto one requested item', async function () {
      const dana = await person(shop, [], 'ACME');
      const file = (await dana.upload('fx_chair', 'plan.pdf', 'application/pdf', PDF)).body.data.id;
      for (let n = 0; n < 2; n += 1) {
        expect((await dana.call('POST', '/api/catalog/cart/items', { item: 'fx_chair', variables: CHAIR, attachments: [file] })).status).to.equal(201);
      }
      const twice = await dana.call('POST', '/api/catalog/cart/checkout', {});
      expect(twice.status).to.equal(422);
      expect(fieldErrors(twice.body)).to.deep.equal(['lines[1].attachments:duplicate']);
      const second = (await dana.call('GET', '/api/catalog/cart')).body.data[1].id;
      expect((await dana.call('PATCH', `/api/catalog/cart/items/${second}`, { attachments: [] })).status).to.equal(200);
      const done = await dana.call('POST', '/api/catalog/cart/checkout', {});
      expect(done.status, JSON.stringify(done.body)).to.equal(201);
      const first = await shop.fw.records.readOne('catalog_request_item', done.body.data.items[0].id, { actor: shop.fw.systemActor });
      expect((first.attachments as any[]).map((a) => a.id)).to.deep.equal([file]);
    });

    it("does not let one person order with another's staged file", async function () {
      const staged = await alice.upload('fx_badge', 'me.png', 'image/png', PNG);
      const bob = await person(shop, [], 'ACME');
      const res = await bob.call('POST', '/api/catalog/items/fx_badge/order', { variables: { building: 'HQ' }, attachments: [staged.body.data.id] });
      expect(res.status).to.equal(422);
      expect(fieldErrors(res.body)).to.include('attachments:unknown_attachment');
    });

    it('lets a staged file wait a day: an older one is not orderable, and goes when the person next uploads', async function () {
      const erin = await person(shop, [], 'ACME');
      const old = (await erin.upload('fx_badge', 'old.png', 'image/png', PNG)).body.data.id as string;
      const dayAndMore = new Date(Date.now() - 25 * 60 * 60 * 1000).toISOString();
      await shop.fw.db.knex('sys_attachment').where({ id: old }).update({ created_at: dayAndMore });
      const res = await erin.call('POST', '/api/catalog/items/fx_badge/order', { variables: { building: 'HQ' }, attachments: [old] });
      expect(res.status).to.equal(422);
      expect(fieldErrors(res.body)).to.include('attachments:unknown_attachment');
      expect((await erin.upload('fx_badge', 'new.png', 'image/png', PNG)).status).to.equal(201);
      expect((await shop.fw.db.knex('sys_attachment').where({ id: old }).first()).deleted_at).to.be.a('string');
    });
  });

  describe('atomicity', function () {
    it('rolls back the request when a later write of the order fails', async function () {
      const before = await counts(shop.fw);
      const res = await alice.call('POST', '/api/catalog/items/fx_misrouted/order', { variables: {} });
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal('validation_failed');
      expect(await counts(shop.fw)).to.deep.equal(before);
    });
  });
});

/**
 * A catalogue item made in the studio, with no file: drafted in a change set (its first save's errors name what is
 * missing, as the editor shows them), published, then listed and ordered by an end user like any item from files;
 * withdrawn again in a second change set, after which it is no longer offered and the request made stays.
 */
import { expect } from 'chai';
import { openShop, person, type Shop } from '../catalog/support.js';

const ITEM = {
  kind: 'catalogItem', name: 'fx_studio_desk', title: 'Standing desk', shortDescription: 'A desk you can stand at.',
  categories: ['fx_general'],
  variables: {
    height: { type: 'choice', label: 'Height', required: true, choices: [{ value: 'low', label: 'Low' }, { value: 'high', label: 'High' }] },
  },
  creates: { request: {} },
};

describe('Catalogue items from the studio', function () {
  this.timeout(120000);
  let shop: Shop;

  before(async () => { shop = await openShop(); });
  after(async () => { await shop.close(); });

  it('publishes a new item without a file; end users see and order it; withdrawing it takes it off the shelf', async () => {
    const configurator = await person(shop, ['configurator']);
    const orderer = await person(shop, []);
    const cs = (await configurator.call('POST', '/api/studio/changesets', { name: 'Desks' })).body.data;
    const path = `/api/studio/changesets/${cs.id}/definitions/catalogItem/fx_studio_desk`;

    // The editor's template leaves the category to the configurator: the save says so at its pointer.
    const first = await configurator.call('PUT', path, { ...ITEM, categories: [] });
    expect(first.status).to.equal(200);
    expect(first.body.data.errors.map((e: { pointer: string }) => e.pointer)).to.include('/categories');
    const unseen = await orderer.call('GET', '/api/catalog/items/fx_studio_desk');
    expect([unseen.status, unseen.body.code]).to.deep.equal([404, 'not_found']);

    const headers = { 'if-match': `"${first.body.data.revision}"` };
    const saved = await fetch(shop.server.url + path, {
      method: 'PUT', body: JSON.stringify(ITEM),
      headers: { ...headers, 'content-type': 'application/json', authorization: `Bearer ${configurator.token}` },
    });
    expect(saved.status).to.equal(200);
    expect((await saved.json()).data.errors).to.deep.equal([]);
    const published = await configurator.call('POST', `/api/studio/changesets/${cs.id}/publish`, { comment: 'Desks on offer' });
    expect(published.status, JSON.stringify(published.body)).to.equal(200);

    const listed = await orderer.call('GET', '/api/catalog/items?q=standing');
    expect(listed.status).to.equal(200);
    expect(listed.body.data.map((i: { name: string }) => i.name)).to.include('fx_studio_desk');
    const refused = await orderer.call('POST', '/api/catalog/items/fx_studio_desk/order', { variables: {} });
    expect(refused.status).to.equal(422);
    const ordered = await orderer.call('POST', '/api/catalog/items/fx_studio_desk/order', { variables: { height: 'high' } });
    expect(ordered.status, JSON.stringify(ordered.body)).to.equal(201);

    const withdraw = (await configurator.call('POST', '/api/studio/changesets', { name: 'No more desks' })).body.data;
    const wpath = `/api/studio/changesets/${withdraw.id}/definitions/catalogItem/fx_studio_desk`;
    expect((await configurator.call('PUT', wpath, { ...ITEM, active: false })).status).to.equal(200);
    expect((await configurator.call('POST', `/api/studio/changesets/${withdraw.id}/publish`, {})).status).to.equal(200);
    expect((await orderer.call('GET', '/api/catalog/items/fx_studio_desk')).status).to.equal(404);
    const requests = await shop.fw.db.knex('catalog_request_item').count({ n: '*' }).first();
    expect(Number(requests!.n)).to.be.greaterThan(0);
  });
});

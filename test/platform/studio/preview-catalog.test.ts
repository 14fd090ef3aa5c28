/**
 * A catalogue item previewed from a change set (platform/studio/preview.ts): the item page as the portal gives it,
 * from the draft, with whether someone holding the chosen roles could order it; the published catalogue untouched.
 */
import { expect } from 'chai';
import { expectProblem } from '../access/api/support.js';
import { openShop, person, type Shop } from '../catalog/support.js';

const ITEM = {
  kind: 'catalogItem', name: 'fx_preview_desk', title: 'Standing desk', categories: ['fx_general'],
  notAvailableFor: { fact: 'user.roles', operator: 'contains', value: 'agent' },
  variables: {
    height: { type: 'choice', label: 'Height', required: true, choices: [{ value: 'low', label: 'Low' }, { value: 'high', label: 'High' }] },
  },
  creates: { request: {} },
};

describe('Studio previews of catalogue items', function () {
  this.timeout(120000);
  let shop: Shop;

  before(async () => { shop = await openShop(); });
  after(async () => { await shop.close(); });

  it('gives the draft item page as each role would get it, with whether they could order it', async () => {
    const configurator = await person(shop, ['configurator']);
    const cs = (await configurator.call('POST', '/api/studio/changesets', { name: 'Desks' })).body.data;
    const saved = await configurator.call('PUT', `/api/studio/changesets/${cs.id}/definitions/catalogItem/fx_preview_desk`, ITEM);
    expect(saved.body.data.errors).to.deep.equal([]);
    const base = `/api/studio/changesets/${cs.id}/preview/catalog-items/fx_preview_desk`;

    const mine = await configurator.call('GET', base);
    expect(mine.status, JSON.stringify(mine.body)).to.equal(200);
    expect(mine.body.data).to.include({ name: 'fx_preview_desk', title: 'Standing desk', orderable: true });
    expect(mine.body.data.form.fields.height).to.include({ label: 'Height', required: true });
    expect(mine.body.person.roles).to.deep.equal(['configurator']);

    const agent = await configurator.call('GET', `${base}?role=agent`);
    expect(agent.body.data.orderable).to.equal(false);
    expect(agent.body.person.roles).to.deep.equal(['agent']);

    expectProblem(await fetchReply(shop, configurator.token, `/api/studio/changesets/${cs.id}/preview/catalog-items/fx_none`), 404, 'not_found');
    expect((await configurator.call('GET', '/api/catalog/items/fx_preview_desk')).status).to.equal(404);
  });
});

async function fetchReply(shop: Shop, token: string, path: string) {
  const res = await fetch(shop.server.url + path, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : null };
}

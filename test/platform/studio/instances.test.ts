/**
 * Every instance on one database switches to a published version (platform/studio/poller.ts), and an instance that
 * starts puts the published layer in force over its files.
 */
import { expect } from 'chai';
import { createTestEngine } from '../../support/engine.js';
import { waitFor } from '../../support/wait.js';
import { gadgetForm, gadgetTable, publishDefinitions, ROOTS, secondConnection, studioFixture, type StudioFixture } from './support.js';

describe('Studio versions across instances', function () {
  this.timeout(120000);
  let a: StudioFixture;
  let b: StudioFixture | undefined;

  beforeEach(async () => { a = await studioFixture(); });
  afterEach(async () => {
    await b?.close();
    b = undefined;
    await a.close();
  });

  it('serves a version published on one instance from the other after its poll', async () => {
    b = await studioFixture({ db: secondConnection(a.fw), studioPollMs: 50 });
    expectTableMissing(await b.admin.get('/api/tables/gadget'));
    await publishDefinitions(a.studio, 'Gadgets', [gadgetTable, gadgetForm]);
    const created = await a.admin.ok('POST', '/api/tables/gadget', { title: 'Sprocket' }, 201);
    const seen = await waitFor(async () => {
      const r = await b!.admin.get(`/api/tables/gadget/${created.data.id}`);
      return r.status === 200 ? r.body.data : null;
    }, { timeout: 5000, message: 'the second instance never served the published table' });
    expect(seen.title).to.equal('Sprocket');
    expect(b.fw.registry.current.version).to.equal(a.fw.registry.current.version);
    const versions = (await b.studio.ok('GET', '/api/studio/versions', undefined, 200)).data;
    expect(versions[0]).to.include({ number: 1, current: true });
  });

  it('loads the published layer when an instance starts', async () => {
    await publishDefinitions(a.studio, 'Gadgets', [gadgetTable, gadgetForm]);
    const started = await createTestEngine({ roots: ROOTS, db: secondConnection(a.fw) });
    try {
      expect(started.registry.current.tables.has('gadget')).to.equal(true);
      expect(started.registry.current.version).to.equal(a.fw.registry.current.version);
    } finally {
      await started.close();
    }
  });
});

function expectTableMissing(r: { status: number; body: { code?: string } }) {
  expect(r.status).to.equal(404);
  expect(r.body.code).to.equal('table_not_found');
}

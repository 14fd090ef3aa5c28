/**
 * Switching cleanly (platform/studio/poller.ts, the engine's reloadDefinitions): a candidate is built while the
 * registry in force serves, and a switch that finds another swapped meanwhile builds again instead of undoing it.
 * The poller's switches are listed with the engine's other pollers.
 */
import { expect } from 'chai';
import type { BuildResult, RegistryHolder } from '../../../platform/definitions/registry.js';
import type { DefinitionLayer } from '../../../platform/definitions/overlay.js';
import { gadgetForm, gadgetTable, gadgetTableWithDetail, publishDefinitions, secondConnection, studioFixture, type StudioFixture } from './support.js';

const holderOf = (f: StudioFixture) => f.fw.registry as unknown as RegistryHolder;
const admin = { kind: 'user' as const, id: null, username: 'admin', roles: ['admin'], orgs: [] };

/** Hold the holder's next build until `release()`; `started` resolves when that build has begun. */
function holdNextBuild(holder: RegistryHolder) {
  const original = holder.prepare.bind(holder);
  let release!: () => void;
  let begun!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const started = new Promise<void>((resolve) => { begun = resolve; });
  let held = false;
  holder.prepare = async (roots: string[], layer?: DefinitionLayer | null): Promise<BuildResult> => {
    const built = await original(roots, layer);
    if (!held) {
      held = true;
      begun();
      await gate;
    }
    return built;
  };
  return { started, release, restore: () => { holder.prepare = original; } };
}

describe('Studio: switching to new definitions cleanly', function () {
  this.timeout(120000);
  let a: StudioFixture;
  let b: StudioFixture;

  beforeEach(async () => {
    a = await studioFixture();
    b = await studioFixture({ db: secondConnection(a.fw), studioPollMs: 0 });
  });
  afterEach(async () => {
    await b?.close();
    await a?.close();
  });

  it('does not undo a version published here while a poll was building an older one', async () => {
    await publishDefinitions(a.studio, 'Gadgets', [gadgetTable, gadgetForm]);
    const hold = holdNextBuild(holderOf(b));
    try {
      const polling = b.fw.studioRuntime.poller.poll();
      await hold.started;
      // Version 2, published on this instance while its poll holds version 1 built and unswapped.
      await publishDefinitions(b.studio, 'Detail', [gadgetTableWithDetail]);
      hold.release();
      expect(await polling, 'the poll swapped nothing').to.equal(false);
    } finally {
      hold.restore();
    }
    expect(holderOf(b).layer?.version).to.equal(2);
    expect(b.fw.registry.current.getTable('gadget').fields.has('detail')).to.equal(true);
  });

  it('builds a file reload again on the version a poll switched to while it built', async () => {
    await publishDefinitions(a.studio, 'Gadgets', [gadgetTable, gadgetForm]);
    const hold = holdNextBuild(holderOf(b));
    let reloaded;
    try {
      const reloading = b.fw.reloadDefinitions();
      await hold.started;
      expect(await b.fw.studioRuntime.poller.poll(), 'the poll switched to version 1').to.equal(true);
      hold.release();
      reloaded = await reloading;
    } finally {
      hold.restore();
    }
    expect(reloaded.ok).to.equal(true);
    expect(holderOf(b).layer?.version).to.equal(1);
    expect(b.fw.registry.current.tables.has('gadget'), 'the reload kept the published table').to.equal(true);
    expect(b.fw.registry.current.version).to.equal(a.fw.registry.current.version);
  });

  it('lists the switch to published definitions with the engine\'s pollers, recording a poll that switched', async () => {
    const listed = (await b.fw.jobs.list(admin)).find((j) => j.name === 'system_studio_versions');
    expect(listed).to.include({ type: 'system', label: 'Published definitions' });
    expect(await b.fw.studioRuntime.poller.poll(), 'nothing published yet').to.equal(false);
    expect(await b.fw.jobs.runs(admin, 'system_studio_versions', { limit: 10 }), 'an idle poll is not recorded').to.deep.equal([]);
    await publishDefinitions(a.studio, 'Gadgets', [gadgetTable, gadgetForm]);
    expect(await b.fw.studioRuntime.poller.poll()).to.equal(true);
    const runs = await b.fw.jobs.runs(admin, 'system_studio_versions', { limit: 10 });
    expect(runs.map((r) => [r.status, r.counts])).to.deep.equal([['succeeded', { examined: 1, changed: 1, failed: 0 }]]);
    expect((await b.fw.jobs.get(admin, 'system_studio_versions')).lastPolledAt).to.be.a('string');
  });
});

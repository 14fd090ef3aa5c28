/**
 * Two server processes on one database (PostgreSQL, or one SQLite file): a version published on one is served by
 * the other within 5 s, and while both are hammered with reads during the switch every response is wholly the old
 * or wholly the new registry (a field and the UI policy that uses it appear together), never a 500, and an instance
 * never goes back to the old one after serving the new.
 */
import { expect } from 'chai';
import { delimiter } from 'node:path';
import { createTestDatabase, DB_KIND, PG_URL, type TestDatabase } from '../../support/db.js';
import { waitFor } from '../../support/wait.js';
import { TokenClient } from '../access/api/support.js';
import { startInstance, type InstanceProcess } from './processes.js';
import { gadgetForm, gadgetFormWithPolicy, gadgetMenu, gadgetTable, gadgetTableWithDetail, publishDefinitions, ROOTS } from './support.js';

/** Version 2's menu: renamed, so the menus say which version served them. */
const renamedMenu = { ...gadgetMenu, label: 'Gadget catalogue' };

type Seen = 'old' | 'new' | 'mixed';

interface Sample {
  instance: 'a' | 'b';
  what: string;
  status: number;
  seen: Seen | null;
  started: number;
  ended: number;
}

/** Which version a response shows; 'mixed' when it holds part of each. */
function classify(what: string, body: { data?: unknown }): Seen {
  if (what === 'form') {
    const form = body.data as { fields: Record<string, unknown>; uiPolicies?: { name: string }[] };
    const field = 'detail' in form.fields;
    const policy = (form.uiPolicies ?? []).some((p) => p.name === 'complex_needs_detail');
    return field && policy ? 'new' : !field && !policy ? 'old' : 'mixed';
  }
  if (what === 'table') {
    const meta = body.data as { fields: unknown };
    const names = Array.isArray(meta.fields) ? meta.fields.map((f: { name: string }) => f.name) : Object.keys(meta.fields as object);
    return names.includes('detail') ? 'new' : 'old';
  }
  const labels = (body.data as { label: string }[]).map((m) => m.label);
  const old = labels.includes(gadgetMenu.label);
  const renamed = labels.includes(renamedMenu.label);
  return renamed && !old ? 'new' : old && !renamed ? 'old' : 'mixed';
}

const PATHS: [string, string][] = [['form', '/api/meta/forms/gadget'], ['table', '/api/meta/tables/gadget'], ['menus', '/api/meta/menus'], ['list', '/api/tables/gadget?limit=20']];

describe(`Studio: two server processes on one ${DB_KIND === 'postgres' ? 'PostgreSQL database' : 'SQLite file'}`, function () {
  this.timeout(150_000);
  let db: TestDatabase;
  const instances: InstanceProcess[] = [];

  before(async () => { db = await createTestDatabase(); });
  after(async () => {
    await Promise.all(instances.splice(0).map((i) => i.stop()));
    await db?.dispose();
  });

  it('serves a publish from the other process within 5 s, every response during the switch wholly old or wholly new', async () => {
    const env = {
      DATABASE_URL: DB_KIND === 'postgres' ? PG_URL : db.url,
      SEARCH_PATH: DB_KIND === 'postgres' ? String((db.knex.client.config as { searchPath?: string }).searchPath ?? '') : '',
      DEFINITIONS: ROOTS.join(delimiter), STUDIO_POLL_MS: '200',
    };
    // Started together: they take turns at the start-up lock, as servers started together do.
    instances.push(startInstance({ ...env, USERS: '1' }), startInstance(env));
    const [a, b] = await Promise.all(instances.map((i) => i.ready));
    const studio = new TokenClient(a.url, a.studio!);
    const clients = { a: new TokenClient(a.url, a.admin!), b: new TokenClient(b.url, a.admin!) };

    await publishDefinitions(studio, 'Gadgets', [gadgetTable, gadgetForm, gadgetMenu]);
    await waitFor(async () => (await clients.b.get('/api/meta/forms/gadget')).status === 200,
      { timeout: 5000, message: 'the second process never served version 1' });
    for (const title of ['Sprocket', 'Cog', 'Flange']) await clients.a.ok('POST', '/api/tables/gadget', { title, kind: 'complex' }, 201);

    const samples: Sample[] = [];
    let stop = false;
    const worker = async (instance: 'a' | 'b', offset: number) => {
      for (let i = offset; !stop; i++) {
        const [what, path] = PATHS[i % PATHS.length]!;
        const started = performance.now();
        const r = await clients[instance].get(path);
        const seen = r.status === 200 && what !== 'list' ? classify(what, r.body) : null;
        samples.push({ instance, what, status: r.status, seen, started, ended: performance.now() });
      }
    };
    const workers = (['a', 'b'] as const).flatMap((instance) => [0, 1].map((k) => worker(instance, k)));
    try {
      await waitFor(() => samples.filter((s) => s.instance === 'b').length >= 20, { message: 'the hammer never got going' });
      const publishing = performance.now();
      await publishDefinitions(studio, 'Detail', [gadgetTableWithDetail, gadgetFormWithPolicy, renamedMenu]);
      const published = performance.now();
      const firstNew = await waitFor(() => samples.find((s) => s.instance === 'b' && s.seen === 'new' && s.started >= published),
        { timeout: 5000, message: 'the second process never served version 2' });
      // Keep hammering a little after both serve the new version: a flip back would show here.
      const settled = firstNew.ended;
      await waitFor(() => samples.filter((s) => s.started > settled + 300).length >= 30, { message: 'too few requests after the switch' });
      expect(firstNew.ended - published, 'served by the other process within 5 s').to.be.below(5000);
      expect(publishing).to.be.below(published);
    } finally {
      stop = true;
      await Promise.all(workers);
    }

    expect(samples.filter((s) => s.status !== 200).map((s) => `${s.instance} ${s.what} ${s.status}`), 'every read answered').to.deep.equal([]);
    expect(samples.filter((s) => s.seen === 'mixed').map((s) => `${s.instance} ${s.what}`), 'no response half old, half new').to.deep.equal([]);
    for (const instance of ['a', 'b'] as const) {
      const mine = samples.filter((s) => s.instance === instance && s.seen);
      const switched = Math.min(...mine.filter((s) => s.seen === 'new').map((s) => s.ended));
      expect(mine.some((s) => s.seen === 'old'), `${instance} served the old version first`).to.equal(true);
      expect(mine.filter((s) => s.seen === 'old' && s.started > switched).length, `${instance} never went back to the old version`).to.equal(0);
    }
    const list = await clients.b.ok('GET', '/api/tables/gadget', undefined, 200);
    expect(list.data).to.have.length(3);
  });
});

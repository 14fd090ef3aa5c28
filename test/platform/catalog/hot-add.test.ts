/**
 * Items are definitions: a file added to a definitions folder of a running server becomes orderable without a
 * restart, and a withdrawn item (marked inactive, or its file removed) keeps its open requests workable.
 *
 * The first test runs the real `formwork start` (on a throwaway SQLite file, whatever DB the suite runs on: it tests
 * the file watcher, not the database) over a temporary copy of the fixture shop, adds an item file, waits for the API
 * to answer for it, orders it, withdraws it and fulfils the request made before.
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../../platform/config.js';
import { createEngine } from '../../../platform/engine.js';
import { createLogger } from '../../../platform/log.js';
import { createToken, createUser } from '../../support/auth.js';
import { packRoot, REPO } from '../../support/engine.js';
import { waitFor } from '../../support/wait.js';
import { CHAIR, fieldErrors, openShop, person, SHOP } from './support.js';
import { spawnFormwork } from '../../support/cli.js';

const HOT_ITEM = {
  kind: 'catalogItem', name: 'fx_hot', title: 'Hot new gadget', categories: ['fx_general'],
  variables: { size: { type: 'choice', label: 'Size', required: true, choices: [{ value: 's', label: 'Small' }, { value: 'l', label: 'Large' }] } },
  creates: { request: {} },
};

/** `formwork start` in its own process group; resolves its URL once it listens. */
function start(env: NodeJS.ProcessEnv): { url: Promise<string>; stop(): Promise<void> } {
  const child: ChildProcess = spawnFormwork(['start'], {
    cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    const seen = (d: Buffer) => {
      out += d;
      const m = /running at (http:\/\/\S+?)\/?\s/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', (d) => { out += d; });
    void exited.then(() => reject(new Error(`formwork start exited before listening: ${out}`)));
  });
  url.catch(() => undefined);
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

describe('catalogue items hot-added and withdrawn', function () {
  it('serves an item file added to a running server within seconds, orders it, and keeps its request workable once withdrawn', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'formwork-hot-'));
    const shopDir = join(dir, 'shop');
    cpSync(SHOP, shopDir, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env, DATABASE_URL: join(dir, 'hot.sqlite'), FORMWORK_DATA_DIR: join(dir, 'data'), PORT: '0', HOST: '127.0.0.1',
      FORMWORK_DEFINITIONS: `${packRoot('core')},${shopDir}`, FORMWORK_DEMO_DATA: 'false', PASSWORD_SCRYPT_LOG2N: '10', LOG_LEVEL: 'warn',
    };
    delete env.FORMWORK_WATCH;
    // The people and their tokens, made before the server starts (on the same database).
    const setup = await createEngine(readConfig(env, REPO), { log: createLogger('silent'), background: false });
    let tokens: { orderer: string; agent: string };
    try {
      const orderer = await createUser(setup, { org: 'ACME' });
      const agent = await createUser(setup, { org: 'SERVICE', roles: ['agent'] });
      tokens = { orderer: await createToken(setup, orderer.username), agent: await createToken(setup, agent.username) };
    } finally {
      await setup.close();
    }
    const server = start(env);
    try {
      const base = await server.url;
      const call = async (token: string, method: string, path: string, body?: unknown) => {
        const res = await fetch(base + path, {
          method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() as any };
      };
      expect((await call(tokens.orderer, 'GET', '/api/catalog/items/fx_hot')).status).to.equal(404);

      writeFileSync(join(shopDir, 'items', 'fx_hot.json'), JSON.stringify(HOT_ITEM, null, 2));
      const page = await waitFor(async () => {
        const res = await call(tokens.orderer, 'GET', '/api/catalog/items/fx_hot');
        return res.status === 200 ? res.body.data : null;
      }, { timeout: 20_000, interval: 100, message: 'the new item never became available' });
      expect(page.title).to.equal('Hot new gadget');
      const bad = await call(tokens.orderer, 'POST', '/api/catalog/items/fx_hot/order', { variables: { size: 'xl' } });
      expect(bad.status).to.equal(422);
      expect(fieldErrors(bad.body)).to.deep.equal(['size:choice']);
      const ordered = await call(tokens.orderer, 'POST', '/api/catalog/items/fx_hot/order', { variables: { size: 'l' } });
      expect(ordered.status, JSON.stringify(ordered.body)).to.equal(201);
      const { request, items } = ordered.body.data;

      writeFileSync(join(shopDir, 'items', 'fx_hot.json'), JSON.stringify({ ...HOT_ITEM, active: false }, null, 2));
      await waitFor(async () => (await call(tokens.orderer, 'GET', '/api/catalog/items/fx_hot')).status === 404,
        { timeout: 20_000, interval: 100, message: 'the withdrawn item was still offered' });
      const done = await call(tokens.agent, 'POST', `/api/tables/catalog_request_item/${items[0].id}/transitions/fulfil`, {});
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
      const detail = await call(tokens.orderer, 'GET', `/api/catalog/requests/${request.id}`);
      expect(detail.body.data).to.include({ state: 'closed_complete' });
      expect(detail.body.data.items[0]).to.include({ title: 'Hot new gadget', state: 'fulfilled' });
      expect(detail.body.data.items[0].answers[0]).to.include({ label: 'Size', value: 'Large' });
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps requests for an item whose file was removed workable, and refuses it at checkout', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'formwork-withdrawn-'));
    cpSync(SHOP, join(dir, 'shop'), { recursive: true });
    const shop = await openShop([packRoot('core'), join(dir, 'shop')]);
    try {
      const alice = await person(shop, [], 'ACME');
      const agent = await person(shop, ['agent'], 'SERVICE');
      const ordered = await alice.call('POST', '/api/catalog/items/fx_not_for_agents/order', {});
      expect(ordered.status).to.equal(201);
      expect((await alice.call('POST', '/api/catalog/cart/items', { item: 'fx_not_for_agents' })).status).to.equal(201);
      expect((await alice.call('POST', '/api/catalog/cart/items', { item: 'fx_chair', variables: CHAIR })).status).to.equal(201);

      unlinkSync(join(dir, 'shop', 'items', 'fx_not_for_agents.json'));
      expect((await shop.fw.reloadDefinitions()).ok).to.equal(true);
      expect((await alice.call('GET', '/api/catalog/items/fx_not_for_agents')).status).to.equal(404);
      const cart = (await alice.call('GET', '/api/catalog/cart')).body.data;
      expect(cart.map((l: any) => l.card?.title ?? null)).to.deep.equal([null, 'Office chair']);
      const checkout = await alice.call('POST', '/api/catalog/cart/checkout', {});
      expect(checkout.status).to.equal(422);
      expect(fieldErrors(checkout.body)).to.deep.equal(['lines[0].item:not_available']);

      const id = ordered.body.data.items[0].id;
      const started = await agent.call('POST', `/api/tables/catalog_request_item/${id}/transitions/start`, {});
      expect(started.status, JSON.stringify(started.body)).to.equal(200);
      const noted = await agent.call('PATCH', `/api/tables/catalog_request_item/${id}`, { work_notes: 'Found one in the store room' });
      expect(noted.status, JSON.stringify(noted.body)).to.equal(200);
      expect((await agent.call('POST', `/api/tables/catalog_request_item/${id}/transitions/fulfil`, {})).status).to.equal(200);
      const detail = (await alice.call('GET', `/api/catalog/requests/${ordered.body.data.request.id}`)).body.data;
      expect(detail).to.include({ state: 'closed_complete' });
      expect(detail.items[0]).to.include({ title: 'Customer gift', state: 'fulfilled' });
    } finally {
      await shop.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

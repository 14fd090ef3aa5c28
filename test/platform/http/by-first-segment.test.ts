import { expect } from 'chai';
import express, { Router } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from '../../../platform/http/app.js';
import { byFirstSegment, firstSegments } from '../../../platform/http/middleware/by-first-segment.js';
import { createTestEngine, REPO, type TestEngine } from '../../support/engine.js';

/** An app with `router` mounted through the gate under /api, a fallback answering what no route took. */
async function serve(router: Router): Promise<{ base: string; close(): Promise<void> }> {
  const app = express();
  app.use('/api', byFirstSegment(router));
  app.use((req, res) => { res.status(404).json({ fellThrough: req.path }); });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('byFirstSegment(): routers entered only under their own first path segments', () => {
  it('derives the segments from the routes and path-scoped middleware of a router', () => {
    const r = Router();
    r.use('/auth/reset', (_req, _res, next) => next());
    r.route('/auth/sign-in').post((_req, res) => { res.end(); });
    r.get(['/health', '/meta/tables/:table'], (_req, res) => { res.end(); });
    expect([...firstSegments(r)!].sort()).to.deep.equal(['auth', 'health', 'meta']);
  });

  it('leaves a router that could match any path as it is', () => {
    const pathless = Router();
    pathless.use((_req, _res, next) => next());
    pathless.get('/things', (_req, res) => { res.end(); });
    expect(firstSegments(pathless)).to.equal(null);
    expect(byFirstSegment(pathless)).to.equal(pathless);
    const param = Router();
    param.get('/:anything/x', (_req, res) => { res.end(); });
    expect(firstSegments(param)).to.equal(null);
    const pattern = Router();
    pattern.get('/files{/:name}', (_req, res) => { res.end(); });
    expect(firstSegments(pattern)).to.equal(null);
  });

  it('serves the router\'s routes and passes every other path on without entering it', async () => {
    const seen: string[] = [];
    const r = Router();
    r.use('/things', (req, _res, next) => { seen.push(req.originalUrl); next(); });
    r.get('/things/:id', (req, res) => { res.json({ id: req.params.id, baseUrl: req.baseUrl }); });
    const app = await serve(r);
    try {
      const hit = await fetch(`${app.base}/api/things/7`);
      expect(hit.status).to.equal(200);
      expect(await hit.json()).to.deep.equal({ id: '7', baseUrl: '/api' });
      // A path with the same start but another segment, and one outside: neither enters the router.
      for (const path of ['/api/thingsx/7', '/api/other/things/7', '/api/']) {
        const miss = await fetch(`${app.base}${path}`);
        expect(miss.status, path).to.equal(404);
      }
      expect(seen).to.deep.equal(['/api/things/7']);
    } finally {
      await app.close();
    }
  });

  describe('in the application', () => {
    let fw: TestEngine;
    before(async () => { fw = await createTestEngine({ roots: [join(REPO, 'bench/definitions')] }); });
    after(async () => { await fw?.dispose(); });

    it('gates every router the API mounts, so none is tried for another router\'s paths', () => {
      const app = createApp(fw) as unknown as { router: { stack: { name: string; handle: { stack?: { name: string }[] } }[] } };
      const api = app.router.stack.find((l) => l.name === 'router' && (l.handle.stack ?? []).filter((s) => s.name === 'byFirstSegmentGate').length > 3)!;
      const routers = api.handle.stack!.filter((l) => l.name === 'router' || l.name === 'byFirstSegmentGate');
      expect(routers.length).to.be.greaterThan(5);
      expect(routers.map((l) => l.name)).to.deep.equal(routers.map(() => 'byFirstSegmentGate'));
    });
  });
});

import { expect } from 'chai';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inSequence } from '../../../platform/http/middleware/in-sequence.js';

/** GET / through `handlers` in sequence, then a handler answering the steps taken, or the error handler. */
async function run(...handlers: RequestHandler[]): Promise<{ status: number; body: unknown }> {
  const app = express();
  app.use((_req, res, next) => { res.locals.steps = []; next(); });
  app.use(inSequence(...handlers));
  app.get('/', (_req, res) => { res.json({ steps: res.locals.steps }); });
  const errors: ErrorRequestHandler = (err, _req, res, _next) => {
    res.status(500).json({ error: (err as Error).message, steps: res.locals.steps });
  };
  app.use(errors);
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  try {
    const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const step = (name: string): RequestHandler => (_req, res, next) => { res.locals.steps.push(name); next(); };

describe('inSequence(): middleware mounted as one layer', () => {
  it('runs each in turn, then the routes after it', async () => {
    const later: RequestHandler = async (_req, res, next) => { await Promise.resolve(); res.locals.steps.push('async'); next(); };
    expect(await run(step('a'), later, step('b'))).to.deep.equal({ status: 200, body: { steps: ['a', 'async', 'b'] } });
    expect(await run()).to.deep.equal({ status: 200, body: { steps: [] } });
  });

  it('skips the rest on an error passed to next, thrown, or a rejected promise, and the error handler gets it', async () => {
    const passed: RequestHandler = (_req, _res, next) => { next(new Error('passed')); };
    const thrown: RequestHandler = () => { throw new Error('thrown'); };
    const rejected: RequestHandler = async () => { await Promise.resolve(); throw new Error('rejected'); };
    for (const [failing, message] of [[passed, 'passed'], [thrown, 'thrown'], [rejected, 'rejected']] as const) {
      expect(await run(step('a'), failing, step('b')), message).to.deep.equal({ status: 500, body: { error: message, steps: ['a'] } });
    }
  });

  it('lets a handler answer the request itself, and nothing after it runs', async () => {
    let after = false;
    const answers: RequestHandler = (_req, res) => { res.status(204).end(); };
    const never: RequestHandler = (_req, _res, next) => { after = true; next(); };
    expect(await run(step('a'), answers, never)).to.deep.equal({ status: 204, body: null });
    expect(after).to.equal(false);
  });
});

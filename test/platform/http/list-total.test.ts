import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { createApp } from '../../../platform/http/app.js';
import { TOTAL_CAP } from '../../../platform/records/index.js';
import { createToken, createUser } from '../../support/auth.js';
import { DB_KIND } from '../../support/db.js';
import { createTestEngine, REPO, type TestEngine } from '../../support/engine.js';

/** Rows past the cap: all 'open' but for a few 'pending' ones. */
const ROWS = TOTAL_CAP + 50;
const PENDING = 7;

describe('GET /api/tables/:table total=estimate', function () {
  this.timeout(60_000);
  let fw: TestEngine;
  let server: Server;
  let base: string;
  let auth: Record<string, string>;

  const list = async (query: string) => {
    const res = await fetch(`${base}/api/tables/bench_item?${query}`, { headers: auth });
    const body = await res.json();
    return { status: res.status, body };
  };
  const pending = encodeURIComponent(JSON.stringify({ fact: 'record.status', operator: 'equal', value: 'pending' }));

  before(async () => {
    fw = await createTestEngine({ roots: [join(REPO, 'bench/definitions')] });
    // Written straight to the table, 500 rows a statement: through the record service this would take minutes.
    const at = '2026-11-22T10:00:00.000Z';
    for (let n = 0; n < ROWS; n += 500) {
      const rows = Array.from({ length: Math.min(500, ROWS - n) }, (_, k) => ({
        id: uuidv7(), number: `BEN${String(n + k).padStart(8, '0')}`, class: 'bench_item', version: 1, title: `item ${n + k}`,
        status: n + k < PENDING ? 'pending' : 'open', opened_at: at, created_at: at, updated_at: at,
      }));
      await fw.db.knex('bench_item').insert(rows);
    }
    // The planner's estimate comes from the table's statistics; autovacuum would gather them only later.
    if (DB_KIND === 'postgres') await fw.db.knex.raw('analyze ??', ['bench_item']);
    const user = await createUser(fw, { roles: ['bench_user'], password: null, totp: false });
    auth = { authorization: `Bearer ${await createToken(fw, user.username)}` };
    server = await new Promise<Server>((resolve) => { const s = createApp(fw).listen(0, '127.0.0.1', () => resolve(s)); });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    if (server) await new Promise((done) => { server.closeAllConnections(); server.close(done); });
    await fw?.dispose();
  });

  it('counts exactly under the cap and says the total is exact', async () => {
    const { status, body } = await list(`filter=${pending}&total=estimate&limit=5`);
    expect(status).to.equal(200);
    expect(body.meta).to.deep.equal({ total: PENDING, totalKind: 'exact', limit: 5, offset: 0 });
    expect(body.data).to.have.length(5);
  });

  it('past the cap answers an estimate (PostgreSQL) or a lower bound (SQLite), and says which', async () => {
    const { status, body } = await list('total=estimate&limit=3');
    expect(status).to.equal(200);
    expect(body.data).to.have.length(3);
    if (DB_KIND === 'postgres') {
      expect(body.meta.totalKind).to.equal('estimate');
      expect(body.meta.total).to.be.above(TOTAL_CAP).and.below(ROWS * 2);
    } else {
      expect(body.meta).to.deep.equal({ total: TOTAL_CAP + 1, totalKind: 'atLeast', limit: 3, offset: 0 });
    }
  });

  it('counts exactly past the cap by default and with total=true', async () => {
    for (const query of ['limit=1', 'total=true&limit=1']) {
      const { body } = await list(query);
      expect(body.meta, query).to.deep.equal({ total: ROWS, totalKind: 'exact', limit: 1, offset: 0 });
    }
  });

  it('refuses any other value of total with 400 invalid_query naming the parameter', async () => {
    for (const value of ['maybe', 'Estimate', '1', '']) {
      const { status, body } = await list(`total=${value}`);
      expect(status, value).to.equal(400);
      expect(body.code).to.equal('invalid_query');
      expect(body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['total']);
    }
  });
});

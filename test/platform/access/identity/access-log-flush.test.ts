import { expect } from 'chai';
import { join } from 'node:path';
import type { AccessLogEntry } from '../../../../platform/access/identity/index.js';
import { chunksOf, createAccessLog } from '../../../../platform/access/identity/access-log.js';
import { systemClock } from '../../../../platform/context.js';
import { createLogger } from '../../../../platform/log.js';
import { createTestEngine, REPO, type TestEngine } from '../../../support/engine.js';

describe('Access log .flush()', () => {
  let fw: TestEngine;
  before(async () => { fw = await createTestEngine({ roots: [join(REPO, 'bench/definitions')] }); });
  after(async () => { await fw?.dispose(); });

  const rows = (url: string) => fw.db.knex('sys_access_log').where({ url }).select('event', 'username');

  it('writes every queued row, also an entry still being worked out when it was called', async () => {
    const url = `/flush-${Date.now()}`;
    for (let i = 0; i < 3; i++) fw.accessLog.record({ event: 'api', url: `${url}/${i}`, method: 'GET', status: 200 });
    let settle!: (entry: AccessLogEntry) => void;
    fw.accessLog.record(new Promise<AccessLogEntry>((resolve) => { settle = resolve; }));
    let flushed = false;
    const flushing = fw.accessLog.flush().then(() => { flushed = true; });
    // The flush cannot finish while an entry is unresolved; it is resolved only after flush() was called.
    await Promise.resolve();
    expect(flushed).to.equal(false);
    settle({ event: 'page', url, username: 'late', method: 'GET', status: 200 });
    await flushing;
    expect(await rows(url)).to.deep.equal([{ event: 'page', username: 'late' }]);
    for (let i = 0; i < 3; i++) expect(await rows(`${url}/${i}`), `row ${i}`).to.have.length(1);
  });

  it('writes a batch of any size in chunks of a few fixed sizes, every row once and in order', async () => {
    for (const n of [0, 1, 5, 63, 64, 75, 200]) {
      const chunks = chunksOf(Array.from({ length: n }, (_, i) => i));
      expect(chunks.flat(), `${n} rows`).to.deep.equal(Array.from({ length: n }, (_, i) => i));
      for (const c of chunks) expect([64, 16, 4, 1], `${n} rows`).to.include(c.length);
    }
    expect(chunksOf(Array.from({ length: 75 })).map((c) => c.length)).to.deep.equal([64, 4, 4, 1, 1, 1]);
    const url = `/flush-batch-${Date.now()}`;
    for (let i = 0; i < 137; i++) fw.accessLog.record({ event: 'api', url, method: 'GET', status: 200 });
    await fw.accessLog.flush();
    expect(await rows(url)).to.have.length(137);
  });

  it('still ends when an entry cannot be worked out (the failure is logged), writing the other rows', async () => {
    const url = `/flush-failed-${Date.now()}`;
    fw.accessLog.record(Promise.reject(new Error('session lookup failed')));
    fw.accessLog.record({ event: 'api', url, method: 'GET', status: 200 });
    await fw.accessLog.flush();
    expect(await rows(url)).to.deep.equal([{ event: 'api', username: null }]);
  });

  it('writes what was queued on close(), and afterwards drops a late row with a warning instead of writing', async () => {
    const warnings: string[] = [];
    const log = { ...createLogger('silent'), warn: (msg: string) => { warnings.push(msg); } };
    const accessLog = createAccessLog(fw.db, systemClock, log);
    const url = `/closing-${Date.now()}`;
    accessLog.record({ event: 'api', url: `${url}/before`, method: 'GET', status: 200 });
    await accessLog.close();
    expect(await rows(`${url}/before`)).to.have.length(1);
    accessLog.record({ event: 'api', url: `${url}/after`, method: 'GET', status: 200 });
    await accessLog.flush();
    expect(await rows(`${url}/after`)).to.deep.equal([]);
    expect(warnings).to.deep.equal(['an access-log row came after the log was closed and is not written']);
  });
});

import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { closeDatabase, openDatabase, withStartupLock, type Database } from '../../../platform/db/index.js';
import { createTestDatabase, DB_KIND, type TestDatabase } from '../../support/db.js';
import { REPO } from '../../support/engine.js';
import { waitFor } from '../../support/wait.js';

const HOLDER = fileURLToPath(new URL('./lock-holder-child.ts', import.meta.url));

describe('db: the start-up lock', () => {
  let testDb: TestDatabase;
  const opened: Database[] = [];

  /** Another handle (its own pool and connections) on the test database: what a second instance has. */
  const another = (): Database => {
    const searchPath = (testDb.knex.client.config as { searchPath?: string[] }).searchPath?.[0];
    const db = DB_KIND === 'postgres' ? openDatabase(testDb.url, { searchPath }) : openDatabase(testDb.url);
    opened.push(db);
    return db;
  };

  beforeEach(async () => {
    testDb = await createTestDatabase();
    await testDb.knex.schema.createTable('counter', (t) => { t.integer('n'); });
    await testDb.knex('counter').insert({ n: 0 });
  });
  afterEach(async () => {
    for (const db of opened.splice(0)) await closeDatabase(db);
    await testDb.dispose();
  });

  it('lets one holder in at a time across database handles, each finding the work of those before it', async () => {
    let inside = 0;
    let most = 0;
    const handles = [testDb, another(), another(), another()];
    // Read, then write what was read plus one, with database round trips between: without the lock the four
    // would all be inside at once and read the same value.
    const results = await Promise.all(handles.map((db) => withStartupLock(db, async () => {
      inside += 1;
      most = Math.max(most, inside);
      const { n } = await db.knex('counter').first('n');
      await db.knex('counter').first('n');
      await db.knex('counter').update({ n: n + 1 });
      inside -= 1;
      return n as number;
    })));
    expect(most).to.equal(1);
    expect([...results].sort()).to.deep.equal([0, 1, 2, 3]);
    expect(await testDb.knex('counter').first('n')).to.deep.equal({ n: 4 });
  });

  it('is released by the database when the process holding it dies', async function () {
    this.timeout(60_000);
    const searchPath = (testDb.knex.client.config as { searchPath?: string[] }).searchPath?.[0];
    const child = spawn(process.execPath, ['--import', 'tsx', HOLDER], {
      cwd: REPO, env: { ...process.env, LOCK_DB_URL: testDb.url, LOCK_SEARCH_PATH: searchPath ?? '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => { if (String(d).includes('LOCKED')) resolve(); });
        void exited.then(() => reject(new Error(`the holder exited before locking: ${stderr}`)));
      });
      let entered = false;
      const waiting = withStartupLock(another(), async () => { entered = true; });
      if (DB_KIND === 'postgres') {
        // The rival really waits on the holder's advisory lock (SQLite's rival polls, which leaves no trace).
        await waitFor(async () => (await testDb.knex.raw("select 1 from pg_locks where locktype = 'advisory' and not granted")).rows.length > 0, {
          message: 'no session waits for the advisory lock',
        });
      } else {
        await testDb.knex('counter').first('n');
      }
      expect(entered).to.equal(false);
      child.kill('SIGKILL');
      await exited;
      await waiting;
      expect(entered).to.equal(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('is released when the work fails, and gives back what the work returns', async () => {
    const boom = new Error('work failed');
    let caught: unknown;
    try {
      await withStartupLock(testDb, async () => { throw boom; });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.equal(boom);
    expect(await withStartupLock(another(), async () => 'second')).to.equal('second');
    expect(await withStartupLock(testDb, async () => 'third')).to.equal('third');
  });
});

/**
 * A separate process for startup-lock.test.ts: takes the start-up lock of LOCK_DB_URL (with LOCK_SEARCH_PATH on
 * PostgreSQL), prints `LOCKED` and waits, holding it, to be killed.
 */
import { openDatabase, withStartupLock } from '../../../platform/db/index.js';

const env = process.env;
const db = openDatabase(env.LOCK_DB_URL!, env.LOCK_SEARCH_PATH ? { searchPath: env.LOCK_SEARCH_PATH } : {});
await withStartupLock(db, async () => {
  process.stdout.write('LOCKED\n');
  // A timer keeps the process alive (the lock's connection does not): it holds the lock until it is killed.
  await new Promise(() => setInterval(() => undefined, 60_000));
});

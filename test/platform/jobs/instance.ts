/**
 * One engine instance in a child process, for the job tests that need several (test/platform/jobs/instances.test.ts).
 * Env: DATABASE_URL, SEARCH_PATH (PostgreSQL schema), DEFINITIONS, CLOCK_BASE (ms) and CLOCK_FACTOR (the clock runs
 * that many times faster than real time from CLOCK_BASE, the same in every instance), JOB_LEASE_MS, JOB_HEARTBEAT_MS.
 * Prints "ready" once started; SIGTERM closes the engine (cancelling its runs) and exits.
 */
import { readConfig } from '../../../platform/config.js';
import { openDatabase } from '../../../platform/db/index.js';
import { createEngine } from '../../../platform/engine.js';
import { createLogger } from '../../../platform/log.js';
import { registerTestJobs } from './support.js';
import { REPO } from '../../support/engine.js';

registerTestJobs();
const env = process.env;
const base = Number(env.CLOCK_BASE ?? Date.now());
const factor = Number(env.CLOCK_FACTOR ?? 1);
const clock = { now: () => new Date(base + (Date.now() - base) * factor) };
const db = openDatabase(env.DATABASE_URL!, env.SEARCH_PATH ? { searchPath: env.SEARCH_PATH } : {});
const config = { ...readConfig({ DATABASE_URL: env.DATABASE_URL! }, REPO), definitionRoots: [env.DEFINITIONS!], demoData: false };
const engine = await createEngine(config, {
  db, clock, log: createLogger('silent'), seed: false, timerPollMs: 0, slaPollMs: 0, jobPollMs: Number(env.JOB_POLL_MS ?? 40),
});
process.stdout.write(`ready ${engine.jobRunner.instance}\n`);
process.on('SIGTERM', () => { void engine.close().finally(() => process.exit(0)); });
setInterval(() => undefined, 1 << 30);

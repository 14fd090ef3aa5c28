/**
 * One server (engine and HTTP API) in a child process, for the studio tests and benchmarks that need several on one
 * database (test/platform/studio/two-instances.test.ts, bench/studio.ts).
 * Env: DATABASE_URL, SEARCH_PATH (PostgreSQL schema), DEFINITIONS (roots, joined by the path delimiter),
 * STUDIO_POLL_MS, USERS=1 to create a configurator and an administrator with API tokens.
 * Prints one line `ready {"url", "studio"?, "admin"?}` once serving; SIGTERM closes server and engine, then exits.
 */
import { delimiter } from 'node:path';
import { readConfig } from '../../../platform/config.js';
import { openDatabase } from '../../../platform/db/index.js';
import { createEngine } from '../../../platform/engine.js';
import { createApp } from '../../../platform/http/app.js';
import { createLogger } from '../../../platform/log.js';
import { createToken, createUser, listen } from '../../support/auth.js';
import { REPO } from '../../support/engine.js';

const env = process.env;
const db = openDatabase(env.DATABASE_URL!, env.SEARCH_PATH ? { searchPath: env.SEARCH_PATH } : {});
const config = {
  ...readConfig({ DATABASE_URL: env.DATABASE_URL! }, REPO), definitionRoots: env.DEFINITIONS!.split(delimiter), demoData: false,
};
const engine = await createEngine(config, {
  db, log: createLogger('silent'), timerPollMs: 0, slaPollMs: 0, jobPollMs: 0, studioPollMs: Number(env.STUDIO_POLL_MS ?? 200),
});
const server = await listen(createApp(engine));
const ready: Record<string, string> = { url: server.url };
if (env.USERS === '1') {
  const configurator = await createUser(engine, { roles: ['configurator'] });
  const administrator = await createUser(engine, { roles: ['admin'] });
  ready.studio = await createToken(engine, configurator.username);
  ready.admin = await createToken(engine, administrator.username);
}
process.stdout.write(`ready ${JSON.stringify(ready)}\n`);
process.on('SIGTERM', () => { void server.close().then(() => engine.close()).finally(() => process.exit(0)); });
setInterval(() => undefined, 1 << 30);

/**
 * A separate process for the durability tests (durability.test.ts), run with `npx tsx` and killed with SIGKILL:
 * it opens the test's database, does one step, prints `READY <json>` and waits to be killed.
 *
 *   NOTIFY_STEP=write  create a case (assigned to NOTIFY_ASSIGNEE) and emit an SLA breach, without dispatching
 *   NOTIFY_STEP=claim  dispatch, then claim every due outbox row (lease NOTIFY_LEASE_MS), without sending
 *
 * The database: NOTIFY_DB_URL (an SQLite file, or a PostgreSQL URL with NOTIFY_SEARCH_PATH for the test's schema).
 */
import { readConfig } from '../../../platform/config.js';
import { openDatabase } from '../../../platform/db/connection.js';
import { createEngine } from '../../../platform/engine.js';
import { loadActor } from '../../../platform/access/identity/index.js';
import { createLogger } from '../../../platform/log.js';
import { claimMail, dispatchNotifications } from '../../../platform/notify/index.js';
import { writeEvent } from '../../../platform/rules/events.js';
import { REPO } from '../../support/engine.js';
import { NOTIFY_ROOTS } from './notify-support.js';

const env = process.env;
const url = env.NOTIFY_DB_URL!;
const db = openDatabase(url, env.NOTIFY_SEARCH_PATH ? { searchPath: env.NOTIFY_SEARCH_PATH } : {});
const config = {
  ...readConfig({ DATABASE_URL: url }, REPO), databaseUrl: url, definitionRoots: NOTIFY_ROOTS, demoData: false,
  smtpUrl: env.NOTIFY_SMTP_URL ?? null,
};
const fw = await createEngine(config, { db, log: createLogger('silent'), seed: false });

let ready: Record<string, unknown>;
if (env.NOTIFY_STEP === 'write') {
  const actor = await loadActor(fw, env.NOTIFY_ACTOR!);
  const record = await fw.records.createOne('nt_case', { short_description: 'Written before a crash', assigned_to: env.NOTIFY_ASSIGNEE }, { actor });
  await fw.db.knex.transaction((trx) => writeEvent(trx, {
    name: 'sla.breach', table: 'nt_case', recordId: record.id as string, payload: {}, actorId: null, actorName: null, source: 'crash-child',
    at: fw.clock.now().toISOString(),
  }));
  ready = { id: record.id, number: record.number };
} else {
  const dispatched = await dispatchNotifications(fw);
  const claimed = await claimMail(fw, { leaseMs: Number(env.NOTIFY_LEASE_MS ?? 60_000) });
  ready = { dispatched, claimed: claimed.map((c) => c.id) };
}
process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
// Wait to be killed: nothing after this point is ever reached.
setInterval(() => undefined, 60_000);

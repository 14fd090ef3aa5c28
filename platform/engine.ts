import { keyRingFromConfig, type KeyRing } from './access/crypto.js';
import { createAccessLog } from './access/identity/access-log.js';
import { CredentialCache } from './access/identity/credential-cache.js';
import type { Config } from './config.js';
import { systemClock, type Clock, type CredentialRead, type Formwork } from './context.js';
import { openDatabase, closeDatabase, runMigrations, type Database } from './db/index.js';
import { applySchemaSync, type SchemaChange } from './records/schema-sync.js';
import { formatDefinitionErrors, type DefinitionError } from './definitions/index.js';
import { createRegistryHolder } from './kinds.js';
import { fail, FormworkError } from './errors.js';
import { attachmentRecordHook } from './files/index.js';
import { createLogger, type Logger } from './log.js';
import { createMailer, type Mailer } from './notify/mailer.js';
import { KnexRecordService } from './records/index.js';
import type { RecordHooks } from './records/hooks.js';
import { startWorkflow, timerPollMs, type WorkflowRuntime } from './workflow/index.js';
import { createSlaRecordHook, slaPollMs, startSlaChecker, type SlaChecker } from './workflow/sla/index.js';
import type { Actor } from './records/types.js';
import { seed, type SeedReport } from './data/seed.js';

export const SYSTEM_ACTOR: Actor = Object.freeze({ kind: 'system', id: null, username: 'system', roles: [], orgs: [], orgId: null });

export interface Engine extends Formwork {
  /**
   * Re-read the definitions. A valid set is synced (additive changes only) and swapped in atomically; an invalid
   * one, or one needing a destructive schema change, is refused and the running registry stays as it was.
   */
  reloadDefinitions(): Promise<{ ok: boolean; errors: DefinitionError[]; changes: SchemaChange[] }>;
  /**
   * The record hooks (platform/records/hooks.ts; where they run in a write: platform/records/lifecycle.ts): engine
   * parts register theirs here at start, e.g. `engine.hooks.register({ name: 'sla', after: … })`.
   */
  hooks: RecordHooks;
  /** The workflow engine: its service and the timer runner (stopped by close()). */
  workflow: WorkflowRuntime;
  /** The SLA checker (warnings and breaches; stopped by close()). */
  slaChecker?: SlaChecker;
  /** What seeding at start created (null when the engine did not seed): the start banner shows new demo people once. */
  seeded: SeedReport | null;
  close(): Promise<void>;
}

export interface EngineOptions {
  clock?: Clock;
  log?: Logger;
  /** Load data files (default true; demo files only when config.demoData). */
  seed?: boolean;
  /** Use this open database instead of opening config.databaseUrl (tests use isolated schemas). */
  db?: Database;
  /** Use this key ring instead of the one configured (or generated into the data folder). */
  keys?: KeyRing;
  /** Use this mailer instead of one for config.smtpUrl. */
  mailer?: Mailer;
  /** How often the workflow timer runner polls, in ms (default WORKFLOW_TIMER_POLL_MS, else 30 s; 0: never). */
  timerPollMs?: number;
  /** How often the SLA checker polls, in ms (default SLA_CHECK_POLL_MS, else 60 s; 0: never). */
  slaPollMs?: number;
}

/** The configured key ring; a second process racing to generate the local key file reads the winner's key. */
function loadKeyRing(config: Config): KeyRing {
  try {
    return keyRingFromConfig(config);
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code === 'EEXIST') return keyRingFromConfig(config);
    throw e;
  }
}

/**
 * Start the engine: open the database, run platform migrations, load and validate definitions, sync the schema,
 * and load seed data. Fails with `definition_invalid` listing every error when the definitions are invalid.
 */
export async function createEngine(config: Config, options: EngineOptions = {}): Promise<Engine> {
  const log = options.log ?? createLogger();
  const clock = options.clock ?? systemClock;
  const db = options.db ?? openDatabase(config.databaseUrl);
  try {
    await runMigrations(db);
    const holder = createRegistryHolder();
    const loaded = await holder.reload(config.definitionRoots);
    if (loaded.errors.length) {
      fail('definition_invalid', `The definitions are not valid:\n${formatDefinitionErrors(loaded.errors)}`, {
        extra: { definitionErrors: loaded.errors },
      });
    }
    await applySchemaSync(db, holder.current, clock.now());
    const keys = options.keys ?? loadKeyRing(config);
    const records = new KnexRecordService({ db, registry: holder, clock, keys });
    const mailer = options.mailer ?? createMailer(config, log);
    const accessLog = createAccessLog(db, clock, log);
    const credentials = new CredentialCache<CredentialRead>(config.identityCacheMs).watch(db.knex);
    const engine: Engine = {
      config, db, registry: holder, records, clock, log, systemActor: SYSTEM_ACTOR, keys, mailer, accessLog, credentials,
      hooks: records.hooks,
      seeded: null,
      workflow: undefined as unknown as WorkflowRuntime,
      async reloadDefinitions() {
        const candidate = await holder.prepare(config.definitionRoots);
        if (!candidate.registry) return { ok: false, errors: candidate.errors, changes: [] };
        try {
          const changes = await applySchemaSync(db, candidate.registry, clock.now());
          holder.swap(candidate.registry);
          return { ok: true, errors: [], changes };
        } catch (e) {
          if (e instanceof FormworkError && e.code === 'schema_change_refused') {
            return { ok: false, errors: [{ file: '', pointer: '', message: e.message }], changes: [] };
          }
          // The database refused an additive change (e.g. a new unique index over duplicate values): the sync
          // transaction rolled back, so keep the registry in force rather than reject (the file watcher would crash).
          const message = `Schema sync failed, nothing was changed: ${(e as Error)?.message ?? String(e)}`;
          log.error('schema sync failed', { error: message });
          return { ok: false, errors: [{ file: '', pointer: '', message }], changes: [] };
        }
      },
      async close() {
        await engine.workflow.timers.stop();
        await engine.slaChecker?.stop();
        await accessLog.flush();
        mailer.close();
        await closeDatabase(db);
      },
    };
    // Workflow: its hook joins the pipeline before anything is written (seeding included); timers poll once started.
    engine.workflow = startWorkflow(engine, records.hooks, 0);
    // SLAs: started, paused, resumed, stopped and reset in the write's transaction, after the workflow's hook.
    records.hooks.register(createSlaRecordHook({ log }));
    // Attachments: a deleted record's files are closed with it.
    records.hooks.register(attachmentRecordHook());
    if (options.seed !== false) engine.seeded = await seed(engine, { demo: config.demoData });
    engine.workflow.timers.start(options.timerPollMs ?? timerPollMs());
    engine.slaChecker = startSlaChecker(engine, options.slaPollMs ?? slaPollMs());
    return engine;
  } catch (e) {
    await closeDatabase(db);
    throw e;
  }
}

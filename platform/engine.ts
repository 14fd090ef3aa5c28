import { keyRingFromConfig, type KeyRing } from './access/crypto.js';
import { createAccessLog } from './access/identity/access-log.js';
import { CredentialCache } from './access/identity/credential-cache.js';
import type { Config } from './config.js';
import { systemClock, type Clock, type CredentialRead, type Formwork } from './context.js';
import { openDatabase, closeDatabase, runMigrations, withStartupLock, type Database } from './db/index.js';
import { applySchemaSync, type SchemaChange } from './records/schema-sync.js';
import { listTextSearch, searchRecordHook } from './search/index.js';
import { formatDefinitionErrors, type DefinitionError } from './definitions/index.js';
import { createRegistryHolder } from './kinds.js';
import { fail, FormworkError } from './errors.js';
import { attachmentRecordHook } from './files/index.js';
import { catalogRecordHook } from './catalog/index.js';
import { contentVersionsRecordHook } from './versions/index.js';
import { createLogger, type Logger } from './log.js';
import { createMailer, type Mailer } from './notify/mailer.js';
import { KnexRecordService } from './records/index.js';
import type { RecordHooks } from './records/hooks.js';
import { startWorkflow, timerPollMs, type WorkflowRuntime } from './workflow/index.js';
import { createSlaRecordHook, slaPollMs, startSlaChecker, type SlaChecker } from './workflow/sla/index.js';
import type { Actor } from './records/types.js';
import { seed, type SeedReport } from './data/seed.js';
import { createJobs, jobPollMs, jobTimings, type JobsRuntime } from './jobs/index.js';
import type { JobService } from './jobs/types.js';
import type { SystemJob } from './jobs/platform-jobs.js';
import { ensureDemoAdministrator, type CreatedCredential } from './access/identity/index.js';
import { createStudio, studioPollMs, type StudioRuntime } from './studio/index.js';
import { ratingsRecordHook } from './records/ratings/index.js';

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
  /** Scheduled jobs: the service the API uses; `jobRunner.tick(now)` runs one poll (tests). */
  jobs: JobService;
  jobRunner: JobsRuntime['runner'];
  /** The studio's definition layer: its service (the API's) and the poller that switches to versions published elsewhere. */
  studioRuntime: StudioRuntime;
  /** What seeding at start created (null when the engine did not seed): the start banner shows new demo people once. */
  seeded: SeedReport | null;
  /**
   * The demo administrator this start created (options.demoAdministrator), to print once; null when it was not
   * asked for or existed already (another instance created it, or an earlier start did).
   */
  demoAdministrator: CreatedCredential | null;
  /**
   * Start the background work: the workflow timer runner and the SLA checker (at the poll intervals of the
   * options). createEngine calls it unless options.background is false; calling it again does nothing.
   */
  startBackground(): void;
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
  /** How often the job runner polls, in ms (default JOB_POLL_MS, else 1 s; 0: never — call `jobRunner.tick()`). */
  jobPollMs?: number;
  /** The job runner's lease and heartbeat, in ms (default JOB_LEASE_MS / JOB_HEARTBEAT_MS, else 30 s and 5 s). */
  jobLeaseMs?: number;
  jobHeartbeatMs?: number;
  /** How often to look for definitions published by another instance, in ms (default STUDIO_POLL_MS, else 2 s; 0: never). */
  studioPollMs?: number;
  /**
   * Start the background work (workflow timers, SLA checker) before returning (default true). The server passes
   * false and calls `startBackground()` once it listens, so a start that fails leaves nothing running.
   */
  background?: boolean;
  /**
   * Only what commands working on the platform's own tables need (tokens, users): migrations and the registry
   * (role names). No schema sync, no seeding and no background work; `seed` and `background` are ignored.
   */
  databaseOnly?: boolean;
  /**
   * Create the demo administrator on a fresh database (when config.demoData), under the start-up lock after
   * seeding, so exactly one of several instances started together creates it: see `demoAdministrator`.
   */
  demoAdministrator?: boolean;
}

/** The engine's own pollers, listed read-only among the jobs with the interval they poll at. */
function systemJobs(options: EngineOptions): SystemJob[] {
  return [
    {
      name: 'system_workflow_timers', label: 'Workflow timers',
      description: 'Makes the transitions of workflow timers that have come due (reminders, automatic closing).',
      intervalMs: options.timerPollMs ?? timerPollMs(),
    },
    {
      name: 'system_sla_checks', label: 'Service-level checks',
      description: 'Raises the warnings and breaches of service-level targets that have come due, once each.',
      intervalMs: options.slaPollMs ?? slaPollMs(),
    },
    {
      name: 'system_event_dispatch', label: 'Notifications from events',
      description: 'Turns events and record changes into in-app notifications and mail waiting in the outbox.',
      intervalMs: Number(process.env.NOTIFY_POLL_MS ?? 5000),
    },
    {
      name: 'system_mail_sender', label: 'Mail sender',
      description: 'Sends the mail waiting in the outbox, trying again later when the mail server does not accept it.',
      intervalMs: Number(process.env.NOTIFY_POLL_MS ?? 5000),
    },
    {
      name: 'system_studio_versions', label: 'Published definitions',
      description: 'Switches this server to the definitions published in the studio on another server.',
      intervalMs: options.studioPollMs ?? studioPollMs(),
    },
  ];
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
 * Start the engine: open the database, load and validate definitions, then under the database's start-up lock
 * (instances started together take turns) run platform migrations, sync the schema, load seed data and, when
 * asked, create the demo administrator; then start the background work unless options say otherwise. Fails with
 * `definition_invalid` listing every error when the definitions are invalid; a failed start closes everything it
 * opened.
 */
export async function createEngine(config: Config, options: EngineOptions = {}): Promise<Engine> {
  const log = options.log ?? createLogger();
  const clock = options.clock ?? systemClock;
  const db = options.db ?? openDatabase(config.databaseUrl);
  let engine: Engine | undefined;
  try {
    // Definitions first: invalid ones fail the start without waiting for the lock.
    const holder = createRegistryHolder();
    const loaded = await holder.reload(config.definitionRoots);
    if (loaded.errors.length) {
      fail('definition_invalid', `The definitions are not valid:\n${formatDefinitionErrors(loaded.errors)}`, {
        extra: { definitionErrors: loaded.errors },
      });
    }
    const keys = options.keys ?? loadKeyRing(config);
    const records = new KnexRecordService({ db, registry: holder, clock, keys });
    const mailer = options.mailer ?? createMailer(config, log);
    const accessLog = createAccessLog(db, clock, log);
    const credentials = new CredentialCache<CredentialRead>(config.identityCacheMs).watch(db.knex);
    let backgroundStarted = false;
    let closing: Promise<void> | undefined;
    const fw: Engine = {
      config, db, registry: holder, records, clock, log, systemActor: SYSTEM_ACTOR, keys, mailer, accessLog, credentials,
      hooks: records.hooks,
      seeded: null,
      demoAdministrator: null,
      workflow: undefined as unknown as WorkflowRuntime,
      jobs: undefined as unknown as JobService,
      jobRunner: undefined as unknown as JobsRuntime['runner'],
      studioRuntime: undefined as unknown as StudioRuntime,
      async reloadDefinitions() {
        const refused = (errors: DefinitionError[]) => {
          holder.reject(errors, clock.now().toISOString());
          return { ok: false, errors, changes: [] };
        };
        // Built while the registry in force serves; swapped in one step. When a publish or a poll swapped meanwhile,
        // the candidate holds the layer that was in force before it: build again on the one in force now.
        for (let attempt = 0; ; attempt++) {
          const generation = holder.generation;
          const candidate = await holder.prepare(config.definitionRoots);
          if (!candidate.registry) return refused(candidate.errors);
          const next = candidate.registry;
          // A stale candidate would also look like dropping what the new layer added: never sync it.
          if (holder.generation !== generation && attempt < 2) continue;
          try {
            // Under the lock: instances watching the same files sync the same change one after the other.
            const changes = await withStartupLock(db, async () => applySchemaSync(db, next, clock.now(), await fw.studioRuntime.keep()));
            if (holder.generation !== generation && attempt < 2) continue;
            holder.swap(next, clock.now().toISOString());
            return { ok: true, errors: [], changes };
          } catch (e) {
            if (e instanceof FormworkError && e.code === 'schema_change_refused') {
              return refused([{ file: '', pointer: '', message: e.message }]);
            }
            // The database refused an additive change (e.g. a new unique index over duplicate values): the sync
            // transaction rolled back, so keep the registry in force rather than reject (the file watcher would crash).
            const message = `Schema sync failed, nothing was changed: ${(e as Error)?.message ?? String(e)}`;
            log.error('schema sync failed', { error: message });
            return refused([{ file: '', pointer: '', message }]);
          }
        }
      },
      startBackground() {
        if (backgroundStarted || options.databaseOnly) return;
        backgroundStarted = true;
        fw.workflow.timers.start(options.timerPollMs ?? timerPollMs());
        fw.slaChecker = startSlaChecker(fw, options.slaPollMs ?? slaPollMs());
        fw.jobRunner.start(options.jobPollMs ?? jobPollMs());
        fw.studioRuntime.poller.start(options.studioPollMs ?? studioPollMs());
      },
      async close() {
        // Once: a second call (a test's dispose after its own close, say) finds everything closed.
        if (closing) return closing;
        closing = closeAll();
        return closing;
      },
    };
    async function closeAll(): Promise<void> {
      // Running jobs first: they are cancelled and recorded while the database is open.
      await fw.jobRunner?.stop();
      await fw.studioRuntime?.poller.stop();
      await fw.workflow?.timers.stop();
      await fw.slaChecker?.stop();
      await accessLog.close();
      mailer.close();
      await closeDatabase(db);
    }
    engine = fw;
    fw.studioRuntime = createStudio(fw, holder);
    fw.studio = fw.studioRuntime.service;
    // Workflow: its hook joins the pipeline before anything is written (seeding included); timers poll once started.
    fw.workflow = startWorkflow(fw, records.hooks, 0);
    // Scheduled jobs: sweeps make transitions through the workflow service; the engine's pollers are listed with them.
    const jobs = createJobs(fw, {
      transition: (table, id, name, input, actor, opts) => fw.workflow.service.transition(table, id, name, input, actor, opts),
      leaseMs: options.jobLeaseMs ?? jobTimings().leaseMs, heartbeatMs: options.jobHeartbeatMs ?? jobTimings().heartbeatMs,
      systemJobs: () => systemJobs(options),
    });
    fw.jobs = jobs.service;
    fw.jobRunner = jobs.runner;
    // SLAs: started, paused, resumed, stopped and reset in the write's transaction, after the workflow's hook.
    records.hooks.register(createSlaRecordHook({ log }));
    // Attachments: a deleted record's files are closed with it.
    records.hooks.register(attachmentRecordHook());
    // Content versions: published versions kept in the write's transaction; readers shown the published content.
    records.hooks.register(contentVersionsRecordHook());
    // Search after content versions: a record's index row is its published content, which that hook has just written.
    records.hooks.register(searchRecordHook(db));
    records.useTextSearch(listTextSearch(fw));
    // The service catalogue: requests follow their items (roll-up, cancellation), closing times.
    records.hooks.register(catalogRecordHook(fw));
    // Ratings and views: a deleted record's go with it.
    records.hooks.register(ratingsRecordHook());
    // Everything that checks the database before writing to it runs under the lock, so the instance after finds
    // it done: knex's own migrations table, each table's CREATE, each data file, the demo administrator.
    await withStartupLock(db, async () => {
      await runMigrations(db);
      // The studio's published layer over the files, before anything reads the registry for the database.
      await fw.studioRuntime.loadPublished();
      if (options.databaseOnly) return;
      await applySchemaSync(db, holder.current, clock.now(), await fw.studioRuntime.keep());
      if (options.seed !== false) fw.seeded = await seed(fw, { demo: config.demoData });
      if (options.demoAdministrator) fw.demoAdministrator = await ensureDemoAdministrator(fw);
    });
    if (options.background !== false) fw.startBackground();
    return fw;
  } catch (e) {
    if (engine) await engine.close().catch(() => undefined);
    else await closeDatabase(db).catch(() => undefined);
    throw e;
  }
}

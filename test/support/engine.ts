/**
 * Build a real engine (migrations, registry, schema sync, record service) on the test database of the current
 * DB kind, from the given definition folders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig, type Config } from '../../platform/config.js';
import { createEngine, type Engine } from '../../platform/engine.js';
import type { Clock } from '../../platform/context.js';
import { createLogger } from '../../platform/log.js';
import type { Actor } from '../../platform/records/types.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The repository's definitions/ folder: every pack (core, cms, ssi…) together. */
export const CORE_DEFINITIONS = fileURLToPath(new URL('../../definitions/', import.meta.url));
/** One pack's folder under definitions/ (a pack test loads `packRoot('core')` and its own pack, no other). */
export const packRoot = (name: string) => join(CORE_DEFINITIONS, name);
export const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

export interface TestEngine extends Engine {
  testDb: TestDatabase;
  dispose(): Promise<void>;
}

export interface TestEngineOptions {
  roots?: string[];
  clock?: Clock;
  seed?: boolean;
  demoData?: boolean;
  /** Configuration to use instead of the defaults (attachments go to a throwaway files directory unless given). */
  config?: Partial<Config>;
  /** How often scheduled jobs are polled (default 0: never — a test ticks the runner itself or runs a job now). */
  jobPollMs?: number;
  /** How often the engine looks for definitions published elsewhere (default 0: never — a test calls `studioRuntime.poller.poll()`). */
  studioPollMs?: number;
  /** Use this open database instead of a fresh one (a second engine on the same database); the caller disposes it. */
  db?: TestDatabase;
}

export async function createTestEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  const testDb = options.db ?? await createTestDatabase({ migrated: true });
  const filesDir = mkdtempSync(join(tmpdir(), 'formwork-files-'));
  const config: Config = {
    ...readConfig({ DATABASE_URL: testDb.url }, REPO),
    databaseUrl: testDb.url,
    definitionRoots: options.roots ?? [CORE_DEFINITIONS],
    demoData: options.demoData ?? false,
    filesDir,
    ...options.config,
  };
  const engine = await createEngine(config, {
    db: testDb, clock: options.clock, log: createLogger('silent'), seed: options.seed, jobPollMs: options.jobPollMs ?? 0,
    studioPollMs: options.studioPollMs ?? 0,
  });
  return Object.assign(engine, {
    testDb,
    async dispose() {
      // The engine first: its background work stops and its access log is written before the database goes.
      await engine.close();
      await testDb.dispose();
      rmSync(filesDir, { recursive: true, force: true });
    },
  });
}

/** A user actor holding the given roles. */
export function userActor(roles: string[], overrides: Partial<Actor> = {}): Actor {
  return { kind: 'user', id: '018f0000-0000-7000-8000-000000000001', username: 'tester', roles, orgs: [], orgId: null, ...overrides };
}

/** A clock tests can move. */
export function steppingClock(start = '2026-11-22T09:00:00.000Z'): Clock & { set(iso: string): void; advance(ms: number): void } {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set(iso: string) { t = new Date(iso).getTime(); },
    advance(ms: number) { t += ms; },
  };
}

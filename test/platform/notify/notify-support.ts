/**
 * Builders for the notification tests: an engine with the core definitions and the notify test pack, people of
 * every kind the pack's recipients and access rules distinguish, and look-ups of what the dispatcher wrote.
 */
import type { Knex } from 'knex';
import { loadActor } from '../../../platform/access/identity/index.js';
import type { Config } from '../../../platform/config.js';
import type { Clock } from '../../../platform/context.js';
import { writeEvent } from '../../../platform/rules/events.js';
import type { Actor } from '../../../platform/records/types.js';
import { createUser, type TestUser } from '../../support/auth.js';
import { CORE_DEFINITIONS, createTestEngine, fixture, type TestEngine } from '../../support/engine.js';

export const NOTIFY_ROOTS = [CORE_DEFINITIONS, fixture('packs/notify')];

export async function notifyEngine(options: { clock?: Clock; config?: Partial<Config> } = {}): Promise<TestEngine> {
  const fw = await createTestEngine({ roots: NOTIFY_ROOTS, clock: options.clock, config: options.config });
  fw.config.scryptLog2N = 10;
  fw.config.signInRateLimit = 1000;
  return fw;
}

export interface Cast {
  creator: TestUser;
  agent: TestUser;
  manager: TestUser;
  viewer: TestUser;
  adminA: TestUser;
  adminB: TestUser;
  outsider: TestUser;
}

let run = 0;

/** One person per access situation of the pack (organisation A unless said): see each comment. */
export async function createCast(fw: TestEngine): Promise<Cast> {
  run += 1;
  const p = (name: string) => `${name}${run}`;
  const user = (name: string, roles: string[], org = 'NT_A') => createUser(fw, { username: p(name), roles, org, totp: true });
  return {
    // Raises cases (reads and writes every field): never hears of their own changes.
    creator: await user('creator', ['nt_manager']),
    // Reads every case but not secret_note.
    agent: await user('agent', ['nt_agent']),
    // Reads every case and every field; in another organisation.
    manager: await user('manager', ['nt_manager'], 'NT_B'),
    // Reads only priority 1 cases.
    viewer: await user('viewer', ['nt_viewer']),
    // Organisation administrators of A and of B (cases of their organisation only).
    adminA: await user('admina', ['nt_org_admin']),
    adminB: await user('adminb', ['nt_org_admin'], 'NT_B'),
    // Reads no cases at all.
    outsider: await user('outsider', ['nt_outsider']),
  };
}

export const actorOf = (fw: TestEngine, u: TestUser): Promise<Actor> => loadActor(fw, u.user.id);

/** In-app notifications of a person, oldest first. */
export async function inbox(fw: TestEngine, u: TestUser, where: Record<string, unknown> = {}): Promise<Record<string, any>[]> {
  return fw.db.knex('sys_notification').where({ user_id: u.user.id, ...where }).orderBy([{ column: 'created_at' }, { column: 'id' }]);
}

/** Outbox rows, oldest first. */
export async function outbox(fw: TestEngine, where: Record<string, unknown> = {}): Promise<Record<string, any>[]> {
  return fw.db.knex('sys_outbox').where(where).orderBy([{ column: 'created_at' }, { column: 'id' }]);
}

export async function countRows(knex: Knex, table: string, where: Record<string, unknown> = {}): Promise<number> {
  return Number(((await knex(table).where(where).count({ n: '*' }).first()) as { n: unknown }).n);
}

/** Write an event the way the workflow and SLA engines do: in a transaction of its own. */
export async function emit(fw: TestEngine, name: string, record: { id?: unknown } | null, payload: Record<string, unknown>, actor: Actor | null = null, table = 'nt_case'): Promise<string> {
  return fw.db.knex.transaction((trx) => writeEvent(trx, {
    name, table: record ? table : null, recordId: record ? String(record.id) : null, payload,
    actorId: actor?.id ?? null, actorName: actor?.username ?? null, source: 'test', at: fw.clock.now().toISOString(),
  }));
}

/**
 * Shared set-up of the workflow tests: an engine on the workflow test pack (./pack: tables wf_ticket and
 * wf_followup, roles, the workflow ticket_flow) or on the repository's definitions, people with roles in
 * organisations, and small helpers over the workflow service.
 */
import { fileURLToPath } from 'node:url';
import { loadActor } from '../../../platform/access/identity/index.js';
import type { Clock } from '../../../platform/context.js';
import type { Actor, RecordData } from '../../../platform/records/types.js';
import { workflowService, type WorkflowService } from '../../../platform/workflow/index.js';
import { createToken, createUser, type RunningServer, type TestUser } from '../../support/auth.js';
import { createTestEngine, type TestEngine } from '../../support/engine.js';

export const PACK = fileURLToPath(new URL('./pack/', import.meta.url));

/** A test engine whose timer runner does not poll (tests run it with runOnce). */
export async function workflowEngine(options: { roots?: string[]; clock?: Clock } = {}): Promise<TestEngine> {
  const fw = await createTestEngine({ roots: options.roots ?? [PACK], clock: options.clock });
  await fw.workflow.timers.stop();
  fw.config.scryptLog2N = 10;
  fw.config.signInRateLimit = 1000;
  return fw;
}

export interface Person extends TestUser { actor: Actor }

/** A person with roles in an organisation (code), and their actor as the API would build it. */
export async function person(fw: TestEngine, roles: string[], org = 'TEST', username?: string): Promise<Person> {
  const u = await createUser(fw, { roles, org, username });
  return { ...u, actor: await loadActor(fw, u.user.id) };
}

/** A JSON call through the HTTP API as one person: the status, the parsed body (null when empty) and the headers. */
export type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any; headers: Headers }>;

/** An API client acting as `who` with a fresh API token. */
export async function apiClient(fw: TestEngine, server: RunningServer, who: { username: string }): Promise<Call> {
  const token = await createToken(fw, who.username);
  return async (method, path, body) => {
    const res = await fetch(server.url + path, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
}

export const svc = (fw: TestEngine): WorkflowService => workflowService(fw);

export async function ticket(fw: TestEngine, who: Actor, values: RecordData = {}): Promise<RecordData> {
  return fw.records.createOne('wf_ticket', { title: 'Printer on fire', ...values }, { actor: who });
}

export async function read(fw: TestEngine, id: unknown, table = 'wf_ticket'): Promise<RecordData> {
  return fw.records.readOne(table, String(id), { actor: fw.systemActor });
}

export async function events(
  fw: TestEngine, recordId: unknown, name?: string,
): Promise<{ name: string; payload: Record<string, unknown>; actor_name: string }[]> {
  const q = fw.db.knex('sys_event').where({ record_id: String(recordId) }).orderBy([{ column: 'created_at' }, { column: 'id' }]);
  if (name) q.andWhere({ name });
  return (await q).map((r: Record<string, unknown>) => ({
    name: r.name as string, payload: JSON.parse(r.payload as string), actor_name: r.actor_name as string,
  }));
}

export async function count(fw: TestEngine, table: string, where: Record<string, unknown> = {}): Promise<number> {
  const row = await fw.db.knex(table).where(where).count({ n: '*' }).first();
  return Number(row!.n);
}

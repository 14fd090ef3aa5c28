/**
 * Shared pieces of the SLA tests: an engine with the core definitions (UK office hours, bank holidays) and the
 * ticket fixture pack, a stepping clock, and record writes through the pipeline, whose SLA hook (registered by
 * the engine) evaluates the SLAs in the write's transaction.
 */
import { fileURLToPath } from 'node:url';
import type { RecordData } from '../../../../platform/records/types.js';
import { fetchRecordSlas, viewOf, type SlaView } from '../../../../platform/workflow/sla/index.js';
import { CORE_DEFINITIONS, createTestEngine, steppingClock, type TestEngine } from '../../../support/engine.js';

export const SLA_PACK = fileURLToPath(new URL('./fixtures/pack/', import.meta.url));
export const H = 3_600_000;
export const M = 60_000;

export type Clock = ReturnType<typeof steppingClock>;

export async function slaEngine(): Promise<{ fw: TestEngine; clock: Clock }> {
  const clock = steppingClock('2026-11-23T09:00:00.000Z');
  const fw = await createTestEngine({ roots: [CORE_DEFINITIONS, SLA_PACK], clock });
  // The tests run the checker themselves, at the instants they name: stop a background poller once one is wired.
  await (fw as unknown as { slaChecker?: { stop(): Promise<void> } }).slaChecker?.stop();
  return { fw, clock };
}

/** Create a record as the system at the clock's time (the engine's SLA hook evaluates in the same transaction). */
export async function create(fw: TestEngine, table: string, data: RecordData): Promise<RecordData> {
  return fw.db.knex.transaction(async (trx) => {
    const actor = fw.systemActor;
    const record = await fw.records.createOne(table, data, { actor, trx });
    const full = await fw.records.readOne(table, record.id as string, { actor, trx });
    return full;
  });
}

/** Update a record as the system at the clock's time (the engine's SLA hook evaluates in the same transaction). */
export async function update(fw: TestEngine, table: string, id: string, patch: RecordData): Promise<RecordData> {
  return fw.db.knex.transaction(async (trx) => {
    const actor = fw.systemActor;
    await fw.records.updateOne(table, id, patch, { actor, trx });
    const record = await fw.records.readOne(table, id, { actor, trx });
    return record;
  });
}

export async function remove(fw: TestEngine, table: string, id: string): Promise<void> {
  await fw.db.knex.transaction(async (trx) => {
    const actor = fw.systemActor;
    await fw.records.deleteOne(table, id, { actor, trx });
  });
}

/** The record's SLAs as the API shows them at the clock's time, by name and generation. */
export async function slasOf(fw: TestEngine, id: string): Promise<SlaView[]> {
  const now = fw.clock.now();
  return (await fetchRecordSlas(fw.db.knex, id)).map((r) => viewOf(fw.registry.current, r, now))
    .sort((a, b) => a.sla.localeCompare(b.sla) || a.generation - b.generation);
}

export async function slaOf(fw: TestEngine, id: string, sla: string, generation?: number): Promise<SlaView> {
  const all = (await slasOf(fw, id)).filter((s) => s.sla === sla);
  const found = generation === undefined ? all[all.length - 1] : all.find((s) => s.generation === generation);
  if (!found) throw new Error(`no SLA ${sla} on ${id}`);
  return found;
}

export async function events(fw: TestEngine, name: string, recordId?: string): Promise<Record<string, any>[]> {
  const q = fw.db.knex('sys_event').where({ name });
  if (recordId) q.andWhere({ record_id: recordId });
  return (await q.orderBy('created_at')).map((e: Record<string, any>) => ({ ...e, payload: JSON.parse(e.payload) }));
}

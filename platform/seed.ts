import { createHash } from 'node:crypto';
import type { Formwork } from './context.js';
import type { DataFile } from './definitions/types.js';

/**
 * Load the data files of the registry (demo and reference data) through the record service, once each: a file is
 * applied again only when its content changed, and records whose `key` fields match an existing record are
 * skipped, so a restart never duplicates data. Returns the number of records created.
 */
export async function seedData(fw: Formwork, options: { demo: boolean }): Promise<number> {
  let created = 0;
  for (const file of fw.registry.current.data) {
    if (file.demo && !options.demo) continue;
    const hash = createHash('sha256').update(JSON.stringify(file)).digest('hex');
    const seen = await fw.db.knex('sys_seed').where({ name: file.name }).first();
    if (seen?.hash === hash) continue;
    created += await applyFile(fw, file);
    await fw.db.knex('sys_seed').insert({ name: file.name, hash, applied_at: fw.clock.now().toISOString() })
      .onConflict('name').merge(['hash', 'applied_at']);
  }
  return created;
}

async function applyFile(fw: Formwork, file: DataFile): Promise<number> {
  const actor = fw.systemActor;
  return fw.db.knex.transaction(async (trx) => {
    let n = 0;
    for (const record of file.records) {
      if (file.key?.length) {
        const filter = { all: file.key.map((k) => ({ fact: `record.${k}`, operator: 'equal', value: record[k] ?? null })) };
        const existing = await fw.records.query(file.table, { filter, limit: 1, withTotal: false, fields: ['id'] }, { actor, trx });
        if (existing.records.length) continue;
      }
      await fw.records.createOne(file.table, record, { actor, trx });
      n += 1;
    }
    return n;
  });
}

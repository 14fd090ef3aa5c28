import { expect } from 'chai';
import { NUMBER_BLOCK } from '../../../platform/records/numbering.js';
import type { RecordData } from '../../../platform/records/types.js';
import { createTestEngine, fixture, CORE_DEFINITIONS, type TestEngine } from '../../support/engine.js';

const incident = (over: RecordData = {}): RecordData => ({ short_description: 'Printer jams', category: 'hardware', ...over });
const seq = (n: unknown) => Number(String(n).replace(/^\D+/, ''));

describe('record numbers', () => {
  let fw: TestEngine;
  beforeEach(async () => { fw = await createTestEngine({ roots: [CORE_DEFINITIONS, fixture('packs/records')] }); });
  afterEach(async () => { await fw.dispose(); });

  const sequenceValue = async () => Number((await fw.db.knex('sys_sequence').where({ name: 'incident' }).first('value')).value);
  const create = (over: RecordData = {}) => fw.records.createOne('incident', incident(over), { actor: fw.systemActor });

  it('reserves a block at a time: consecutive creates get consecutive numbers for one sequence update', async () => {
    const statements: string[] = [];
    const listen = (q: { sql: string }) => { if (/sys_sequence/.test(q.sql)) statements.push(q.sql); };
    fw.db.knex.on('query', listen);
    const made = [];
    for (let i = 0; i < NUMBER_BLOCK; i++) made.push(await create());
    fw.db.knex.off('query', listen);
    const numbers = made.map((r) => seq(r.number));
    expect(numbers).to.deep.equal(numbers.map((_, i) => numbers[0]! + i));
    expect(statements.filter((s) => /^update/i.test(s))).to.have.length(1);
    expect(await sequenceValue()).to.equal(numbers[0]! + NUMBER_BLOCK - 1);
    // The next record starts a new block.
    expect(seq((await create()).number)).to.equal(numbers[0]! + NUMBER_BLOCK);
  });

  it('forgets a block whose reservation rolled back, so no number is ever handed out twice', async () => {
    const kept = await create();
    // Use up the spare block, then fail the create that reserves the next one (after numbering, inside its transaction).
    for (let i = 1; i < NUMBER_BLOCK; i++) await create();
    const before = await sequenceValue();
    const failed = await fw.db.knex.transaction(async (trx) => {
      await fw.records.createOne('incident', incident(), { actor: fw.systemActor, trx });
      throw new Error('roll back');
    }).catch((e: Error) => e);
    expect(failed).to.be.instanceOf(Error);
    expect(await sequenceValue()).to.equal(before);
    const after = [];
    for (let i = 0; i < 3; i++) after.push(await create());
    const all = [kept, ...after].map((r) => r.number);
    expect(new Set(all).size).to.equal(all.length);
    expect(await fw.db.knex('task').count({ n: '*' }).first()).to.deep.equal({ n: NUMBER_BLOCK + 3 });
  });

  it('keeps no block reserved by a nested transaction (a savepoint is not a commit)', async () => {
    await fw.db.knex.transaction(async (outer) => {
      await outer.transaction(async (inner) => {
        await fw.records.createOne('incident', incident(), { actor: fw.systemActor, trx: inner });
      });
    });
    const first = await sequenceValue();
    await create();
    // The nested create reserved exactly one number; the next create reserved a new block from the database.
    expect(await sequenceValue()).to.equal(first + NUMBER_BLOCK);
  });

  it('numbers the records of one transaction consecutively, and later creates after them (one block per transaction)', async () => {
    const seeded = await fw.db.knex.transaction(async (trx) => {
      const out = [];
      for (let i = 0; i < 3; i++) out.push(await fw.records.createOne('incident', incident(), { actor: fw.systemActor, trx }));
      return out;
    });
    const later = [];
    for (let i = 0; i < 3; i++) later.push(await create());
    const numbers = [...seeded, ...later].map((r) => seq(r.number));
    expect(numbers).to.deep.equal(numbers.map((_, i) => numbers[0]! + i));
    expect(await sequenceValue()).to.equal(numbers[0]! + NUMBER_BLOCK - 1);
  });

  it('numbers a savepoint\'s records from its transaction\'s block: one rolled back leaves a gap, never a repeat', async () => {
    const numbers = await fw.db.knex.transaction(async (trx) => {
      const first = await fw.records.createOne('incident', incident(), { actor: fw.systemActor, trx });
      await trx.transaction(async (inner) => {
        await fw.records.createOne('incident', incident(), { actor: fw.systemActor, trx: inner });
        throw new Error('roll back to the savepoint');
      }).catch(() => undefined);
      const third = await fw.records.createOne('incident', incident(), { actor: fw.systemActor, trx });
      return [first, third].map((r) => seq(r.number));
    });
    const after = seq((await create()).number);
    expect(numbers[1]).to.equal(numbers[0]! + 2);
    expect(after).to.equal(numbers[1]! + 1);
    expect(await sequenceValue()).to.equal(numbers[0]! + NUMBER_BLOCK - 1);
  });

  it('drops a spare block once the sequence moved on (another process reserved after it): no number comes out below theirs', async () => {
    const first = seq((await create()).number);
    // Another process (or instance) takes the next block of the same sequence and numbers a record from it.
    await fw.db.knex('sys_sequence').where({ name: 'incident' }).increment('value', NUMBER_BLOCK);
    const theirLast = await sequenceValue();
    expect(theirLast).to.equal(first + 2 * NUMBER_BLOCK - 1);
    const next = seq((await create()).number);
    expect(next).to.be.greaterThan(theirLast);
    expect(seq((await create()).number)).to.equal(next + 1);
  });

  it('gives concurrent creates distinct numbers', async () => {
    const made = await Promise.all(Array.from({ length: 3 * NUMBER_BLOCK }, () => create()));
    const numbers = made.map((r) => r.number);
    expect(new Set(numbers).size).to.equal(numbers.length);
    // A block used up by others while a create read the sequence is not taken from again (no "0000000").
    for (const n of numbers) expect(seq(n)).to.be.greaterThan(0);
  });
});

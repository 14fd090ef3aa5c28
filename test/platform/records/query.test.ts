import { expect } from 'chai';
import { createTestEngine, fixture, CORE_DEFINITIONS, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';
import type { Actor, RecordData } from '../../../platform/records/types.js';

describe('RecordService .query()', () => {
  let fw: TestEngine;
  let actor: Actor;
  const clock = steppingClock('2026-11-22T12:00:00.000Z');
  const day = 86_400_000;

  before(async () => {
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS, fixture('packs/records')], clock });
    actor = fw.systemActor;
    const rows: RecordData[] = [];
    for (let i = 0; i < 30; i++) {
      rows.push({
        short_description: `Item ${String(i).padStart(2, '0')}${i === 7 ? ' 100% _done_' : ''}`,
        category: ['connectivity', 'hardware', 'software'][i % 3], priority: String((i % 4) + 1),
        impact: (i % 3) + 1, opened_at: new Date(clock.now().getTime() - i * day).toISOString(),
        symptoms: i % 5 === 0 ? ['outage', 'slow'] : [], active: i % 2 === 0,
        caller_reference: i < 3 ? null : `R-${i}`,
      });
    }
    await fw.records.createMany('incident', rows, { actor });
  });
  after(async () => { await fw.dispose(); });

  const q = (spec: Parameters<TestEngine['records']['query']>[1]) => fw.records.query('incident', spec, { actor });

  it('pages with limit/offset and a total over the whole filter', async () => {
    const filter = { fact: 'record.category', operator: 'equal', value: 'hardware' };
    const p1 = await q({ filter, sort: [{ field: 'short_description', direction: 'asc' }], limit: 4 });
    const p3 = await q({ filter, sort: [{ field: 'short_description', direction: 'asc' }], limit: 4, offset: 8 });
    expect(p1.total).to.equal(10);
    expect(p1.records.map((r) => r.short_description)).to.deep.equal(['Item 01', 'Item 04', 'Item 07 100% _done_', 'Item 10']);
    expect(p3.records.map((r) => r.short_description)).to.deep.equal(['Item 25', 'Item 28']);
    expect((await q({ filter, withTotal: false, limit: 1 })).total).to.equal(null);
  });

  it('sorts on several fields, ties broken stably by id', async () => {
    const r = await q({ sort: [{ field: 'priority', direction: 'asc' }, { field: 'impact', direction: 'desc' }], limit: 30 });
    const keys = r.records.map((x) => [x.priority, x.impact]);
    const sorted = [...keys].sort((a, b) => (a[0] as string).localeCompare(b[0] as string) || (b[1] as number) - (a[1] as number));
    expect(keys).to.deep.equal(sorted);
    const again = await q({ sort: [{ field: 'priority', direction: 'asc' }, { field: 'impact', direction: 'desc' }], limit: 30 });
    expect(again.records.map((x) => x.id)).to.deep.equal(r.records.map((x) => x.id));
  });

  it('selects fields (id and version always come back)', async () => {
    const r = await q({ fields: ['number', 'category'], limit: 1 });
    expect(Object.keys(r.records[0]!).sort()).to.deep.equal(['category', 'id', 'number', 'version']);
  });

  it('filters with all/any/not, in, contains, startsWith, isEmpty, between and relative dates', async () => {
    const count = async (filter: unknown) => (await q({ filter: filter as never, limit: 1 })).total;
    expect(await count({ all: [{ fact: 'category', operator: 'in', value: ['hardware', 'software'] }, { fact: 'active', operator: 'equal', value: true }] })).to.equal(10);
    expect(await count({ any: [{ fact: 'priority', operator: 'equal', value: '1' }, { fact: 'impact', operator: 'equal', value: 3 }] })).to.equal(16); // 8 + 10 - 2 overlapping
    expect(await count({ not: { fact: 'category', operator: 'equal', value: 'hardware' } })).to.equal(20);
    expect(await count({ fact: 'short_description', operator: 'contains', value: '100%' })).to.equal(1);
    expect(await count({ fact: 'short_description', operator: 'contains', value: '_' })).to.equal(1);
    expect(await count({ fact: 'short_description', operator: 'startsWith', value: 'item 1' })).to.equal(10);
    expect(await count({ fact: 'caller_reference', operator: 'isEmpty', value: true })).to.equal(3);
    expect(await count({ fact: 'impact', operator: 'between', value: [2, 3] })).to.equal(20);
    expect(await count({ fact: 'symptoms', operator: 'contains', value: 'outage' })).to.equal(6);
    expect(await count({ fact: 'opened_at', operator: 'inLast', value: { amount: 7, unit: 'days' } })).to.equal(8);
    expect(await count({ fact: 'record.caller_reference', operator: 'notEqual', value: 'R-5' })).to.equal(29);
  });

  it('names unknown fields and operators with 400 codes', async () => {
    await expectError(q({ filter: { fact: 'nope', operator: 'equal', value: 1 } }), 'unknown_field');
    await expectError(q({ filter: { fact: 'category', operator: 'sortOf', value: 1 } }), 'unknown_operator');
    await expectError(q({ sort: [{ field: 'nope', direction: 'asc' }] }), 'unknown_field');
    await expectError(q({ fields: ['nope'] }), 'unknown_field');
    await expectError(q({ fields: ['comments'] }), 'unknown_field');
    await expectError(q({ limit: 0 }), 'invalid_query');
    await expectError(q({ limit: 5000 }), 'invalid_query');
    await expectError(q({ offset: -1 }), 'invalid_query');
  });

  it('keeps injection attempts inert in values, field names and sort keys', async () => {
    const evil = "x' OR '1'='1'; DROP TABLE task; --";
    expect((await q({ filter: { fact: 'category', operator: 'equal', value: evil } })).total).to.equal(0);
    expect((await q({ filter: { fact: 'short_description', operator: 'contains', value: evil } })).total).to.equal(0);
    await expectError(q({ filter: { fact: 'category" OR 1=1 --', operator: 'equal', value: 'x' } }), 'unknown_field');
    await expectError(q({ sort: [{ field: 'id; DROP TABLE task', direction: 'asc' }] }), 'unknown_field');
    await expectError(q({ fields: ['* from task; --'] }), 'unknown_field');
    expect((await q({ limit: 1 })).total).to.equal(30);
  });
});

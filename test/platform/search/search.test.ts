import { expect } from 'chai';
import { createTestEngine, fixture, packRoot, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';
import { ensureOrg } from '../../support/auth.js';
import type { Actor } from '../../../platform/records/types.js';
import { searchRecords, suggestRecords, rebuildSearchIndexes } from '../../../platform/search/index.js';

/** One table of cases, run unchanged on SQLite and PostgreSQL: query → the titles found, best first where it matters. */
const CASES: { q: string; titles: string[]; ordered?: boolean }[] = [
  { q: 'connect', titles: ['Network connection problems', 'Router guide'] },
  { q: '"reset the router"', titles: ['Network connection problems'] },
  { q: 'connect -router', titles: [] },
  { q: 'connec*', titles: ['Network connection problems', 'Router guide'] },
  { q: 'printer', titles: ['Printer setup', 'Toner codes'], ordered: true },
  { q: 'manual', titles: ['Toner codes'] },
  { q: 'setup_guide', titles: ['Router guide'] },
];

describe('Full-text search', () => {
  let fw: TestEngine;
  let system: Actor;
  let reader: Actor;
  let other: Actor;

  before(async () => {
    fw = await createTestEngine({ roots: [packRoot('core'), fixture('packs/search')] });
    system = fw.systemActor;
    const a = await ensureOrg(fw, 'SXA');
    const b = await ensureOrg(fw, 'SXB');
    reader = { kind: 'user', id: '00000000-0000-7000-8000-0000000000a1', username: 'ra', roles: ['sx_reader'], orgs: [a.id], orgId: a.id };
    other = { kind: 'user', id: '00000000-0000-7000-8000-0000000000b1', username: 'rb', roles: ['sx_reader'], orgs: [b.id], orgId: b.id };
    const docs = [
      { title: 'Network connection problems', body: 'How to reset the router when the light is red.', secret: 'zebra' },
      { title: 'Router guide', body: 'Connect the cable first.', files: [{ id: '00000000-0000-7000-8000-000000000001', name: 'Setup_Guide.pdf', type: 'application/pdf', size: 1 }] },
      { title: 'Printer setup', body: 'Install the driver.' },
      { title: 'Toner codes', body: 'Which toner fits which printer.', kind: 'manual' },
    ];
    for (const d of docs) await fw.records.createOne('sx_doc', d, { actor: system });
    // Owned by organisation A (the system actor's records belong to none).
    await fw.db.knex('sx_doc').update({ org_id: a.id });
  });
  after(async () => { await fw?.dispose(); });

  for (const c of CASES) {
    it(`finds ${JSON.stringify(c.titles)} for ${c.q}`, async () => {
      const found = (await searchRecords(fw, system, { q: c.q })).results.map((r) => r.title);
      if (c.ordered) expect(found).to.deep.equal(c.titles);
      else expect(found).to.have.members(c.titles);
    });
  }

  it('gives match reasons, snippets, groups and summaries', async () => {
    const answer = await searchRecords(fw, system, { q: 'printer' });
    expect(answer.total).to.equal(2);
    expect(answer.groups).to.deep.equal([{ table: 'sx_doc', label: 'Document', pluralLabel: 'Documents', count: 2 }]);
    const toner = answer.results.find((r) => r.title === 'Toner codes')!;
    expect(toner.reasons).to.deep.equal([{ field: 'body', label: 'Body' }]);
    expect(toner.summary).to.equal('Which toner fits which printer.');
    expect(toner.number).to.match(/^DOC\d+$/);
    expect(toner.snippets[0]!.parts).to.deep.include({ text: 'printer', match: true });
    const files = (await searchRecords(fw, system, { q: 'setup guide' })).results.find((r) => r.title === 'Router guide')!;
    expect(files.reasons.map((r) => r.field)).to.include('files');
  });

  it('never matches a field masked for the caller, and keeps organisations apart', async () => {
    expect((await searchRecords(fw, system, { q: 'zebra' })).total).to.equal(1);
    expect((await searchRecords(fw, reader, { q: 'zebra' })).total).to.equal(0);
    expect((await searchRecords(fw, reader, { q: 'router' })).total).to.equal(2);
    const foreign = await searchRecords(fw, other, { q: 'router' });
    expect(foreign.total).to.equal(0);
    expect(foreign.groups).to.deep.equal([]);
    expect((await suggestRecords(fw, other, 'rout')).suggestions).to.deep.equal([]);
    expect((await suggestRecords(fw, reader, 'rout')).suggestions.map((s) => s.title)).to.have.members(['Network connection problems', 'Router guide']);
  });

  it('answers pathological queries with invalid_query or nothing', async () => {
    await expectError(searchRecords(fw, system, { q: Array.from({ length: 10_000 }, (_, i) => `w${i}`).join(' ') }), 'invalid_query');
    await expectError(searchRecords(fw, system, { q: 'a\u0000b' }), 'invalid_query');
    for (const q of ['"', '*', '-', 'OR', 'NEAR(', 'title:x', '"unbalanced router', '{a b}: x', "'; drop table sx_doc; --", '( ) " * -']) {
      const answer = await searchRecords(fw, system, { q });
      expect(answer.results).to.be.an('array');
    }
    expect((await searchRecords(fw, system, { q: '"unbalanced router' })).total).to.equal(0);
    expect((await searchRecords(fw, system, { q: 'title:router' })).total).to.equal(0);
  });

  it('filters and ranks a list by the index with ?q', async () => {
    const result = await fw.records.query('sx_doc', { search: 'printer' }, { actor: system });
    expect(result.records.map((r) => r.title)).to.deep.equal(['Printer setup', 'Toner codes']);
    expect(result.total).to.equal(2);
  });

  it('keeps the index in the write transaction and rebuilds it', async () => {
    const doc = await fw.records.createOne('sx_doc', { title: 'Quokka habits' }, { actor: system });
    expect((await searchRecords(fw, system, { q: 'quokka' })).total).to.equal(1);
    await fw.records.updateOne('sx_doc', String(doc.id), { title: 'Wombat habits' }, { actor: system });
    expect((await searchRecords(fw, system, { q: 'quokka' })).total).to.equal(0);
    expect((await searchRecords(fw, system, { q: 'wombat' })).total).to.equal(1);
    expect(await rebuildSearchIndexes(fw.db, fw.registry.current, 'sx_doc')).to.deep.equal({ sx_doc: 5 });
    expect((await searchRecords(fw, system, { q: 'wombat' })).total).to.equal(1);
    await fw.records.deleteOne('sx_doc', String(doc.id), { actor: system });
    expect((await searchRecords(fw, system, { q: 'wombat' })).total).to.equal(0);
  });
});

/**
 * The search index following the definitions through schema sync: each stage rewrites the table's `searchable` and
 * reloads the definitions (schema sync runs as on a start or a file change).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AttachmentService } from '../../../platform/files/index.js';
import { searchRecords, type SearchableItem } from '../../../platform/search/index.js';
import { DB_KIND } from '../../support/db.js';
import { createTestEngine, packRoot, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

const ITEM = {
  kind: 'table', name: 'sy_item', label: 'Item', pluralLabel: 'Items', displayField: 'title',
  fields: {
    title: { label: 'Title', type: 'string' },
    body: { label: 'Body', type: 'text' },
    files: { label: 'Files', type: 'attachment' },
  },
};
const SUB = { kind: 'table', name: 'sy_sub', label: 'Sub-item', extends: 'sy_item', fields: { extra: { label: 'Extra', type: 'string' } } };

describe('Search index through schema sync', function () {
  this.timeout(120_000);
  let pack: string;
  let fw: TestEngine | undefined;
  let itemId: string;

  /** Write sy_item with `searchable` (none when undefined) and apply the definitions, as the file watcher would. */
  async function stage(searchable: SearchableItem[] | undefined): Promise<void> {
    writeFileSync(join(pack, 'tables/sy_item.json'), JSON.stringify({ ...ITEM, ...(searchable ? { searchable } : {}) }));
    writeFileSync(join(pack, 'tables/sy_sub.json'), JSON.stringify(SUB));
    if (!fw) {
      fw = await createTestEngine({ roots: [packRoot('core'), pack] });
      return;
    }
    const result = await fw.reloadDefinitions();
    expect(result.ok, JSON.stringify(result.errors)).to.equal(true);
  }

  /** The names of the index tables of sy_item (the search side tables, not their FTS5 shadows). */
  async function indexTables(): Promise<string[]> {
    const names: string[] = DB_KIND === 'postgres'
      ? (await fw!.db.knex.raw('select tablename as name from pg_tables where schemaname = current_schema()')).rows.map((r: { name: string }) => r.name)
      : await fw!.db.knex('sqlite_master').where({ type: 'table' }).pluck('name');
    return names.filter((n) => /^sy_item__search_[0-9a-f]{8}$/.test(n));
  }

  const found = async (q: string) => (await searchRecords(fw!, fw!.systemActor, { q })).results.map((r) => r.title).sort();

  before(async () => {
    pack = mkdtempSync(join(tmpdir(), 'formwork-search-sync-'));
    mkdirSync(join(pack, 'tables'));
    await stage(undefined);
    const first = fw!;
    const item = await first.records.createOne('sy_item', { title: 'Quokka facts', body: 'A small marsupial.' }, { actor: first.systemActor });
    itemId = String(item.id);
    await first.records.createOne('sy_sub', { title: 'Wombat notes', body: 'Another marsupial.', extra: 'x' }, { actor: first.systemActor });
    expect(await indexTables()).to.deep.equal([]);
  });
  after(async () => {
    await fw?.dispose();
    if (pack) rmSync(pack, { recursive: true, force: true });
  });

  it('backfills the index of a table that becomes searchable, its child table\'s records found through it', async () => {
    await stage(['title']);
    expect(await indexTables()).to.have.length(1);
    expect(await found('quokka')).to.deep.equal(['Quokka facts']);
    const wombat = await searchRecords(fw!, fw!.systemActor, { q: 'wombat' });
    expect(wombat.groups).to.deep.equal([{ table: 'sy_item', label: 'Item', pluralLabel: 'Items', count: 1 }]);
    expect(wombat.results.map((r) => r.title)).to.deep.equal(['Wombat notes']);
    // The body is not searched yet.
    expect(await found('marsupial')).to.deep.equal([]);
    // A child record written now goes into its parent's index in the write's transaction.
    await fw!.records.createOne('sy_sub', { title: 'Numbat sightings' }, { actor: fw!.systemActor });
    expect(await found('numbat')).to.deep.equal(['Numbat sightings']);
  });

  it('rebuilds the index when the searched fields change, dropping the old one', async () => {
    const before = await indexTables();
    await stage(['title', { field: 'body', weight: 'low' }, 'files']);
    const after = await indexTables();
    expect(after).to.have.length(1);
    expect(after[0]).not.to.equal(before[0]);
    expect(await found('marsupial')).to.deep.equal(['Quokka facts', 'Wombat notes']);
    expect(await found('numbat')).to.deep.equal(['Numbat sightings']);
  });

  it('indexes the file name of an attachment added, and forgets it when removed', async () => {
    const files = new AttachmentService(fw!);
    const body = Readable.from([Buffer.from('dig here')]);
    const { attachment } = await files.upload({
      table: 'sy_item', recordId: itemId, field: 'files', contentType: 'text/plain', fileName: 'Burrow_Plan.txt', contentLength: 8, body,
    }, fw!.systemActor);
    const hit = (await searchRecords(fw!, fw!.systemActor, { q: 'burrow' })).results;
    expect(hit.map((r) => r.title)).to.deep.equal(['Quokka facts']);
    expect(hit[0]!.reasons).to.deep.equal([{ field: 'files', label: 'Files' }]);
    await files.remove('sy_item', itemId, 'files', attachment.id, fw!.systemActor);
    expect(await found('burrow')).to.deep.equal([]);
    expect(await found('quokka')).to.deep.equal(['Quokka facts']);
  });

  it('drops the index of a table no longer searchable', async () => {
    await stage(undefined);
    expect(await indexTables()).to.deep.equal([]);
    const answer = await searchRecords(fw!, fw!.systemActor, { q: 'quokka' });
    expect(answer).to.deep.include({ total: 0, groups: [], results: [] });
    await expectError(searchRecords(fw!, fw!.systemActor, { q: 'quokka', tables: ['sy_item'] }), 'invalid_query');
    await expectError(fw!.records.query('sy_item', { search: 'quokka' }, { actor: fw!.systemActor }), 'invalid_query');
  });
});

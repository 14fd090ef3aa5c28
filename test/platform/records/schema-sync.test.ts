import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { runMigrations, type Database } from '../../../platform/db/index.js';
import { acceptSchemaChange, applySchemaSync, indexName, planSchemaSync, scopedIndex } from '../../../platform/records/schema-sync.js';
import { type IndexDef, type Registry } from '../../../platform/definitions/index.js';
import { loadRegistry } from '../../../platform/kinds.js';
import { FormworkError } from '../../../platform/errors.js';
import { createEngine } from '../../../platform/engine.js';
import { createLogger } from '../../../platform/log.js';
import { createTestDatabase, DB_KIND, type TestDatabase } from '../../support/db.js';
import { createTestEngine, fixture, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

const BASE = fixture('sync/base');

/** A writable copy of the base pack, so a test can change definitions under a running engine. */
function copyBase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'formwork-sync-'));
  cpSync(BASE, dir, { recursive: true });
  return dir;
}

function editJson(dir: string, file: string, edit: (def: any) => void): void {
  const path = join(dir, file);
  const def = JSON.parse(readFileSync(path, 'utf8'));
  edit(def);
  writeFileSync(path, JSON.stringify(def, null, 2));
}

async function load(roots: string[]): Promise<Registry> {
  const { registry, errors } = await loadRegistry(roots);
  expect(errors, JSON.stringify(errors)).to.deep.equal([]);
  return registry!;
}

/** Column name → SQL type as the database reports it (PostgreSQL's udt_name, SQLite's declared type). */
async function columnTypes(db: Database, table: string): Promise<Map<string, string>> {
  if (DB_KIND === 'postgres') {
    const { rows } = await db.knex.raw(
      'select column_name, udt_name from information_schema.columns where table_schema = current_schema() and table_name = ?', [table]);
    return new Map(rows.map((r: { column_name: string; udt_name: string }) => [r.column_name, r.udt_name === 'int4' ? 'integer' : r.udt_name]));
  }
  const rows = await db.knex.raw('select name, type from pragma_table_info(?)', [table]);
  return new Map(rows.map((r: { name: string; type: string }) => [r.name, r.type.toLowerCase()]));
}

async function tableNames(db: Database): Promise<string[]> {
  if (DB_KIND === 'postgres') {
    const { rows } = await db.knex.raw('select table_name as name from information_schema.tables where table_schema = current_schema()');
    return rows.map((r: { name: string }) => r.name).sort();
  }
  const rows = await db.knex.raw("select name from sqlite_master where type = 'table'");
  return rows.map((r: { name: string }) => r.name).sort();
}

/** The name schema sync gives a non-unique index: its columns end with id and the organisation column. */
const synced = (table: string, def: IndexDef) => indexName(table, scopedIndex(def, ['org_id']));

async function indexNames(db: Database, table: string): Promise<string[]> {
  if (DB_KIND === 'postgres') {
    const { rows } = await db.knex.raw('select indexname as name from pg_indexes where schemaname = current_schema() and tablename = ?', [table]);
    return rows.map((r: { name: string }) => r.name).sort();
  }
  const rows = await db.knex.raw("select name from sqlite_master where type = 'index' and tbl_name = ?", [table]);
  return rows.map((r: { name: string }) => r.name).sort();
}

async function schemaState(knex: Knex): Promise<Record<string, string>> {
  const rows = await knex('sys_table_schema').select('table_name', 'columns').orderBy('table_name');
  return Object.fromEntries(rows.map((r: { table_name: string; columns: string }) => [r.table_name, r.columns]));
}

const SYSTEM_COLUMNS = ['id', 'class', 'version', 'org_id', 'created_at', 'created_by', 'updated_at', 'updated_by'];

describe('schema sync', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase();
    await runMigrations(db);
  });
  afterEach(async () => { await db.dispose(); });

  it('creates one physical table per hierarchy with system columns and declared columns (journals have none)', async () => {
    const registry = await load([BASE]);
    const changes = await applySchemaSync(db, registry);
    expect(changes.filter((c) => c.kind === 'create_table').map((c) => c.table).sort()).to.deep.equal(['gadget', 'place']);

    const tables = await tableNames(db);
    expect(tables).to.include.members(['gadget', 'place']);
    expect(tables, 'phone extends gadget and shares its table').not.to.include('phone');

    const gadget = await columnTypes(db, 'gadget');
    expect([...gadget.keys()].sort()).to.deep.equal(
      [...SYSTEM_COLUMNS, 'number', 'serial', 'size', 'contact', 'weight', 'place', 'imei'].sort());
    expect(gadget.has('notes'), 'a journal field has no column').to.equal(false);
    expect(gadget.get('weight')).to.equal('integer');
    expect(gadget.get('serial')).to.equal('text');
    expect(gadget.get('id')).to.equal(DB_KIND === 'postgres' ? 'uuid' : 'text');
    expect(gadget.get('created_at')).to.equal(DB_KIND === 'postgres' ? 'timestamptz' : 'text');

    const place = await columnTypes(db, 'place');
    expect([...place.keys()].sort(), 'no number prefix, no number column').to.deep.equal([...SYSTEM_COLUMNS, 'code', 'name'].sort());

    const sequences = await db.knex('sys_sequence').select('name').orderBy('name');
    expect(sequences.map((s: { name: string }) => s.name)).to.deep.equal(['gadget']);
  });

  it('plans no changes on a second sync with the same definitions', async () => {
    await applySchemaSync(db, await load([BASE]));
    const again = await load([BASE]);
    expect(await planSchemaSync(db, again)).to.deep.equal([]);
    expect(await applySchemaSync(db, again)).to.deep.equal([]);
    expect((await columnTypes(db, 'gadget')).size).to.equal(SYSTEM_COLUMNS.length + 7);
  });

  it('creates the declared, unique, reference and composite indexes in the database', async () => {
    const registry = await load([BASE]);
    await applySchemaSync(db, registry);
    expect(await indexNames(db, 'gadget')).to.include.members([
      synced('gadget', { fields: ['class'] }), // phone shares the table
      indexName('gadget', { fields: ['number'], unique: true }),
      indexName('gadget', { fields: ['serial'], unique: true }),
      synced('gadget', { fields: ['place'] }),
      synced('gadget', { fields: ['imei'] }),
      synced('gadget', { fields: ['contact', '-weight'] }),
    ]);
    // place is alone in its table: no index on class.
    expect(await indexNames(db, 'place')).to.not.include(synced('place', { fields: ['class'] }));
    expect(await indexNames(db, 'place')).to.include.members([
      indexName('place', { fields: ['code'], unique: true }),
    ]);
    // The unique index is real: the database itself refuses a duplicate.
    const row = (serial: string) => ({
      id: crypto.randomUUID(), class: 'gadget', version: 1, serial,
      created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
    });
    await db.knex('gadget').insert(row('DUP'));
    let failed: unknown;
    try { await db.knex('gadget').insert(row('DUP')); } catch (e) { failed = e; }
    expect(db.dialect.uniqueViolation(failed)).to.not.equal(null);
  });

  it('planSchemaSync is read-only', async () => {
    const registry = await load([BASE]);
    const before = await tableNames(db);
    const plan = await planSchemaSync(db, registry);
    expect(plan.map((c) => `${c.kind}:${c.table}`)).to.include.members(['create_table:gadget', 'create_table:place']);
    expect(plan.every((c) => c.additive)).to.equal(true);
    expect(await tableNames(db)).to.deep.equal(before);
    expect(await db.knex('sys_table_schema').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
    expect(await db.knex('sys_sequence').count({ n: '*' })).to.deep.equal([{ n: 0 }]);

    // Also with a pending refused change: planned and reported, but nothing touched.
    await applySchemaSync(db, registry);
    const dir = copyBase();
    try {
      editJson(dir, 'tables/gadget.json', (d) => { d.fields.size.type = 'integer'; d.fields.colour = { type: 'string' }; });
      const state = await schemaState(db.knex);
      const changes = await planSchemaSync(db, await load([dir]));
      expect(changes.map((c) => `${c.kind}:${c.field}`).sort()).to.deep.equal(['add_column:colour', 'change_type:size']);
      expect(await schemaState(db.knex)).to.deep.equal(state);
      expect((await columnTypes(db, 'gadget')).has('colour')).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a type change from applySchemaSync with every refused change listed', async () => {
    await applySchemaSync(db, await load([BASE]));
    const dir = copyBase();
    try {
      editJson(dir, 'tables/gadget.json', (d) => { d.fields.size.type = 'integer'; delete d.fields.contact; d.indexes = []; });
      const e = await expectError(applySchemaSync(db, await load([dir])), 'schema_change_refused');
      expect(e.message).to.contain('Field "size" of table "gadget" would change type from text to integer');
      expect(e.message).to.contain('Field "contact" (text) of table "gadget"');
      expect(e.fieldErrors.map((f) => `${f.field}:${f.code}`).sort()).to.deep.equal(['gadget.contact:drop_column', 'gadget.size:change_type']);
      expect(await columnTypes(db, 'gadget')).to.include.keys('contact');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('schema sync through the engine', () => {
  let dir: string;
  let fw: TestEngine;
  const actor = () => fw.systemActor;

  beforeEach(async () => {
    dir = copyBase();
    fw = await createTestEngine({ roots: [dir], seed: false });
  });
  afterEach(async () => {
    await fw.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What a refused reload must leave alone. */
  async function snapshot() {
    return {
      registry: fw.registry.current,
      state: await schemaState(fw.db.knex),
      tables: await tableNames(fw.db),
      gadget: await columnTypes(fw.db, 'gadget'),
      rows: await fw.db.knex('gadget').select('*').orderBy('id'),
    };
  }
  async function expectUnchanged(before: Awaited<ReturnType<typeof snapshot>>) {
    expect(fw.registry.current, 'the registry in force is unchanged').to.equal(before.registry);
    expect(await schemaState(fw.db.knex)).to.deep.equal(before.state);
    expect(await tableNames(fw.db)).to.deep.equal(before.tables);
    expect(await columnTypes(fw.db, 'gadget')).to.deep.equal(before.gadget);
    expect(await fw.db.knex('gadget').select('*').orderBy('id')).to.deep.equal(before.rows);
  }

  function addTableFieldAndIndex() {
    writeFileSync(join(dir, 'tables/shelf.json'), JSON.stringify({
      kind: 'table', name: 'shelf', numberPrefix: 'SHF',
      fields: { label: { type: 'string' }, gadget: { type: 'reference', reference: 'gadget' } },
    }));
    editJson(dir, 'tables/gadget.json', (d) => {
      d.fields.colour = { type: 'string', label: 'Colour' };
      d.indexes.push({ fields: ['colour', 'weight'] });
    });
  }

  it('applies a new table, field and composite index on reloadDefinitions, and the new column is usable', async () => {
    const old = await fw.records.createOne('gadget', { serial: 'G-1', size: 'small' }, { actor: actor() });
    addTableFieldAndIndex();

    const result = await fw.reloadDefinitions();
    expect(result.ok, JSON.stringify(result.errors)).to.equal(true);
    expect(result.changes.map((c) => `${c.kind}:${c.table}:${c.field ?? c.index ?? ''}`)).to.include.members([
      'create_table:shelf:', 'add_column:gadget:colour', `add_index:gadget:${synced('gadget', { fields: ['colour', 'weight'] })}`,
    ]);
    expect(result.changes.every((c) => c.additive)).to.equal(true);
    expect(await tableNames(fw.db)).to.include('shelf');
    expect((await columnTypes(fw.db, 'gadget')).get('colour')).to.equal('text');
    expect(await indexNames(fw.db, 'gadget')).to.include(synced('gadget', { fields: ['colour', 'weight'] }));

    const created = await fw.records.createOne('gadget', { serial: 'G-2', colour: 'red', weight: 3 }, { actor: actor() });
    expect((await fw.records.readOne('gadget', created.id as string, { actor: actor() })).colour).to.equal('red');
    const found = await fw.records.query('gadget', { filter: { fact: 'colour', operator: 'equal', value: 'red' } }, { actor: actor() });
    expect(found.records.map((r) => r.serial)).to.deep.equal(['G-2']);
    const unchanged = await fw.records.readOne('gadget', old.id as string, { actor: actor() });
    expect([unchanged.size, unchanged.colour]).to.deep.equal(['small', null]);
    const shelf = await fw.records.createOne('shelf', { label: 'Top', gadget: created.id }, { actor: actor() });
    expect(shelf.number).to.match(/^SHF\d+$/);

    expect(await planSchemaSync(fw.db, fw.registry.current), 'nothing left to do').to.deep.equal([]);
  });

  it('applies additive changes when an engine starts on an existing database', async () => {
    addTableFieldAndIndex();
    // A restart: a new engine on the same database (not closed, the test database owns the connection).
    const restarted = await createEngine(fw.config, { db: fw.testDb, log: createLogger('silent'), seed: false });
    expect(restarted.registry.current.tables.has('shelf')).to.equal(true);
    expect((await columnTypes(fw.db, 'gadget')).get('colour')).to.equal('text');
    const g = await restarted.records.createOne('gadget', { serial: 'G-9', colour: 'blue' }, { actor: actor() });
    expect(g.colour).to.equal('blue');
  });

  it('treats a change between types stored alike (string → email) as no type change', async () => {
    await fw.records.createOne('gadget', { serial: 'G-1', contact: 'someone@example.com' }, { actor: actor() });
    editJson(dir, 'tables/gadget.json', (d) => { d.fields.contact.type = 'email'; });
    const result = await fw.reloadDefinitions();
    expect(result.ok, JSON.stringify(result.errors)).to.equal(true);
    expect(result.changes).to.deep.equal([]);
    expect(fw.registry.current.getTable('gadget').fields.get('contact')!.type).to.equal('email');
    // The new definition is in force: an email field now validates its values.
    await expectError(fw.records.createOne('gadget', { serial: 'G-2', contact: 'not an address' }, { actor: actor() }), 'validation_failed');
  });

  it('refuses a type change (string → integer), naming table, field, old and new type, and alters nothing', async () => {
    await fw.records.createOne('gadget', { serial: 'G-1', size: 'large' }, { actor: actor() });
    const before = await snapshot();
    // An additive change in the same edit must not be applied either: refusal happens before any DDL.
    editJson(dir, 'tables/gadget.json', (d) => { d.fields.size.type = 'integer'; d.fields.colour = { type: 'string' }; });

    const result = await fw.reloadDefinitions();
    expect(result.ok).to.equal(false);
    expect(result.changes).to.deep.equal([]);
    const message = result.errors.map((e) => e.message).join('\n');
    expect(message).to.contain('"gadget"').and.contain('"size"').and.contain('from text to integer');
    await expectUnchanged(before);
    expect((await fw.db.knex('gadget').where({ serial: 'G-1' }).first()).size).to.equal('large');

    const e = await expectError(applySchemaSync(fw.db, (await loadRegistry([dir])).registry!), 'schema_change_refused');
    expect(e).to.be.instanceOf(FormworkError);
    expect(e.message).to.match(/Field "size" of table "gadget" would change type from text to integer/);
    expect((e.extra.changes as unknown[]).length).to.equal(1);
    await expectUnchanged(before);

    // Records keep working on the registry in force.
    const more = await fw.records.createOne('gadget', { serial: 'G-2', size: 'medium' }, { actor: actor() });
    expect(more.size).to.equal('medium');
  });

  it('accepts the type change after a migration converts the column and calls acceptSchemaChange', async () => {
    const g = await fw.records.createOne('gadget', { serial: 'G-1', size: '7' }, { actor: actor() });
    editJson(dir, 'tables/gadget.json', (d) => { d.fields.size.type = 'integer'; });
    expect((await fw.reloadDefinitions()).ok).to.equal(false);

    // What a migration does: convert the column (portable SQL for both dialects), then record the new type.
    const knex = fw.db.knex;
    const type = fw.db.dialect.columnType('integer');
    await knex.raw(`alter table ?? add column ?? ${type}`, ['gadget', 'size_new']);
    await knex.raw(`update ?? set ?? = cast(?? as ${type})`, ['gadget', 'size_new', 'size']);
    await knex.raw('alter table ?? drop column ??', ['gadget', 'size']);
    await knex.raw('alter table ?? rename column ?? to ??', ['gadget', 'size_new', 'size']);
    await acceptSchemaChange(knex, 'gadget', 'size', 'integer');

    const result = await fw.reloadDefinitions();
    expect(result.ok, JSON.stringify(result.errors)).to.equal(true);
    expect(fw.registry.current.getTable('gadget').fields.get('size')!.type).to.equal('integer');
    expect((await fw.records.readOne('gadget', g.id as string, { actor: actor() })).size).to.equal(7);
    const n = await fw.records.createOne('gadget', { serial: 'G-2', size: 42 }, { actor: actor() });
    expect((await fw.records.readOne('gadget', n.id as string, { actor: actor() })).size).to.equal(42);
    const big = await fw.records.query('gadget', { filter: { fact: 'size', operator: 'greaterThan', value: 10 } }, { actor: actor() });
    expect(big.records.map((r) => r.serial)).to.deep.equal(['G-2']);
  });

  it('keeps the registry in force and alters nothing when an additive change fails in the database', async () => {
    await fw.records.createMany('gadget', [{ serial: 'G-1', size: 'large' }, { serial: 'G-2', size: 'large' }], { actor: actor() });
    const before = await snapshot();
    // A new column plus a unique index the existing rows violate: the index fails after the column was added.
    editJson(dir, 'tables/gadget.json', (d) => { d.fields.size.unique = true; d.fields.colour = { type: 'string' }; });

    const result = await fw.reloadDefinitions();
    expect(result.ok).to.equal(false);
    expect(result.errors.map((e) => e.message).join('\n')).to.contain(indexName('gadget', { fields: ['size'], unique: true }));
    await expectUnchanged(before);
    expect((await fw.records.createOne('gadget', { serial: 'G-3', size: 'large' }, { actor: actor() })).size).to.equal('large');
  });

  it('refuses a field removal, keeping the column and its data, until a migration accepts it', async () => {
    await fw.records.createOne('gadget', { serial: 'G-1', size: 'large' }, { actor: actor() });
    const before = await snapshot();
    editJson(dir, 'tables/gadget.json', (d) => { delete d.fields.size; });

    const result = await fw.reloadDefinitions();
    expect(result.ok).to.equal(false);
    expect(result.errors.map((e) => e.message).join('\n')).to.contain('Field "size" (text) of table "gadget" is no longer declared');
    await expectUnchanged(before);
    expect((await fw.db.knex('gadget').where({ serial: 'G-1' }).first()).size).to.equal('large');

    await fw.db.knex.schema.alterTable('gadget', (t) => { t.dropColumn('size'); });
    await acceptSchemaChange(fw.db.knex, 'gadget', 'size', null);
    const accepted = await fw.reloadDefinitions();
    expect(accepted.ok, JSON.stringify(accepted.errors)).to.equal(true);
    expect(fw.registry.current.getTable('gadget').fields.has('size')).to.equal(false);
    expect((await fw.records.createOne('gadget', { serial: 'G-2' }, { actor: actor() })).serial).to.equal('G-2');
  });

  it('refuses a table removal, keeping the table and its data, until a migration accepts it', async () => {
    const place = await fw.records.createOne('place', { code: 'LON', name: 'London' }, { actor: actor() });
    await fw.records.createOne('gadget', { serial: 'G-1', place: place.id }, { actor: actor() });
    const before = await snapshot();
    rmSync(join(dir, 'tables/place.json'));
    editJson(dir, 'tables/gadget.json', (d) => { delete d.fields.place; });

    const result = await fw.reloadDefinitions();
    expect(result.ok).to.equal(false);
    const message = result.errors.map((e) => e.message).join('\n');
    expect(message).to.contain('Table "place" is no longer declared');
    expect(message).to.contain('Field "place" (uuid) of table "gadget" is no longer declared');
    await expectUnchanged(before);
    expect(await fw.db.knex('place').select('code')).to.deep.equal([{ code: 'LON' }]);
    expect((await fw.records.readOne('place', place.id as string, { actor: actor() })).name).to.equal('London');

    const knex = fw.db.knex;
    await knex.raw('drop index if exists ??', [synced('gadget', { fields: ['place'] })]);
    await knex.schema.alterTable('gadget', (t) => { t.dropColumn('place'); });
    await knex.schema.dropTable('place');
    await acceptSchemaChange(knex, 'gadget', 'place', null);
    await acceptSchemaChange(knex, 'place', null, null);
    const accepted = await fw.reloadDefinitions();
    expect(accepted.ok, JSON.stringify(accepted.errors)).to.equal(true);
    expect(fw.registry.current.tables.has('place')).to.equal(false);
    expect(await planSchemaSync(fw.db, fw.registry.current)).to.deep.equal([]);
  });
});

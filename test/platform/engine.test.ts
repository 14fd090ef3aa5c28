import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../platform/config.js';
import { createEngine, type Engine } from '../../platform/engine.js';
import { createLogger } from '../../platform/log.js';
import { openDatabase } from '../../platform/db/index.js';
import { seedData } from '../../platform/data/seed.js';
import type { DefinitionError } from '../../platform/definitions/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { createTestEngine, fixture, REPO, type TestEngine } from '../support/engine.js';
import { expectError } from '../support/errors.js';

const BASE = fixture('sync/base');
const DEMO = fixture('sync/demo');
const BROKEN = fixture('sync/broken');

/** The options that open another handle on the test database `db` (its PostgreSQL schema, if any). */
function searchPathOf(db: TestDatabase): { searchPath?: string } {
  return { searchPath: (db.knex.client.config as { searchPath?: string[] }).searchPath?.[0] };
}

function copyPack(path: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'formwork-engine-'));
  cpSync(path, dir, { recursive: true });
  return dir;
}

async function count(fw: Engine, table: string): Promise<number> {
  return (await fw.records.query(table, { limit: 1 }, { actor: fw.systemActor })).total!;
}

async function values(fw: Engine, table: string, field: string): Promise<unknown[]> {
  const r = await fw.records.query(table, { sort: [{ field, direction: 'asc' }], limit: 100 }, { actor: fw.systemActor });
  return r.records.map((x) => x[field]);
}

describe('engine', () => {
  describe('createEngine', () => {
    let db: TestDatabase;
    beforeEach(async () => { db = await createTestDatabase(); });
    afterEach(async () => { await db.dispose(); });

    it('fails with definition_invalid listing every error of a broken definition set', async () => {
      const config = { ...readConfig({}, REPO), databaseUrl: db.url, definitionRoots: [BASE, BROKEN], demoData: false };
      const e = await expectError(createEngine(config, { db, log: createLogger('silent') }), 'definition_invalid');
      const errors = e.extra.definitionErrors as DefinitionError[];
      expect(errors.map((x) => x.file.replace(/^.*\//, '')).sort()).to.deep.equal(['broken.json', 'dangling.json', 'half.json']);
      expect(e.message).to.contain('half.json').and.contain('Invalid JSON');
      expect(e.message).to.contain('broken.json#/fields/mood/type');
      expect(e.message).to.contain('refers to table "nowhere"');
    });

    it('databaseOnly: runs migrations and loads the registry, but syncs, seeds and starts nothing', async () => {
      const config = { ...readConfig({}, REPO), databaseUrl: db.url, definitionRoots: [BASE, DEMO], demoData: true };
      const fw = await createEngine(config, { db, log: createLogger('silent'), databaseOnly: true, timerPollMs: 60_000, slaPollMs: 60_000 });
      try {
        expect(fw.registry.current.tables.has('gadget')).to.equal(true);
        expect(await db.knex.schema.hasTable('sys_user')).to.equal(true);
        expect(await db.knex.schema.hasTable('gadget')).to.equal(false);
        expect(await db.knex('sys_seed').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
        expect(fw.seeded).to.equal(null);
        fw.startBackground();
        expect(fw.workflow.timers.started).to.equal(false);
        expect(fw.slaChecker).to.equal(undefined);
      } finally {
        await fw.close();
      }
    });

    it('background: false starts the timers and the SLA checker only at startBackground()', async () => {
      const config = { ...readConfig({}, REPO), databaseUrl: db.url, definitionRoots: [BASE], demoData: false };
      const fw = await createEngine(config, { db, log: createLogger('silent'), background: false, timerPollMs: 60_000, slaPollMs: 60_000 });
      try {
        expect(await db.knex.schema.hasTable('gadget')).to.equal(true);
        expect(fw.workflow.timers.started).to.equal(false);
        expect(fw.slaChecker).to.equal(undefined);
        fw.startBackground();
        expect(fw.workflow.timers.started).to.equal(true);
        expect(fw.slaChecker).to.not.equal(undefined);
      } finally {
        await fw.close();
      }
      expect(fw.workflow.timers.started).to.equal(false);
    });

    it('creates the demo administrator when asked, once per database', async () => {
      const config = { ...readConfig({}, REPO), databaseUrl: db.url, definitionRoots: [BASE], demoData: true, scryptLog2N: 10 };
      const first = await createEngine(config, { db, log: createLogger('silent'), demoAdministrator: true, timerPollMs: 0, slaPollMs: 0 });
      try {
        expect(first.demoAdministrator?.user.username).to.equal('admin');
        expect(first.demoAdministrator?.password).to.be.a('string');
        const second = await createEngine(config, {
          db: openDatabase(db.url, searchPathOf(db)), log: createLogger('silent'), demoAdministrator: true, timerPollMs: 0, slaPollMs: 0,
        });
        expect(second.demoAdministrator).to.equal(null);
        await second.close();
      } finally {
        await first.close();
      }
    });
  });

  describe('reloadDefinitions', () => {
    let dir: string;
    let fw: TestEngine;
    beforeEach(async () => {
      dir = copyPack(BASE);
      fw = await createTestEngine({ roots: [dir], seed: false });
    });
    afterEach(async () => {
      await fw.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps serving the last good registry when a definition file breaks', async () => {
      const actor = fw.systemActor;
      const good = fw.registry.current;
      const first = await fw.records.createOne('gadget', { serial: 'G-1' }, { actor });

      writeFileSync(join(dir, 'tables/half.json'), '{ "kind": "table", "name": ');
      writeFileSync(join(dir, 'tables/dangling.json'), JSON.stringify({ kind: 'table', name: 'dangling', fields: { owner: { type: 'reference', reference: 'nowhere' } } }));
      const result = await fw.reloadDefinitions();
      expect(result.ok).to.equal(false);
      expect(result.changes).to.deep.equal([]);
      expect(result.errors.map((x) => x.file.replace(/^.*\//, '')).sort()).to.deep.equal(['dangling.json', 'half.json']);
      expect(fw.registry.current).to.equal(good);
      expect(fw.registry.current.tables.has('dangling')).to.equal(false);
      // Administrators see why: the version in force and the refused change's errors.
      const status = fw.registry.status!();
      expect(status.version).to.equal(good.version);
      expect(status.rejected!.errors.map((x) => x.file.replace(/^.*\//, '')).sort()).to.deep.equal(['dangling.json', 'half.json']);

      // Records still work on the registry in force.
      const second = await fw.records.createOne('gadget', { serial: 'G-2', size: 'small' }, { actor });
      expect(second.number).to.match(/^GAD\d{4}$/);
      const updated = await fw.records.updateOne('gadget', first.id as string, { size: 'large' }, { actor });
      expect(updated.size).to.equal('large');
      expect(await values(fw, 'gadget', 'serial')).to.deep.equal(['G-1', 'G-2']);

      // Once the files are fixed, the next reload goes through.
      rmSync(join(dir, 'tables/half.json'));
      writeFileSync(join(dir, 'tables/dangling.json'), JSON.stringify({ kind: 'table', name: 'dangling', fields: { owner: { type: 'reference', reference: 'place' } } }));
      const fixed = await fw.reloadDefinitions();
      expect(fixed.ok, JSON.stringify(fixed.errors)).to.equal(true);
      expect(fw.registry.current).to.not.equal(good);
      expect(fw.registry.current.tables.has('dangling')).to.equal(true);
      expect(fw.registry.status!()).to.include({ version: fw.registry.current.version, rejected: null });
      expect((await fw.records.createOne('dangling', {}, { actor })).id).to.be.a('string');
    });
  });

  describe('data files', () => {
    const engines: TestEngine[] = [];
    const dirs: string[] = [];
    const engine = async (roots: string[], demoData: boolean) => {
      const fw = await createTestEngine({ roots, demoData });
      engines.push(fw);
      return fw;
    };
    afterEach(async () => {
      for (const fw of engines.splice(0)) await fw.dispose();
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    });

    it('loads demo data only when demoData is true; reference data always', async () => {
      const plain = await engine([BASE, DEMO], false);
      expect(await count(plain, 'place')).to.equal(0);
      expect(await values(plain, 'gadget', 'serial')).to.deep.equal(['REF-1']);

      const demo = await engine([BASE, DEMO], true);
      expect(await values(demo, 'place', 'code')).to.deep.equal(['EDI', 'LON']);
      expect(await values(demo, 'gadget', 'serial')).to.deep.equal(['REF-1']);
    });

    it('does not duplicate records when seeding again, a restart, or a changed data file', async () => {
      const dataDir = copyPack(DEMO);
      dirs.push(dataDir);
      const fw = await engine([BASE, dataDir], true);
      expect(await count(fw, 'place')).to.equal(2);

      expect(await seedData(fw, { demo: true })).to.equal(0);
      // A restart on the same database.
      const restarted = await createEngine(fw.config, { db: fw.testDb, log: createLogger('silent') });
      expect(await count(restarted, 'place')).to.equal(2);
      expect(await count(restarted, 'gadget')).to.equal(1);

      // Even when the file is applied again (its record is forgotten), key fields stop duplicates.
      await fw.db.knex('sys_seed').delete();
      expect(await seedData(fw, { demo: true })).to.equal(0);

      // A changed file: only the record whose key is new is created.
      const file = join(dataDir, 'data/demo-places.json');
      const def = JSON.parse(readFileSync(file, 'utf8'));
      def.records.push({ code: 'CDF', name: 'Cardiff' });
      def.records[0].name = 'London (renamed)';
      writeFileSync(file, JSON.stringify(def));
      expect((await fw.reloadDefinitions()).ok).to.equal(true);
      expect(await seedData(fw, { demo: true })).to.equal(1);
      expect(await values(fw, 'place', 'code')).to.deep.equal(['CDF', 'EDI', 'LON']);
      expect(await values(fw, 'place', 'name')).to.deep.equal(['Cardiff', 'Edinburgh', 'London']);
    });
  });
});

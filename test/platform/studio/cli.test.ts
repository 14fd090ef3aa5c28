/**
 * The command line and the studio's layer, run as child processes: `formwork export` writes the published layer
 * as pack files with a manifest, `formwork import --plan/--apply` brings it into another database (conflicts
 * refused unless --force), and `validate` and `sync` take the published layer into account.
 */
import { expect } from 'chai';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../../platform/db/index.js';
import { fetchLayer } from '../../../platform/studio/store.js';
import { createTestEngine } from '../../support/engine.js';
import { gadgetForm, gadgetMenu, gadgetTable, ROOTS } from './support.js';
import { cliDatabase, runCli } from '../../support/cli.js';

interface Place {
  env: NodeJS.ProcessEnv;
  open(): Database;
  dispose(): Promise<void>;
}

/** A database of its own for the CLI, on the core pack. */
async function place(dir: string): Promise<Place> {
  const db = await cliDatabase(dir);
  return {
    env: {
      ...process.env, DATABASE_URL: db.url, FORMWORK_DEFINITIONS: ROOTS.join(','), FORMWORK_DEMO_DATA: 'false', FORMWORK_WATCH: 'false', LOG_LEVEL: 'warn',
    },
    open: () => db.open(),
    dispose: () => db.dispose(),
  };
}

const cli = runCli;

/** Publish definitions as version 1 of a place's database, through the studio of an engine that is then closed. */
async function publishInto(p: Place, definitions: { kind: string; name: string }[]): Promise<void> {
  const db = p.open();
  const fw = await createTestEngine({ roots: ROOTS, db: { ...db, dispose: async () => undefined } });
  try {
    const cs = await fw.studio!.createChangeSet(fw.systemActor, { name: 'Gadgets' });
    for (const d of definitions) await fw.studio!.saveDefinition(fw.systemActor, cs.id, d.kind, d.name, d);
    await fw.studio!.publish(fw.systemActor, cs.id);
  } finally {
    await fw.dispose();
  }
}

describe('formwork export and import', function () {
  this.timeout(180000);
  let dir: string;
  let source: Place;
  let target: Place;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'formwork-studio-cli-'));
    source = await place(dir);
    target = await place(dir);
    await publishInto(source, [gadgetTable, gadgetForm, gadgetMenu]);
  });
  afterEach(async () => {
    await source.dispose();
    await target.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports pack files with a manifest, imports them into a fresh database, and validate and sync know the layer', async () => {
    const out = join(dir, 'export');
    const exported = await cli(['export', out], source.env);
    expect(exported.code, exported.stderr).to.equal(0);
    expect(exported.stdout).to.include('Exported version 1 (the whole published layer)');
    expect(readFileSync(join(out, 'tables/gadget.json'), 'utf8')).to.equal(`${JSON.stringify(gadgetTable, null, 2)}\n`);
    expect(existsSync(join(out, 'forms/gadget.json')) && existsSync(join(out, 'menus/gadgets.json'))).to.equal(true);
    const manifest = JSON.parse(readFileSync(join(out, '.formwork-export.json'), 'utf8'));
    expect(manifest).to.include({ format: 1, version: 1, base: 0 });
    const missing = await cli(['export', '--changes-since', '4', join(dir, 'none')], source.env);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include('not_found');

    const plan = await cli(['import', out, '--plan'], target.env);
    expect(plan.code, plan.stderr).to.equal(0);
    expect(plan.stdout).to.include('added:     form gadget, menu gadgets, table gadget');
    expect(plan.stdout).to.include('create_table gadget');
    const applied = await cli(['import', out, '--apply', '--comment', 'From review'], target.env);
    expect(applied.code, applied.stderr).to.equal(0);
    expect(applied.stdout).to.include('Published as version 1.');

    const [a, b] = [source.open(), target.open()];
    const registry = async (db: Database) => (await db.knex('sys_studio_version').where({ number: 1 }).first()).registry_version;
    expect(await registry(b)).to.equal(await registry(a));
    const layer = async (db: Database) => (await fetchLayer(db.knex, 1)).entries.map((e) => [e.kind, e.name, e.definition]);
    expect(await layer(b)).to.deep.equal(await layer(a));

    const validated = await cli(['validate'], target.env);
    expect(validated.code, validated.stderr).to.equal(0);
    expect(validated.stdout).to.include("with the studio's published version 1");
    // Without the layer, the gadget table would read as no longer declared and its drop be refused.
    const synced = await cli(['sync', '--dry-run'], target.env);
    expect(synced.code, synced.stderr).to.equal(0);
    expect(synced.stderr).to.not.include('refused');
    expect(synced.stdout).to.include('Dry run: nothing changed.');
  });

  it('plans conflicts with a change made in this database since, refuses to apply them, and applies with --force', async () => {
    const out = join(dir, 'export');
    expect((await cli(['export', out], source.env)).code).to.equal(0);
    expect((await cli(['import', out, '--apply'], target.env)).code).to.equal(0);
    // The target changes the form itself, from a reviewed copy of the export.
    const local = join(dir, 'local');
    cpSync(out, local, { recursive: true });
    writeFileSync(join(local, 'forms/gadget.json'), `${JSON.stringify({ ...gadgetForm, label: 'Local gadget' }, null, 2)}\n`);
    const edited = await cli(['import', local, '--apply'], target.env);
    expect(edited.code, edited.stderr).to.equal(0);
    expect(edited.stdout).to.include('Published as version 2.');

    const plan = await cli(['import', out, '--plan'], target.env);
    expect(plan.code).to.equal(1);
    expect(plan.stdout).to.match(/Conflicts[^\n]*\n {2}form gadget: changed here in version 2 by system/);
    const refused = await cli(['import', out, '--apply'], target.env);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('conflict: This database changed form "gadget"');
    const forced = await cli(['import', out, '--apply', '--force'], target.env);
    expect(forced.code, forced.stderr).to.equal(0);
    expect(forced.stdout).to.include('Published as version 3.');
    const usage = await cli(['import', out], target.env);
    expect(usage.code).to.equal(2);
  });
});

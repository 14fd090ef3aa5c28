import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../platform/db/index.js';
import { DB_KIND } from '../support/db.js';
import { fixture, REPO } from '../support/engine.js';
import { cliDatabase, runCli, spawnFormwork } from '../support/cli.js';

interface Workspace {
  /** A writable copy of the sync fixture pack (FORMWORK_DEFINITIONS). */
  pack: string;
  env: NodeJS.ProcessEnv;
  /** A connection to the same database the CLI uses, for checking what it did. */
  open(): Database;
  dispose(): Promise<void>;
}

/**
 * A temporary definitions folder and database for the CLI: a SQLite file, or with DB=postgres a fresh schema
 * selected through the connection string's `options=-c search_path=…`.
 */
async function workspace(): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), 'formwork-cli-'));
  const pack = join(dir, 'definitions');
  cpSync(fixture('sync/base'), pack, { recursive: true });
  const db = await cliDatabase(dir);
  return {
    pack,
    env: {
      ...process.env, DATABASE_URL: db.url, FORMWORK_DEFINITIONS: pack, FORMWORK_DEMO_DATA: 'false',
      FORMWORK_WATCH: 'false', LOG_LEVEL: 'warn', HOST: '127.0.0.1',
    },
    open: () => db.open(),
    async dispose() {
      await db.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const cli = runCli;

async function hasTable(db: Database, table: string): Promise<boolean> {
  return db.knex.schema.hasTable(table);
}

function editJson(path: string, edit: (def: any) => void): void {
  const def = JSON.parse(readFileSync(path, 'utf8'));
  edit(def);
  writeFileSync(path, JSON.stringify(def, null, 2));
}

describe('formwork CLI', function () {
  // Every test runs the CLI in new processes, several for some: a busy machine makes that slow.
  this.timeout(120_000);
  let ws: Workspace;
  beforeEach(async () => { ws = await workspace(); });
  afterEach(async () => { await ws.dispose(); });

  it('sync --dry-run lists the planned changes and changes nothing', async () => {
    const r = await cli(['sync', '--dry-run'], ws.env);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('create_table gadget').and.contain('create_table place');
    expect(r.stdout).to.contain('Dry run: nothing changed.');
    expect(r.stdout).to.contain('add_index gadget gadget_contact_weight_id_org_id_idx').and.contain('add_index place place_code_uq');
    expect(r.stdout).not.to.contain('create_table phone');
    const db = ws.open();
    expect(await hasTable(db, 'gadget')).to.equal(false);
    expect(await hasTable(db, 'place')).to.equal(false);
    expect(await db.knex('sys_table_schema').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
  });

  it('sync applies the changes, and a second sync has nothing left to do', async () => {
    const r = await cli(['sync'], ws.env);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('create_table gadget').and.contain('Schema is in sync.');
    const db = ws.open();
    expect(await hasTable(db, 'gadget')).to.equal(true);
    expect(await hasTable(db, 'place')).to.equal(true);
    expect(await db.knex.schema.hasColumn('gadget', 'imei')).to.equal(true);

    editJson(join(ws.pack, 'tables/gadget.json'), (d) => { d.fields.colour = { type: 'string' }; });
    const dry = await cli(['sync', '--dry-run'], ws.env);
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout.split('\n').filter((l) => /^(create_table|add_column|add_index)/.test(l))).to.deep.equal(['add_column gadget.colour text']);
    expect(await db.knex.schema.hasColumn('gadget', 'colour')).to.equal(false);

    const again = await cli(['sync'], ws.env);
    expect(again.code, again.stderr).to.equal(0);
    expect(await db.knex.schema.hasColumn('gadget', 'colour')).to.equal(true);
    const last = await cli(['sync', '--dry-run'], ws.env);
    expect(last.stdout.split('\n').filter((l) => /^(create_table|add_column|add_index)/.test(l))).to.deep.equal([]);
  });

  it('exits non-zero with the message when a change is refused, and alters nothing', async () => {
    expect((await cli(['sync'], ws.env)).code).to.equal(0);
    const db = ws.open();
    await db.knex('gadget').insert({
      id: '018f0000-0000-7000-8000-0000000000aa', class: 'gadget', version: 1, serial: 'G-1', size: 'large',
      created_at: '2026-11-22T09:00:00.000Z', updated_at: '2026-11-22T09:00:00.000Z',
    });
    const before = await db.knex('sys_table_schema').select('*').orderBy('table_name');
    editJson(join(ws.pack, 'tables/gadget.json'), (d) => { d.fields.size.type = 'integer'; d.fields.colour = { type: 'string' }; });

    for (const args of [['sync', '--dry-run'], ['sync']]) {
      const r = await cli(args, ws.env);
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).to.equal(1);
      expect(r.stderr).to.contain('refused: Field "size" of table "gadget" would change type from text to integer');
    }
    expect(await db.knex('sys_table_schema').select('*').orderBy('table_name')).to.deep.equal(before);
    expect(await db.knex.schema.hasColumn('gadget', 'colour')).to.equal(false);
    expect(await db.knex('gadget').select('serial', 'size')).to.deep.equal([{ serial: 'G-1', size: 'large' }]);
  });

  it('admin create and token create work on the database without syncing the schema', async () => {
    const created = await cli(['admin', 'create', 'alice'], ws.env);
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.contain('Created user "alice"');
    const token = await cli(['token', 'create', 'alice'], ws.env);
    expect(token.code, token.stderr).to.equal(0);
    expect(token.stdout.trim()).to.match(/^fw_\S+$/);
    const db = ws.open();
    expect(await db.knex('sys_user').where({ username_key: 'alice' }).count({ n: '*' })).to.deep.equal([{ n: 1 }]);
    // Only migrations ran: the declared tables were not created, nor was a sync recorded.
    expect(await hasTable(db, 'gadget')).to.equal(false);
    expect(await db.knex('sys_table_schema').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
  });

  it('seed syncs the schema and applies each data file once', async () => {
    cpSync(fixture('sync/demo'), join(ws.pack, 'demo'), { recursive: true });
    const env = { ...ws.env, FORMWORK_DEMO_DATA: 'true' };
    const first = await cli(['seed'], env);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.contain('3 records created.');
    const again = await cli(['seed'], env);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain('0 records created.');
    const db = ws.open();
    expect(await db.knex('place').count({ n: '*' })).to.deep.equal([{ n: 2 }]);
    expect(await db.knex('gadget').count({ n: '*' })).to.deep.equal([{ n: 1 }]);
  });

  it('start exits 1 naming the reason when the port is in use, and leaves nothing running', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      // Without a signal from the test: the process must end by itself.
      const r = await cli(['start'], { ...ws.env, PORT: String(port) });
      expect(r.code, r.stdout).to.equal(1);
      expect(r.stderr).to.contain('Formwork did not start').and.contain(`port ${port}`).and.contain('EADDRINUSE');
      expect(r.stdout).not.to.contain('running at');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
  it('search rebuild refills a searchable table\'s index, and refuses an unknown or unsearchable table', async () => {
    editJson(join(ws.pack, 'tables/gadget.json'), (d) => { d.pluralLabel = 'Gadgets'; d.displayField = 'serial'; d.searchable = ['serial', 'size']; });
    const early = await cli(['search', 'rebuild', 'gadget'], ws.env);
    expect(early.code).to.equal(1);
    expect(early.stderr).to.contain('Table "gadget" is not in the database yet: run `formwork sync` first.');
    expect((await cli(['sync'], ws.env)).code).to.equal(0);
    const db = ws.open();
    for (const [i, size] of ['large', 'small'].entries()) {
      await db.knex('gadget').insert({
        id: `018f0000-0000-7000-8000-0000000000a${i}`, class: 'gadget', version: 1, serial: `G-${i}`, size,
        created_at: '2026-11-22T09:00:00.000Z', updated_at: '2026-11-22T09:00:00.000Z',
      });
    }
    const one = await cli(['search', 'rebuild', 'gadget'], ws.env);
    expect(one.code, one.stderr).to.equal(0);
    expect(one.stdout.trim()).to.equal('Rebuilt the search index of Gadgets: 2 records.');
    // The rows written straight to the table (past the write hook) are in the index now.
    const names: string[] = DB_KIND === 'postgres'
      ? (await db.knex.raw('select tablename as name from pg_tables where schemaname = current_schema()')).rows.map((r: { name: string }) => r.name)
      : await db.knex('sqlite_master').where({ type: 'table' }).pluck('name');
    const index = names.filter((n) => /^gadget__search_[0-9a-f]{8}$/.test(n));
    expect(index).to.have.length(1);
    expect(await db.knex(index[0]!).count({ n: '*' })).to.deep.equal([{ n: 2 }]);
    const all = await cli(['search', 'rebuild'], ws.env);
    expect(all.code, all.stderr).to.equal(0);
    expect(all.stdout.trim()).to.equal('Rebuilt the search index of Gadgets: 2 records.');

    const unknown = await cli(['search', 'rebuild', 'gizmo'], ws.env);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain('There is no table "gizmo"');
    const plain = await cli(['search', 'rebuild', 'place'], ws.env);
    expect(plain.code).to.equal(1);
    expect(plain.stderr).to.contain('Table "place" is not searchable');
    const usage = await cli(['search', 'reindex'], ws.env);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.contain('Usage: formwork search rebuild [table]');
  });

  it('start exits 1 with definition_invalid when a definition is broken', async () => {
    writeFileSync(join(ws.pack, 'tables/broken.json'), JSON.stringify({ kind: 'table', name: 'broken', fields: { owner: { type: 'reference', reference: 'nowhere' } } }));
    const r = await cli(['start'], { ...ws.env, PORT: '0' });
    expect(r.code, r.stdout).to.equal(1);
    expect(r.stderr).to.contain('Formwork did not start: definition_invalid').and.contain('broken.json');
    expect(r.stdout).not.to.contain('running at');
  });

  it('start with PORT=0 prints its URL and answers GET /api/health', async () => {
    // Its own process group, so the test can stop the server and anything it started together.
    const child: ChildProcess = spawnFormwork(['start'], {
      cwd: REPO, env: { ...ws.env, PORT: '0' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += d; });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed; stdout: ${stdout}; stderr: ${stderr}`)), 45_000);
        child.stdout!.on('data', (d) => {
          stdout += d;
          const m = /running at (http:\/\/\S+?)\/?\s/.exec(stdout);
          if (m) { clearTimeout(timer); resolve(m[1]!); }
        });
        void exited.then((code) => { clearTimeout(timer); reject(new Error(`exited with ${code}; stdout: ${stdout}; stderr: ${stderr}`)); });
      });
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(url).not.to.match(/:0$/);
      const res = await fetch(`${url}/api/health`);
      const text = await res.text();
      expect(res.status, text).to.equal(200);
      const body = JSON.parse(text);
      expect(body.status).to.equal('ok');
      expect(body.database).to.equal(DB_KIND);
      expect(body.registry).to.be.a('string').with.length.greaterThan(11);
      expect(stdout).to.contain('definitions: 3 tables');
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
    // The server also synced the schema on start.
    expect(await hasTable(ws.open(), 'gadget')).to.equal(true);
  });
});

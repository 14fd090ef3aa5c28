import { expect } from 'chai';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDefinitionErrors, type Registry } from '../../../platform/definitions/index.js';
import { buildRegistry, createRegistryHolder, loadRegistry } from '../../../platform/kinds.js';
import { FormworkError } from '../../../platform/errors.js';

const HIERARCHY = 'test/fixtures/definitions/hierarchy';
const SYSTEM = ['id', 'class', 'version', 'org_id', 'created_at', 'created_by', 'updated_at', 'updated_by'];
const SYSTEM_WITH_NUMBER = ['id', 'number', ...SYSTEM.slice(1)];

function thrown(fn: () => unknown): FormworkError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(FormworkError);
    return e as FormworkError;
  }
  throw new Error('expected a FormworkError');
}

describe('definitions: registry', () => {
  let registry: Registry;
  const temps: string[] = [];

  before(async () => {
    const result = await loadRegistry([HIERARCHY]);
    expect(result.errors).to.deep.equal([]);
    registry = result.registry!;
  });

  after(async () => {
    for (const dir of temps) await rm(dir, { recursive: true, force: true });
  });

  async function copyOfHierarchy(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'formwork-registry-'));
    temps.push(dir);
    await cp(HIERARCHY, dir, { recursive: true });
    return dir;
  }

  describe('resolving extends', () => {
    it('stores a hierarchy in the physical table of its root, with ancestors nearest first', () => {
      const t = (n: string) => registry.getTable(n);
      expect([t('base').physical, t('ticket').physical, t('bug').physical, t('chore').physical, t('person').physical])
        .to.deep.equal(['base', 'base', 'base', 'base', 'person']);
      expect(t('bug').ancestors).to.deep.equal(['ticket', 'base']);
      expect(t('ticket').ancestors).to.deep.equal(['base']);
      expect(t('base').ancestors).to.deep.equal([]);
    });

    it('lists a table and every descendant as the classes a query on it matches', () => {
      expect(registry.getTable('base').classes).to.have.members(['base', 'ticket', 'bug', 'chore']);
      expect(registry.getTable('base').classes[0]).to.equal('base');
      expect(registry.getTable('ticket').classes).to.have.members(['ticket', 'bug', 'chore']);
      expect(registry.getTable('bug').classes).to.deep.equal(['bug']);
      expect(registry.getTable('person').classes).to.deep.equal(['person']);
    });

    it('orders fields: system fields first, then inherited ones root down, then own ones', () => {
      expect([...registry.getTable('base').fields.keys()]).to.deep.equal([...SYSTEM, 'title', 'owner', 'notes', 'status']);
      expect([...registry.getTable('bug').fields.keys()]).to.deep.equal([...SYSTEM_WITH_NUMBER, 'title', 'owner', 'notes', 'status', 'severity', 'external_ref', 'component', 'steps']);
      const bug = registry.getTable('bug');
      expect(bug.fields.get('title')).to.deep.include({ declaredBy: 'base', system: false, column: 'title', type: 'string', required: true });
      expect(bug.fields.get('severity')!.declaredBy).to.equal('ticket');
      expect(bug.fields.get('component')!.declaredBy).to.equal('bug');
      expect(bug.fields.get('id')).to.deep.include({ type: 'uuid', system: true, declaredBy: '', column: 'id' });
      expect(bug.fields.get('created_at')!.type).to.equal('datetime');
      // A child sees the very field object its parent declared.
      expect(bug.fields.get('title')).to.equal(registry.getTable('base').fields.get('title'));
    });

    it('gives a table a number only when a prefix is in force in its own line of the hierarchy', () => {
      expect(registry.getTable('base').fields.has('number')).to.equal(false);
      expect(registry.getTable('base').numberPrefix).to.equal(undefined);
      for (const n of ['ticket', 'bug', 'chore']) {
        expect(registry.getTable(n).fields.get('number'), n).to.deep.include({ system: true, type: 'string' });
        expect(registry.getTable(n).numberPrefix, n).to.equal('TCK');
      }
      expect(registry.getTable('person').fields.has('number')).to.equal(false);
    });

    it('inherits numberDigits, defaulting to 7', () => {
      expect(registry.getTable('base').numberDigits).to.equal(5);
      expect(registry.getTable('ticket').numberDigits).to.equal(5);
      expect(registry.getTable('bug').numberDigits).to.equal(5);
      expect(registry.getTable('memo').numberDigits).to.equal(7);
    });

    it('takes the nearest prefix, and digits from an ancestor when the prefix\'s table sets none', async () => {
      const { registry: records, errors } = await loadRegistry(['test/fixtures/packs/records']);
      expect(errors).to.deep.equal([]);
      expect([records!.getTable('asset').numberPrefix, records!.getTable('hardware').numberPrefix, records!.getTable('laptop').numberPrefix]).to.deep.equal(['AST', 'AST', 'LAP']);
      expect(records!.getTable('laptop').numberDigits).to.equal(5);
      const own = buildRegistry([
        { file: 'a.json', pointer: '', value: { kind: 'table', name: 'a', numberPrefix: 'A', numberDigits: 4, fields: {} } },
        { file: 'b.json', pointer: '', value: { kind: 'table', name: 'b', extends: 'a', numberPrefix: 'B', numberDigits: 9, fields: {} } },
        { file: 'c.json', pointer: '', value: { kind: 'table', name: 'c', extends: 'b', fields: {} } },
      ]).registry!;
      expect([own.getTable('a').numberDigits, own.getTable('b').numberDigits, own.getTable('c').numberDigits]).to.deep.equal([4, 9, 9]);
      expect(own.getTable('c').numberPrefix).to.equal('B');
    });

    it('chooses the display field: own, inherited, else number when numbered, else id', () => {
      expect(registry.getTable('person').displayField).to.equal('name');
      expect(registry.getTable('bug').displayField).to.equal('title');
      expect(registry.getTable('memo').displayField).to.equal('id');
      const r = buildRegistry([{ file: 'n.json', pointer: '', value: { kind: 'table', name: 'n', numberPrefix: 'N', fields: {} } }]).registry!;
      expect(r.getTable('n').displayField).to.equal('number');
    });

    it('gives journal fields no column', () => {
      expect(registry.getTable('bug').fields.get('notes')).to.deep.include({ type: 'journal', column: null, declaredBy: 'base' });
      expect(registry.physicalTables.get('base')!.columns.has('notes')).to.equal(false);
    });
  });

  describe('physical tables', () => {
    it('has one physical table per hierarchy root', () => {
      expect([...registry.physicalTables.keys()]).to.have.members(['base', 'person', 'memo']);
    });

    it('holds the union of the columns of every class in the hierarchy, system columns first', () => {
      const base = registry.physicalTables.get('base')!;
      expect([...base.columns.keys()]).to.deep.equal([...SYSTEM_WITH_NUMBER, 'title', 'owner', 'status', 'severity', 'external_ref', 'component', 'steps', 'hours']);
      expect(base.hasNumber).to.equal(true);
      // Siblings that store a column alike share it; the first (by depth, then name) declares it.
      expect(base.columns.get('component')!.declaredBy).to.equal('bug');
      expect(registry.getTable('chore').fields.get('component')!.type).to.equal('email');
    });

    it('has no number column when no table of the hierarchy has a prefix', () => {
      const memo = registry.physicalTables.get('memo')!;
      expect([...memo.columns.keys()]).to.deep.equal([...SYSTEM, 'body']);
      expect(memo.hasNumber).to.equal(false);
      // A table alone in its physical table needs no index on `class`.
      expect(memo.indexes).to.deep.equal([]);
    });

    it('indexes class (in a hierarchy), number, unique, indexed and reference fields, then declared composite indexes', () => {
      expect(registry.physicalTables.get('base')!.indexes).to.deep.equal([
        { fields: ['class'] },
        { fields: ['number'], unique: true },
        { fields: ['owner'] },
        { fields: ['status'] },
        { fields: ['status', '-created_at'] },
        { fields: ['external_ref'], unique: true },
        { fields: ['component'] },
        { fields: ['component', '-severity'], name: 'bug_component_severity' },
      ]);
      expect(registry.physicalTables.get('person')!.indexes).to.deep.equal([
        { fields: ['email'], unique: true },
        { fields: ['manager'] },
      ]);
    });
  });

  describe('the snapshot', () => {
    it('holds forms, roles, data and menus by order, with the source of every definition', () => {
      expect([...registry.forms.keys()]).to.have.members(['ticket', 'person']);
      expect([...registry.roles.keys()]).to.have.members(['agent', 'manager']);
      expect([...registry.menus.keys()]).to.deep.equal(['admin', 'work']);
      expect([...registry.data.keys()]).to.deep.equal(['people']);
      expect(registry.rules.size).to.equal(0);
      expect(registry.workflows.size).to.equal(0);
      expect(registry.sources.get('role:manager')).to.deep.equal({ file: `${HIERARCHY}/roles/manager.json`, pointer: '' });
      expect(registry.sources.get('table:bug')).to.deep.equal({ file: `${HIERARCHY}/tables/bug.json`, pointer: '' });
      expect(registry.sources.get('table:person')).to.deep.equal({ file: `${HIERARCHY}/tables/person.json`, pointer: '' });
      expect(registry.tables.has('hidden_table')).to.equal(false);
    });

    it('answers an unknown table with table_not_found and an unknown form with not_found', () => {
      const t = thrown(() => registry.getTable('nope'));
      expect(t.code).to.equal('table_not_found');
      expect(t.extra).to.deep.equal({ table: 'nope' });
      expect(thrown(() => registry.get('form', 'nope')).code).to.equal('not_found');
      expect(registry.get('form', 'ticket').table).to.equal('ticket');
    });

    it('memoises a derived value once per snapshot, and afresh for a new snapshot', async () => {
      let builds = 0;
      const build = (r: Registry) => { builds += 1; return { tables: r.tables.size }; };
      const first = registry.memo('test.derived', build);
      expect(registry.memo('test.derived', build)).to.equal(first);
      expect(builds).to.equal(1);
      const other = (await loadRegistry([HIERARCHY])).registry!;
      expect(other.memo('test.derived', build)).to.not.equal(first);
      expect(builds).to.equal(2);
    });

    it('is frozen, definitions included', () => {
      expect(Object.isFrozen(registry)).to.equal(true);
      const def = registry.getTable('ticket').def;
      expect(Object.isFrozen(def.fields.severity!.choices![0])).to.equal(true);
      expect(() => { (def.fields as Record<string, unknown>).extra = { type: 'string' }; }).to.throw(TypeError);
      expect(() => { (registry.get('form', 'ticket').sections[0]!.columns[0] as string[]).push('x'); }).to.throw(TypeError);
    });
  });

  describe('version', () => {
    it('is a content hash, stable for the same definitions', async () => {
      const again = await loadRegistry([HIERARCHY]);
      expect(registry.version).to.match(/^[0-9a-f]{64}$/);
      expect(again.registry!.version).to.equal(registry.version);
    });

    it('does not change when only the formatting of a file changes', async () => {
      const dir = await copyOfHierarchy();
      const before = (await loadRegistry([dir])).registry!.version;
      const file = join(dir, 'tables/memo.json');
      await writeFile(file, JSON.stringify(JSON.parse(await readFile(file, 'utf8'))));
      expect((await loadRegistry([dir])).registry!.version).to.equal(before);
    });

    it('changes when a definition changes or is added, not when its file moves', async () => {
      const dir = await copyOfHierarchy();
      const v0 = (await loadRegistry([dir])).registry!.version;
      const file = join(dir, 'tables/memo.json');
      const memo = JSON.parse(await readFile(file, 'utf8'));
      await writeFile(file, JSON.stringify({ ...memo, label: 'Memo!' }));
      const v1 = (await loadRegistry([dir])).registry!.version;
      expect(v1).to.not.equal(v0);
      await writeFile(join(dir, 'tables/extra.json'), JSON.stringify({ kind: 'table', name: 'extra', fields: {} }));
      const v2 = (await loadRegistry([dir])).registry!.version;
      expect(v2).to.not.equal(v1);
      await rm(join(dir, 'tables/extra.json'));
      await writeFile(join(dir, 'tables/extra2.json'), JSON.stringify({ kind: 'table', name: 'extra', fields: {} }));
      expect((await loadRegistry([dir])).registry!.version).to.equal(v2);
    });

    it('depends on the content only: the same files under two roots give one version, one byte more another', async () => {
      const [a, b] = [await copyOfHierarchy(), await copyOfHierarchy()];
      expect(a).to.not.equal(b);
      const va = (await loadRegistry([a])).registry!.version;
      expect((await loadRegistry([b])).registry!.version).to.equal(va);
      const file = join(b, 'tables/memo.json');
      const text = await readFile(file, 'utf8');
      const at = text.indexOf('"label": "') + '"label": "'.length;
      expect(at).to.be.greaterThan(9);
      await writeFile(file, `${text.slice(0, at)}x${text.slice(at)}`);
      expect((await loadRegistry([b])).registry!.version).to.not.equal(va);
    });
  });

  describe('RegistryHolder', () => {
    it('has nothing in force before the first load', () => {
      const holder = createRegistryHolder();
      expect(holder.loaded).to.equal(false);
      expect(thrown(() => holder.current).code).to.equal('internal_error');
    });

    it('swaps in a valid set on reload', async () => {
      const holder = createRegistryHolder();
      const result = await holder.reload([HIERARCHY]);
      expect(result.errors).to.deep.equal([]);
      expect(holder.loaded).to.equal(true);
      expect(holder.current).to.equal(result.registry);
      expect(holder.current.version).to.equal(registry.version);
    });

    it('keeps the last good registry when a reload finds errors, and returns them', async () => {
      const dir = await copyOfHierarchy();
      const holder = createRegistryHolder();
      await holder.reload([dir]);
      const good = holder.current;

      await writeFile(join(dir, 'tables/memo.json'), '{ "kind": "table", ');
      await writeFile(join(dir, 'forms/memo.json'), JSON.stringify({ kind: 'form', name: 'memo', table: 'memo', sections: [{ columns: [['body']] }] }));
      const bad = await holder.reload([dir]);
      expect(bad.registry).to.equal(undefined);
      // The syntax error, then what it breaks: the new form and the menu item on the table that is now missing.
      expect(bad.errors.map((e) => `${e.file}#${e.pointer}`)).to.deep.equal([
        `${join(dir, 'tables/memo.json')}#`, `${join(dir, 'forms/memo.json')}#/table`, `${join(dir, 'menus/admin.json')}#/items/0/table`,
      ]);
      expect(holder.current).to.equal(good);
      expect(holder.current.tables.has('memo')).to.equal(true);

      await writeFile(join(dir, 'tables/memo.json'), JSON.stringify({ kind: 'table', name: 'memo', fields: { body: { type: 'text' }, subject: { type: 'string' } } }));
      const fixed = await holder.reload([dir]);
      expect(fixed.errors).to.deep.equal([]);
      expect(holder.current).to.equal(fixed.registry);
      expect(holder.current.version).to.not.equal(good.version);
      expect(holder.current.getTable('memo').fields.has('subject')).to.equal(true);
      expect(good.getTable('memo').fields.has('subject'), 'the old snapshot is unchanged').to.equal(false);
    });

    it('prepares a candidate without putting it in force', async () => {
      const holder = createRegistryHolder();
      await holder.reload(['definitions']);
      const inForce = holder.current;
      const candidate = await holder.prepare([HIERARCHY]);
      expect(candidate.registry!.tables.has('bug')).to.equal(true);
      expect(holder.current).to.equal(inForce);
      holder.swap(candidate.registry!);
      expect(holder.current).to.equal(candidate.registry);
    });
  });

  describe('formatDefinitionErrors', () => {
    it('prints one line per error: file#pointer: message (expected …; got …)', () => {
      const text = formatDefinitionErrors([
        { file: 'tables/a.json', pointer: '/fields/x/type', message: 'Value "nope" is not allowed.', expected: 'one of: "string", "text"', value: 'nope' },
        { file: 'tables/b.json', pointer: '', message: 'Missing required property "fields".', expected: 'property "fields"' },
        { file: 'roles/r.json', pointer: '/0/includes/0', message: 'Role "x" is not declared.', value: 'x' },
        { file: 'forms/f.json', pointer: '/sections/0', message: 'Something.' },
        { file: '', pointer: '', message: 'No file.', value: { a: [1] } },
        { file: 'data/d.json', pointer: '/records/0/n', message: 'Zero.', value: 0 },
      ]);
      expect(text.split('\n')).to.deep.equal([
        '  tables/a.json#/fields/x/type: Value "nope" is not allowed. (expected one of: "string", "text"; got "nope")',
        '  tables/b.json: Missing required property "fields". (expected property "fields")',
        '  roles/r.json#/0/includes/0: Role "x" is not declared. (got "x")',
        '  forms/f.json#/sections/0: Something.',
        '  (definitions): No file. (got {"a":[1]})',
        '  data/d.json#/records/0/n: Zero. (got 0)',
      ]);
      expect(formatDefinitionErrors([])).to.equal('');
    });

    it('prints the errors a broken pack produces', async () => {
      const { errors } = await loadRegistry(['test/fixtures/definitions/broken']);
      const lines = formatDefinitionErrors(errors).split('\n');
      expect(lines).to.have.length(errors.length);
      expect(lines).to.include('  test/fixtures/definitions/broken/roles/clerk.json#/includes/0: Role "ghost" is not declared. (expected one of: clerk; got "ghost")');
      for (const line of lines) expect(line).to.match(/^ {2}test\/fixtures\/definitions\/broken\/\S+\.json(#\/\S*)?: \S/);
    });
  });
});

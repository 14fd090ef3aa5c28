import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateAgainstSchema, type DefinitionError, type LoadedDocument } from '../../../platform/definitions/index.js';
import { buildRegistry, KINDS as KIND_MODULES, validateDefinitions } from '../../../platform/kinds.js';
import { spawnFormwork } from '../../support/cli.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = 'test/fixtures/definitions';

/** Schema errors of one document (as if it were the whole of file f.json). */
const schemaErrors = (value: unknown, pointer = ''): DefinitionError[] =>
  validateAgainstSchema(KIND_MODULES, [{ file: 'f.json', pointer, value }]).errors;

const at = (errors: DefinitionError[], pointer: string): DefinitionError => {
  const found = errors.find((e) => e.pointer === pointer);
  expect(found, `an error at ${pointer} in ${JSON.stringify(errors, null, 1)}`).to.not.equal(undefined);
  return found!;
};

/** A generic-pack sample, parsed afresh (tests may alter it). */
const sample = (file: string): Record<string, any> => JSON.parse(readFileSync(`${FIXTURES}/generic/${file}`, 'utf8'));

const KINDS = ['table', 'form', 'menu', 'role', 'data', 'rule', 'workflow', 'sla', 'schedule', 'holidaySet', 'notification'];

describe('definitions: schema validation', () => {
  it('reports every schema error of a document, not just the first', () => {
    const errors = schemaErrors({
      kind: 'table',
      name: 'Bad Name',
      colour: 'red',
      numberPrefix: 'inc',
      numberDigits: 99,
      searchable: 'title',
      fields: {
        Title: { type: 'string' },
        status: { type: 'choice' },
        owner: { type: 'reference' },
        size: { type: 'strng' },
        code: { type: 'string', maxLength: 0, flavour: 'x' },
      },
    });
    expect(errors.map((e) => e.pointer)).to.have.members([
      '/name', '/colour', '/numberPrefix', '/numberDigits', '/searchable',
      '/fields/Title', '/fields/status', '/fields/owner', '/fields/size/type', '/fields/code/maxLength', '/fields/code/flavour',
    ]);
    for (const e of errors) expect(e.file).to.equal('f.json');
    const keys = errors.map((e) => `${e.pointer}|${e.message}`);
    expect(new Set(keys).size, 'no error is repeated').to.equal(keys.length);
  });

  it('reports an unknown property at the property itself and lists the allowed ones', () => {
    const e = at(schemaErrors({ kind: 'table', name: 't', fields: {}, colour: 'red' }), '/colour');
    expect(e.message).to.equal('Unknown property "colour".');
    expect(e.expected).to.match(/^one of: kind, name, label, /);
    for (const p of ['extends', 'numberPrefix', 'displayField', 'searchable', 'fields', 'indexes', 'abstract']) expect(e.expected).to.include(p);

    const nested = at(schemaErrors({ kind: 'table', name: 't', fields: { a: { type: 'string', size: 3 } } }), '/fields/a/size');
    expect(nested.expected).to.include('maxLength').and.include('choices').and.include('reference');

    const section = at(schemaErrors({ kind: 'form', name: 'f', table: 't', sections: [{ columns: [['a']], rows: 2 }] }), '/sections/0/rows');
    expect(section.expected).to.equal('one of: title, description, columns, ref');
  });

  it('reports a bad enum value with the value given and every allowed value', () => {
    const e = at(schemaErrors({ kind: 'table', name: 't', fields: { a: { type: 'strng' } } }), '/fields/a/type');
    expect(e.value).to.equal('strng');
    expect(e.message).to.equal('Value "strng" is not allowed.');
    for (const t of ['string', 'text', 'integer', 'decimal', 'boolean', 'date', 'datetime', 'choice', 'reference', 'journal', 'attachment']) {
      expect(e.expected).to.include(`"${t}"`);
    }
    const op = at(schemaErrors({ kind: 'role', name: 'r', tables: [{ table: 't', operations: ['read', 'write'] }] }), '/tables/0/operations/1');
    expect(op).to.deep.include({ value: 'write', expected: 'one of: "create", "read", "update", "delete"' });
  });

  it('reports a missing required property at the object that lacks it', () => {
    expect(schemaErrors({ kind: 'table', name: 't' })).to.deep.equal([
      { file: 'f.json', pointer: '', message: 'Missing required property "fields".', expected: 'property "fields"' },
    ]);
    const errors = schemaErrors({ kind: 'form', name: 'f', sections: [{}] }, '/3');
    expect(errors.map((e) => [e.pointer, e.expected])).to.have.deep.members([
      ['/3', 'property "table"'],
      ['/3/sections/0', 'property "columns"'],
    ]);
  });

  it('reports a bad field name at the name, with the rule names follow', () => {
    const errors = schemaErrors({ kind: 'table', name: 't', fields: { 'Bad-Name': { type: 'string' }, ['x'.repeat(64)]: { type: 'string' } } });
    expect(at(errors, '/fields/Bad-Name')).to.deep.include({ value: 'Bad-Name', expected: 'a name matching ^[a-z][a-z0-9_]*$' });
    expect(at(errors, `/fields/${'x'.repeat(64)}`).message).to.match(/more than 63 characters/);
    const name = at(schemaErrors({ kind: 'table', name: '9lives', fields: {} }), '/name');
    expect(name).to.deep.include({ value: '9lives', expected: 'text matching ^[a-z][a-z0-9_]*$' });
  });

  it('requires choices on a choice field, and at least one', () => {
    expect(at(schemaErrors({ kind: 'table', name: 't', fields: { s: { type: 'choice' } } }), '/fields/s').message)
      .to.equal('Missing required property "choices".');
    expect(at(schemaErrors({ kind: 'table', name: 't', fields: { s: { type: 'choice', choices: [] } } }), '/fields/s/choices').message)
      .to.match(/fewer than 1 items/);
    expect(at(schemaErrors({ kind: 'table', name: 't', fields: { s: { type: 'choice', choices: [{ value: 'a' }] } } }), '/fields/s/choices/0').message)
      .to.equal('Missing required property "label".');
  });

  it('requires a reference target on a reference field', () => {
    const errors = schemaErrors({ kind: 'table', name: 't', fields: { owner: { type: 'reference', label: 'Owner' } } });
    expect(errors).to.deep.equal([{ file: 'f.json', pointer: '/fields/owner', message: 'Missing required property "reference".', expected: 'property "reference"' }]);
  });

  it('reports an unknown kind, listing the known kinds', () => {
    const errors = schemaErrors({ kind: 'widget', name: 'w' });
    expect(errors).to.have.length(1);
    expect(errors[0]).to.deep.include({ pointer: '/kind', value: 'widget' });
    for (const k of KINDS) expect(errors[0]!.expected).to.include(`"${k}"`);
  });

  it('reports a kind of the wrong type, a missing kind and a document that is not an object', () => {
    expect(schemaErrors({ kind: 7, name: 'x' })[0]).to.deep.include({ pointer: '/kind', value: 7 });
    expect(schemaErrors({ name: 'x' })).to.deep.equal([{ file: 'f.json', pointer: '', message: 'Missing required property "kind".', expected: 'property "kind"' }]);
    expect(schemaErrors(['nested'])[0]).to.deep.include({ pointer: '', expected: 'object' });
    expect(schemaErrors(null)[0]).to.deep.include({ pointer: '', expected: 'object', value: null });
  });

  it('checks a document against the shape of its own kind', () => {
    // A table's properties on a form: each is unknown there, and what a form needs is missing.
    const errors = schemaErrors({ kind: 'form', name: 'f', fields: {}, extends: 'x' });
    expect(errors.map((e) => [e.pointer, e.message])).to.have.deep.members([
      ['', 'Missing required property "table".'],
      ['', 'Missing required property "sections".'],
      ['/fields', 'Unknown property "fields".'],
      ['/extends', 'Unknown property "extends".'],
    ]);
  });

  it('reports wrong types with the type expected and the value given', () => {
    const errors = schemaErrors({ kind: 'table', name: 't', abstract: 'yes', fields: { n: { type: 'integer', min: '1', required: 1 } } });
    expect(at(errors, '/abstract')).to.deep.include({ expected: 'boolean', value: 'yes' });
    expect(at(errors, '/fields/n/min')).to.deep.include({ expected: 'number', value: '1' });
    expect(at(errors, '/fields/n/required')).to.deep.include({ expected: 'boolean', value: 1 });
  });

  it('rejects a pattern that is not a regular expression', () => {
    const e = at(schemaErrors({ kind: 'table', name: 't', fields: { code: { type: 'string', pattern: '[a-z' } } }), '/fields/code/pattern');
    expect(e.value).to.equal('[a-z');
    expect(e.message).to.match(/regex/);
  });

  it('checks conditions: operators, values and structure', () => {
    const form = (condition: unknown) => ({
      kind: 'form', name: 'f', table: 't', sections: [{ columns: [['a']] }],
      uiPolicies: [{ condition, actions: [{ field: 'a', visible: true }] }],
    });
    const op = at(schemaErrors(form({ all: [{ fact: 'a', operator: 'bogus', value: 1 }] })), '/uiPolicies/0/condition/all/0/operator');
    expect(op.value).to.equal('bogus');
    expect(op.expected).to.include('"equal"').and.include('"matches"').and.include('"changesTo"');
    expect(at(schemaErrors(form({ fact: 'a', operator: 'equal' })), '/uiPolicies/0/condition').message).to.equal('Missing required property "value".');
    expect(schemaErrors(form({ fact: 'a', operator: 'isEmpty' }))).to.deep.equal([]);
    expect(at(schemaErrors(form({ fact: 'a', operator: 'inLast', value: { amount: 3, unit: 'years' } })), '/uiPolicies/0/condition/value/unit').value).to.equal('years');
    expect(at(schemaErrors(form({ fact: 'a', operator: 'between', value: [1, 2, 3] })), '/uiPolicies/0/condition/value').message).to.match(/more than 2 items/);
    expect(at(schemaErrors(form({ any: [{ fact: '1a', operator: 'equal', value: 1 }] })), '/uiPolicies/0/condition/any/0/fact').value).to.equal('1a');
    expect(at(schemaErrors(form({ not: { fact: 'a', operator: 'equal', value: 1 }, extra: 1 })), '/uiPolicies/0/condition/extra').message).to.equal('Unknown property "extra".');
  });

  it('builds nothing when any document is invalid, and names every invalid document', () => {
    const result = buildRegistry([
      { file: 'a.json', pointer: '', value: { kind: 'table', name: 'a', fields: {} } },
      { file: 'b.json', pointer: '', value: { kind: 'table', name: 'b', fields: { x: { type: 'nope' } } } },
      { file: 'c.json', pointer: '/0', value: { kind: 'menu', name: 'c', label: 'C', items: [] } },
    ]);
    expect(result.registry).to.equal(undefined);
    expect(result.errors.map((e) => `${e.file}#${e.pointer}`)).to.deep.equal(['b.json#/fields/x/type', 'c.json#/0/items']);
  });

  describe('kinds', () => {
    const expected = {
      rules: ['escalate_urgent', 'no_delete_open'], workflows: ['request_flow'], slas: ['request_resolution'],
      notifications: ['escalation_raised', 'request_closed'],
    };

    it('accepts a well-formed sample of every kind and carries it in its typed map', async () => {
      const errors = await validateDefinitions([`${FIXTURES}/generic`]);
      expect(errors).to.deep.equal([]);
      const { registry } = buildRegistry(
        ['request.json', 'fulfiller.json', 'rule.json', 'rule-abort.json', 'workflow.json', 'sla.json', 'request_closed.json', 'escalation_raised.json']
          .map((f): LoadedDocument => ({ file: f, pointer: '', value: sample(f) })),
      );
      for (const [map, names] of Object.entries(expected)) {
        expect([...(registry as unknown as Record<string, ReadonlyMap<string, unknown>>)[map]!.keys()]).to.have.members(names);
      }
      expect(registry!.workflows.get('request_flow')!.table).to.equal('request');
    });

    it('refuses a kind nothing runs yet, naming it, rather than accepting it silently', async () => {
      const errors = await validateDefinitions([`${FIXTURES}/unsupported`]);
      expect(errors.map((e) => [e.pointer, e.value])).to.have.deep.members([['/kind', 'page'], ['/kind', 'report']]);
      for (const e of errors) expect(e.message).to.equal(`Kind "${String(e.value)}" is not supported yet: nothing would run it.`);
      const typo = buildRegistry([{ file: 't.json', pointer: '', value: { kind: 'tabel', name: 't', fields: {} } }]).errors;
      expect(typo).to.have.length(1);
      expect(typo[0]!.expected).to.match(/^one of: table\b/);
    });

    const broken: [string, string, (d: Record<string, any>) => void, [string, RegExp][]][] = [
      ['rule', 'rule.json', (d) => { delete d.when; d.actions[0].type = 'explode'; }, [['', /"when"/], ['/actions/0/type', /"explode"/]]],
      ['rule action', 'rule.json', (d) => { d.actions[1] = { type: 'journal', field: 'comments' }; }, [['/actions/1', /"body"/]]],
      ['workflow', 'workflow.json', (d) => { d.states.new.category = 'done'; d.transitions[0].actions[0] = { type: 'set', fields: { priority: '1' }, queue: 'x' }; },
        [['/states/new/category', /"done"/], ['/transitions/0/actions/0/queue', /Unknown property "queue"/]]],
      ['workflow transition', 'workflow.json', (d) => { delete d.transitions[1].to; d.transitions[2].from = 'a b'; }, [['/transitions/1', /"to"/], ['/transitions/2/from', /expected form/]]],
      ['sla', 'sla.json', (d) => { d.duration.unit = 'years'; d.warningPercent = 100; }, [['/duration/unit', /"years"/], ['/warningPercent', /<= 99/]]],
      ['notification without a table (not an event)', 'request_closed.json', (d) => { delete d.table; }, [['', /"table"/]]],
      ['notification event trigger without an event', 'escalation_raised.json', (d) => { delete d.trigger.event; d.channels = ['sms']; }, [['/trigger', /"event"/], ['/channels/0', /"sms"/]]],
    ];
    for (const [what, file, breakIt, wanted] of broken) {
      it(`rejects a malformed ${what} with every error`, () => {
        const doc = sample(file);
        expect(schemaErrors(doc), 'the sample is valid before it is broken').to.deep.equal([]);
        breakIt(doc);
        const errors = schemaErrors(doc);
        expect(errors, JSON.stringify(errors)).to.have.length(wanted.length);
        for (const [pointer, message] of wanted) expect(at(errors, pointer).message).to.match(message);
      });
    }
  });

  describe('the repository packs', () => {
    it('validates definitions/ without errors', async () => {
      expect(await validateDefinitions(['definitions'])).to.deep.equal([]);
    });

    it('validates the default folders (definitions/ and catalog/) together without errors', async () => {
      expect(await validateDefinitions(['definitions', 'catalog'])).to.deep.equal([]);
    });

    it('validates the benchmarks\' definitions, with the core tables they order into, without errors', async () => {
      expect(await validateDefinitions(['bench/definitions'])).to.deep.equal([]);
      expect(await validateDefinitions(['bench/definitions', 'bench/catalog-definitions', 'definitions/core'])).to.deep.equal([]);
      expect(await validateDefinitions(['bench/ui-definitions', 'definitions/core'])).to.deep.equal([]);
    });

    it('validates test/fixtures/packs/records together with definitions/ without errors', async () => {
      expect(await validateDefinitions(['test/fixtures/packs/records', 'definitions'])).to.deep.equal([]);
    });

    it('validates the valid fixture packs without errors', async () => {
      expect(await validateDefinitions([`${FIXTURES}/hierarchy`])).to.deep.equal([]);
      expect(await validateDefinitions([`${FIXTURES}/generic`])).to.deep.equal([]);
    });
  });

  describe('formwork validate (CLI)', function () {
    this.timeout(60_000);

    const cli = (...args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((done, failed) => {
      const child = spawnFormwork(['validate', ...args], { cwd: REPO, env: { ...process.env, FORMWORK_WATCH: 'false' } });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (b) => { stdout += b; });
      child.stderr!.on('data', (b) => { stderr += b; });
      child.on('error', failed);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });

    it('exits 1 and prints every error of a broken pack, one line each', async () => {
      const { code, stderr } = await cli(`${FIXTURES}/broken`);
      expect(code).to.equal(1);
      const b = `${FIXTURES}/broken`;
      const lines = [
        `  ${b}/syntax.json: Invalid JSON at line 2, column 1: `,
        `  ${b}/tables/gamma.json#/colour: Unknown property "colour". (expected one of: kind, name,`,
        `  ${b}/tables/gamma.json#/fields/size/type: Value "huge" is not allowed. (expected one of: "string",`,
        `  ${b}/tables/zz-beta.json#/name: Duplicate table "beta": already declared in ${b}/tables/beta.json. (expected a table name not used elsewhere; got "beta")`,
        `  ${b}/tables/alpha.json#/extends: Table "alpha" extends "missing_parent", which is not declared. (expected one of: alpha, beta; got "missing_parent")`,
        `  ${b}/tables/beta.json#/fields/id: Field "id" is a system field and cannot be declared.`,
        `  ${b}/tables/beta.json#/fields/owner/reference: Field "owner" refers to table "nobody", which is not declared.`,
        `  ${b}/forms/orphan.json#/table: Table "no_such_table" is not declared.`,
        `  ${b}/roles/clerk.json#/includes/0: Role "ghost" is not declared. (expected one of: clerk; got "ghost")`,
        `  ${b}/data/seed.json#/table: Table "nowhere" is not declared.`,
      ];
      const printed = stderr.split('\n').filter((l) => l.startsWith('  '));
      expect(printed, stderr).to.have.length(lines.length);
      for (const line of lines) expect(printed.some((p) => p.startsWith(line)), `${line}\n---\n${stderr}`).to.equal(true);
      expect(stderr).to.include(`${lines.length} errors found.`);
    });

    it('exits 1 for a pack with a syntax error, naming the file, line and column', async () => {
      const { code, stderr } = await cli(`${FIXTURES}/syntax-error`);
      expect(code).to.equal(1);
      expect(stderr).to.include(`${FIXTURES}/syntax-error/tables/broken.json: Invalid JSON at line 5, column 34`);
      expect(stderr).to.include(`${FIXTURES}/syntax-error/forms/thing.json#/sections/0/columns/0/1: Field "colour" is not a field of table "thing".`);
      expect(stderr).to.include('2 errors found.');
    });

    it('exits 0 for a valid pack and says so', async () => {
      const { code, stdout } = await cli(`${FIXTURES}/hierarchy`, `${FIXTURES}/generic`);
      expect(code).to.equal(0);
      expect(stdout).to.include(`Definitions are valid (${FIXTURES}/hierarchy, ${FIXTURES}/generic).`);
    });

    it('says "1 error found." for a single error in a pack outside the repository', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'formwork-cli-'));
      try {
        await writeFile(join(dir, 't.json'), JSON.stringify({ kind: 'table', name: 't', fields: { id: { type: 'string' } } }));
        const { code, stderr } = await cli(dir);
        expect(code).to.equal(1);
        expect(stderr).to.include(`  ${join(dir, 't.json')}#/fields/id: Field "id" is a system field and cannot be declared.`);
        expect(stderr).to.include('1 error found.');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});

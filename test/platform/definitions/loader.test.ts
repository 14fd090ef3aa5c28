import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { displayPath, loadDefinitionFiles, parseJson } from '../../../platform/definitions/index.js';
import { loadRegistry } from '../../../platform/kinds.js';

const FIXTURES = 'test/fixtures/definitions';
const temps: string[] = [];

/** Write files (text as is, anything else as JSON) into a fresh temp dir; returns the dir. */
async function tempPack(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'formwork-loader-'));
  temps.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

const table = (name: string, fields: Record<string, unknown> = { title: { type: 'string' } }) => ({ kind: 'table', name, fields });

describe('definitions: loader', () => {
  after(async () => {
    for (const dir of temps) await rm(dir, { recursive: true, force: true });
  });

  describe('finding files', () => {
    it('reads every *.json below a root, in name order, skipping hidden entries, node_modules and other files', async () => {
      const dir = await tempPack({
        'b.json': table('b'),
        'a/x.json': table('x'),
        'a/deeper/y.json': table('y'),
        '.hidden/h.json': table('h'),
        '.dot.json': table('dot'),
        'node_modules/pkg/n.json': table('n'),
        'notes.txt': 'not json',
        'README.md': '# readme',
      });
      const loaded = await loadDefinitionFiles([dir]);
      expect(loaded.errors).to.deep.equal([]);
      expect(loaded.files).to.deep.equal([join(dir, 'a/deeper/y.json'), join(dir, 'a/x.json'), join(dir, 'b.json')]);
      expect(loaded.documents.map((d) => (d.value as { name: string }).name)).to.deep.equal(['y', 'x', 'b']);
    });

    it('accepts a single file as a root and several roots in order', async () => {
      const one = await tempPack({ 'one.json': table('one') });
      const two = await tempPack({ 'two.json': table('two'), 'three.txt': 'x' });
      const loaded = await loadDefinitionFiles([join(two, 'two.json'), join(two, 'three.txt'), one]);
      expect(loaded.errors).to.deep.equal([]);
      expect(loaded.files).to.deep.equal([join(two, 'two.json'), join(one, 'one.json')]);
      expect(loaded.documents.map((d) => (d.value as { name: string }).name)).to.deep.equal(['two', 'one']);
    });

    it('reports a root that does not exist (a mistyped FORMWORK_DEFINITIONS folder) and loads the others', async () => {
      const one = await tempPack({ 'one.json': table('one') });
      const loaded = await loadDefinitionFiles([one, join(one, 'missing-folder')]);
      expect(loaded.documents.map((d) => (d.value as { name: string }).name)).to.deep.equal(['one']);
      expect(loaded.errors).to.have.length(1);
      expect(loaded.errors[0]).to.deep.include({ file: join(one, 'missing-folder'), pointer: '' });
      expect(loaded.errors[0]!.message).to.equal(`The definitions folder "${join(one, 'missing-folder')}" does not exist.`);
    });

    it('names files relative to the working directory when below it, absolute otherwise', async () => {
      const loaded = await loadDefinitionFiles([`${FIXTURES}/hierarchy/tables/person.json`]);
      expect(loaded.files).to.deep.equal([`${FIXTURES}/hierarchy/tables/person.json`]);
      expect(loaded.documents[0]!.file).to.equal(`${FIXTURES}/hierarchy/tables/person.json`);
      expect(displayPath(resolve('definitions/core/tables/task.json'))).to.equal(join('definitions', 'core', 'tables', 'task.json'));
      expect(displayPath('/somewhere/else/x.json')).to.equal('/somewhere/else/x.json');
    });
  });

  describe('documents and pointers', () => {
    it('yields one document with pointer "" for a single-definition file', async () => {
      const dir = await tempPack({ 't.json': table('t') });
      const loaded = await loadDefinitionFiles([dir]);
      expect(loaded.documents).to.have.length(1);
      expect(loaded.documents[0]).to.deep.include({ file: join(dir, 't.json'), pointer: '' });
      expect(loaded.documents[0]!.value).to.deep.equal(table('t'));
    });

    it('refuses an array file, naming the files its definitions should go to, and loads the other files', async () => {
      const dir = await tempPack({ 'many.json': [table('first'), table('second')], 'empty.json': [], 'single.json': table('single') });
      const loaded = await loadDefinitionFiles([dir]);
      expect(loaded.documents.map((d) => (d.value as { name: string }).name)).to.deep.equal(['single']);
      expect(loaded.errors.map((e) => [e.file, e.pointer])).to.deep.equal([[join(dir, 'empty.json'), ''], [join(dir, 'many.json'), '']]);
      expect(loaded.errors[1]!.message).to.equal('The file holds an array of 2 definitions: write one definition per file (e.g. first.json, second.json).');
      const result = await loadRegistry([dir]);
      expect(result.registry).to.equal(undefined);
    });

    it('rejects a file whose top level is not an object', async () => {
      const dir = await tempPack({ 'text.json': '"just text"', 'number.json': '42' });
      const { errors } = await loadRegistry([dir]);
      expect(errors.map((e) => [e.file, e.pointer, e.expected, e.value])).to.have.deep.members([
        [join(dir, 'text.json'), '', 'object', 'just text'],
        [join(dir, 'number.json'), '', 'object', 42],
      ]);
    });
  });

  describe('syntax errors', () => {
    it('reports a syntax error with the file, line and column, and still loads the other files', async () => {
      const loaded = await loadDefinitionFiles([`${FIXTURES}/syntax-error`]);
      expect(loaded.files).to.deep.equal([
        `${FIXTURES}/syntax-error/forms/thing.json`,
        `${FIXTURES}/syntax-error/tables/broken.json`,
        `${FIXTURES}/syntax-error/tables/good.json`,
      ]);
      expect(loaded.errors).to.have.length(1);
      const e = loaded.errors[0]!;
      expect(e.file).to.equal(`${FIXTURES}/syntax-error/tables/broken.json`);
      expect(e.pointer).to.equal('');
      expect(e.message).to.match(/^Invalid JSON at line 5, column 34: /);
      expect(e.expected).to.equal('a JSON object or an array of objects');
      expect(loaded.documents.map((d) => `${(d.value as { kind: string }).kind}:${(d.value as { name: string }).name}`))
        .to.deep.equal(['form:thing', 'table:thing']);
    });

    it('goes on to validate and lint the files that did parse', async () => {
      const { registry, errors } = await loadRegistry([`${FIXTURES}/syntax-error`]);
      expect(registry).to.equal(undefined);
      expect(errors.map((e) => `${e.file}#${e.pointer}`)).to.deep.equal([
        `${FIXTURES}/syntax-error/tables/broken.json#`,
        `${FIXTURES}/syntax-error/forms/thing.json#/sections/0/columns/0/1`,
      ]);
      expect(errors[1]!.message).to.equal('Field "colour" is not a field of table "thing".');
    });

    it('reports every file with a syntax error, not only the first', async () => {
      const dir = await tempPack({ 'a.json': '{ "kind": "table", ', 'b.json': '[1, 2,]', 'c.json': table('c') });
      const loaded = await loadDefinitionFiles([dir]);
      expect(loaded.errors.map((e) => e.file)).to.deep.equal([join(dir, 'a.json'), join(dir, 'b.json')]);
      expect(loaded.documents).to.have.length(1);
    });

    // Node 20 gives no position for an unexpected token or end of input; the loader finds it itself.
    const cases: [string, string, number, number][] = [
      ['unexpected token', '{\n  "a": 1,\n  "b": }\n', 3, 8],
      ['trailing comma in an object', '{\n  "a": 1,\n}', 3, 1],
      ['trailing comma in an array', '[1,]', 1, 4],
      ['CRLF line ends', '{\r\n "a": [1, 2,\r\n ]\r\n}', 3, 2],
      ['unterminated object', '{"a": 1', 1, 8],
      ['empty file', '', 1, 1],
      ['text after the value', '{"a":1}}', 1, 8],
      ['missing colon', '{"a" 1}', 1, 6],
      ['bad escape', '{"a": "\\x"}', 1, 9],
      ['raw newline inside a string', '{\n  "a": "x\ny"\n}', 2, 10],
      ['single quotes', "{\n  'a': 1\n}", 2, 3],
    ];
    for (const [what, text, line, column] of cases) {
      it(`gives the line and column of a syntax error: ${what}`, () => {
        const { value, error } = parseJson(text, 'x.json');
        expect(value).to.equal(undefined);
        expect(error).to.deep.include({ file: 'x.json', pointer: '', expected: 'a JSON object or an array of objects' });
        expect(error!.message).to.match(new RegExp(`^Invalid JSON at line ${line}, column ${column}: \\S`));
        expect(error!.message, 'one line').not.to.match(/\n/);
      });
    }

    it('parses valid JSON, including escapes, unicode and nested values', () => {
      const text = '{ "a": [1, -2.5e3, true, false, null], "b": { "c": "q\\"\\u00e9\\n" } }';
      expect(parseJson(text, 'x.json')).to.deep.equal({ value: { a: [1, -2500, true, false, null], b: { c: 'q"é\n' } } });
    });
  });
});

/**
 * Words for people: texts people read (labels, help, descriptions…) are checked for internal words — snake_case names,
 * requirement ids, "engine" — as warnings that `formwork validate` prints without failing; requirement ids live in
 * `ref`, which every closed shape of the schema accepts and the lint does not read.
 */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definitionWarnings, internalWords, wordWarnings } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import { CORE_DEFINITIONS, REPO } from '../../support/engine.js';
import { spawnFormwork } from '../../support/cli.js';

const tokens = (text: string) => internalWords(text).map((w) => w.token);

describe('definitions: words for people', () => {
  it('finds snake_case names, requirement ids and "engine" in a text', () => {
    expect(tokens('Routed by the rule task_resolution_note.')).to.deep.equal(['task_resolution_note']);
    expect(tokens('Narrows the categories offered (SSI-FR-22).')).to.deep.equal(['SSI-FR-22']);
    expect(tokens('See UC_OrgManager_001.')).to.deep.equal(['UC_OrgManager_001']);
    expect(tokens('A test vehicle for the Engine.')).to.deep.equal(['Engine']);
  });

  it('leaves plain words, examples of values and template expressions alone', () => {
    expect(tokens('Enter the Device ID as 8 hexadecimal pairs, e.g. 00-DB-12-34-56-78-9A-BC.')).to.deep.equal([]);
    expect(tokens('{{record.number}}: {{record.short_description}} was resolved.')).to.deep.equal([]);
    expect(tokens('Monday to Friday, 09:00 to 17:00 (ISO 8601 dates).')).to.deep.equal([]);
  });

  it('warns at the text\'s pointer, and reads neither `ref` nor the records of data files', () => {
    const warnings = wordWarnings([
      {
        file: 't.json', pointer: '',
        value: { kind: 'table', name: 't', description: 'Made for SSI-FR-1.', ref: 'SSI-FR-1', fields: { a: { type: 'string', help: 'The my_field value.' } } },
      },
      { file: 'd.json', pointer: '', value: { kind: 'data', name: 'd', table: 't', records: [{ description: 'raw_value' }] } },
    ]);
    expect(warnings.map((w) => `${w.file}#${w.pointer} ${String(w.value)}`)).to.deep.equal([
      't.json#/description SSI-FR-1', 't.json#/fields/a/help my_field',
    ]);
  });

  it('accepts `ref` (a string or a list) on definitions and their parts', () => {
    const table = {
      kind: 'table', name: 'w_table', label: 'Thing', ref: 'ABC-FR-1', fields: { a: { type: 'string', label: 'A', ref: ['ABC-FR-2', 'ABC-FR-3'] } },
    };
    const form = { kind: 'form', name: 'w_table', table: 'w_table', ref: 'ABC-FR-4', sections: [{ ref: 'ABC-FR-5', columns: [['a']] }] };
    const docs = [table, form].map((value, i) => ({ file: `${i}.json`, pointer: '', value }));
    expect(buildRegistry(docs).errors).to.deep.equal([]);
    const bad = buildRegistry([{ file: 'b.json', pointer: '', value: { ...table, ref: 3 } }]).errors;
    expect(bad.map((e) => e.pointer)).to.include('/ref');
  });

  it('finds no internal words in the packs and catalogues people use', async () => {
    const warnings = await definitionWarnings([CORE_DEFINITIONS, join(REPO, 'catalog')]);
    expect(warnings.map((w) => `${w.file}#${w.pointer}: ${String(w.value)}`)).to.deep.equal([]);
  });

  it('`formwork validate` prints the warnings and still exits 0', async function () {
    this.timeout(60_000);
    const dir = await mkdtemp(join(tmpdir(), 'formwork-words-'));
    try {
      await writeFile(join(dir, 't.json'), JSON.stringify({ kind: 'table', name: 't', label: 'Thing', description: 'Test vehicle for the engine.', fields: {} }));
      const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((done, failed) => {
        const child = spawnFormwork(['validate', dir], { cwd: REPO, env: { ...process.env, FORMWORK_WATCH: 'false' } });
        let out = '';
        child.stdout!.on('data', (b) => { out += b; });
        child.on('error', failed);
        child.on('close', (c) => done({ code: c, stdout: out }));
      });
      expect(code).to.equal(0);
      expect(stdout).to.include(`${join(dir, 't.json')}#/description: People read this text`);
      expect(stdout).to.include('1 warning: texts people read with internal words.');
      expect(stdout).to.include('Definitions are valid');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Copy actions of forms (`copies`): lint checks that the copied fields exist, can be given a value on create and are
 * on the target form; the form metadata lists only the actions a person may use, each with only the fields they may
 * read and set. On SQLite and PostgreSQL.
 */
import { expect } from 'chai';
import { type DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import { createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { createTestEngine, fixture, steppingClock, type TestEngine } from '../../support/engine.js';

type Doc = Record<string, any>;

describe('definitions: lint of form copy actions', () => {
  const table: Doc = {
    kind: 'table', name: 'cp_case', numberPrefix: 'CASE', fields: {
      title: { type: 'string' },
      kind: { type: 'choice', choices: [{ value: 'a', label: 'A' }] },
      locked: { type: 'string', readOnly: true },
      sealed: { type: 'string', protected: true },
      notes: { type: 'journal' },
      files: { type: 'attachment' },
      extra: { type: 'json' },
      aside: { type: 'string' },
    },
  };
  const other: Doc = { kind: 'table', name: 'cp_other', fields: { title: { type: 'string' } } };
  const role: Doc = { kind: 'role', name: 'cp_agent', tables: [{ table: 'cp_case', operations: ['create', 'read'] }] };
  const form = (copies: Doc[], name = 'cp_case', tableName = 'cp_case'): Doc => ({
    kind: 'form', name, table: tableName, copies,
    sections: [{ columns: [tableName === 'cp_case' ? ['title', 'kind', 'locked', 'sealed', 'notes', 'files', 'extra'] : ['title']] }],
  });
  const build = (...docs: Doc[]): string[] => buildRegistry(docs.map((value) => ({ file: `${value.kind}s/${value.name}.json`, pointer: '', value })))
    .errors.map((e: DefinitionError) => `${e.file}#${e.pointer}: ${e.message}`);

  it('accepts copies of writable fields on the form, to this form or another form of the table', () => {
    const short = { kind: 'form', name: 'cp_case_short', table: 'cp_case', sections: [{ columns: [['title', 'kind']] }] };
    expect(build(table, role, short, form([
      { name: 'same', label: 'Raise a similar case', fields: ['title', 'kind'], roles: ['cp_agent'] },
      { name: 'short', label: 'Quick copy', fields: ['kind'], form: 'cp_case_short' },
    ]))).to.deep.equal([]);
  });

  it('reports each problem with its file and JSON pointer', () => {
    const otherForm = form([], 'cp_other', 'cp_other');
    delete otherForm.copies;
    expect(build(table, other, role, otherForm, form([
      { name: 'bad', label: 'Bad', fields: ['nope', 'number', 'locked', 'sealed', 'notes', 'files', 'extra', 'aside'], roles: ['cp_ghost'] },
      { name: 'bad', label: 'Twice', fields: ['title'], form: 'cp_missing' },
      { name: 'elsewhere', label: 'Elsewhere', fields: ['title'], form: 'cp_other' },
    ]))).to.have.members([
      'forms/cp_case.json#/copies/0/roles/0: Role "cp_ghost" is not declared.',
      'forms/cp_case.json#/copies/0/fields/0: Field "nope" is not a field of table "cp_case".',
      'forms/cp_case.json#/copies/0/fields/1: Field "number" is set by the system: a new record cannot be given its value.',
      'forms/cp_case.json#/copies/0/fields/2: Field "locked" is read-only: a new record cannot be given its value.',
      'forms/cp_case.json#/copies/0/fields/3: Field "sealed" is protected: a new record cannot be given its value.',
      'forms/cp_case.json#/copies/0/fields/4: Field "notes" is of type journal: its value cannot be copied into a new-record form.',
      'forms/cp_case.json#/copies/0/fields/5: Field "files" is of type attachment: its value cannot be copied into a new-record form.',
      'forms/cp_case.json#/copies/0/fields/6: Field "extra" is of type json: its value cannot be copied into a new-record form.',
      'forms/cp_case.json#/copies/0/fields/7: Field "aside" is not on form "cp_case", so the new record\'s form would drop its value.',
      'forms/cp_case.json#/copies/1/name: The form already has a copy action "bad".',
      'forms/cp_case.json#/copies/1/form: Form "cp_missing" is not declared.',
      'forms/cp_case.json#/copies/2/form: Form "cp_other" is a form of table "cp_other", not "cp_case".',
    ]);
  });

  it('refuses unknown properties and empty field lists through the schema', () => {
    const errors = build(table, form([{ name: 'x', label: 'X', fields: [], colour: 'red' }]));
    expect(errors.some((e) => e.startsWith('forms/cp_case.json#/copies/0/colour'))).to.equal(true);
    expect(errors.some((e) => e.startsWith('forms/cp_case.json#/copies/0/fields'))).to.equal(true);
  });
});

describe('meta: form copy actions as a person may use them', () => {
  let fw: TestEngine;
  let server: RunningServer;
  const formAs = async (roles: string[]) => {
    const user = await createUser(fw, { roles });
    const token = await createToken(fw, user.username);
    const res = await fetch(`${server.url}/api/meta/forms/dc_job`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    return ((await res.json()) as { data: { copies?: { name: string; fields: string[] }[] } }).data;
  };

  before(async () => {
    fw = await createTestEngine({ roots: [fixture('packs/dependent-choices')], clock: steppingClock() });
    server = await serve(fw);
  });
  after(async () => {
    await server.close();
    await fw.dispose();
  });

  it('lists the actions whose roles the person holds, with only the fields they may read and set', async () => {
    const worker = await formAs(['dc_worker']);
    expect(worker.copies).to.deep.equal([
      { name: 'similar', label: 'Raise a similar job', fields: ['activity', 'kind', 'tags', 'on_site', 'urgency'] },
    ]);
    const lead = await formAs(['dc_lead']);
    expect(lead.copies!.map((c) => c.name)).to.deep.equal(['similar', 'lead_copy']);
  });

  it('lists none to people who cannot create records of the table', async () => {
    expect((await formAs(['dc_viewer'])).copies).to.deep.equal([]);
  });
});

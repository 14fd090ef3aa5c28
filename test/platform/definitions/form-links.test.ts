/**
 * Links of forms to other tables and catalogue items (`links`): lint checks the target, the keys it sets and the
 * record fields they come from; the form metadata lists only the links a person may use, each with only the values
 * they may read here and set there. On SQLite and PostgreSQL.
 */
import { expect } from 'chai';
import { type DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import { createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { createTestEngine, fixture, packRoot, steppingClock, type TestEngine } from '../../support/engine.js';

type Doc = Record<string, any>;

describe('definitions: lint of form links', () => {
  const doc: Doc = { kind: 'table', name: 'lk_doc', fields: { title: { type: 'string' }, body: { type: 'text' } } };
  const ticket: Doc = {
    kind: 'table', name: 'lk_ticket', numberPrefix: 'LKT', fields: {
      summary: { type: 'string' }, about: { type: 'reference', reference: 'lk_doc' }, locked: { type: 'string', readOnly: true },
      notes: { type: 'journal' }, aside: { type: 'string' },
    },
  };
  const ticketForm: Doc = { kind: 'form', name: 'lk_ticket', table: 'lk_ticket', sections: [{ columns: [['summary', 'about']] }] };
  const catalog: Doc = { kind: 'catalog', name: 'lk_cat', title: 'Cat' };
  const category: Doc = { kind: 'catalogCategory', name: 'lk_help', catalog: 'lk_cat', title: 'Help' };
  const rowsSet: Doc = { kind: 'variableSet', name: 'lk_rows', title: 'Rows', multiRow: true, variables: { line: { type: 'string' } } };
  const plainSet: Doc = { kind: 'variableSet', name: 'lk_plain', title: 'Plain', variables: { contact: { type: 'string' } } };
  const item: Doc = {
    kind: 'catalogItem', name: 'lk_item', title: 'Item', categories: ['lk_help'], variableSets: ['lk_rows', 'lk_plain'],
    variables: { subject: { type: 'string' } }, creates: { record: { table: 'lk_ticket', fields: { summary: { variable: 'subject' } } } },
  };
  const role: Doc = { kind: 'role', name: 'lk_agent', tables: [{ table: 'lk_ticket', operations: ['create', 'read'] }] };
  const form = (links: Doc[]): Doc => ({ kind: 'form', name: 'lk_doc', table: 'lk_doc', links, sections: [{ columns: [['title', 'body']] }] });
  const build = (...docs: Doc[]): string[] => buildRegistry(docs.map((value) => ({ file: `${value.kind}s/${value.name}.json`, pointer: '', value })))
    .errors.map((e: DefinitionError) => `${e.file}#${e.pointer}: ${e.message}`);
  const base = [doc, ticket, ticketForm, catalog, category, rowsSet, plainSet, item, role];

  it('accepts links to a form, a table and a catalogue item, setting their fields and variables from the record', () => {
    expect(build(...base, form([
      { name: 'raise', label: 'Raise a ticket', to: { form: 'lk_ticket' }, set: { about: 'record', summary: 'record.title' }, roles: ['lk_agent'] },
      { name: 'table', label: 'New ticket', to: { table: 'lk_ticket' }, set: { aside: 'record.body' } },
      {
        name: 'order', label: 'Ask', to: { catalogItem: 'lk_item' }, set: { subject: 'record.title', contact: 'record.body' },
        condition: { all: [{ fact: 'record.title', operator: 'isNotEmpty' }] },
      },
    ]))).to.deep.equal([]);
  });

  it('reports each problem with its file and JSON pointer', () => {
    const errors = build(...base, form([
      { name: 'raise', label: 'A', to: { form: 'lk_ticket' }, set: { aside: 'record.title', summary: 'record.nope' }, roles: ['lk_ghost'] },
      { name: 'raise', label: 'B', to: { form: 'lk_missing' }, set: { summary: 'record.title' } },
      { name: 'table', label: 'C', to: { table: 'lk_ticket' }, set: { locked: 'record.title', notes: 'record.body', number: 'record' } },
      { name: 'order', label: 'D', to: { catalogItem: 'lk_item' }, set: { line: 'record.title', ghost: 'record.title' } },
      { name: 'nowhere', label: 'E', to: { table: 'lk_none' }, set: { x: 'record' }, condition: { all: [{ fact: 'record.nope', operator: 'equal', value: 1 }] } },
    ]));
    expect(errors).to.have.members([
      'forms/lk_doc.json#/links/0/roles/0: Role "lk_ghost" is not declared.',
      'forms/lk_doc.json#/links/0/set/aside: Field "aside" is not a field of form "lk_ticket" that a new record can be given.',
      'forms/lk_doc.json#/links/0/set/summary: Field "nope" is not a field of table "lk_doc".',
      'forms/lk_doc.json#/links/1/name: The form already has a link "raise".',
      'forms/lk_doc.json#/links/1/to/form: Form "lk_missing" is not declared.',
      'forms/lk_doc.json#/links/2/set/locked: Field "locked" is not a field of table "lk_ticket" that a new record can be given.',
      'forms/lk_doc.json#/links/2/set/notes: Field "notes" is not a field of table "lk_ticket" that a new record can be given.',
      'forms/lk_doc.json#/links/2/set/number: Field "number" is not a field of table "lk_ticket" that a new record can be given.',
      'forms/lk_doc.json#/links/3/set/line: "line" is not a variable of catalogue item "lk_item".',
      'forms/lk_doc.json#/links/3/set/ghost: "ghost" is not a variable of catalogue item "lk_item".',
      'forms/lk_doc.json#/links/4/to/table: Table "lk_none" is not declared.',
      'forms/lk_doc.json#/links/4/condition/all/0/fact: Unknown field "nope" in fact "record.nope".',
    ]);
  });

  it('checks catalogue item links only when a catalogue is loaded: a pack without its catalogue still loads', () => {
    const ordering = form([{ name: 'order', label: 'Ask', to: { catalogItem: 'lk_elsewhere' }, set: { subject: 'record.title' } }]);
    expect(build(doc, ticket, ticketForm, role, ordering)).to.deep.equal([]);
    expect(build(...base, ordering)).to.deep.equal(['forms/lk_doc.json#/links/0/to/catalogItem: Catalog item "lk_elsewhere" is not declared.']);
  });

  it('refuses two targets, unknown properties and sources that are not the record through the schema', () => {
    const errors = build(...base, form([
      { name: 'x', label: 'X', to: { form: 'lk_ticket', table: 'lk_ticket' }, set: { summary: 'user.id' }, colour: 'red' },
      { name: 'y', label: 'Y', to: {}, set: {} },
    ]));
    for (const at of ['/links/0/to', '/links/0/set/summary', '/links/0/colour', '/links/1/to', '/links/1/set']) {
      expect(errors.some((e) => e.startsWith(`forms/lk_doc.json#${at}`)), at).to.equal(true);
    }
  });
});

describe('meta: form links as a person may use them', () => {
  let fw: TestEngine;
  let server: RunningServer;
  type Link = { name: string; to: Record<string, string>; set: Record<string, string> };
  const formAs = async (roles: string[]) => {
    const user = await createUser(fw, { roles });
    const token = await createToken(fw, user.username);
    const res = await fetch(`${server.url}/api/meta/forms/fl_doc`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    return ((await res.json()) as { data: { links?: Link[] } }).data;
  };

  before(async () => {
    fw = await createTestEngine({ roots: [packRoot('core'), fixture('packs/form-links')], clock: steppingClock() });
    server = await serve(fw);
  });
  after(async () => {
    await server.close();
    await fw.dispose();
  });

  it('lists the links whose roles the person holds, with only the values they may read and set', async () => {
    const reader = await formAs(['fl_reader']);
    expect(reader.links!.map((l) => l.name)).to.deep.equal(['ticket', 'change', 'by_table']);
    expect(reader.links![0]!.set).to.deep.equal({ about: 'record', summary: 'record.title' });
    // The internal note is withheld from readers: the link does not carry it.
    expect(reader.links![1]!.set).to.deep.equal({ document: 'record.number', subject: 'record.title' });
    // An administrator without the link's role does not see it; with it, the note they may read travels too.
    expect((await formAs(['admin'])).links!.map((l) => l.name)).to.deep.equal(['ticket', 'by_table']);
    const both = await formAs(['admin', 'fl_reader']);
    expect(both.links![1]!.set).to.have.property('reason', 'record.secret');
  });

  it('lists none to people who may not create in the target, nor hold the roles', async () => {
    expect((await formAs(['fl_viewer'])).links).to.deep.equal([]);
  });
});

/**
 * A role grant on every table (`"table": "*"`): the schema takes it, lint refuses field lists and conditions on it
 * (they belong to one table), and the policy gives its operations on every table, within its row scope. The core
 * administrator role holds one, reaching every table of every pack.
 */
import { expect } from 'chai';
import { accessFor } from '../../../platform/access/index.js';
import type { DefinitionError } from '../../../platform/definitions/index.js';
import type { Registry } from '../../../platform/definitions/types.js';
import { buildRegistry, loadRegistry } from '../../../platform/kinds.js';
import type { Actor } from '../../../platform/records/types.js';
import { CORE_DEFINITIONS } from '../../support/engine.js';

type Doc = Record<string, unknown>;

function build(...defs: Doc[]): { registry?: Registry; errors: DefinitionError[] } {
  return buildRegistry(defs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })));
}

const ORG = '018f1111-0000-7000-8000-00000000000a';
const actor = (roles: string[]): Actor => ({ kind: 'user', id: '018f2222-0000-7000-8000-000000000001', username: 'u', roles, orgs: [ORG], orgId: ORG });
const memo = (): Doc => ({ kind: 'table', name: 'memo', fields: { body: { type: 'text' } } });
const note = (): Doc => ({ kind: 'table', name: 'note', fields: { text: { type: 'text' } } });
const everything = (grant: Doc = {}): Doc => ({
  kind: 'role', name: 'boss', tables: [{ table: '*', operations: ['read', 'update'], ...grant }],
});

describe('access: a grant on every table ("*")', () => {
  it('is valid on its own, with operations and a scope', () => {
    expect(build(memo(), note(), everything({ scope: 'all' })).errors).to.deep.equal([]);
  });

  it('refuses field lists and a condition on it, at each member', () => {
    const { errors } = build(memo(), everything({
      readFields: ['body'], deniedFields: ['body'], condition: { fact: 'record.body', operator: 'isEmpty' },
    }));
    expect(errors.map((e) => e.pointer).sort()).to.deep.equal(['/tables/0/condition', '/tables/0/deniedFields', '/tables/0/readFields']);
  });

  it('refuses a table pattern other than "*" as an unknown table or a bad name', () => {
    const pointers = build(memo(), everything({ table: 'mem*' })).errors.map((e) => e.pointer);
    expect(pointers).to.not.be.empty;
    expect([...new Set(pointers)]).to.deep.equal(['/tables/0/table']);
  });

  it('gives its operations on every table, with its row scope', () => {
    const registry = build(memo(), note(), everything())!.registry!;
    for (const table of ['memo', 'note']) {
      const read = accessFor(registry, actor(['boss']), table, 'read');
      expect(read.allowed, table).to.equal(true);
      // The default scope: shared records and those of the person's organisations.
      expect(read.rowCondition).to.not.equal(null);
      expect(accessFor(registry, actor(['boss']), table, 'delete').allowed).to.equal(false);
    }
    const all = build(memo(), note(), everything({ scope: 'all' }))!.registry!;
    expect(accessFor(all, actor(['boss']), 'note', 'update').rowCondition).to.equal(null);
    expect(accessFor(all, actor([]), 'note', 'read').allowed).to.equal(false);
  });

  it('reaches every table of every pack for the core administrator role', async () => {
    const { registry, errors } = await loadRegistry([CORE_DEFINITIONS]);
    expect(errors).to.deep.equal([]);
    const admin = actor(['admin']);
    for (const table of registry!.tables.values()) {
      for (const op of ['create', 'read', 'update', 'delete'] as const) {
        expect(accessFor(registry!, admin, table.name, op).allowed, `${op} ${table.name}`).to.equal(true);
      }
      expect(accessFor(registry!, admin, table.name, 'read').rowCondition, table.name).to.equal(null);
    }
  });
});

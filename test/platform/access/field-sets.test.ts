/**
 * Named field sets: a table declares `fieldSets` (inherited by tables extending it) and role grants name one as
 * `@set` in readFields / writeFields / deniedFields. Lint reports unknown sets (with the closest names) and set
 * fields that do not exist or cannot be written; the registry's roles hold the expanded field names, which the access
 * policy enforces. On SQLite and PostgreSQL.
 */
import { expect } from 'chai';
import { buildRegistry } from '../../../platform/kinds.js';
import type { Actor } from '../../../platform/records/types.js';
import { createTestEngine, fixture, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

type Doc = Record<string, any>;

const ORG = '018f1111-0000-7000-8000-0000000000f2';
const clerk: Actor = { kind: 'user', id: '018f2222-0000-7000-8000-0000000000f2', username: 'clerk', roles: ['df_clerk'], orgs: [ORG], orgId: ORG, userIds: [] };

const parent = (fieldSets: Record<string, string[]> = { raise: ['title', 'details'], contact: ['phone'] }): Doc => ({
  kind: 'table', name: 'case', fields: {
    title: { type: 'string' }, details: { type: 'text' }, phone: { type: 'phone' }, state: { type: 'string', protected: true },
  },
  fieldSets,
});
const child = (extra: Doc = {}): Doc => ({ kind: 'table', name: 'claim', extends: 'case', fields: { amount: { type: 'currency' } }, ...extra });
const role = (grant: Doc): Doc => ({ kind: 'role', name: 'agent', tables: [{ table: 'case', operations: ['create', 'read', 'update'], ...grant }] });

function build(...docs: Doc[]) {
  return buildRegistry(docs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })));
}

describe('access: field sets in role grants', () => {
  describe('schema and lint', () => {
    it('reports an unknown set at the grant entry, with the closest set names', () => {
      const { errors } = build(parent(), role({ writeFields: ['@rise', 'phone'] }));
      expect(errors.map((e) => [e.file, e.pointer])).to.deep.equal([['role-agent.json', '/tables/0/writeFields/0']]);
      expect(errors[0]!.message).to.equal('Table "case" has no field set "rise".');
      expect(errors[0]!.expected).to.match(/^one of: @raise/);
    });

    it('reports a set field the table does not have, where the set is declared', () => {
      const { errors } = build(parent({ raise: ['title', 'detials'] }));
      expect(errors.map((e) => [e.file, e.pointer])).to.deep.equal([['table-case.json', '/fieldSets/raise/1']]);
    });

    it('refuses a set holding a protected field in writeFields, naming the field and the set', () => {
      const { errors } = build(parent({ raise: ['title', 'state'] }), role({ writeFields: ['@raise'] }));
      expect(errors.map((e) => [e.pointer, e.message])).to.deep.equal([
        ['/tables/0/writeFields/0', 'Field "state" (in field set "raise") is protected: only the system, rules and workflows set it.'],
      ]);
    });

    it('refuses a malformed set reference and a child redeclaring an inherited set', () => {
      const bad = build(parent(), role({ readFields: ['@Raise'] })).errors;
      expect(bad.map((e) => e.pointer)).to.deep.equal(['/tables/0/readFields/0']);
      const twice = build(parent(), child({ fieldSets: { raise: ['amount'] } })).errors;
      expect(twice.map((e) => [e.file, e.pointer])).to.deep.equal([['table-claim.json', '/fieldSets/raise']]);
    });
  });

  describe('normalise', () => {
    it('expands each set in place, keeping the first mention of a field, in every field list', () => {
      const { registry, errors } = build(parent(), child({ fieldSets: { money: ['amount', 'title'] } }), {
        kind: 'role', name: 'agent', tables: [
          { table: 'case', operations: ['read'], readFields: ['details', '@raise', 'phone'], deniedFields: ['@contact'] },
          { table: 'claim', operations: ['update'], writeFields: ['@money', '@raise'] },
        ],
      });
      expect(errors).to.deep.equal([]);
      const [onCase, onClaim] = registry!.get('role', 'agent').tables!;
      expect(onCase!.readFields).to.deep.equal(['details', 'title', 'phone']);
      expect(onCase!.deniedFields).to.deep.equal(['phone']);
      // The child table inherits its parent's sets.
      expect(onClaim!.writeFields).to.deep.equal(['amount', 'title', 'details']);
    });

    it('leaves a role without set references unchanged', () => {
      const written = role({ writeFields: ['title'] });
      const { registry } = build(parent(), written);
      expect(registry!.get('role', 'agent').tables![0]!.writeFields).to.deep.equal(['title']);
    });
  });

  describe('enforced by the access policy', () => {
    let fw: TestEngine;
    before(async () => { fw = await createTestEngine({ roots: [fixture('packs/definition-format')] }); });
    after(async () => { await fw.dispose(); });

    it('lets the holder write the set\'s fields and refuses the others', async () => {
      const made = await fw.records.createOne('df_ticket', { title: 'Broken chair', kind: 'fault', details: 'Leg', impact: 1, priority: 'low' }, { actor: clerk });
      expect(made).to.include({ details: 'Leg', impact: 1, priority: 'low' });
      const e = await expectError(fw.records.createOne('df_ticket', { title: 'Call me', kind: 'fault', channel: 'phone' }, { actor: clerk }), 'forbidden');
      expect(e.fieldErrors.map((x) => [x.field, x.code])).to.deep.equal([['channel', 'forbidden_field']]);
    });
  });
});

/**
 * The access policy on its own (no database): which operations, rows and fields a set of roles gives on a table,
 * capabilities through `includes`, and the definition checks that keep grants meaningful.
 */
import { expect } from 'chai';
import { accessFor, capabilitiesOf, expandRoles, grantsCapability, hasCapability } from '../../../platform/access/index.js';
import { evaluateCondition, type Condition } from '../../../platform/conditions/index.js';
import { type DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import type { Registry } from '../../../platform/definitions/types.js';
import type { Actor } from '../../../platform/records/types.js';

type Doc = Record<string, unknown>;

function build(...defs: Doc[]): { registry?: Registry; errors: DefinitionError[] } {
  return buildRegistry(defs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })));
}
function registryOf(...defs: Doc[]): Registry {
  const r = build(...defs);
  expect(r.errors, JSON.stringify(r.errors, null, 1)).to.deep.equal([]);
  return r.registry!;
}
const messages = (errors: DefinitionError[]) => errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`);

const ORG_A = '018f1111-0000-7000-8000-00000000000a';
const ORG_B = '018f1111-0000-7000-8000-00000000000b';
const ME = '018f2222-0000-7000-8000-000000000001';
const actor = (roles: string[], extra: Partial<Actor> = {}): Actor => ({ kind: 'user', id: ME, username: 'u', roles, orgs: [ORG_A], orgId: ORG_A, userIds: ['UID-1'], ...extra });
const SYSTEM: Actor = { kind: 'system', id: null, username: 'system', roles: [], orgs: [], orgId: null };

const ticket = (): Doc => ({
  kind: 'table', name: 'ticket', numberPrefix: 'TKT', userIdField: 'uid',
  fields: {
    title: { type: 'string' }, uid: { type: 'string' }, email: { type: 'email' }, phone: { type: 'phone' },
    state: { type: 'string', protected: true }, stage: { type: 'string', readOnly: true }, priority: { type: 'integer' },
    notes: { type: 'journal' },
  },
});
const fault = (): Doc => ({ kind: 'table', name: 'fault', extends: 'ticket', fields: { part: { type: 'string' } } });
const memo = (): Doc => ({ kind: 'table', name: 'memo', orgField: 'tenant', fields: { tenant: { type: 'string' }, body: { type: 'text' } } });
const role = (name: string, extra: Doc): Doc => ({ kind: 'role', name, ...extra });
const TICKET_FIELDS = ['id', 'number', 'class', 'version', 'org_id', 'created_at', 'created_by', 'updated_at', 'updated_by', 'title', 'uid', 'email', 'phone', 'state', 'stage', 'priority', 'notes'];

const ORG_SCOPE = (userIdField?: string): Condition => ({
  any: [
    { fact: 'record.org_id', operator: 'isEmpty' },
    { fact: 'record.org_id', operator: 'in', value: { fact: 'user.orgs' } },
    ...(userIdField ? [{ fact: `record.${userIdField}`, operator: 'in', value: { fact: 'user.userIds' } }] : []),
  ],
});
const OWN: Condition = { all: [{ fact: 'record.created_by', operator: 'isNotEmpty' }, { fact: 'record.created_by', operator: 'equal', value: { fact: 'user.id' } }] };

describe('access: policy', () => {
  describe('operations', () => {
    const registry = registryOf(ticket(), fault(),
      role('reader', { tables: [{ table: 'ticket', operations: ['read'] }] }),
      role('faults', { tables: [{ table: 'fault', operations: ['read', 'create'] }] }),
      role('caps', { capabilities: ['UC_A'] }));

    it('denies by default: no roles, unknown roles, roles without a grant, operations not granted', () => {
      for (const roles of [[], ['nope'], ['caps']]) {
        for (const op of ['create', 'read', 'update', 'delete'] as const) {
          const a = accessFor(registry, actor(roles), 'ticket', op);
          expect(a.allowed, `${roles.join(',')} ${op}`).to.equal(false);
          expect([...a.writable]).to.deep.equal([]);
        }
      }
      expect(accessFor(registry, actor(['reader']), 'ticket', 'update').allowed).to.equal(false);
      expect(accessFor(registry, actor(['reader']), 'ticket', 'read').allowed).to.equal(true);
    });

    it('a grant on a table covers the tables extending it, not the other way round', () => {
      expect(accessFor(registry, actor(['reader']), 'fault', 'read').allowed).to.equal(true);
      expect(accessFor(registry, actor(['faults']), 'fault', 'create').allowed).to.equal(true);
      expect(accessFor(registry, actor(['faults']), 'ticket', 'read').allowed).to.equal(false);
    });

    it('leaves the system actor unrestricted', () => {
      const a = accessFor(registry, SYSTEM, 'ticket', 'update');
      expect(a).to.include({ allowed: true, unrestricted: true, rowCondition: null });
      expect([...a.readable]).to.have.members(TICKET_FIELDS);
      expect([...a.writable]).to.have.members(['title', 'uid', 'email', 'phone', 'state', 'stage', 'priority', 'notes']);
    });

    it('caches per snapshot and set of roles, whatever their order', () => {
      const two = registryOf(ticket(), role('a', { tables: [{ table: 'ticket', operations: ['read'] }] }), role('b', {}));
      const x = accessFor(two, actor(['a', 'b']), 'ticket', 'read');
      expect(accessFor(two, actor(['b', 'a', 'a'], { orgs: [ORG_B] }), 'ticket', 'read')).to.equal(x);
      expect(accessFor(two, actor(['a']), 'ticket', 'read')).to.not.equal(x);
      const again = registryOf(ticket(), role('a', { tables: [{ table: 'ticket', operations: ['read'] }] }), role('b', {}));
      expect(accessFor(again, actor(['a', 'b']), 'ticket', 'read')).to.not.equal(x);
      expect(Object.isFrozen(x)).to.equal(true);
    });
  });

  describe('rows', () => {
    const rowsOf = (grants: Doc[], table = 'ticket', op: 'read' | 'update' = 'read', extra: Doc[] = []) =>
      accessFor(registryOf(ticket(), fault(), memo(), ...extra, role('r', { tables: grants })), actor(['r']), table, op).rowCondition;

    it('scope org (the default): shared records, the actor\'s organisations, and their User IDs where the table has them', () => {
      expect(rowsOf([{ table: 'ticket', operations: ['read'] }])).to.deep.equal(ORG_SCOPE('uid'));
      expect(rowsOf([{ table: 'ticket', operations: ['read'], scope: 'org' }], 'fault')).to.deep.equal(ORG_SCOPE('uid'));
      expect(rowsOf([{ table: 'memo', operations: ['read'] }], 'memo')).to.deep.equal({
        any: [{ fact: 'record.tenant', operator: 'isEmpty' }, { fact: 'record.tenant', operator: 'in', value: { fact: 'user.orgs' } }],
      });
    });

    it('scope own and all; a condition is ANDed with the scope; grants are ORed; one unrestricted grant opens every row', () => {
      expect(rowsOf([{ table: 'ticket', operations: ['read'], scope: 'own' }])).to.deep.equal(OWN);
      expect(rowsOf([{ table: 'ticket', operations: ['read'], scope: 'all' }])).to.equal(null);
      const urgent = { fact: 'record.priority', operator: 'lessThan', value: 3 };
      expect(rowsOf([{ table: 'ticket', operations: ['read'], scope: 'all', condition: urgent }])).to.deep.equal(urgent);
      expect(rowsOf([{ table: 'ticket', operations: ['read'], condition: urgent }])).to.deep.equal({ all: [ORG_SCOPE('uid'), urgent] });
      expect(rowsOf([{ table: 'ticket', operations: ['read'], scope: 'own' }, { table: 'ticket', operations: ['read'], condition: urgent }]))
        .to.deep.equal({ any: [OWN, { all: [ORG_SCOPE('uid'), urgent] }] });
      expect(rowsOf([{ table: 'ticket', operations: ['read'], scope: 'own' }, { table: 'ticket', operations: ['read'], scope: 'all' }])).to.equal(null);
      // Only the grants of the operation count.
      expect(rowsOf([{ table: 'ticket', operations: ['read'], scope: 'all' }, { table: 'ticket', operations: ['update'], scope: 'own' }], 'ticket', 'update')).to.deep.equal(OWN);
    });

    it('row conditions evaluate in memory as they compile: org, User ID, shared, own', async () => {
      const org = rowsOf([{ table: 'ticket', operations: ['read'] }])!;
      const user = { id: ME, orgs: [ORG_A], userIds: ['UID-1'] };
      const check = (record: Record<string, unknown>, u = user) => evaluateCondition(org, { record, user: u });
      expect(await check({ org_id: ORG_A })).to.equal(true);
      expect(await check({ org_id: null })).to.equal(true);
      expect(await check({ org_id: ORG_B })).to.equal(false);
      expect(await check({ org_id: ORG_B, uid: 'UID-1' })).to.equal(true);
      expect(await check({ org_id: ORG_B, uid: 'UID-2' })).to.equal(false);
      expect(await check({ org_id: ORG_B, uid: 'UID-1' }, { ...user, userIds: [] })).to.equal(false);
      expect(await evaluateCondition(OWN, { record: { created_by: ME }, user })).to.equal(true);
      expect(await evaluateCondition(OWN, { record: { created_by: null }, user: { ...user, id: null as never } })).to.equal(false);
    });
  });

  describe('fields', () => {
    const fieldsOf = (roles: Doc[], names: string[], op: 'read' | 'create' | 'update' = 'read', table = 'ticket') => {
      const a = accessFor(registryOf(ticket(), fault(), ...roles), actor(names), table, op);
      return { readable: [...a.readable].sort(), writable: [...a.writable].sort() };
    };
    const without = (...drop: string[]) => TICKET_FIELDS.filter((f) => !drop.includes(f)).sort();
    const agent = role('agent', { tables: [{ table: 'ticket', operations: ['read', 'update'], deniedFields: ['email', 'phone'] }] });

    it('deniedFields withhold fields; readFields list them; id, number, class and version are always readable', () => {
      expect(fieldsOf([agent], ['agent']).readable).to.deep.equal(without('email', 'phone'));
      const clerk = role('clerk', { tables: [{ table: 'ticket', operations: ['read'], readFields: ['title', 'priority'] }] });
      expect(fieldsOf([clerk], ['clerk']).readable).to.deep.equal(['class', 'id', 'number', 'priority', 'title', 'version']);
      expect(fieldsOf([clerk], []).readable).to.deep.equal(['class', 'id', 'number', 'version']);
    });

    it('a grant covering the same or wider rows restores a withheld field; a narrower one does not', () => {
      const lead = role('lead', { includes: ['agent'], tables: [{ table: 'ticket', operations: ['read'] }] });
      const desk = role('desk', { tables: [{ table: 'ticket', operations: ['read'], scope: 'all' }] });
      const mine = role('mine', { tables: [{ table: 'ticket', operations: ['read'], scope: 'own' }] });
      const urgent = role('urgent', { tables: [{ table: 'ticket', operations: ['read'], condition: { fact: 'priority', operator: 'equal', value: 1 } }] });
      const all = [agent, lead, desk, mine, urgent];
      expect(fieldsOf(all, ['lead']).readable).to.deep.equal(without());
      expect(fieldsOf(all, ['agent', 'desk']).readable).to.deep.equal(without());
      expect(fieldsOf(all, ['agent', 'mine']).readable).to.deep.equal(without('email', 'phone'));
      expect(fieldsOf(all, ['agent', 'urgent']).readable).to.deep.equal(without('email', 'phone'));
      expect(fieldsOf(all, ['mine']).readable).to.deep.equal(without());
      // Wider grants that withhold a field keep it withheld from a narrower grant's rows too.
      const desk_masked = role('desk_masked', { tables: [{ table: 'ticket', operations: ['read'], scope: 'all', deniedFields: ['email'] }] });
      expect(fieldsOf([...all, desk_masked], ['desk_masked', 'lead']).readable).to.deep.equal(without('email'));
    });

    it('writable: writeFields, else the grant\'s readFields, less denied, system, protected and read-only fields', () => {
      expect(fieldsOf([agent], ['agent'], 'update').writable).to.deep.equal(['notes', 'priority', 'title', 'uid']);
      const clerk = role('clerk', { tables: [{ table: 'ticket', operations: ['read', 'update'], readFields: ['title', 'priority', 'notes'], writeFields: ['priority'] }] });
      expect(fieldsOf([clerk], ['clerk'], 'update').writable).to.deep.equal(['priority']);
      const filer = role('filer', { tables: [{ table: 'ticket', operations: ['create'], readFields: ['title', 'notes', 'state'] }] });
      expect(fieldsOf([filer], ['filer'], 'create')).to.deep.equal({ readable: ['class', 'id', 'number', 'version'], writable: ['notes', 'title'] });
      expect(fieldsOf([filer], ['filer'], 'update').writable).to.deep.equal([]);
      expect(fieldsOf([agent], ['agent'], 'update', 'fault').writable).to.deep.equal(['notes', 'part', 'priority', 'title', 'uid']);
    });
  });

  describe('capabilities', () => {
    const registry = registryOf(ticket(),
      role('agent', { capabilities: ['UC_Raise_001', 'UC_View_002'] }),
      role('lead', { includes: ['agent'], capabilities: ['UC_Close_003', 'UC_View_002'] }),
      role('supervisor', { includes: ['lead'], capabilities: ['UC_Report_004'] }),
      role('other', { capabilities: ['UC_Other_005'] }),
      role('administrator', { capabilities: ['platform.admin'] }),
      role('desk_admin', { includes: ['administrator'] }));

    it('expands through includes, sorted and without duplicates', () => {
      expect(capabilitiesOf(registry, ['supervisor'])).to.deep.equal(['UC_Close_003', 'UC_Raise_001', 'UC_Report_004', 'UC_View_002']);
      expect(capabilitiesOf(registry, ['lead'])).to.deep.equal(['UC_Close_003', 'UC_Raise_001', 'UC_View_002']);
      expect(capabilitiesOf(registry, ['agent', 'other', 'ghost'])).to.deep.equal(['UC_Other_005', 'UC_Raise_001', 'UC_View_002']);
      expect(capabilitiesOf(registry, [])).to.deep.equal([]);
      expect(expandRoles(registry, ['supervisor']).map((r) => r.name)).to.deep.equal(['supervisor', 'lead', 'agent']);
    });

    it('answers hasCapability for users from their roles, and yes for the system actor', () => {
      expect(hasCapability(registry, actor(['supervisor']), 'UC_Raise_001')).to.equal(true);
      expect(hasCapability(registry, actor(['agent']), 'UC_Close_003')).to.equal(false);
      expect(hasCapability(registry, actor(['agent'], { capabilities: ['UC_Close_003'] }), 'UC_Close_003'), 'roles decide, not what the actor claims').to.equal(false);
      expect(hasCapability(registry, actor([]), 'UC_Raise_001')).to.equal(false);
      expect(hasCapability(registry, SYSTEM, 'UC_Anything')).to.equal(true);
      // A returned list is a copy: changing it changes nothing.
      capabilitiesOf(registry, ['agent']).push('UC_Close_003');
      expect(hasCapability(registry, actor(['agent']), 'UC_Close_003')).to.equal(false);
    });

    it('gives a platform administrator every capability, even one no role declares, also through includes', () => {
      for (const roles of [['administrator'], ['desk_admin'], ['agent', 'administrator']]) {
        expect(hasCapability(registry, actor(roles), 'UC_Close_003'), roles.join()).to.equal(true);
        expect(hasCapability(registry, actor(roles), 'UC_Undeclared_009'), roles.join()).to.equal(true);
      }
      expect(hasCapability(registry, actor(['agent'], { capabilities: ['platform.admin'] }), 'UC_Close_003'), 'roles decide').to.equal(false);
    });

    it('keeps what roles declare apart from administration: capabilitiesOf and grantsCapability imply nothing', () => {
      expect(capabilitiesOf(registry, ['desk_admin'])).to.deep.equal(['platform.admin']);
      expect(grantsCapability(registry, ['desk_admin'], 'UC_Close_003')).to.equal(false);
      expect(grantsCapability(registry, ['supervisor'], 'UC_Close_003')).to.equal(true);
      expect(grantsCapability(registry, ['desk_admin'], 'platform.admin')).to.equal(true);
      // "The roles holding X" (recipients, approvers, a workflow step's performers) leaves administrators out.
      const holding = [...registry.roles.keys()].filter((name) => grantsCapability(registry, [name], 'UC_Close_003'));
      expect(holding.sort()).to.deep.equal(['lead', 'supervisor']);
    });
  });

  describe('definitions', () => {
    it('accepts scopes, userIdField, protected fields and user.userIds in grant conditions', () => {
      registryOf(ticket(), fault(), memo(), role('r', {
        tables: [
          { table: 'ticket', operations: ['read'], scope: 'own' },
          { table: 'fault', operations: ['read'], scope: 'all', condition: { fact: 'record.uid', operator: 'in', value: { fact: 'user.userIds' } } },
        ],
      }));
    });

    it('refuses an unknown scope, and a userIdField or orgField that is missing, of the wrong type or changed by a subtable', () => {
      expect(messages(build(ticket(), role('r', { tables: [{ table: 'ticket', operations: ['read'], scope: 'mine' }] })).errors).join('\n')).to.match(/role-r\.json#\/tables\/0\/scope/);
      expect(messages(build({ ...ticket(), userIdField: 'nope' }).errors)[0]).to.equal('table-ticket.json#/userIdField: User ID field "nope" is not a field of table "ticket".');
      expect(messages(build({ ...ticket(), userIdField: 'priority' }).errors)).to.deep.equal(['table-ticket.json#/userIdField: User ID field "priority" must be a single-valued field of type string or choice; it is integer.']);
      expect(messages(build(ticket(), { ...fault(), userIdField: 'part' }).errors)).to.deep.equal(['table-fault.json#/userIdField: User ID field is "uid", inherited from a table "fault" extends; a subtable cannot change it.']);
      expect(messages(build({ ...memo(), orgField: 'body' }).errors)).to.deep.equal(['table-memo.json#/orgField: Organisation field "body" must be a single-valued field of type uuid or reference or string; it is text.']);
    });

    it('refuses grants writing system or protected fields, or withholding the record\'s identity', () => {
      const errors = messages(build(ticket(), role('r', {
        tables: [{ table: 'ticket', operations: ['update'], writeFields: ['title', 'org_id', 'state', 'stage'], deniedFields: ['id'] }],
      })).errors);
      expect(errors).to.deep.equal([
        'role-r.json#/tables/0/writeFields/1: Field "org_id" is set by the system and is never writable.',
        'role-r.json#/tables/0/writeFields/2: Field "state" is protected: only the system, rules and workflows set it.',
        'role-r.json#/tables/0/writeFields/3: Field "stage" is read-only: only the system, rules and workflows set it.',
        'role-r.json#/tables/0/deniedFields/0: Field "id" identifies the record and is always readable.',
      ]);
    });
  });
});

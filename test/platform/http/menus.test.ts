/**
 * Menus as a person may use them (menusFor, GET /api/meta/menus), on their own (no database): an item's capability
 * holds back those without it, a platform administrator holds every capability (the rule lives in hasCapability, not
 * here), and the tables' grants still decide for everyone.
 */
import { expect } from 'chai';
import { menusFor } from '../../../platform/http/routes/meta.js';
import { buildRegistry } from '../../../platform/kinds.js';
import type { Registry } from '../../../platform/definitions/types.js';
import type { Actor } from '../../../platform/records/types.js';

type Doc = Record<string, unknown>;

function registryOf(...defs: Doc[]): Registry {
  const r = buildRegistry(defs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })));
  expect(r.errors, JSON.stringify(r.errors, null, 1)).to.deep.equal([]);
  return r.registry!;
}

const registry = registryOf(
  { kind: 'table', name: 'ticket', fields: { title: { type: 'string' } } },
  { kind: 'table', name: 'ledger', fields: { title: { type: 'string' } } },
  { kind: 'role', name: 'agent', tables: [{ table: 'ticket', operations: ['read'] }] },
  { kind: 'role', name: 'auditor', capabilities: ['UC_Audit_001'], tables: [{ table: 'ticket', operations: ['read'] }] },
  { kind: 'role', name: 'administrator', capabilities: ['platform.admin'], tables: [{ table: 'ticket', operations: ['read'] }] },
  {
    kind: 'menu', name: 'work', label: 'Work', items: [
      { label: 'Tickets', table: 'ticket' },
      { label: 'Audit', table: 'ticket', capability: 'UC_Audit_001' },
      { label: 'Ledger', table: 'ledger', capability: 'UC_Audit_001' },
    ],
  },
);

const actor = (roles: string[]): Actor => ({ kind: 'user', id: null, username: 'u', roles, orgs: [] });
const labels = (a: Actor) => menusFor(registry, a).flatMap((m) => m.items.map((i) => i.label));

describe('http: menus for a person', () => {
  it('leaves out items whose capability the person lacks', () => {
    expect(labels(actor(['agent']))).to.deep.equal(['Tickets']);
    expect(labels(actor(['auditor']))).to.deep.equal(['Tickets', 'Audit']);
  });

  it('shows a platform administrator every item a capability guards, while the tables\' grants still decide', () => {
    // No grant on the ledger: its item stays out, capability or not.
    expect(labels(actor(['administrator']))).to.deep.equal(['Tickets', 'Audit']);
  });

  it('shows nothing to a person whose roles reach no table', () => {
    expect(menusFor(registry, actor([]))).to.deep.equal([]);
  });
});

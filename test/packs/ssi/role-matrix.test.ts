/**
 * The SSI job-type roles (definitions/ssi/roles) against the Role × Interface Transaction matrix of the DCC
 * Self-Service Interface requirements, transcribed in test/packs/ssi/fixtures/matrix.json. Every cell is checked: a
 * role holds a transaction if and only if the cell is Y. No database is involved.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Registry } from '../../../platform/definitions/index.js';
import { loadRegistry } from '../../../platform/kinds.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SSI_ROLES = 'definitions/ssi/roles';

interface Matrix {
  source: string;
  roles: string[];
  roleLabels: Record<string, string>;
  transactions: { id: string; category: string; label: string; grants: Record<string, boolean> }[];
  withdrawn: { category: string; label: string; ids: string[]; grants: Record<string, boolean> }[];
}

const matrix = JSON.parse(readFileSync(join(REPO, 'test', 'packs', 'ssi', 'fixtures', 'matrix.json'), 'utf8')) as Matrix;

/** A role's capabilities, its own and those of every role it includes (transitively; cycles are lint errors). */
function capabilitiesOf(registry: Registry, role: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(role)) return out;
  seen.add(role);
  const def = registry.roles.get(role);
  for (const c of def?.capabilities ?? []) out.add(c);
  for (const inc of def?.includes ?? []) for (const c of capabilitiesOf(registry, inc, seen)) out.add(c);
  return out;
}

/** Whether a source file (as the registry names it: relative to the working directory, or absolute) lies under definitions/ssi/roles. */
function isSsiRoleFile(file: string): boolean {
  return relative(REPO, resolve(file)).split(sep).join('/').startsWith(`${SSI_ROLES}/`);
}

describe('access: SSI job-type roles × interface transactions (seed 000 matrix)', () => {
  let registry: Registry;
  let ssiRoles: string[];

  before(async () => {
    const result = await loadRegistry([join(REPO, 'definitions')]);
    expect(result.errors, 'definitions are valid').to.deep.equal([]);
    registry = result.registry!;
    ssiRoles = [...registry.roles.keys()].filter((name) => isSsiRoleFile(registry.sources.get(`role:${name}`)!.file));
  });

  it('the fixture is well formed: unique ids, a Y/N cell for every role', () => {
    expect(matrix.source).to.match(/000_f591fa729931575c/);
    expect(new Set(matrix.roles).size).to.equal(matrix.roles.length);
    const ids = matrix.transactions.map((t) => t.id);
    expect(new Set(ids).size, 'transaction ids are unique').to.equal(ids.length);
    for (const t of matrix.transactions) {
      expect(Object.keys(t.grants).sort(), t.id).to.deep.equal([...matrix.roles].sort());
      for (const v of Object.values(t.grants)) expect(v, t.id).to.be.a('boolean');
    }
  });

  it('declares exactly the matrix columns as roles in definitions/ssi/roles, with their labels', () => {
    expect([...ssiRoles].sort()).to.deep.equal([...matrix.roles].sort());
    for (const name of matrix.roles) expect(registry.roles.get(name)!.label, name).to.equal(matrix.roleLabels[name]);
  });

  for (const role of matrix.roles) {
    it(`${role}: holds a transaction if and only if its matrix cell is Y`, () => {
      const caps = capabilitiesOf(registry, role);
      const wrong: string[] = [];
      for (const t of matrix.transactions) {
        if (caps.has(t.id) !== t.grants[role]) wrong.push(`${t.id} (${t.category} / ${t.label}): matrix ${t.grants[role] ? 'Y' : 'N'}`);
      }
      expect(wrong, `cells where ${role} disagrees with the matrix`).to.deep.equal([]);
    });
  }

  it('every capability declared by an SSI role is a transaction of the matrix', () => {
    const known = new Set(matrix.transactions.map((t) => t.id));
    const undeclared: string[] = [];
    for (const role of ssiRoles) {
      // `platform.*` capabilities are the engine's own (e.g. platform.org_admin: administer one's organisation),
      // not interface transactions of the seed's matrix.
      for (const c of capabilitiesOf(registry, role)) if (!known.has(c) && !c.startsWith('platform.')) undeclared.push(`${role}: ${c}`);
    }
    expect(undeclared).to.deep.equal([]);
  });

  it('an undeclared transaction is granted to no role', () => {
    for (const role of registry.roles.keys()) {
      expect(capabilitiesOf(registry, role).has('UC_Nonexistent_001'), role).to.equal(false);
    }
  });

  it('withdrawn rows declare no transaction of their own', () => {
    const known = new Set(matrix.transactions.map((t) => t.id));
    for (const w of matrix.withdrawn) {
      // The Meter Read Transactions row (removed by MP246) repeats UC_Inventory_001, which keeps its BFD02 cells.
      for (const id of w.ids) expect(known.has(id), `${w.label}: ${id}`).to.equal(true);
    }
    const inventory = matrix.transactions.find((t) => t.id === 'UC_Inventory_001')!;
    expect(inventory.category).to.match(/^BFD02/);
    expect(capabilitiesOf(registry, 'ssi_logistics').has('UC_Inventory_001')).to.equal(true);
  });

  it('CHOrder and CHReturn grant only their own domains (SSI-NFR-25)', () => {
    expect([...capabilitiesOf(registry, 'ssi_ch_order')]).to.deep.equal(['UC_CSPOMS_001']);
    expect([...capabilitiesOf(registry, 'ssi_ch_return')]).to.deep.equal(['UC_AssetReturn_001']);
    const returners = matrix.roles.filter((r) => capabilitiesOf(registry, r).has('UC_AssetReturn_001'));
    expect(returners).to.deep.equal(['ssi_ch_return']);
  });
});

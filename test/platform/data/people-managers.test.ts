/**
 * Line managers of data files' people (`"manager": "<username>"`): the lint (declared, not the person themself, no
 * cycle) and seeding, where a manager declared later in the file or in another file is found once they exist.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import { createTestEngine } from '../../support/engine.js';

type Doc = Record<string, unknown>;

const ORGS: Doc = { kind: 'data', name: 'pm_orgs', demo: true, organisations: [{ code: 'PM', name: 'People managers' }] };
const people = (name: string, list: Doc[]): Doc => ({ kind: 'data', name, demo: true, people: list.map((p) => ({ org: 'PM', ...p })) });

function errorsOf(...docs: Doc[]): DefinitionError[] {
  return buildRegistry(docs.map((value) => ({ file: `data-${String(value.name)}.json`, pointer: '', value }))).errors;
}

describe('data files: people\'s line managers', () => {
  describe('lint', () => {
    it('accepts managers declared in the file or in another one', () => {
      const a = people('pm_a', [{ username: 'ann', manager: 'Bob' }, { username: 'bob', manager: 'cat' }]);
      const b = people('pm_b', [{ username: 'cat' }]);
      expect(errorsOf(ORGS, a, b)).to.deep.equal([]);
    });

    it('refuses a manager nobody declares, the person themself, and managers going round', () => {
      const errors = errorsOf(ORGS, people('pm_a', [
        { username: 'ann', manager: 'nobody' }, { username: 'bob', manager: 'BOB' },
        { username: 'cat', manager: 'dan' }, { username: 'dan', manager: 'eve' }, { username: 'eve', manager: 'cat' },
      ]));
      expect(errors.map((e) => e.pointer)).to.deep.equal(['/people/0/manager', '/people/1/manager', '/people/4/manager']);
      expect(errors[0]!.message).to.match(/"nobody" is not declared/);
      expect(errors[1]!.message).to.match(/own line manager/);
      expect(errors[2]!.message).to.equal('Line managers go round: cat is managed by dan is managed by eve is managed by cat.');
    });
  });

  describe('seeding', () => {
    let dir: string;
    afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

    it('sets each new person\'s manager once every person of the file exists, after the file declaring a manager', async () => {
      dir = mkdtempSync(join(tmpdir(), 'fw-pm-'));
      // Named to sort first: the file of its manager must still be seeded before it.
      const files = [ORGS, people('pm_a_staff', [{ username: 'ann', manager: 'bob' }, { username: 'bob', manager: 'cat' }]), people('pm_z_heads', [{ username: 'cat' }])];
      for (const f of files) writeFileSync(join(dir, `${String(f.name)}.json`), JSON.stringify(f));
      const fw = await createTestEngine({ roots: [dir], demoData: true, config: { scryptLog2N: 10 } });
      try {
        const rows = await fw.db.knex('sys_user as u').leftJoin('sys_user as m', 'm.id', 'u.manager_id').whereIn('u.username', ['ann', 'bob', 'cat'])
          .select('u.username', 'm.username as manager');
        expect(Object.fromEntries(rows.map((r: { username: string; manager: string | null }) => [r.username, r.manager])))
          .to.deep.equal({ ann: 'bob', bob: 'cat', cat: null });
      } finally {
        await fw.dispose();
      }
    });
  });
});

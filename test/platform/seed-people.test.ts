/**
 * Organisations, demo people and work queues declared in data files: seeding through the identity layer (once,
 * idempotent, additive when a file changes), lint of their references, the first sign-in of a seeded person, queue
 * labels in GET /api/queues. The repository's packs seeding together is tested in test/packs/seed.test.ts.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDemoAdministrator } from '../../platform/access/identity/index.js';
import { loadRegistry } from '../../platform/kinds.js';
import { seed } from '../../platform/data/seed.js';
import { serve, TestClient, totpCode, type RunningServer } from '../support/auth.js';
import { CORE_DEFINITIONS, createTestEngine, steppingClock, type TestEngine } from '../support/engine.js';

type Json = Record<string, unknown>;

const ROLES = [
  { kind: 'role', name: 'sp_agent', label: 'Agent', tables: [{ table: 'sp_ticket', operations: ['create', 'read', 'update'] }] },
  { kind: 'role', name: 'sp_lead', label: 'Lead', includes: ['sp_agent'] },
];
const TABLE = { kind: 'table', name: 'sp_ticket', label: 'Ticket', displayField: 'title', fields: { title: { type: 'string', label: 'Title', required: true } } };
const REFERENCE = {
  kind: 'data', name: 'sp_reference',
  organisations: [{ code: 'SP_HQ', name: 'Headquarters' }],
  queues: [
    { name: 'sp_desk', label: 'Front desk', description: 'Walk-in work.' },
    { name: 'sp_back', label: 'Back office', org: 'SP_HQ' },
  ],
};
const PEOPLE = {
  kind: 'data', name: 'sp_people', demo: true,
  organisations: [{ code: 'SP_A', name: 'Organisation A' }, { code: 'SP_B', name: 'Organisation B', mfaEmailFallback: true }],
  people: [
    { username: 'ann.agent', firstName: 'Ann', lastName: 'Agent', email: 'ann@example.org', org: 'SP_A', orgs: ['SP_HQ'], roles: ['sp_agent'], queues: ['sp_desk', 'sp_back'] },
    { username: 'bo.lead', displayName: 'Bo the lead', org: 'SP_B', roles: ['sp_lead'] },
  ],
  queues: [{ name: 'sp_team', label: 'Team queue', members: ['bo.lead'] }],
};
const RECORDS = { kind: 'data', name: 'sp_tickets', demo: true, table: 'sp_ticket', as: 'ann.agent', key: ['title'], records: [{ title: 'Seeded as Ann' }] };

/** A throwaway pack: roles, a table and the given data files (data/<name>.json). */
function pack(data: Json[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'formwork-seed-people-'));
  mkdirSync(join(dir, 'data'));
  for (const r of ROLES) writeFileSync(join(dir, `role-${String(r.name)}.json`), JSON.stringify(r));
  writeFileSync(join(dir, 'tables.json'), JSON.stringify(TABLE));
  for (const d of data) writeFileSync(join(dir, 'data', `${String(d.name)}.json`), JSON.stringify(d));
  return dir;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('seeding organisations, people and queues (data files)', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const engines: TestEngine[] = [];
  const engine = async (roots: string[], demoData = true) => {
    const fw = await createTestEngine({ roots, demoData, clock: steppingClock(), config: { scryptLog2N: 10, signInRateLimit: 1000 } });
    engines.push(fw);
    return fw;
  };
  const packDir = (data: Json[]) => { const d = pack(data); dirs.push(d); return d; };
  afterEach(async () => {
    for (const fw of engines.splice(0)) await fw.dispose();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const rows = (fw: TestEngine) => ({
    orgs: async () => (await fw.db.knex('sys_org').orderBy('code').select('code', 'name', 'mfa_email_fallback')).map((o) => ({ ...o, mfa_email_fallback: !!o.mfa_email_fallback })),
    users: async () => fw.db.knex('sys_user').orderBy('username').pluck('username'),
    queues: async () => fw.db.knex('sys_queue as q').leftJoin('sys_org as o', 'o.id', 'q.org_id').orderBy('q.name').select('q.name', 'q.label', 'o.code as org'),
    members: async () => (await fw.db.knex('sys_queue_member as m').join('sys_queue as q', 'q.id', 'm.queue_id').join('sys_user as u', 'u.id', 'm.user_id')
      .select('q.name', 'u.username')).map((r) => `${r.name}:${r.username}`).sort(),
    roles: async (username: string) => fw.db.knex('sys_user_role as r').join('sys_user as u', 'u.id', 'r.user_id').where('u.username', username).orderBy('r.role').pluck('r.role'),
    orgsOf: async (username: string) => {
      const u = await fw.db.knex('sys_user as u').join('sys_org as o', 'o.id', 'u.org_id').where('u.username', username).first('u.id', 'o.code');
      const extra = await fw.db.knex('sys_user_org as x').join('sys_org as o', 'o.id', 'x.org_id').where('x.user_id', u.id).pluck('o.code');
      return [u.code, ...extra.sort()];
    },
  });

  it('creates organisations, queues with labels and owners, people with roles, organisations and memberships, and records as a person', async () => {
    const fw = await engine([packDir([REFERENCE, PEOPLE, RECORDS])]);
    const r = rows(fw);
    expect(await r.orgs()).to.deep.equal([
      { code: 'SP_A', name: 'Organisation A', mfa_email_fallback: false },
      { code: 'SP_B', name: 'Organisation B', mfa_email_fallback: true },
      { code: 'SP_HQ', name: 'Headquarters', mfa_email_fallback: false },
    ]);
    expect(await r.queues()).to.deep.equal([
      { name: 'sp_back', label: 'Back office', org: 'SP_HQ' },
      { name: 'sp_desk', label: 'Front desk', org: null },
      { name: 'sp_team', label: 'Team queue', org: null },
    ]);
    expect(await r.users()).to.deep.equal(['ann.agent', 'bo.lead']);
    expect(await r.roles('ann.agent')).to.deep.equal(['sp_agent']);
    expect(await r.roles('bo.lead')).to.deep.equal(['sp_lead']);
    expect(await r.orgsOf('ann.agent')).to.deep.equal(['SP_A', 'SP_HQ']);
    expect(await r.members()).to.deep.equal(['sp_back:ann.agent', 'sp_desk:ann.agent', 'sp_team:bo.lead']);
    const ann = await fw.db.knex('sys_user').where({ username: 'ann.agent' }).first();
    expect(ann).to.include({ display_name: 'Ann Agent', email: 'ann@example.org', status: 'active' });
    expect((await fw.db.knex('sys_user').where({ username: 'bo.lead' }).first()).display_name).to.equal('Bo the lead');

    // What the start banner prints once: the people by pack, and their one shared temporary password.
    const report = fw.seeded!;
    expect(report).to.include({ records: 1, organisations: 3, queues: 3 });
    expect(report.password).to.be.a('string').with.length.of.at.least(12);
    expect(report.people.map((p) => ({ ...p, pack: undefined }))).to.deep.equal([
      { username: 'ann.agent', displayName: 'Ann Agent', org: 'SP_A', roles: ['sp_agent'], pack: undefined },
      { username: 'bo.lead', displayName: 'Bo the lead', org: 'SP_B', roles: ['sp_lead'], pack: undefined },
    ]);
    expect(new Set(report.people.map((p) => p.pack)).size).to.equal(1);

    // The record was created as Ann: hers, in her home organisation.
    const [ticket] = await fw.db.knex('sp_ticket').select('title', 'created_by', 'org_id');
    const spA = await fw.db.knex('sys_org').where({ code: 'SP_A' }).first('id');
    expect(ticket).to.deep.equal({ title: 'Seeded as Ann', created_by: ann.id, org_id: spA.id });
  });

  it('changes nothing when seeding again, or on a restart, even when the files are applied again', async () => {
    const fw = await engine([packDir([REFERENCE, PEOPLE, RECORDS])]);
    const r = rows(fw);
    const before = { orgs: await r.orgs(), users: await fw.db.knex('sys_user').orderBy('username').select('*'), queues: await r.queues(), members: await r.members() };
    const again = await seed(fw, { demo: true });
    expect(again).to.deep.equal({ records: 0, organisations: 0, queues: 0, people: [], password: null });
    await fw.db.knex('sys_seed').delete();
    expect(await seed(fw, { demo: true })).to.deep.equal({ records: 0, organisations: 0, queues: 0, people: [], password: null });
    expect({ orgs: await r.orgs(), users: await fw.db.knex('sys_user').orderBy('username').select('*'), queues: await r.queues(), members: await r.members() }).to.deep.equal(before);
  });

  it('adds what a changed file declares anew, leaving existing organisations, people and queues as they are', async () => {
    const dir = packDir([REFERENCE, PEOPLE]);
    const fw = await engine([dir]);
    const r = rows(fw);
    const first = fw.seeded!.password;
    const changed = clone(PEOPLE) as typeof PEOPLE;
    changed.organisations[0]!.name = 'Renamed A';
    changed.organisations.push({ code: 'SP_C', name: 'Organisation C' });
    changed.people[0]!.roles = ['sp_lead'];
    changed.people.push({ username: 'cy.new', firstName: 'Cy', lastName: 'New', email: 'cy@example.org', org: 'SP_C', orgs: [], roles: ['sp_agent'], queues: ['sp_desk'] });
    changed.queues[0]!.label = 'Relabelled';
    changed.queues.push({ name: 'sp_new', label: 'New queue', members: ['ann.agent', 'cy.new'] });
    writeFileSync(join(dir, 'data', 'sp_people.json'), JSON.stringify(changed));
    expect((await fw.reloadDefinitions()).ok).to.equal(true);

    const report = await seed(fw, { demo: true });
    expect(report).to.deep.include({ organisations: 1, queues: 1 });
    expect(report.people.map((p) => p.username)).to.deep.equal(['cy.new']);
    expect(report.password).to.be.a('string').and.not.equal(first);
    expect((await r.orgs()).map((o) => `${o.code}:${o.name}`)).to.deep.equal(['SP_A:Organisation A', 'SP_B:Organisation B', 'SP_C:Organisation C', 'SP_HQ:Headquarters']);
    expect(await r.roles('ann.agent')).to.deep.equal(['sp_agent']);
    expect((await r.queues()).find((q) => q.name === 'sp_team')!.label).to.equal('Team queue');
    expect(await r.users()).to.deep.equal(['ann.agent', 'bo.lead', 'cy.new']);
    // A new queue gets its members; a new person joins their queues; existing memberships stay.
    expect(await r.members()).to.deep.equal(['sp_back:ann.agent', 'sp_desk:ann.agent', 'sp_desk:cy.new', 'sp_new:ann.agent', 'sp_new:cy.new', 'sp_team:bo.lead']);
  });

  it('seeds reference queues and organisations without demo data, but no people', async () => {
    const fw = await engine([packDir([REFERENCE, PEOPLE])], false);
    const r = rows(fw);
    expect((await r.orgs()).map((o) => o.code)).to.deep.equal(['SP_HQ']);
    expect((await r.queues()).map((q) => q.name)).to.deep.equal(['sp_back', 'sp_desk']);
    expect(await r.users()).to.deep.equal([]);
    expect(fw.seeded!.password).to.equal(null);
  });

  it('makes seeded people change the shared temporary password and enrol an authenticator at the first sign-in', async () => {
    const fw = await engine([packDir([REFERENCE, PEOPLE])]);
    const server: RunningServer = await serve(fw);
    try {
      const password = fw.seeded!.password!;
      const client = new TestClient(server.url);
      let body = await client.json('POST', '/api/auth/sign-in', { username: 'ann.agent', password }, 200);
      expect(body.data.stage).to.equal('mfa_enrol');
      expect((await client.get('/api/profile')).status).to.equal(401);
      const { data } = await client.json('POST', '/api/auth/mfa/enrol', undefined, 200);
      body = await client.json('POST', '/api/auth/mfa/verify', { code: totpCode(data.secret, fw.clock.now()) }, 200);
      expect(body.data.stage).to.equal('change_password');
      expect((await client.get('/api/profile')).status).to.equal(401);
      body = await client.json('POST', '/api/auth/password', { current: password, new: 'a brand new passphrase' }, 200);
      expect(body.data.stage).to.equal('profile');
      // The other person shares the temporary password until they change theirs (their organisation also offers
      // emailed codes, so they choose a second factor first).
      const other = new TestClient(server.url);
      expect((await other.json('POST', '/api/auth/sign-in', { username: 'bo.lead', password }, 200)).data.stage).to.equal('mfa');
      expect((await other.get('/api/profile')).status).to.equal(401);
    } finally {
      await server.close();
    }
  });

  it('keeps creating the demo administrator on a fresh database where only seeded people exist', async () => {
    const fw = await engine([CORE_DEFINITIONS.replace(/\/$/, '') + '/core', packDir([REFERENCE, PEOPLE])]);
    const admin = await ensureDemoAdministrator(fw);
    expect(admin?.user.username).to.equal('admin');
    expect(await ensureDemoAdministrator(fw)).to.equal(null);
  });

  describe('lint', () => {
    const lint = async (data: Json[]) => {
      const dir = packDir(data);
      return (await loadRegistry([dir])).errors.map((e) => ({ file: e.file.slice(e.file.lastIndexOf('/') + 1), pointer: e.pointer, message: e.message, expected: e.expected }));
    };

    it('reports an unknown role, an unknown organisation and a duplicate username with file, pointer and what was expected', async () => {
      const bad = clone(PEOPLE) as any;
      bad.people[0].roles = ['sp_agent', 'wizard'];
      bad.people[1].org = 'NOWHERE';
      bad.people.push({ username: 'ANN.agent', org: 'SP_A' });
      bad.queues[0].members = ['ghost'];
      const errors = await lint([REFERENCE, bad]);
      expect(errors).to.deep.include({ file: 'sp_people.json', pointer: '/people/0/roles/1', message: 'Role "wizard" is not declared.', expected: 'one of: sp_agent, sp_lead' });
      expect(errors).to.deep.include({ file: 'sp_people.json', pointer: '/people/1/org', message: 'Organisation "NOWHERE" is not declared in any data file.', expected: 'one of: SP_A, SP_B, SP_HQ' });
      const dup = errors.find((e) => e.pointer === '/people/2/username')!;
      expect(dup.message).to.match(/^Username "ANN\.agent" is already declared in .*sp_people\.json#\/people\/0\/username\.$/);
      expect(errors.find((e) => e.pointer === '/queues/0/members/0')!.message).to.equal('Person "ghost" is not declared in any data file.');
      expect(errors).to.have.length(4);
    });

    it('keeps people in demo files, and reference data independent of demo data', async () => {
      const refPeople = { kind: 'data', name: 'sp_ref_people', people: [{ username: 'ref.person', org: 'SP_HQ' }] };
      const demo = { kind: 'data', name: 'sp_demo', demo: true, organisations: [{ code: 'SP_A', name: 'A' }], people: [{ username: 'zed', org: 'SP_A', queues: ['nope'] }] };
      const queues = { kind: 'data', name: 'sp_queues', queues: [{ name: 'sp_other', label: 'Other', org: 'SP_A', members: ['zed'] }] };
      const errors = await lint([REFERENCE, refPeople, demo, queues]);
      const at = (pointer: string, file: string) => errors.find((e) => e.pointer === pointer && e.file === file);
      expect(at('/people', 'sp_ref_people.json')?.expected).to.equal('"demo": true');
      expect(at('/queues/0/org', 'sp_queues.json')?.message).to.match(/^Organisation "SP_A" is declared only in demo data/);
      expect(at('/queues/0/members', 'sp_queues.json')?.message).to.match(/^Members are demo people/);
      expect(at('/people/0/queues/0', 'sp_demo.json')?.message).to.equal('Queue "nope" is not declared in any data file.');
    });

    it('checks the shape with the schema: closed objects, valid queue names and usernames', async () => {
      const errors = await lint([{ kind: 'data', name: 'sp_bad', demo: true, queues: [{ name: '@mine', label: 'Mine', colour: 'red' }], people: [{ username: '-x', org: 'SP_A' }] }]);
      expect(errors.map((e) => e.pointer)).to.include.members(['/queues/0/name', '/queues/0/colour', '/people/0/username']);
      expect(errors.find((e) => e.pointer === '/queues/0/colour')!.expected).to.equal('one of: name, label, description, org, members, ref');
      const empty = await lint([{ kind: 'data', name: 'sp_empty' }]);
      expect(empty).to.deep.equal([{ file: 'sp_empty.json', pointer: '', message: 'Data file "sp_empty" declares nothing.', expected: 'records ("table" and "records"), "organisations", "people" or "queues"' }]);
    });
  });
});

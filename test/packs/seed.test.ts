/**
 * The repository's packs together (definitions/: core, cms, ssi): on a fresh database with demo data they seed their
 * organisations, labelled work queues and demo people with the pack's roles, once; GET /api/queues shows the labels.
 */
import { expect } from 'chai';
import { seed } from '../../platform/data/seed.js';
import { createToken, createUser, serve } from '../support/auth.js';
import { CORE_DEFINITIONS, createTestEngine, steppingClock, type TestEngine } from '../support/engine.js';

describe('the repository\'s packs together', function () {
  this.timeout(60_000);
  const engines: TestEngine[] = [];
  afterEach(async () => {
    for (const fw of engines.splice(0)) await fw.dispose();
  });

  it('seed on a fresh database: organisations, labelled queues and people of every pack, shown in GET /api/queues', async () => {
    const fw = await createTestEngine({
      roots: [CORE_DEFINITIONS], demoData: true, clock: steppingClock(), config: { scryptLog2N: 10, signInRateLimit: 1000 },
    });
    engines.push(fw);
    const report = fw.seeded!;
    const byPack = (pack: string) => report.people.filter((p) => p.pack === pack).map((p) => p.username);
    expect(byPack('cms')).to.have.length.of.at.least(6);
    expect(byPack('ssi')).to.have.length.of.at.least(6);
    expect(report.password).to.be.a('string');
    const roles = new Set(report.people.flatMap((p) => p.roles));
    for (const role of ['cms_shipper_agent', 'cms_cdsp_agent', 'ssi_service_management_user', 'ssi_org_admin', 'ssi_service_desk_agent']) expect(roles).to.include(role);

    const admin = await createUser(fw, { roles: ['admin'] });
    const token = await createToken(fw, admin.username);
    const server = await serve(fw);
    try {
      const res = await fetch(`${server.url}/api/queues`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).to.equal(200);
      const labels = Object.fromEntries(
        ((await res.json()) as { data: { name: string; label: string }[] }).data.map((q) => [q.name, q.label]),
      );
      expect(labels).to.include({
        service_desk: 'Service desk', major_incidents: 'Major incidents',
        cms_cdsp: 'CDSP work queue', cms_dn: 'Network site visits', cms_raising_org: 'Raising organisation',
        ssi_service_desk: 'DCC service desk', ssi_premises_resolvers: 'Premises resolver group', ssi_comms_hub_resolvers: 'Comms hub resolver group',
      });
    } finally {
      await server.close();
    }
    expect(await seed(fw, { demo: true })).to.deep.include({ records: 0, organisations: 0, queues: 0, people: [] });
  });
});

import { expect } from 'chai';
import { createToken, serve, type RunningServer, type TestUser } from '../../../support/auth.js';
import { inactivityWorld, person, type InactivityWorld } from './support.js';

interface Answer { status: number; body: any }

describe('GET /api/revocation-requests/people: whom one may revoke or ask to, by name', function () {
  this.timeout(60_000);
  let w: InactivityWorld;
  let server: RunningServer;
  let adminA: TestUser; let desk: TestUser; let plain: TestUser; let inA: TestUser; let inB: TestUser;

  const get = async (who: TestUser, q?: string): Promise<Answer> => {
    const token = await createToken(w.fw, who.username);
    const res = await fetch(`${server.url}/api/revocation-requests/people${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: await res.json() };
  };
  const names = (a: Answer) => {
    expect(a.status, JSON.stringify(a.body)).to.equal(200);
    return (a.body.data as { username: string }[]).map((c) => c.username).sort();
  };

  before(async () => {
    w = await inactivityWorld();
    server = await serve(w.fw);
    adminA = await person(w, 'cand_admin', 'CMA', 0, { roles: ['ssi_org_admin'] });
    desk = await person(w, 'cand_desk', 'CMD', 0, { roles: ['ssi_service_desk_agent'] });
    plain = await person(w, 'cand_plain', 'CMA', 0, { roles: ['agent'] });
    inA = await person(w, 'cand_target', 'CMA', 0);
    inB = await person(w, 'cand_target', 'CMB', 0);
    await person(w, 'cand_target', 'CMA', 0, { status: 'disabled' });
  });
  after(async () => { await server?.close(); await w?.close(); });

  it('a requester finds active people of every organisation, an administrator only those of their own, never themselves', async () => {
    const deskFound = await get(desk, 'CAND_TARGET');
    expect(names(deskFound)).to.deep.equal([inA.username, inB.username].sort());
    expect(deskFound.body.data.find((c: { id: string }) => c.id === inA.user.id)).to.deep.equal({
      id: inA.user.id, name: inA.user.display_name, username: inA.username, organisation: 'Organisation CMA',
    });
    expect(names(await get(adminA, 'cand_'))).to.deep.equal([inA.username, plain.username].sort());
    expect(names(await get(desk, '%_'))).to.deep.equal([]);
  });

  it('refuses others and a search too short or too long, with stable codes', async () => {
    const refused = await get(plain, 'cand');
    expect(refused.status).to.equal(403);
    expect(refused.body.code).to.equal('forbidden');
    for (const q of [undefined, 'c', 'x'.repeat(101)]) {
      const bad = await get(desk, q);
      expect(bad.status, String(q)).to.equal(400);
      expect(bad.body.code).to.equal('invalid_query');
    }
  });
});

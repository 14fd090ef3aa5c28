/**
 * Defaults from facts on table fields (`{ "fact": "user.email" }`): applied by the server on create when the client
 * sends nothing for the field, shown resolved for the caller by the form metadata, checked by lint; and a workflow's
 * state field, which a new-record form never asks for.
 */
import { expect } from 'chai';
import { buildRegistry } from '../../../platform/kinds.js';
import { actorForUser, createPartyCode } from '../../../platform/access/identity/index.js';
import type { Actor } from '../../../platform/records/types.js';
import { createToken, createUser, ensureOrg, serve, type RunningServer, type TestUser } from '../../support/auth.js';
import { createTestEngine, fixture, type TestEngine } from '../../support/engine.js';

const PACK = fixture('packs/facts');

describe('defaults from facts', () => {
  const actorFor = (u: TestUser) => actorForUser(fw, u.user);
  let fw: TestEngine;
  let server: RunningServer;
  let other: Promise<Actor>;
  let call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

  before(async () => {
    fw = await createTestEngine({ roots: [PACK] });
    server = await serve(fw);
    const org = await ensureOrg(fw, 'FDFORG');
    await createPartyCode(fw, { orgId: org.id, code: 'FDA' });
    await createPartyCode(fw, { orgId: org.id, code: 'FDB' });
    const raiser = await createUser(fw, { roles: ['fdf_raiser'], org: 'FDFORG', email: 'ria@example.test', userIds: ['FDA'] });
    const twoCodes = await createUser(fw, { roles: ['fdf_raiser'], org: 'FDFORG', userIds: ['FDA', 'FDB'] });
    other = actorFor(twoCodes);
    const token = await createToken(fw, raiser.username);
    call = async (method, path, body) => {
      const res = await fetch(server.url + path, {
        method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  it('fills the fields the client left out from the person\'s profile and organisation, on create', async () => {
    const res = await call('POST', '/api/tables/fdf_request', { summary: 'Boiler', phone: '+44 20 7946 0999' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.data).to.include({
      first_name: 'Test', email: 'ria@example.test', phone: '+44 20 7946 0999', org_code: 'FDFORG', status: 'open', party: 'FDA',
    });
    expect(res.body.data.raised_by).to.match(/^user\d+_/);
  });

  it('keeps a value the client sent, even an empty one: a required field left empty is refused', async () => {
    const res = await call('POST', '/api/tables/fdf_request', { summary: 'Boiler', first_name: '' });
    expect(res.status).to.equal(422);
    expect(res.body.code).to.equal('validation_failed');
    expect(res.body.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)).to.deep.equal(['first_name:required']);
  });

  it('gives the system no default from a person\'s facts, and a person acting under several party codes none of them', async () => {
    const made = await fw.records.createOne('fdf_request', { summary: 'Seeded', first_name: 'Sam' }, { actor: fw.systemActor });
    expect(made).to.include({ email: null, org_code: null, raised_by: null, party: null });
    const several = await fw.records.createOne('fdf_request', { summary: 'Two codes' }, { actor: await other });
    expect(several).to.include({ party: null, org_code: 'FDFORG' });
  });

  it('shows the form prefilled for the caller, and the state read-only at its initial state', async () => {
    const res = await call('GET', '/api/meta/forms/fdf_request');
    expect(res.status).to.equal(200);
    const fields = res.body.data.fields;
    expect(fields.email.default).to.equal('ria@example.test');
    expect(fields.org_code.default).to.equal('FDFORG');
    expect(fields.first_name.default).to.equal('Test');
    expect(fields.status).to.include({ readOnly: true, required: false, default: 'open' });
    const table = await call('GET', '/api/meta/tables/fdf_request');
    const byName = Object.fromEntries(table.body.data.fields.map((f: { name: string }) => [f.name, f]));
    expect(byName.phone.default).to.equal('+44 20 7946 0000');
    expect(byName.status.readOnly).to.equal(true);
    expect(JSON.stringify(res.body.data)).not.to.contain('"fact"');
  });

  describe('lint', () => {
    const table = (fields: Record<string, unknown>) => ({ kind: 'table', name: 'fdf_lint', label: 'Lint', fields });
    const errorsOf = (fields: Record<string, unknown>) =>
      buildRegistry([{ file: 'fdf_lint.json', pointer: '', value: table(fields) }]).errors;

    it('accepts known facts on fields that can hold them', () => {
      expect(errorsOf({ a: { type: 'email', default: { fact: 'user.email' } }, b: { type: 'string', default: { fact: 'user.orgName' } } }))
        .to.deep.equal([]);
    });

    it('refuses an unknown fact and a field that cannot hold the fact\'s value', () => {
      const errors = errorsOf({ a: { type: 'string', default: { fact: 'user.shoeSize' } }, b: { type: 'integer', default: { fact: 'user.email' } } });
      expect(errors.map((e) => e.pointer)).to.deep.equal(['/fields/a/default/fact', '/fields/b/default/fact']);
      expect(errors[0]!.message).to.match(/not a fact/);
      expect(errors[1]!.message).to.match(/integer, which cannot hold "user.email"/);
    });
  });
});

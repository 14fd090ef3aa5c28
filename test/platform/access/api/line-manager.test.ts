/**
 * People's line managers through the HTTP API: administrators set one (by username or user id) when creating or
 * editing an account and clear it with null; the person, someone unknown, disabled, of another organisation (for an
 * organisation administrator) or below the person is refused; the change is audited by username; the profile shows
 * the manager's name.
 */
import { expect } from 'chai';
import { createMailer } from '../../../../platform/notify/mailer.js';
import { createToken, createUser, ensureOrg, serve, type RunningServer, type TestUser } from '../../../support/auth.js';
import type { TestEngine } from '../../../support/engine.js';
import { startSmtpServer, type TestSmtpServer } from '../../../support/smtp.js';
import { apiEngine, expectProblem, TokenClient, type Reply } from './support.js';

describe('API: line managers', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let smtp: TestSmtpServer;
  let orgAdmin: TokenClient;
  let platformAdmin: TokenClient;
  let boss: TestUser;
  let worker: TestUser;
  let foreigner: TestUser;

  before(async () => {
    ({ fw } = await apiEngine());
    smtp = await startSmtpServer();
    fw.mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'Formwork <formwork@example.test>' }, fw.log);
    server = await serve(fw);
    await ensureOrg(fw, 'LM-HOME');
    await ensureOrg(fw, 'LM-OTHER');
    await createUser(fw, { username: 'lm.admin', roles: ['ssi_org_admin'], org: 'LM-HOME' });
    await createUser(fw, { username: 'lm.root', roles: ['admin'], org: 'LM-HOME' });
    boss = await createUser(fw, { username: 'lm.boss', roles: ['ssi_mi_user'], org: 'LM-HOME' });
    await fw.db.knex('sys_user').where({ id: boss.user.id }).update({ first_name: 'Bea', last_name: 'Boss', display_name: 'Bea Boss' });
    worker = await createUser(fw, { username: 'lm.worker', roles: ['ssi_mi_user'], org: 'LM-HOME' });
    foreigner = await createUser(fw, { username: 'lm.foreign', roles: ['ssi_mi_user'], org: 'LM-OTHER' });
    orgAdmin = new TokenClient(server.url, await createToken(fw, 'lm.admin'));
    platformAdmin = new TokenClient(server.url, await createToken(fw, 'lm.root'));
  });
  after(async () => {
    await server?.close();
    fw?.mailer.close();
    await smtp?.close();
    await fw?.dispose();
  });

  const userPath = (u: TestUser) => `/api/admin/users/${u.user.id}`;
  /** The per-field error of a refusal on `manager`: its sub-code. */
  const managerError = (r: Reply, status = 422, code = 'validation_failed'): string => {
    const problem = expectProblem(r, status, code);
    const e = (problem.errors as { field: string; code: string }[]).find((x) => x.field === 'manager');
    expect(e, r.text).to.not.equal(undefined);
    return e!.code;
  };

  it('sets a manager by username, shows their name, clears it with null, and audits both by username', async () => {
    const set = await orgAdmin.ok('PATCH', userPath(worker), { manager: 'LM.BOSS' }, 200);
    expect(set.data.manager).to.deep.equal({ id: boss.user.id, username: 'lm.boss', displayName: 'Bea Boss' });
    expect((await orgAdmin.ok('GET', userPath(worker), undefined, 200)).data.manager.username).to.equal('lm.boss');

    const cleared = await orgAdmin.ok('PATCH', userPath(worker), { manager: null }, 200);
    expect(cleared.data.manager).to.equal(null);
    const audit = await fw.db.knex('sys_audit').where({ table_name: 'sys_user', record_id: worker.user.id }).orderBy('id');
    const changes = audit.map((r: { changes: string }) => JSON.parse(r.changes).manager).filter(Boolean);
    expect(changes).to.deep.equal([[null, 'lm.boss'], ['lm.boss', null]]);
  });

  it('sets a manager by user id, and leaves it when the PATCH does not name one', async () => {
    await orgAdmin.ok('PATCH', userPath(worker), { manager: boss.user.id }, 200);
    const kept = await orgAdmin.ok('PATCH', userPath(worker), { firstName: 'Wyn' }, 200);
    expect(kept.data.manager.username).to.equal('lm.boss');
  });

  it('refuses the person themself, a cycle, someone unknown, a disabled account and a value that is not a name', async () => {
    expect(managerError(await orgAdmin.patch(userPath(worker), { manager: 'lm.worker' }))).to.equal('self');
    await orgAdmin.ok('PATCH', userPath(worker), { manager: 'lm.boss' }, 200);
    // The boss is managed by the worker, who is managed by the boss: refused.
    expect(managerError(await orgAdmin.patch(userPath(boss), { manager: 'lm.worker' }))).to.equal('cycle');
    expect(managerError(await orgAdmin.patch(userPath(boss), { manager: 'nobody.here' }))).to.equal('unknown_user');
    expect(managerError(await orgAdmin.patch(userPath(boss), { manager: 42 }))).to.equal('type');
    const idle = await createUser(fw, { username: 'lm.idle', roles: ['ssi_mi_user'], org: 'LM-HOME' });
    await orgAdmin.ok('PATCH', userPath(idle), { status: 'disabled' }, 200);
    expect(managerError(await orgAdmin.patch(userPath(boss), { manager: 'lm.idle' }))).to.equal('inactive_user');
    // Nothing of a refused PATCH is written, the other fields included.
    expect(managerError(await orgAdmin.patch(userPath(boss), { firstName: 'Changed', manager: 'lm.boss' }))).to.equal('self');
    const row = await fw.db.knex('sys_user').where({ id: boss.user.id }).first('first_name', 'manager_id');
    expect(row).to.deep.equal({ first_name: 'Bea', manager_id: null });
  });

  it('keeps an organisation administrator to people of their own organisation; a platform administrator may pick anyone', async () => {
    expect(managerError(await orgAdmin.patch(userPath(worker), { manager: 'lm.foreign' }))).to.equal('unknown_user');
    expect(managerError(await orgAdmin.patch(userPath(worker), { manager: foreigner.user.id }))).to.equal('unknown_user');
    const set = await platformAdmin.ok('PATCH', userPath(worker), { manager: 'lm.foreign' }, 200);
    expect(set.data.manager.username).to.equal('lm.foreign');
    // The organisation administrator's form sends the manager back unchanged with other edits: that is no change.
    const edited = await orgAdmin.ok('PATCH', userPath(worker), { firstName: 'Wren', manager: foreigner.user.id }, 200);
    expect(edited.data).to.deep.include({ firstName: 'Wren' });
    expect(edited.data.manager.username).to.equal('lm.foreign');
    await platformAdmin.ok('PATCH', userPath(worker), { manager: 'lm.boss' }, 200);
  });

  it('creates an account with a manager, and refuses (creating nothing) one whose manager cannot be', async () => {
    const body = { username: 'lm.new', firstName: 'Nia', lastName: 'New', email: 'nia.new@example.test', roles: ['ssi_lead_agent'] };
    const refused = await orgAdmin.post('/api/admin/users', { ...body, manager: 'lm.foreign' });
    expect(managerError(refused)).to.equal('unknown_user');
    expect(await fw.db.knex('sys_user').where({ username_key: 'lm.new' }).first('id')).to.equal(undefined);

    const created = await orgAdmin.ok('POST', '/api/admin/users', { ...body, manager: 'lm.boss' }, 201);
    expect(created.data.manager).to.include({ username: 'lm.boss', displayName: 'Bea Boss' });
    const audit = await fw.db.knex('sys_audit').where({ table_name: 'sys_user', record_id: created.data.id, operation: 'insert' }).first('changes');
    expect(JSON.parse(audit.changes).manager).to.deep.equal([null, 'lm.boss']);
  });

  it('shows the manager\'s name on the person\'s profile, and null without one', async () => {
    await orgAdmin.ok('PATCH', userPath(worker), { manager: 'lm.boss' }, 200);
    const mine = new TokenClient(server.url, await createToken(fw, 'lm.worker'));
    expect((await mine.ok('GET', '/api/profile', undefined, 200)).data.manager).to.deep.equal({ username: 'lm.boss', displayName: 'Bea Boss' });
    const bosses = new TokenClient(server.url, await createToken(fw, 'lm.boss'));
    expect((await bosses.ok('GET', '/api/profile', undefined, 200)).data.manager).to.equal(null);
  });
});

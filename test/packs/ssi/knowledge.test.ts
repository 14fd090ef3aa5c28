/**
 * The SSI knowledge pack (definitions/ssi/knowledge): an author drafts, a knowledge manager approves through the
 * workflow's approval, a service user reads the published article, DCC-internal content stays hidden from a
 * supplier's user, and the nightly job retires published content past its valid-to date. The service desk drafts an
 * article from a resolved incident without its personal or organisation details, and the search API answers only
 * what a reader may read (audience and organisation). On SQLite and PostgreSQL.
 */
import { expect } from 'chai';
import { createPartyCode } from '../../../platform/access/identity/index.js';
import { createUser, ensureOrg, serve, type RunningServer } from '../../support/auth.js';
import { packRoot, type TestEngine } from '../../support/engine.js';
import { catalogRoot } from '../it/catalog-client.js';
import { waitFor } from '../../support/wait.js';
import { apiClient, person, workflowEngine, type Call } from '../../platform/workflow/support.js';

const ROOTS = [packRoot('core'), packRoot('ssi'), catalogRoot('ssi')];
const TABLE = '/api/tables/ssi_knowledge_article';
const ARTICLE = {
  title: 'Resetting a Communications Hub', article_type: 'article', summary: 'When and how to power-cycle a hub.',
  body: '<p>Switch the meter supply off for ten seconds.</p>', tags: ['communications hub', 'reset'],
};

describe('SSI knowledge pack: lifecycle, audience and retirement', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let as: Record<'author' | 'manager' | 'reader' | 'otherOrg' | 'desk' | 'admin', Call>;
  let category: string;

  before(async () => {
    fw = await workflowEngine({ roots: ROOTS });
    server = await serve(fw);
    const author = await person(fw, ['ssi_knowledge_author'], 'DCC');
    const manager = await person(fw, ['ssi_knowledge_manager'], 'DCC');
    const reader = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_A');
    await createPartyCode(fw, { orgId: (await ensureOrg(fw, 'SUPPLIER_B')).id, code: 'SUPB01' });
    const otherOrg = await createUser(fw, { roles: ['ssi_service_management_user'], org: 'SUPPLIER_B', userIds: ['SUPB01'] });
    const desk = await person(fw, ['ssi_service_desk_agent'], 'DCC');
    const admin = await person(fw, ['admin'], 'DCC');
    as = {
      author: await apiClient(fw, server, author), manager: await apiClient(fw, server, manager),
      reader: await apiClient(fw, server, reader), otherOrg: await apiClient(fw, server, otherOrg),
      desk: await apiClient(fw, server, desk), admin: await apiClient(fw, server, admin),
    };
    const seeded = await fw.db.knex('ssi_knowledge_category').where({ name: 'Communications Hubs' }).first('id');
    category = String(seeded.id);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  async function publish(values: Record<string, unknown>): Promise<string> {
    const created = await as.author('POST', TABLE, { ...ARTICLE, category, ...values });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = String(created.body.data.id);
    const submitted = await as.author('POST', `${TABLE}/${id}/transitions/submit`, {});
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(200);
    const approvals = await as.manager('GET', `${TABLE}/${id}/approvals`);
    expect(approvals.status).to.equal(200);
    const pending = (approvals.body.data as { id: string; state?: string; status?: string }[])[0]!;
    const approved = await as.manager('POST', `${TABLE}/${id}/approvals/${pending.id}/approve`, { comment: 'Clear and correct.' });
    expect(approved.status, JSON.stringify(approved.body)).to.equal(200);
    return id;
  }

  it('an author drafts, a manager approves, and a service user reads it', async () => {
    const id = await publish({});
    const stored = await fw.records.readOne('ssi_knowledge_article', id, { actor: fw.systemActor });
    expect(stored.state).to.equal('published');
    expect(stored.live).to.equal(true);
    const read = await as.reader('GET', `${TABLE}/${id}`);
    expect(read.status).to.equal(200);
    expect(read.body.data.title).to.equal(ARTICLE.title);
  });

  it('hides a draft from service users', async () => {
    const created = await as.author('POST', TABLE, { ...ARTICLE, title: 'Unfinished draft', category });
    expect(created.status).to.equal(201);
    const read = await as.reader('GET', `${TABLE}/${String(created.body.data.id)}`);
    expect(read.status).to.equal(404);
    expect(read.body.code).to.equal('not_found');
  });

  it('shows DCC-internal content to DCC staff only', async () => {
    const id = await publish({ title: 'Triage checklist', audience: 'dcc_internal' });
    const hidden = await as.reader('GET', `${TABLE}/${id}`);
    expect(hidden.status).to.equal(404);
    expect(hidden.body.code).to.equal('not_found');
    const list = await as.reader('GET', `${TABLE}?limit=50`);
    expect((list.body.data as { id: string }[]).map((r) => r.id)).to.not.include(id);
    const seen = await as.desk('GET', `${TABLE}/${id}`);
    expect(seen.status).to.equal(200);
  });

  it('retires published content past its valid-to date with the nightly job', async () => {
    const id = await publish({ title: 'Old campaign note', valid_to: '2020-01-31' });
    const current = await publish({ title: 'Current note', valid_to: '2999-12-31' });
    const run = await as.admin('POST', '/api/jobs/ssi_knowledge_retire_expired/run');
    expect(run.status, JSON.stringify(run.body)).to.equal(202);
    const runId = String(run.body.data.id);
    const status = await waitFor(async () => {
      const r = await as.admin('GET', `/api/jobs/runs/${runId}`);
      return r.body.data.status === 'running' ? null : r.body.data.status;
    });
    expect(status).to.equal('succeeded');
    const retired = await fw.records.readOne('ssi_knowledge_article', id, { actor: fw.systemActor });
    expect(retired.live).to.equal(false);
    expect((await fw.records.readOne('ssi_knowledge_article', current, { actor: fw.systemActor })).state).to.equal('published');
    const read = await as.reader('GET', `${TABLE}/${id}`);
    expect(read.status).to.equal(404);
  });

  it('drafts a DCC-internal article from a resolved incident without its personal or organisation details', async () => {
    const incidents = '/api/tables/ssi_incident';
    const raised = await as.reader('POST', incidents, {
      category: 'general', summary: 'Reports page shows no data after sign-in', details: 'Ada at our Leeds office saw it on 3 March.',
      your_reference: 'SUPA-4411', requester_first_name: 'Ada', requester_last_name: 'Lovelace', requester_phone: '020 7946 0001',
      requester_email: 'ada@supplier-a.test',
    });
    expect(raised.status, JSON.stringify(raised.body)).to.equal(201);
    const incident = String(raised.body.data.id);
    const resolved = await as.desk('POST', `${incidents}/${incident}/transitions/resolve`, {
      fields: { resolution_code: 'fixed', resolution_notes: 'Clear the browser cache and sign in again.' },
    });
    expect(resolved.status, JSON.stringify(resolved.body)).to.equal(200);
    const refused = await as.reader('POST', `${incidents}/${incident}/transitions/draft_knowledge_resolved`, {});
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('invalid_transition');

    const drafted = await as.desk('POST', `${incidents}/${incident}/transitions/draft_knowledge_resolved`, {});
    expect(drafted.status, JSON.stringify(drafted.body)).to.equal(200);
    const linked = await fw.records.readOne('ssi_incident', incident, { actor: fw.systemActor });
    expect(linked.published_article).to.be.a('string');
    const article = await fw.records.readOne('ssi_knowledge_article', String(linked.published_article), { actor: fw.systemActor });
    expect(article).to.include({
      article_type: 'article', title: 'Reports page shows no data after sign-in', incident_category: 'general',
      audience: 'dcc_internal', state: 'draft', live: false, source_incident: incident,
    });
    expect(article.body).to.contain('Clear the browser cache and sign in again.');
    expect(article.audience_party ?? null).to.equal(null);
    const supplier = await fw.db.knex('sys_org').where({ code: 'SUPPLIER_A' }).first('id');
    expect(article.org_id).to.not.equal(supplier.id);
    const copied = JSON.stringify(article);
    for (const personal of ['Ada', 'Lovelace', '7946', 'supplier-a.test', 'SUPA-4411', 'Leeds']) expect(copied).to.not.contain(personal);

    const again = await as.desk('POST', `${incidents}/${incident}/transitions/draft_knowledge_resolved`, {});
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('invalid_transition');
  });

  it('finds only what a reader may read: the audience and the organisation, in results, counts and suggestions', async () => {
    await publish({ title: 'Quokkaline hub lights explained', summary: 'What the quokkaline lights mean.', tags: ['quokkaline'] });
    await publish({ title: 'Quokkaline triage for the desk', audience: 'dcc_internal', tags: ['quokkaline'] });
    await publish({ title: 'Quokkaline notes for one supplier', audience: 'organisation', audience_party: 'SUPB01', tags: ['quokkaline'] });
    const titles = async (call: Call) => {
      const r = await call('GET', '/api/search?q=quokkaline');
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      const found = (r.body.results as { title: string }[]).map((x) => x.title).sort();
      const group = (r.body.groups as { table: string; count: number }[]).find((g) => g.table === 'ssi_knowledge_article');
      expect(r.body.total).to.equal(found.length);
      expect(group?.count ?? 0).to.equal(found.length);
      const suggested = await call('GET', '/api/search/suggest?q=quokka');
      expect(suggested.status).to.equal(200);
      expect((suggested.body.suggestions as { title: string }[]).map((x) => x.title).sort()).to.deep.equal(found);
      return found;
    };
    expect(await titles(as.reader)).to.deep.equal(['Quokkaline hub lights explained']);
    expect(await titles(as.otherOrg)).to.deep.equal(['Quokkaline hub lights explained', 'Quokkaline notes for one supplier']);
    expect(await titles(as.desk)).to.deep.equal(['Quokkaline hub lights explained', 'Quokkaline triage for the desk']);
    const tagged = await as.reader('GET', '/api/search?q=lights&tags=quokkaline');
    expect((tagged.body.results as { title: string }[]).map((x) => x.title)).to.deep.equal(['Quokkaline hub lights explained']);
    const unpublished = await as.author('POST', TABLE, { ...ARTICLE, title: 'Quokkaline draft', category });
    expect(unpublished.status).to.equal(201);
    expect(await titles(as.reader)).to.deep.equal(['Quokkaline hub lights explained']);
  });
});

/**
 * Proof 2 (issue 5 item 8): the SSI incident pack of seed 000 (definitions/ssi: SSI-FR-22 to SSI-FR-34a) on the
 * generic engine, through the HTTP API with API tokens, across two organisations of Users and the DCC service desk.
 * The access comes from the SSI job-type roles' interface transactions (UC_RaiseSMI_001, UC_ViewSMI_001,
 * UC_UpdateSMI_001): a role without them gets nothing.
 */
import { expect } from 'chai';
import { dispatchNotifications } from '../../../platform/notify/index.js';
import { setQueueMember } from '../../../platform/workflow/index.js';
import { serve, type RunningServer } from '../../support/auth.js';
import { packRoot, steppingClock, type TestEngine } from '../../support/engine.js';
import { apiClient, person, workflowEngine, type Call, type Person } from '../../platform/workflow/support.js';

const CONTACT = { requester_first_name: 'Ada', requester_last_name: 'Lovelace', requester_phone: '020 7946 0001', requester_email: 'ada@supplier-a.test' };
const TABLE = '/api/tables/ssi_incident';
const at = (id: unknown, suffix = '') => `${TABLE}/${String(id)}${suffix}`;

describe('SSI incident pack (seed 000, SSI-FR-22 to SSI-FR-34a) through the API', () => {
  let fw: TestEngine;
  let server: RunningServer;
  const clock = steppingClock('2026-11-23T10:00:00.000Z');
  let raiser: Person;
  let colleague: Person;
  let otherOrg: Person;
  let desk: Person;
  let miUser: Person;
  let as: Record<'raiser' | 'colleague' | 'otherOrg' | 'desk' | 'miUser', Call>;

  before(async () => {
    // The core pack (calendars) and the SSI pack alone: other packs are not this test's concern.
    fw = await workflowEngine({ roots: [packRoot('core'), packRoot('ssi')], clock });
    raiser = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_A');
    colleague = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_A');
    otherOrg = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_B');
    desk = await person(fw, ['ssi_service_desk_agent'], 'DCC');
    miUser = await person(fw, ['ssi_mi_user'], 'SUPPLIER_A');
    // The pack's reference data (definitions/ssi/data) declares the resolver-group queues.
    for (const name of ['ssi_service_desk', 'ssi_premises_resolvers', 'ssi_comms_hub_resolvers']) {
      await setQueueMember(fw, fw.systemActor, name, desk.username, true);
    }
    server = await serve(fw);
    as = {
      raiser: await apiClient(fw, server, raiser), colleague: await apiClient(fw, server, colleague),
      otherOrg: await apiClient(fw, server, otherOrg), desk: await apiClient(fw, server, desk),
      miUser: await apiClient(fw, server, miUser),
    };
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const raise = async (call: Call, values: Record<string, unknown>) => {
    const r = await call('POST', TABLE, { ...CONTACT, summary: 'Hub not responding', details: 'No response since Monday.', ...values });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.data as Record<string, any>;
  };
  const transition = async (call: Call, id: unknown, name: string, body: Record<string, unknown> = {}) => call('POST', at(id, `/transitions/${name}`), body);

  it('SSI-FR-22 / SSI-FR-23: raises an incident with its category, parameters and contact details and answers its reference', async () => {
    const inc = await raise(as.raiser, { smart_metering_activity: 'self_service', category: 'ssi_access', ssi_page: 'Smart Metering Inventory', your_reference: 'A-100' });
    expect(inc.number).to.match(/^SMI\d{7}$/);
    expect(inc).to.include({ category: 'ssi_access', ssi_page: 'Smart Metering Inventory', state: 'new', assignment_group: 'ssi_service_desk', premises_related: false, requester_first_name: 'Ada' });
    expect(inc.id).to.be.a('string');
    // The contact details are mandatory: first name, last name and telephone number. Left out, they come from the
    // raiser's profile; cleared, they are refused.
    const bad = await as.raiser('POST', TABLE, { category: 'general', summary: 'x', details: 'y', requester_first_name: 'Ada', requester_last_name: '', requester_phone: '' });
    expect(bad.status).to.equal(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).to.include.members(['requester_last_name', 'requester_phone']);
    const defaulted = await raise(as.raiser, { category: 'general', summary: 'x', details: 'y', requester_first_name: undefined, requester_last_name: undefined, requester_phone: undefined, requester_email: undefined });
    expect(defaulted).to.include({ requester_first_name: 'Test', requester_phone: '+44 20 7946 0000' });
    expect(defaulted.requester_email).to.match(/@example\.test$/);
  });

  it('SSI-FR-22: category-specific parameters are required per category (the form\'s UI policies, enforced by the server)', async () => {
    const missing = await as.raiser('POST', TABLE, { ...CONTACT, category: 'service_request', summary: 'Failed SR', details: 'SR 8.1 failed', form: undefined });
    expect(missing.status, JSON.stringify(missing.body)).to.equal(422);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).to.include('service_request_id');
    const form = await as.raiser('GET', '/api/meta/forms/ssi_incident');
    expect(form.status).to.equal(200);
    const policies = form.body.data.uiPolicies as { name: string }[];
    expect(policies.map((p) => p.name)).to.include.members(['service_request_id_mandatory_when', 'device_id_mandatory_when', 'mpxn_visible_when']);
    const ok = await raise(as.raiser, { category: 'service_request', service_request_id: 'SR-8.1-000123' });
    expect(ok.service_request_id).to.equal('SR-8.1-000123');
    const hub = await as.raiser('POST', TABLE, { ...CONTACT, category: 'comms_hub', summary: 'Hub', details: 'Hub dead' });
    expect(hub.status).to.equal(422);
    expect(hub.body.errors.map((e: { field: string }) => e.field)).to.include('device_id');
  });

  it('SSI-FR-22: the incident categories are filtered by the Smart Metering Activity (dependent choices, enforced by the server)', async () => {
    const form = await as.raiser('GET', '/api/meta/forms/ssi_incident');
    const category = form.body.data.fields.category;
    expect(category.dependsOn).to.equal('smart_metering_activity');
    const forActivity = (activity: string) => (category.choices as { value: string; for?: string[] }[])
      .filter((c) => !c.for || c.for.includes(activity)).map((c) => c.value);
    expect(forActivity('self_service')).to.deep.equal(['ssi_access', 'knowledge_feedback', 'general']);
    expect(forActivity('communications')).to.deep.equal(['comms_hub', 'service_request', 'knowledge_feedback', 'general']);
    const bad = await as.raiser('POST', TABLE, { ...CONTACT, smart_metering_activity: 'self_service', category: 'premises', summary: 'x', details: 'y' });
    expect(bad.status, JSON.stringify(bad.body)).to.equal(422);
    expect(bad.body.code).to.equal('validation_failed');
    expect(bad.body.errors.map((e: { field: string; code: string }) => [e.field.replace(/^\//, ''), e.code])).to.deep.equal([['category', 'dependent_choice']]);
    const ok = await raise(as.raiser, { smart_metering_activity: 'communications', category: 'general' });
    expect(ok.category).to.equal('general');
  });

  it('SSI-FR-22a: only User Personnel whose job-type role grants UC_RaiseSMI_001 may raise incidents', async () => {
    const r = await as.miUser('POST', TABLE, { ...CONTACT, category: 'general', summary: 'x', details: 'y' });
    expect(r.status).to.equal(403);
    expect(r.body.code).to.equal('forbidden');
    // Nor may they set the service desk's fields when raising.
    const p = await as.raiser('POST', TABLE, { ...CONTACT, category: 'general', summary: 'x', details: 'y', priority: '1' });
    expect(p.status).to.equal(403);
  });

  it('SSI-FR-24 / SSI-FR-25: an incident raised from a link, with its category and parameters pre-populated, answers its reference', async () => {
    // The link is /forms/ssi_incident/new?category=comms_hub&device_id=…: the form pre-fills, the User completes.
    const inc = await raise(as.raiser, { category: 'comms_hub', device_id: '00-DB-12-34-56-78-9A-BC', hub_model: 'EDMI CH', hub_version: '2.1', csp_diagnostic_output: 'Ping test: no response' });
    expect(inc.number).to.match(/^SMI/);
    expect(inc.assignment_group).to.equal('ssi_comms_hub_resolvers');
    expect(inc).to.include({ device_id: '00-DB-12-34-56-78-9A-BC', hub_model: 'EDMI CH', csp_diagnostic_output: 'Ping test: no response' });
    const feedback = await raise(as.raiser, { category: 'knowledge_feedback', article_reference: 'KB0010042', details: 'Step 3 is out of date.' });
    expect(feedback.article_reference).to.equal('KB0010042');
  });

  it('SSI-FR-26 / SSI-FR-27: raises a premises-related incident with a Device ID or MPxNs, summary, your reference and full details', async () => {
    const inc = await raise(as.raiser, {
      category: 'premises', mpxn: '1200012345678, 1234567', postcode: 'SW1A 1AA', your_reference: 'PREM-7',
      incident_specific_info: 'Meter shows no display', summary: 'No display at premises', details: 'Customer reports a blank meter display.',
      additional_first_name: 'Grace', additional_last_name: 'Hopper', additional_phone: '020 7946 0002',
    });
    expect(inc.number).to.match(/^SMI/);
    expect(inc).to.include({ premises_related: true, assignment_group: 'ssi_premises_resolvers', mpxn: '1200012345678, 1234567', your_reference: 'PREM-7' });
    const neither = await as.raiser('POST', TABLE, { ...CONTACT, category: 'premises', summary: 'x', details: 'y' });
    expect(neither.status).to.equal(422);
    expect(neither.body.code).to.equal('rule_aborted');
    const badMpxn = await as.raiser('POST', TABLE, { ...CONTACT, category: 'premises', summary: 'x', details: 'y', mpxn: 'abc' });
    expect(badMpxn.status).to.equal(422);
  });

  it('SSI-FR-26: raises on behalf of another User only for a User ID the person may act for', async () => {
    const mine = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_A');
    const call = await apiClient(fw, server, mine);
    const refused = await call('POST', TABLE, { ...CONTACT, category: 'premises', device_id: '00-DB-12-34-56-78-9A-BD', summary: 'x', details: 'y', user_id: 'SUPPLIER-Z-UID' });
    expect(refused.status).to.equal(422);
    expect(refused.body.code).to.equal('rule_aborted');
  });

  it('SSI-FR-28 / SSI-FR-29: a premises-related incident from the hub diagnostics link, with business impact and notes', async () => {
    const inc = await raise(as.raiser, {
      category: 'premises', device_id: '00-DB-12-34-56-78-9A-BC', hub_model: 'EDMI CH', business_impact: '40 premises without readings',
      notes: 'Raised from the hub diagnostics page', incident_specific_info: 'SMWAN lost',
    });
    expect(inc).to.include({ premises_related: true, business_impact: '40 premises without readings', notes: 'Raised from the hub diagnostics page' });
    expect(inc.number).to.match(/^SMI/);
  });

  describe('after raising', () => {
    let inc: Record<string, any>;
    before(async () => {
      inc = await raise(as.raiser, { category: 'comms_hub', device_id: '00-DB-12-34-56-78-9A-C0', your_reference: 'OWN-1', additional_first_name: 'Grace', additional_phone: '020 7946 0002' });
    });

    it('SSI-FR-30 / SSI-FR-31: updates an incident with a type of update and text, confirmed by an update record', async () => {
      const r = await as.raiser('PATCH', at(inc.id), { update_type: 'additional_information', update_text: 'The hub LED is flashing red.' });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.data.update_text ?? null).to.equal(null);
      const updates = await as.raiser('GET', `/api/tables/ssi_incident_update?filter=${encodeURIComponent(JSON.stringify({ fact: 'record.incident', operator: 'equal', value: inc.id }))}`);
      expect(updates.status).to.equal(200);
      expect(updates.body.data).to.have.length(1);
      expect(updates.body.data[0]).to.include({ update_type: 'additional_information', update_text: 'The hub LED is flashing red.', incident: inc.id });
      expect(updates.body.data[0].number).to.match(/^SMU/);
      // The update text never lands on the incident itself or its history.
      const history = await as.colleague('GET', at(inc.id, '/history'));
      expect(JSON.stringify(history.body)).not.to.contain('flashing red');
      const typeOnly = await as.raiser('PATCH', at(inc.id), { update_type: 'request_progress' });
      expect(typeOnly.status).to.equal(422);
      expect(typeOnly.body.code).to.equal('rule_aborted');
    });

    it('SSI-FR-30a / SSI-FR-32a: only privileged User Personnel of the raising organisation view and update it', async () => {
      expect((await as.otherOrg('GET', at(inc.id))).status).to.equal(404);
      expect((await as.otherOrg('PATCH', at(inc.id), { update_type: 'additional_information', update_text: 'hi' })).status).to.equal(404);
      expect((await as.miUser('GET', at(inc.id))).status).to.equal(403);
      expect((await as.miUser('PATCH', at(inc.id), { your_reference: 'X' })).status).to.equal(403);
      // Users may not make the service desk's changes.
      expect((await as.raiser('PATCH', at(inc.id), { priority: '1' })).status).to.equal(403);
      expect((await transition(as.raiser, inc.id, 'resolve', { fields: { resolution_code: 'fixed', resolution_notes: 'x' } })).status).to.equal(409);
    });

    it('SSI-FR-31a: the raising organisation modifies its own reference', async () => {
      const r = await as.colleague('PATCH', at(inc.id), { your_reference: 'OWN-2' });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.data.your_reference).to.equal('OWN-2');
    });

    it('SSI-FR-32: lists the incidents raised by the User\'s organisation, not another organisation\'s', async () => {
      const theirs = await raise(as.otherOrg, { category: 'general', summary: 'B only' });
      const list = await as.colleague('GET', `${TABLE}?limit=100`);
      expect(list.status).to.equal(200);
      const ids = list.body.data.map((r: { id: string }) => r.id);
      expect(ids).to.include(inc.id);
      expect(ids).not.to.include(theirs.id);
      const bList = await as.otherOrg('GET', `${TABLE}?limit=100`);
      expect(bList.body.data.map((r: { id: string }) => r.id)).to.deep.equal([theirs.id]);
      const one = await as.colleague('GET', at(inc.id));
      expect(one.status).to.equal(200);
    });

    it('SSI-FR-33: withholds the raising individual, contact details and update descriptions from a User who did not raise it', async () => {
      const mine = await as.raiser('GET', at(inc.id));
      expect(mine.body.data).to.include({ requester_first_name: 'Ada', requester_last_name: 'Lovelace', requester_phone: '020 7946 0001', additional_first_name: 'Grace' });
      const theirs = await as.colleague('GET', at(inc.id));
      for (const f of ['requester_first_name', 'requester_last_name', 'requester_phone', 'requester_email', 'additional_first_name', 'additional_phone']) {
        expect(theirs.body.data, f).not.to.have.property(f);
      }
      expect(theirs.body.data).to.include({ summary: 'Hub not responding', your_reference: 'OWN-2' });
      const list = await as.colleague('GET', `${TABLE}?limit=100`);
      expect(list.body.data.find((r: { id: string }) => r.id === inc.id)).not.to.have.property('requester_first_name');
      // Nor can a colleague find it out by filtering or sorting on it.
      const probe = await as.colleague('GET', `${TABLE}?filter=${encodeURIComponent(JSON.stringify({ fact: 'record.requester_last_name', operator: 'equal', value: 'Lovelace' }))}`);
      expect(probe.status).to.equal(400);
      expect((await as.colleague('GET', `${TABLE}?sort=requester_phone`)).status).to.equal(400);
      const history = await as.colleague('GET', at(inc.id, '/history'));
      expect(history.body.data.map((h: { field: string }) => h.field)).not.to.include('requester_first_name');
      const updates = await as.colleague('GET', `/api/tables/ssi_incident_update?filter=${encodeURIComponent(JSON.stringify({ fact: 'record.incident', operator: 'equal', value: inc.id }))}`);
      expect(updates.body.data).to.have.length.greaterThan(0);
      for (const u of updates.body.data) {
        expect(u).to.have.property('update_type');
        expect(u).not.to.have.property('update_text');
      }
      // A colleague's own update answer does not hand the contact details back either.
      const patched = await as.colleague('PATCH', at(inc.id), { your_reference: 'OWN-3' });
      expect(patched.body.data).not.to.have.property('requester_first_name');
    });

    it('assignment: the service desk sees every organisation\'s incidents and assigns one to a resolver group and person', async () => {
      const all = await as.desk('GET', `${TABLE}?limit=100`);
      const orgs = new Set(all.body.data.map((r: { org_id: string }) => r.org_id));
      expect(orgs.size).to.be.greaterThan(1);
      const seen = await as.desk('GET', at(inc.id));
      expect(seen.body.data).to.include({ requester_first_name: 'Ada' });
      const r = await transition(as.desk, inc.id, 'assign', { fields: { assignment_group: 'ssi_comms_hub_resolvers', assigned_to: desk.username, priority: '2' } });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.data).to.include({ state: 'assigned', assigned_to: desk.username, status_reason: 'Assigned to ssi_comms_hub_resolvers' });
      const slas = await as.desk('GET', at(inc.id, '/slas'));
      expect(slas.status).to.equal(200);
      expect(slas.body.data.map((s: { name?: string; sla?: string }) => s.name ?? s.sla)).to.include('ssi_incident_p2_resolution');
    });

    it('update types: the desk asks for information, the User provides it, the raiser reads the desk\'s response', async () => {
      expect((await transition(as.desk, inc.id, 'start')).status).to.equal(200);
      const ask = await transition(as.desk, inc.id, 'request_information', { comment: 'Please send the hub serial label photo.' });
      expect(ask.status, JSON.stringify(ask.body)).to.equal(200);
      expect(ask.body.data).to.include({ state: 'awaiting_user', status_reason: 'Awaiting information from the User' });
      const reply = await as.desk('PATCH', at(inc.id), { update_type: 'service_desk_response', update_text: 'We have reset the hub remotely.' });
      expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
      const give = await transition(as.raiser, inc.id, 'provide_information', { comment: 'Photo attached to the update.' });
      expect(give.status, JSON.stringify(give.body)).to.equal(200);
      expect(give.body.data.state).to.equal('in_progress');
      const f = encodeURIComponent(JSON.stringify({ fact: 'record.incident', operator: 'equal', value: inc.id }));
      const mine = await as.raiser('GET', `/api/tables/ssi_incident_update?filter=${f}&limit=50`);
      expect(mine.body.data.map((u: { update_text: string }) => u.update_text)).to.include('We have reset the hub remotely.');
    });

    it('resolution and closure: the desk resolves with a code and notes, the raiser is told, and may close or reopen', async () => {
      const missing = await transition(as.desk, inc.id, 'resolve');
      expect(missing.status).to.equal(422);
      const r = await transition(as.desk, inc.id, 'resolve', { fields: { resolution_code: 'fixed', resolution_notes: 'Hub replaced.' } });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.data).to.include({ state: 'resolved', status_reason: 'Resolved' });
      expect(r.body.data.resolved_at).to.be.a('string');
      await dispatchNotifications(fw);
      const notes = await fw.db.knex('sys_notification').where({ user_id: raiser.user.id }).select('title');
      expect(notes.map((n: { title: string }) => n.title)).to.include(`Incident ${inc.number} resolved`);
      const reopen = await transition(as.raiser, inc.id, 'reopen', { comment: 'Still no readings.' });
      expect(reopen.status, JSON.stringify(reopen.body)).to.equal(200);
      expect(reopen.body.data).to.include({ state: 'in_progress', resolved_at: null });
      expect((await transition(as.desk, inc.id, 'resolve', { fields: { resolution_code: 'fixed', resolution_notes: 'Aerial fitted.' } })).status).to.equal(200);
      const close = await transition(as.colleague, inc.id, 'close');
      expect(close.status, JSON.stringify(close.body)).to.equal(200);
      expect(close.body.data).to.include({ state: 'closed', status_reason: 'Closed' });
    });

    it('SSI-FR-34: the View Incident page returns every listed detail the reader may see', async () => {
      const r = await as.raiser('GET', at(inc.id));
      expect(r.body.data).to.include.keys(
        'summary', 'notes', 'requester_first_name', 'requester_last_name', 'org_id', 'opened_at', 'device_id', 'hub_model', 'hub_version', 'mpxn',
        'csp_diagnostic_output', 'postcode', 'your_reference', 'state', 'status_reason', 'assigned_to', 'priority', 'related_problems',
        'additional_first_name', 'requester_email',
      );
      const slas = await as.raiser('GET', at(inc.id, '/slas'));
      expect(slas.status).to.equal(200);
      expect(slas.body.data.length).to.be.greaterThan(0);
    });

    it('SSI-FR-34a: a new incident of the same categorisation starts from the viewed one\'s category', async () => {
      // The form's copy action "raise_similar" links from the viewed incident to a new one prefilled with its categorisation.
      const form = (await as.colleague('GET', '/api/meta/forms/ssi_incident')).body.data;
      const copy = (form.copies as { name: string; fields: string[] }[]).find((c) => c.name === 'raise_similar');
      expect(copy?.fields).to.include.members(['smart_metering_activity', 'category', 'device_id']);
      expect(copy?.fields).not.to.include('requester_first_name');
      const mi = await as.miUser('GET', '/api/meta/forms/ssi_incident');
      expect(mi.status === 200 ? mi.body.data.copies : [], 'no copy without UC_RaiseSMI_001').to.deep.equal([]);
      const viewed = (await as.colleague('GET', at(inc.id))).body.data;
      const again = await raise(as.colleague, {
        smart_metering_activity: viewed.smart_metering_activity, category: viewed.category, device_id: viewed.device_id,
      });
      expect(again.category).to.equal(inc.category);
      expect(again.id).not.to.equal(inc.id);
    });
  });
});

/**
 * Proof 1 of issue 11: the DCC service requests catalogue (catalog/ssi) of seed 000 (PM18 to PM20, SSI-FR-52 to
 * SSI-FR-57 with SSI-FR-55a) on the generic catalogue, through the HTTP API, across two supplier organisations and
 * the DCC service desk. Who sees which request type is the seed's Role × Interface Transaction matrix
 * (test/packs/ssi/fixtures/matrix.json): the service catalogue transactions, plus the transaction a request type
 * belongs with (Communications Hub ordering, user account management, raising incidents).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateDefinitions } from '../../../platform/kinds.js';
import { REPO, steppingClock } from '../../support/engine.js';
import { catalogWorld, errorFields, type CatalogWorld, type Orderer } from '../it/catalog-client.js';

interface Matrix { roles: string[]; transactions: { id: string; grants: Record<string, boolean> }[] }
const matrix = JSON.parse(readFileSync(new URL('./fixtures/matrix.json', import.meta.url), 'utf8')) as Matrix;
const grants = (role: string, transaction: string) => matrix.transactions.find((t) => t.id === transaction)?.grants[role] === true;

/** The request types and the transactions each needs besides browsing and raising (UC_ServiceCatalogue_003). */
const ITEMS: Record<string, string[]> = {
  ssi_adt_upload: [],
  ssi_inventory_extract: [],
  ssi_report_request: [],
  ssi_help_content_change: [],
  ssi_knowledge_change: [],
  ssi_comms_hub_forecast_change: ['UC_CSPOMS_001'],
  ssi_bulk_user_setup: ['UC_OrgManager_001'],
  ssi_report_fault: ['UC_RaiseSMI_001'],
};
const expectedItems = (role: string) => grants(role, 'UC_ServiceCatalogue_001') && grants(role, 'UC_ServiceCatalogue_003')
  ? Object.keys(ITEMS).filter((i) => ITEMS[i]!.every((t) => grants(role, t))).sort()
  : [];

const REPORT = { report_subject: 'Install volumes by region', report_details: 'Monthly installs per region for 2026.', report_frequency: 'once' };
const contact = (who: Orderer) => ({
  requester_first_name: 'Test', requester_last_name: who.username, requester_phone: '+44 20 7946 0000', requester_email: `${who.username}@example.test`,
});

describe('SSI service requests catalogue (seed 000, SSI-FR-52 to SSI-FR-57) through the API', () => {
  let world: CatalogWorld;
  let admin: Orderer;
  let lead: Orderer;
  let logistics: Orderer;
  let otherAdmin: Orderer;
  let serviceUser: Orderer;
  let desk: Orderer;
  const clock = steppingClock('2026-12-07T10:00:00.000Z');

  before(async () => {
    world = await catalogWorld(['ssi'], ['ssi'], clock);
    admin = await world.orderer(['ssi_org_admin'], 'SUPPLIER_A');
    lead = await world.orderer(['ssi_lead_agent'], 'SUPPLIER_A');
    logistics = await world.orderer(['ssi_logistics'], 'SUPPLIER_A');
    otherAdmin = await world.orderer(['ssi_org_admin'], 'SUPPLIER_B');
    serviceUser = await world.orderer(['ssi_service_management_user'], 'SUPPLIER_A');
    desk = await world.orderer(['ssi_service_desk_agent'], 'DCC');
  });
  after(async () => {
    await world?.close();
  });

  it('every definition of the packs and catalogues validates', async () => {
    expect(await validateDefinitions([join(REPO, 'definitions'), join(REPO, 'catalog')])).to.deep.equal([]);
  });

  it('SSI-NFR-27: the role × transaction matrix decides which request types each job type role sees and may order', async () => {
    for (const role of matrix.roles) {
      const who = await world.orderer([role], 'MATRIX');
      const expected = expectedItems(role);
      const catalogues = (await who.ok('GET', '/api/catalog', undefined)).catalogs as { name: string }[];
      expect(catalogues.map((c) => c.name).includes('ssi_service_requests'), role).to.equal(grants(role, 'UC_ServiceCatalogue_001'));
      const items = (await who.ok('GET', '/api/catalog/items', undefined)) as { name: string }[];
      expect(items.map((i) => i.name).sort(), role).to.deep.equal(expected);
      for (const name of Object.keys(ITEMS).filter((i) => !expected.includes(i))) {
        const page = await who.call('GET', `/api/catalog/items/${name}`);
        expect(page.status, `${role} ${name}`).to.equal(404);
        expect(page.body.code).to.equal('not_found');
        const order = await who.call('POST', `/api/catalog/items/${name}/order`, { variables: {} });
        expect(order.status, `${role} orders ${name}`).to.equal(404);
        expect(order.body.code).to.equal('not_found');
      }
    }
  });

  it('SSI-FR-56: browses business service category → service → request type', async () => {
    const catalogues = (await admin.ok('GET', '/api/catalog', undefined)).catalogs as { name: string; title: string; categories: { name: string; parent?: string }[] }[];
    const ssi = catalogues.find((c) => c.name === 'ssi_service_requests');
    expect(ssi!.title).to.equal('DCC service requests');
    const services = ssi!.categories.filter((c) => c.parent === 'ssi_smart_metering').map((c) => c.name);
    expect(services).to.have.members(['ssi_communications_hubs', 'ssi_inventory']);
    const inCategory = (await admin.ok('GET', '/api/catalog/items?category=ssi_smart_metering', undefined)) as { name: string }[];
    expect(inCategory.map((i) => i.name)).to.have.members(['ssi_comms_hub_forecast_change', 'ssi_inventory_extract']);
    const found = (await admin.ok('GET', '/api/catalog/items?q=threshold', undefined)) as { name: string }[];
    expect(found.map((i) => i.name)).to.deep.equal(['ssi_adt_upload']);
  });

  it('SSI-FR-56: the requester contact details come from the profile, with a way to update them', async () => {
    const page = await lead.ok('GET', '/api/catalog/items/ssi_report_request', undefined);
    expect(page.defaults).to.include(contact(lead));
    const fields = page.form.fields as Record<string, { label: string; help?: string; required?: boolean }>;
    expect(fields.requester_first_name!.help).to.match(/update your contact details/i);
    expect(fields.requester_email!.help).to.match(/update your contact details/i);
    for (const f of ['requester_first_name', 'requester_last_name', 'requester_phone', 'requester_email']) expect(fields[f]!.required, f).to.equal(true);
    // Words for people: no requirement ids or interface transaction codes anywhere a person reads.
    for (const name of Object.keys(ITEMS)) {
      const view = await admin.ok('GET', `/api/catalog/items/${name}`, undefined);
      expect(JSON.stringify(view), name).not.to.match(/UC_[A-Za-z]|SSI-FR|SSI-NFR|\bPM\d/);
    }
    const blank = { requester_first_name: '', requester_last_name: '', requester_phone: '', requester_email: 'not an email' };
    const mandatory = await lead.call('POST', '/api/catalog/items/ssi_report_request/order', { variables: { ...REPORT, ...blank } });
    expect(mandatory.status).to.equal(422);
    expect(mandatory.body.code).to.equal('validation_failed');
    expect(errorFields(mandatory.body)).to.include.members(['requester_first_name', 'requester_last_name', 'requester_phone', 'requester_email']);
    // Left unanswered, the contact details are the profile's.
    const placed = await lead.ok('POST', '/api/catalog/items/ssi_report_request/order', { variables: REPORT });
    const ritm = await world.fw.records.readOne('ssi_service_request', placed.items[0].id, { actor: world.fw.systemActor });
    expect(ritm.variables).to.include(contact(lead));
  });

  it('SSI-FR-52a / SSI-FR-57: a request belongs to the orderer\'s organisation, which no answer can change; another organisation cannot read it', async () => {
    const sneaky = await admin.call('POST', '/api/catalog/items/ssi_report_request/order', { variables: { ...REPORT, ...contact(admin), org_id: otherAdmin.actor.orgId } });
    expect(sneaky.status).to.equal(422);
    expect(sneaky.body.code).to.equal('validation_failed');
    expect(errorFields(sneaky.body)).to.include('org_id');

    const placed = await admin.ok('POST', '/api/catalog/items/ssi_report_request/order', { variables: { ...REPORT, ...contact(admin) } });
    expect(placed.request.number).to.match(/^REQ\d+$/);
    expect(placed.items).to.have.length(1);
    expect(placed.items[0].number).to.match(/^RITM\d+$/);
    const knex = world.fw.db.knex;
    const req = await knex('catalog_request').where({ id: placed.request.id }).first();
    expect(req.org_id).to.equal(admin.actor.orgId);
    const ritm = await knex('catalog_request_item').where({ id: placed.items[0].id }).first();
    expect(ritm).to.include({ org_id: admin.actor.orgId, class: 'ssi_service_request', state: 'requested', assignment_group: 'ssi_service_request_desk' });
    expect(ritm.status_changed_at, 'the current status date').to.be.a('string').and.not.be.empty;

    // The organisation's open requests (SSI-FR-53): colleagues with the service catalogue see it, with its fields.
    const open = (await lead.ok('GET', '/api/catalog/requests?scope=org', undefined)) as { id: string }[];
    expect(open.map((r) => r.id)).to.include(placed.request.id);
    const listed = await lead.ok('GET', `/api/tables/catalog_request?filter=${encodeURIComponent(JSON.stringify({ fact: 'record.state', operator: 'notIn', value: ['closed_complete', 'closed_incomplete', 'cancelled'] }))}`, undefined);
    const row = (listed as { id: string }[]).find((r) => r.id === placed.request.id) as Record<string, unknown>;
    expect(row).to.include({ number: placed.request.number, short_description: 'Ask for a report', state: 'submitted', requested_by: admin.username });
    expect(row.opened_at).to.be.a('string');
    expect(row.last_action).to.be.a('string').and.not.be.empty;

    // Another organisation: not found, by the portal or the table API.
    for (const path of [`/api/catalog/requests/${placed.request.id}`, `/api/tables/catalog_request/${placed.request.id}`]) {
      const hidden = await otherAdmin.call('GET', path);
      expect(hidden.status, path).to.equal(404);
    }
    const theirs = (await otherAdmin.ok('GET', '/api/catalog/requests?scope=org', undefined)) as { id: string }[];
    expect(theirs.map((r) => r.id)).not.to.include(placed.request.id);

    // The DCC service desk sees the item in its queue.
    const queue = (await desk.ok('GET', '/api/tables/ssi_service_request', undefined)) as { id: string }[];
    expect(queue.map((r) => r.id)).to.include(placed.items[0].id);
  });

  it('SSI-FR-55 / SSI-FR-55a: full detail with the answers, and updates by type and text from the organisation', async () => {
    const placed = await logistics.ok('POST', '/api/catalog/items/ssi_report_request/order', { variables: { ...REPORT, ...contact(logistics) } });
    await admin.ok('POST', `/api/catalog/requests/${placed.request.id}/updates`, { type: 'more_information', text: 'Split by meter type please.' });
    const badType = await admin.call('POST', `/api/catalog/requests/${placed.request.id}/updates`, { type: 'shout', text: 'x' });
    expect(badType.status).to.equal(422);
    expect(badType.body.code).to.equal('validation_failed');
    const refused = await otherAdmin.call('POST', `/api/catalog/requests/${placed.request.id}/updates`, { type: 'comment', text: 'Not ours.' });
    expect(refused.status).to.equal(404);
    expect(refused.body.code).to.equal('not_found');
    const detail = await logistics.ok('GET', `/api/catalog/requests/${placed.request.id}`, undefined);
    expect(detail.number).to.equal(placed.request.number);
    expect(detail.updates.map((u: { text: string }) => u.text)).to.deep.equal(['Split by meter type please.']);
    const answers = JSON.stringify(detail.items[0].answers);
    for (const v of ['Install volumes by region', logistics.username, `${logistics.username}@example.test`]) expect(answers).to.include(v);
  });

  it('the DCC service desk delivers a request: its delivery status and status date follow, and the request closes', async () => {
    const placed = await lead.ok('POST', '/api/catalog/items/ssi_inventory_extract/order', { variables: { extract_scope: 'all_devices' } });
    const id = placed.items[0].id as string;
    const at = (suffix: string) => `/api/tables/ssi_service_request/${id}${suffix}`;
    const byRequester = await lead.call('POST', at('/transitions/start'), {});
    expect(byRequester.status).to.equal(409);
    expect(byRequester.body.code).to.equal('invalid_transition');
    const before = (await world.fw.db.knex('catalog_request_item').where({ id }).first('status_changed_at')).status_changed_at;
    clock.advance(60_000);
    await desk.ok('POST', at('/transitions/start'), {}, 200);
    const noNotes = await desk.call('POST', at('/transitions/fulfil'), {});
    expect(noNotes.status).to.equal(422);
    expect(noNotes.body.code).to.equal('validation_failed');
    await desk.ok('POST', at('/transitions/fulfil'), { fields: { close_notes: 'Extract sent to your registered mailbox.' } }, 200);
    const item = await world.fw.records.readOne('ssi_service_request', id, { actor: world.fw.systemActor });
    expect(item.state).to.equal('fulfilled');
    expect(new Date(String(item.status_changed_at)).getTime() - new Date(String(before)).getTime()).to.equal(60_000);
    const req = await world.fw.records.readOne('catalog_request', placed.request.id, { actor: world.fw.systemActor });
    expect(req.state).to.equal('closed_complete');
    const listed = (await lead.ok('GET', '/api/catalog/requests?scope=org', undefined)) as { id: string; state: string }[];
    expect(listed.find((r) => r.id === placed.request.id)?.state).to.equal('closed_complete');
  });

  it('SSI-FR-56: a request type that allows attachments takes them (and one that requires a file refuses the order without it)', async () => {
    const variables = { threshold_change: 'full_set', effective_from: '2026-12-20', ...contact(admin) };
    const missing = await admin.call('POST', '/api/catalog/items/ssi_adt_upload/order', { variables });
    expect(missing.status).to.equal(422);
    expect(errorFields(missing.body)).to.include('attachments');
    const wrongType = await admin.upload('/api/catalog/items/ssi_adt_upload/attachments?name=thresholds.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png');
    expect(wrongType.status).to.equal(415);
    expect(wrongType.body.code).to.equal('unsupported_media_type');
    const staged = await admin.upload('/api/catalog/items/ssi_adt_upload/attachments?name=thresholds.csv', 'device_type,threshold\nESME,120\n', 'text/csv');
    expect(staged.status, JSON.stringify(staged.body)).to.equal(201);
    const placed = await admin.ok('POST', '/api/catalog/items/ssi_adt_upload/order', { variables, attachments: [staged.body.data.id] });
    const ritm = await world.fw.records.readOne('ssi_service_request', placed.items[0].id, { actor: world.fw.systemActor });
    expect((ritm.attachments as { name: string }[]).map((f) => f.name)).to.deep.equal(['thresholds.csv']);
  });

  it('proof 3: the "report a problem" item raises an SSI incident through the incident pack\'s form policies, rules and workflow', async () => {
    const base = { summary: 'No readings from a premises', details: 'Meter silent since Monday.', ...contact(admin) };
    const noDevice = await admin.call('POST', '/api/catalog/items/ssi_report_fault/order', { variables: { ...base, category: 'premises' } });
    expect(noDevice.status).to.equal(422);
    expect(noDevice.body.code).to.equal('rule_aborted');
    expect(await world.fw.db.knex('ssi_incident').count({ n: '*' }).first().then((r) => Number(r!.n))).to.equal(0);

    const made = await admin.ok('POST', '/api/catalog/items/ssi_report_fault/order', { variables: { ...base, category: 'premises', mpxn: '1234567890123' } });
    expect(made.record.table).to.equal('ssi_incident');
    expect(made.record.number).to.match(/^SMI\d+$/);
    const inc = await world.fw.records.readOne('ssi_incident', made.record.id, { actor: world.fw.systemActor });
    // premises_related is set by the pack's rule; the queue by the workflow's assignment rule.
    expect(inc).to.include({ category: 'premises', premises_related: true, state: 'new', assignment_group: 'ssi_premises_resolvers', requester_last_name: admin.username });
    expect(inc.org_id).to.equal(admin.actor.orgId);

    // The incident form's policy: a Communications Hub fault needs its Device ID.
    const hub = await admin.call('POST', '/api/catalog/items/ssi_report_fault/order', { variables: { ...base, category: 'comms_hub' } });
    expect(hub.status).to.equal(422);
    expect(errorFields(hub.body)).to.include('device_id');
    // The service management user raises incidents but has no service catalogue: the item is not there for them.
    expect((await serviceUser.call('GET', '/api/catalog/items/ssi_report_fault')).status).to.equal(404);
  });
});

/**
 * Proof 2 of issue 11: the general IT catalogue (catalog/it) through the HTTP API — a laptop with dependent choices,
 * a justification made mandatory by a UI policy, a multi-row set of accessories with a row limit and the approval of
 * the orderer's line manager ({ "managerOf": "requested_for" }); application access approved by an organisation
 * administrator (a role); a mobile phone; the new-starter order guide; and the cart.
 */
import { expect } from 'chai';
import { VARIABLE_TYPES } from '../../../platform/catalog/types.js';
import { createTestEngine, packRoot } from '../../support/engine.js';
import { catalogRoot, catalogWorld, errorFields, type CatalogWorld, type Orderer } from './catalog-client.js';

const DELIVERY = { person_name: 'Ian Ellis', start_date: '2027-01-04', delivery_postcode: 'SW1A 1AA', delivery_phone: '020 7946 0001' };

describe('IT catalogue (issue 11, proof 2) through the API', () => {
  let world: CatalogWorld;
  let employee: Orderer;
  let manager: Orderer;
  let orgAdmin: Orderer;
  let otherOrgAdmin: Orderer;
  let fulfiller: Orderer;
  let costCentre: string;
  let laptop: Record<string, unknown>;

  before(async () => {
    world = await catalogWorld([], ['it']);
    manager = await world.orderer(['it_employee'], 'ACME');
    employee = await world.orderer(['it_employee'], 'ACME');
    await world.fw.db.knex('sys_user').where({ id: employee.user.id }).update({ manager_id: manager.user.id });
    orgAdmin = await world.orderer(['it_org_admin'], 'ACME');
    otherOrgAdmin = await world.orderer(['it_org_admin'], 'GLOBEX');
    fulfiller = await world.orderer(['it_fulfiller'], 'IT');
    const cc = await world.fw.db.knex('it_cost_centre').where({ code: 'CC-300' }).first('id');
    costCentre = cc.id;
    laptop = {
      form_factor: 'standard', model: 'officebook_14', memory: '16gb', keyboard_layout: 'uk', software: ['office', 'developer'],
      cost_centre: costCentre, ...DELIVERY,
      it_accessories: [{ accessory: 'dock', accessory_quantity: 1 }, { accessory: 'headset', accessory_quantity: 2, accessory_notes: 'Wireless' }],
    };
  });
  after(async () => {
    await world?.close();
  });

  const order = (who: Orderer, item: string, body: Record<string, unknown>) => who.call('POST', `/api/catalog/items/${item}/order`, body);

  it('asks variables of every type across its items, sets and guide', async () => {
    const types = new Set<string>();
    let multiple = false;
    for (const path of ['/api/catalog/items/it_laptop', '/api/catalog/items/it_application_access', '/api/catalog/items/it_mobile_phone', '/api/catalog/guides/it_new_starter']) {
      const page = await employee.ok('GET', path, undefined);
      type Form = { fields: Record<string, { type: string; multiple?: boolean }> };
      const forms = [page.form, ...(page.multiRow ?? []).map((m: { form: unknown }) => m.form)] as Form[];
      for (const f of forms.flatMap((form) => Object.values(form.fields))) {
        types.add(f.type);
        multiple ||= f.multiple === true;
      }
    }
    expect([...types].sort()).to.deep.equal([...VARIABLE_TYPES].sort());
    expect(multiple, 'a multiple choice').to.equal(true);
  });

  it('refuses a dependent choice that does not apply (model by form factor, memory by model)', async () => {
    const wrongModel = await order(employee, 'it_laptop', { variables: { ...laptop, form_factor: 'ultralight', model: 'powerstation_16' } });
    expect(wrongModel.status).to.equal(422);
    expect(wrongModel.body.code).to.equal('validation_failed');
    expect(errorFields(wrongModel.body)).to.include('model');
    const wrongMemory = await order(employee, 'it_laptop', { variables: { ...laptop, memory: '64gb' } });
    expect(wrongMemory.status).to.equal(422);
    expect(errorFields(wrongMemory.body)).to.include('memory');
  });

  it('makes the business justification mandatory for a high-specification laptop (UI policy, enforced by the server)', async () => {
    const high = { ...laptop, form_factor: 'workstation', model: 'powerstation_16', memory: '64gb' };
    const missing = await order(employee, 'it_laptop', { variables: high });
    expect(missing.status).to.equal(422);
    expect(missing.body.code).to.equal('validation_failed');
    expect(errorFields(missing.body)).to.deep.equal(['business_justification']);
    const placed = await employee.ok('POST', '/api/catalog/items/it_laptop/order', { variables: { ...high, business_justification: 'Builds 3D models of substations.' } });
    expect(placed.items).to.have.length(1);
  });

  it('limits the accessories to 4 rows and checks each row', async () => {
    const five = Array.from({ length: 5 }, () => ({ accessory: 'mouse', accessory_quantity: 1 }));
    const tooMany = await order(employee, 'it_laptop', { variables: { ...laptop, it_accessories: five } });
    expect(tooMany.status).to.equal(422);
    expect(errorFields(tooMany.body).some((f) => f.startsWith('it_accessories'))).to.equal(true);
    const badRow = await order(employee, 'it_laptop', { variables: { ...laptop, it_accessories: [{ accessory: 'mouse', accessory_quantity: 3 }] } });
    expect(badRow.status).to.equal(422);
    expect(errorFields(badRow.body).some((f) => f.startsWith('it_accessories'))).to.equal(true);
  });

  it('refuses a laptop for an orderer without a line manager, saying so, and writes nothing', async () => {
    const before = await world.fw.db.knex('catalog_request').count({ n: '*' }).first();
    const lonely = await order(orgAdmin, 'it_laptop', { variables: laptop });
    expect(lonely.status).to.equal(422);
    expect(lonely.body.code).to.equal('validation_failed');
    expect(lonely.body.detail).to.match(/line manager of the person in "Requested for"/);
    const after = await world.fw.db.knex('catalog_request').count({ n: '*' }).first();
    expect(Number(after!.n)).to.equal(Number(before!.n));
  });

  it('asks the orderer\'s line manager to approve the laptop, then IT fulfilment delivers it and the request closes', async () => {
    const placed = await employee.ok('POST', '/api/catalog/items/it_laptop/order', { variables: laptop });
    const id = placed.items[0].id as string;
    const stored = await world.fw.records.readOne('it_laptop_request', id, { actor: world.fw.systemActor });
    expect(stored).to.include({ state: 'awaiting_approval', requested_for: employee.username, laptop_model: 'officebook_14', cost_centre: costCentre });
    const asked = (await manager.ok('GET', '/api/approvals', undefined)) as { id: string; recordId: string }[];
    const approval = asked.find((a) => a.recordId === id);
    expect(approval, 'the manager is asked').to.not.equal(undefined);
    expect(((await orgAdmin.ok('GET', '/api/approvals', undefined)) as { recordId: string }[]).map((a) => a.recordId)).not.to.include(id);

    await manager.ok('POST', `/api/tables/it_laptop_request/${id}/approvals/${approval!.id}/approve`, { comment: 'Fine.' }, 200);
    const approved = await world.fw.records.readOne('it_laptop_request', id, { actor: world.fw.systemActor });
    expect(approved).to.include({ state: 'in_progress', assignment_group: 'it_hardware_fulfilment' });
    const early = await employee.call('POST', `/api/tables/it_laptop_request/${id}/transitions/fulfil`, {});
    expect(early.status).to.equal(409);
    expect(early.body.code).to.equal('invalid_transition');
    await fulfiller.ok('POST', `/api/tables/it_laptop_request/${id}/transitions/fulfil`, {}, 200);
    const req = await world.fw.records.readOne('catalog_request', placed.request.id, { actor: world.fw.systemActor });
    expect(req.state).to.equal('closed_complete');
  });

  it('asks an organisation administrator of the orderer\'s organisation to approve application access', async () => {
    const access = {
      application: 'finance', access_level: 'approve', person_name: 'Ian Ellis', contact_email: 'ian@acme.test', start_date: '2027-01-04',
      access_ends_at: '2027-03-31T17:00:00.000Z', access_reason: 'Covers payment runs while Mia is away.',
    };
    const wrongLevel = await order(employee, 'it_application_access', { variables: { ...access, application: 'hr' } });
    expect(wrongLevel.status).to.equal(422);
    expect(errorFields(wrongLevel.body)).to.include('access_level');
    const other = await order(employee, 'it_application_access', { variables: { ...access, application: 'other', access_level: 'read' } });
    expect(other.status).to.equal(422);
    expect(errorFields(other.body)).to.deep.equal(['application_url']);

    const placed = await employee.ok('POST', '/api/catalog/items/it_application_access/order', { variables: access });
    const id = placed.items[0].id as string;
    expect(((await otherOrgAdmin.ok('GET', '/api/approvals', undefined)) as { recordId: string }[]).map((a) => a.recordId)).not.to.include(id);
    const approval = ((await orgAdmin.ok('GET', '/api/approvals', undefined)) as { id: string; recordId: string }[]).find((a) => a.recordId === id);
    expect(approval, 'the organisation administrator is asked').to.not.equal(undefined);
    await orgAdmin.ok('POST', `/api/tables/it_access_request/${id}/approvals/${approval!.id}/reject`, { comment: 'Use the HR system instead.' }, 200);
    const rejected = await world.fw.records.readOne('it_access_request', id, { actor: world.fw.systemActor });
    expect(rejected).to.include({ state: 'rejected', application: 'finance', access_level: 'approve' });
  });

  it('cancelling a request awaiting approval cancels its item and withdraws the approval', async () => {
    const placed = await employee.ok('POST', '/api/catalog/items/it_laptop/order', { variables: laptop });
    const id = placed.items[0].id as string;
    expect(((await manager.ok('GET', '/api/approvals', undefined)) as { recordId: string }[]).map((a) => a.recordId)).to.include(id);
    await employee.ok('POST', `/api/catalog/requests/${placed.request.id}/cancel`, { reason: 'Ordered the wrong model.' }, 200);
    const item = await world.fw.records.readOne('it_laptop_request', id, { actor: world.fw.systemActor });
    expect(item.state).to.equal('cancelled');
    expect(((await manager.ok('GET', '/api/approvals', undefined)) as { recordId: string }[]).map((a) => a.recordId)).not.to.include(id);
    const again = await employee.call('POST', `/api/catalog/requests/${placed.request.id}/cancel`, {});
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('invalid_transition');
  });

  it('the new-starter guide chooses items from its answers and cascades them into same-named variables', async () => {
    const chosen = await employee.ok('POST', '/api/catalog/guides/it_new_starter/choose', {
      variables: { person_name: 'Nia New', start_date: '2027-02-01', work_pattern: 'field', needs_laptop: true, application: 'crm' },
    }, 200);
    const items = chosen.items as { name: string; variables: Record<string, unknown> }[];
    const byName = Object.fromEntries(items.map((i) => [i.name, i.variables]));
    expect(Object.keys(byName)).to.deep.equal(['it_laptop', 'it_mobile_phone', 'it_application_access']);
    expect(byName.it_laptop).to.deep.equal({ person_name: 'Nia New', start_date: '2027-02-01' });
    expect(byName.it_application_access).to.deep.equal({ person_name: 'Nia New', start_date: '2027-02-01', application: 'crm' });
    const none = await employee.ok('POST', '/api/catalog/guides/it_new_starter/choose', {
      variables: { person_name: 'Ola Office', start_date: '2027-02-01', work_pattern: 'office', needs_laptop: false },
    }, 200);
    expect(none.items).to.deep.equal([]);
    const bad = await employee.call('POST', '/api/catalog/guides/it_new_starter/choose', { variables: { person_name: 'X', work_pattern: 'moon' } });
    expect(bad.status).to.equal(422);
    expect(errorFields(bad.body)).to.include.members(['start_date', 'work_pattern']);
  });

  it('the cart orders a phone and a laptop as one request with two items', async () => {
    const phone = { handset: 'rugged', monthly_data_gb: 12.5, spending_limit: 40, roaming: true, activation_email: 'ian@acme.test', ...DELIVERY };
    const tooMany = await employee.call('POST', '/api/catalog/cart/items', { item: 'it_mobile_phone', quantity: 11, variables: phone });
    expect(tooMany.status).to.equal(422);
    expect(errorFields(tooMany.body)).to.include('quantity');
    await employee.ok('POST', '/api/catalog/cart/items', { item: 'it_mobile_phone', quantity: 2, variables: phone });
    await employee.ok('POST', '/api/catalog/cart/items', { item: 'it_laptop', variables: laptop });
    const placed = await employee.ok('POST', '/api/catalog/cart/checkout', {});
    expect(placed.items).to.have.length(2);
    const rows = await world.fw.db.knex('catalog_request_item').where({ request: placed.request.id }).orderBy('number');
    expect(rows.map((r: { class: string; quantity: number }) => [r.class, Number(r.quantity)])).to.have.deep.members([['catalog_request_item', 2], ['it_laptop_request', 1]]);
  });
});

describe('IT catalogue demo data', () => {
  it('seeds its cost centres, queues and demo people (one organisation: an employee, a manager, an administrator, a fulfiller)', async () => {
    const fw = await createTestEngine({ roots: [packRoot('core'), catalogRoot('it')], demoData: true, config: { scryptLog2N: 10 } });
    try {
      const people = fw.seeded!.people.map((p) => [p.username, p.roles.join(',')]);
      expect(people).to.have.deep.members([
        ['ian.employee', 'it_employee'], ['mia.manager', 'it_employee'], ['ola.admin', 'it_org_admin'], ['fin.fulfil', 'it_fulfiller'],
      ]);
      const codes = (await fw.db.knex('it_cost_centre').orderBy('code').select('code')).map((r: { code: string }) => r.code);
      expect(codes).to.deep.equal(['CC-100', 'CC-200', 'CC-300', 'CC-400']);
      const managers = await fw.db.knex('sys_user as u').leftJoin('sys_user as m', 'm.id', 'u.manager_id')
        .whereIn('u.username', ['ian.employee', 'mia.manager', 'ola.admin', 'fin.fulfil']).select('u.username', 'm.username as manager');
      expect(Object.fromEntries(managers.map((r: { username: string; manager: string | null }) => [r.username, r.manager]))).to.deep.equal({
        'ian.employee': 'mia.manager', 'mia.manager': 'ola.admin', 'ola.admin': null, 'fin.fulfil': 'ola.admin',
      });
      const queues = (await fw.db.knex('sys_queue').whereIn('name', ['it_hardware_fulfilment', 'it_access_fulfilment']).select('name')).length;
      expect(queues).to.equal(2);
    } finally {
      await fw.dispose();
    }
  });
});

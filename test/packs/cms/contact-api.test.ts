/**
 * Proof 1: the CMS pack (definitions/cms) end to end over HTTP, as three kinds of organisation — two shippers
 * (SHIP_A, SHIP_B), the CDSP (XOSERVE) and two distribution networks (WWU, NGN) — through every path of a shipper
 * raised Meter Number Creation (MNC) contact: raising with the address look-up and its validations; the statuses
 * AACA, ATCA, SVDN, SVDA, DCRS, DCAA, CCIV, CCVA and the queue each sits in (CDSP, DN, raising organisation);
 * allocation through the work queues and by transition; the data-clarification and site-visit loops; resolution
 * valid and invalid; a PSC raised from an invalid contact with a new CRN linked both ways; notifications to the
 * originator; the full history seen by the originator; search by CRN; and who can see what.
 */
import { expect } from 'chai';
import { dispatchNotifications } from '../../../platform/notify/index.js';
import { serve, type RunningServer } from '../../support/auth.js';
import { createTestEngine, packRoot, steppingClock, type TestEngine } from '../../support/engine.js';
import { apiClient, person, type Call, type Person } from '../../platform/workflow/support.js';

type Row = Record<string, any>;

const CONTACTS = '/api/tables/cms_contact';
const path = (id: unknown, suffix = '') => `${CONTACTS}/${String(id)}${suffix}`;
const byCrn = (crn: string) => `${CONTACTS}?filter=${encodeURIComponent(JSON.stringify({ fact: 'record.number', operator: 'equal', value: crn }))}`;

describe('CMS pack: shipper raised MNC contacts over the API', () => {
  let fw: TestEngine;
  let server: RunningServer;
  const clock = steppingClock('2026-11-23T10:00:00.000Z');
  const people: Record<string, Person> = {};
  const as: Record<string, Call> = {};
  const address: Record<string, Row> = {};

  /** Make a transition and expect it to succeed; the answer's body. */
  async function move(who: string, id: unknown, name: string, body: Row = {}): Promise<Row> {
    const r = await as[who]!('POST', path(id, `/transitions/${name}`), body);
    expect(r.status, `${who} ${name}: ${JSON.stringify(r.body)}`).to.equal(200);
    return r.body;
  }

  const raise = async (who: string, values: Row = {}) => as[who]!('POST', CONTACTS, {
    shipper_code: 'AAS', shipper_reference: 'REQ-001', address: address.truro!.id, market_sector: 'D', estimated_aq: 12000,
    site_contact_name: 'Pat Site', site_contact_phone: '+44 1872 000111', ...values,
  });
  const raised = async (who: string, values: Row = {}): Promise<Row> => {
    const r = await raise(who, values);
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.data;
  };
  const stored = (id: unknown) => fw.records.readOne('cms_contact', String(id), { actor: fw.systemActor });
  const notificationsOf = async (who: string) => {
    await dispatchNotifications(fw);
    const r = await as[who]!('GET', '/api/notifications?limit=100');
    expect(r.status).to.equal(200);
    return r.body.data as Row[];
  };
  const queueItems = async (who: string, queue: string) => {
    const r = await as[who]!('GET', `/api/queues/${queue}/items?table=cms_contact&limit=100`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return (r.body.data as Row[]).map((c) => c.number);
  };

  before(async () => {
    fw = await createTestEngine({ roots: [packRoot('core'), packRoot('cms')], demoData: true, clock });
    await fw.workflow.timers.stop();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    const cast: [string, string[], string][] = [
      ['alice', ['cms_shipper_agent'], 'SHIP_A'], ['alan', ['cms_shipper_agent'], 'SHIP_A'], ['bob', ['cms_shipper_agent'], 'SHIP_B'],
      ['carol', ['cms_cdsp_agent'], 'XOSERVE'], ['carl', ['cms_cdsp_agent'], 'XOSERVE'],
      ['dawn', ['cms_dn_wwu'], 'WWU'], ['nick', ['cms_dn_ngn'], 'NGN'],
    ];
    for (const [name, roles, org] of cast) people[name] = await person(fw, roles, org, `${name}_${org.toLowerCase()}`);
    server = await serve(fw);
    for (const name of Object.keys(people)) as[name] = await apiClient(fw, server, people[name]!);
    // The demo address file (definitions/cms/data): one address per case.
    const addresses = await as.alice!('GET', '/api/tables/cms_address?limit=100');
    expect(addresses.status).to.equal(200);
    const find = (postcode: string) => (addresses.body.data as Row[]).find((a) => a.postcode === postcode)!;
    address.truro = find('TR1 2EX');
    address.leeds = find('LS6 3HR');
    address.supplied = find('NP7 5BT');
    expect(address.truro).to.include({ network: 'WWU', existing_mprn: null });
    expect(address.supplied.existing_mprn).to.match(/^\d{6,10}$/);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  describe('raising a contact', () => {
    it('logs it with a CRN in the CDSP queue (AACA), the address filled in from the look-up and the originator recorded', async () => {
      const c = await raised('alice');
      expect(c.number).to.match(/^CRN\d{8}$/);
      expect(c).to.include({
        status: 'AACA', queue: 'cms_cdsp', assigned_to: null, contact_type: 'MNC', raised_by: people.alice!.username,
        address_summary: '4 Harbour Row, Penmarrow, Truro TR1 2EX', address_postcode: 'TR1 2EX', address_town: 'Truro',
        address_street: 'Harbour Row', address_building: '4', address_uprn: address.truro!.uprn, network: 'WWU',
      });
    });

    it('marks the fetched MPRN hidden in the table metadata, so forms and default columns leave it out', async () => {
      const r = await as.alice!('GET', '/api/meta/tables/cms_contact');
      expect(r.status).to.equal(200);
      const fields = new Map((r.body.data.fields as { name: string; hidden?: boolean }[]).map((f) => [f.name, f]));
      expect(fields.get('address_mprn')!.hidden).to.equal(true);
      expect(fields.get('address_postcode')!.hidden).to.equal(undefined);
    });

    it('rejects invalid values field by field', async () => {
      const r = await as.alice!('POST', CONTACTS, { shipper_code: 'ab1', estimated_aq: 0, market_sector: 'X' });
      expect(r.status).to.equal(422);
      expect(r.body.code).to.equal('validation_failed');
      const fields = Object.fromEntries((r.body.errors as Row[]).map((e) => [e.field, e.code]));
      expect(fields).to.include({ shipper_code: 'pattern', estimated_aq: 'min', market_sector: 'choice', address: 'required' });
    });

    it('needs the meter serial number when a meter is fitted (the form\'s policy, enforced by the server)', async () => {
      const r = await raise('alice', { meter_fitted: true });
      expect(r.status).to.equal(422);
      expect((r.body.errors as Row[]).map((e) => e.field)).to.include('meter_serial_number');
      const ok = await raised('alice', { meter_fitted: true, meter_serial_number: 'G4K1234567' });
      expect(ok).to.include({ meter_fitted: true, meter_serial_number: 'G4K1234567' });
    });

    it('refuses an address that already has a supply meter point, and a domestic AQ above 73,200 kWh', async () => {
      const exists = await raise('alice', { address: address.supplied!.id });
      expect(exists.status).to.equal(422);
      expect(exists.body.code).to.equal('rule_aborted');
      expect(exists.body.detail).to.contain(`MPRN ${address.supplied!.existing_mprn as string}`).and.contain('17 Chapel Street');
      const aq = await raise('alice', { estimated_aq: 80000 });
      expect(aq.status).to.equal(422);
      expect(aq.body.code).to.equal('rule_aborted');
      expect(aq.body.detail).to.contain('73,200 kWh');
      expect((await raise('alice', { estimated_aq: 80000, market_sector: 'I' })).status).to.equal(201);
    });

    it('does not let a shipper set the status, the queue or the originator', async () => {
      expect((await raise('alice', { status: 'CCVA' })).status).to.be.oneOf([403, 409]);
      expect((await raise('alice', { queue: 'cms_dn' })).status).to.equal(403);
      expect((await raise('alice', { raised_by: 'someone' })).status).to.equal(403);
    });

    it('offers the CDSP\'s transitions to the CDSP only while the contact is with the CDSP', async () => {
      const c = await raised('alice');
      const cdsp = await as.carol!('GET', path(c.id, '/transitions'));
      expect(cdsp.body.data.transitions.map((t: Row) => t.name)).to.deep.equal(['allocate', 'request_dc', 'request_sv', 'resolve_valid', 'resolve_invalid']);
      const shipper = await as.alice!('GET', path(c.id, '/transitions'));
      expect(shipper.body.data.transitions).to.deep.equal([]);
      expect((await as.alice!('POST', path(c.id, '/transitions/resolve_valid'), { fields: { mprn: '1234567' } })).status).to.equal(409);
    });
  });

  describe('who sees a contact', () => {
    let c: Row;
    before(async () => { c = await raised('alice'); });

    it('the raising organisation and the CDSP see it; another shipper does not, nor does a DN before a site visit', async () => {
      expect((await as.alan!('GET', path(c.id))).status).to.equal(200);
      expect((await as.carol!('GET', path(c.id))).status).to.equal(200);
      for (const who of ['bob', 'dawn', 'nick']) {
        expect((await as[who]!('GET', path(c.id))).status, who).to.equal(404);
        expect((await as[who]!('GET', path(c.id, '/history'))).status, who).to.equal(404);
        expect((await as[who]!('POST', path(c.id, '/transitions/raise_psc'), { fields: { psc_reason: 'x' } })).status, who).to.equal(404);
      }
      expect((await as.bob!('PATCH', path(c.id), { shipper_reference: 'MINE' })).status).to.equal(404);
    });

    it('search by CRN finds it for its organisation and the CDSP only', async () => {
      for (const who of ['alice', 'alan', 'carol']) {
        const r = await as[who]!('GET', byCrn(c.number));
        expect(r.status).to.equal(200);
        expect(r.body.data.map((x: Row) => x.id), who).to.deep.equal([c.id]);
      }
      for (const who of ['bob', 'dawn', 'nick']) {
        const r = await as[who]!('GET', byCrn(c.number));
        expect(r.body.data, who).to.deep.equal([]);
      }
    });

    it('lists it in the CDSP queue for the CDSP, and in no shipper\'s view of it', async () => {
      expect(await queueItems('carol', 'cms_cdsp')).to.include(c.number);
      expect(await queueItems('alice', 'cms_cdsp')).to.include(c.number);
      expect(await queueItems('bob', 'cms_cdsp')).to.not.include(c.number);
    });

    it('keeps the CDSP\'s work notes from the shipper', async () => {
      expect((await as.carol!('PATCH', path(c.id), { work_notes: 'Checked against UK Link: no meter point yet.' })).status).to.equal(200);
      const journal = await as.alice!('GET', path(c.id, '/journal'));
      expect(journal.body.data.map((e: Row) => e.field)).to.not.include('work_notes');
      expect((await as.alice!('GET', path(c.id))).body.data).to.not.have.property('work_notes');
      expect((await as.carol!('GET', path(c.id, '/journal'))).body.data.map((e: Row) => e.field)).to.include('work_notes');
    });

    it('lets no shipper change a contact while it is with the CDSP', async () => {
      expect((await as.alice!('PATCH', path(c.id), { shipper_reference: 'LATER' })).status).to.equal(403);
    });
  });

  describe('the main path with both loops, resolved as valid', () => {
    let c: Row;
    before(async () => { c = await raised('alice', { shipper_reference: 'MAIN-1' }); });

    it('AACA ↔ ATCA follows allocation through the work queue and by transition', async () => {
      const take = await as.carol!('POST', path(c.id, '/assign'), { user: '@me' });
      expect(take.status, JSON.stringify(take.body)).to.equal(200);
      expect(await stored(c.id)).to.include({ status: 'ATCA', assigned_to: people.carol!.username, queue: 'cms_cdsp' });
      await as.carol!('POST', path(c.id, '/assign'), { user: null });
      expect(await stored(c.id)).to.include({ status: 'AACA', assigned_to: null, queue: 'cms_cdsp' });
      const made = await move('carl', c.id, 'allocate');
      expect(made.data).to.include({ status: 'ATCA', assigned_to: people.carl!.username });
      expect(await queueItems('carl', '@me')).to.include(c.number);
      await move('carl', c.id, 'unallocate');
      expect(await stored(c.id)).to.include({ status: 'AACA', assigned_to: null });
      await move('carol', c.id, 'allocate');
    });

    it('a data clarification goes to the originator\'s work queue in the raising organisation (DCAA), and they are told', async () => {
      const missing = await as.carol!('POST', path(c.id, '/transitions/request_dc'), {});
      expect(missing.status).to.equal(422);
      expect(missing.body.errors.map((e: Row) => e.field)).to.deep.equal(['dc_question']);
      const r = await move('carol', c.id, 'request_dc', { fields: { dc_question: 'Is the property a new build? Please confirm the plot number.' } });
      expect(r.data).to.include({ status: 'DCAA', queue: 'cms_raising_org', assigned_to: people.alice!.username });
      expect(await queueItems('alice', '@me')).to.include(c.number);
      expect(await queueItems('alan', 'cms_raising_org')).to.include(c.number);
      expect(await queueItems('bob', 'cms_raising_org')).to.not.include(c.number);
      const told = (await notificationsOf('alice')).filter((n) => n.recordId === c.id && n.notification === 'cms_contact_dc_requested');
      expect(told).to.have.length(1);
      expect(told[0]!.title).to.equal(`${c.number as string}: data clarification requested`);
      // The CDSP cannot answer it, another shipper cannot see it.
      expect((await as.carol!('POST', path(c.id, '/transitions/respond_dc'), { fields: { dc_response: 'x' } })).status).to.equal(409);
      expect((await as.bob!('POST', path(c.id, '/transitions/respond_dc'), { fields: { dc_response: 'x' } })).status).to.equal(404);
    });

    it('the originator can pass it to the organisation queue (DCRS) where a colleague takes it (DCAA) and responds (AACA)', async () => {
      await move('alice', c.id, 'unallocate_dc');
      expect(await stored(c.id)).to.include({ status: 'DCRS', assigned_to: null, queue: 'cms_raising_org' });
      const take = await as.alan!('POST', path(c.id, '/assign'), { user: '@me' });
      expect(take.status, JSON.stringify(take.body)).to.equal(200);
      expect(await stored(c.id)).to.include({ status: 'DCAA', assigned_to: people.alan!.username });
      // Within the data clarification the raising organisation may correct the contact's details.
      const patched = await as.alan!('PATCH', path(c.id), { additional_information: 'New build: plot 4 of Harbour Row development.' });
      expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
      const r = await move('alan', c.id, 'respond_dc', { fields: { dc_response: 'Yes, a new build (plot 4); the address is now registered.' }, comment: 'Answered' });
      expect(r.data).to.include({ status: 'AACA', queue: 'cms_cdsp', assigned_to: null });
      expect((await as.alan!('PATCH', path(c.id), { additional_information: 'too late' })).status).to.equal(403);
    });

    it('a site visit goes to the queue of the network serving the address (SVDN), which only that network sees', async () => {
      const r = await move('carol', c.id, 'request_sv', { fields: { sv_instructions: 'Confirm a service pipe is laid to plot 4 and the meter box is fitted.' } });
      expect(r.data).to.include({ status: 'SVDN', queue: 'cms_dn', assigned_to: null });
      expect((await as.dawn!('GET', path(c.id))).status).to.equal(200);
      expect((await as.dawn!('GET', path(c.id))).body.data).to.not.have.property('work_notes');
      expect((await as.nick!('GET', path(c.id))).status).to.equal(404);
      expect(await queueItems('dawn', 'cms_dn')).to.include(c.number);
      expect(await queueItems('nick', 'cms_dn')).to.not.include(c.number);
      const told = (await notificationsOf('dawn')).filter((n) => n.recordId === c.id && n.notification === 'cms_contact_sv_requested');
      expect(told).to.have.length(1);
      expect((await notificationsOf('nick')).filter((n) => n.recordId === c.id)).to.deep.equal([]);
      // The shipper cannot respond to a site visit; the network cannot resolve.
      expect((await as.alice!('POST', path(c.id, '/transitions/respond_sv'), { fields: { sv_outcome: 'no_access', sv_visit_date: '2026-11-24' } })).status).to.equal(409);
      expect((await as.dawn!('POST', path(c.id, '/transitions/resolve_valid'), { fields: { mprn: '1234567' } })).status).to.equal(409);
    });

    it('a DN agent takes it (SVDA) and responds (AACA); the CDSP sends it again and the network responds again', async () => {
      await move('dawn', c.id, 'allocate_sv');
      expect(await stored(c.id)).to.include({ status: 'SVDA', assigned_to: people.dawn!.username, queue: 'cms_dn' });
      const missing = await as.dawn!('POST', path(c.id, '/transitions/respond_sv'), {});
      expect(missing.status).to.equal(422);
      expect(missing.body.errors.map((e: Row) => e.field)).to.deep.equal(['sv_outcome', 'sv_visit_date']);
      const r = await move('dawn', c.id, 'respond_sv', { fields: { sv_outcome: 'no_access', sv_visit_date: '2026-11-24', sv_notes: 'Site locked.' } });
      expect(r.data).to.include({ status: 'AACA', queue: 'cms_cdsp', assigned_to: null });
      // The network still sees the contact it visited, but can no longer change it.
      expect((await as.dawn!('GET', path(c.id))).status).to.equal(200);
      expect((await as.dawn!('PATCH', path(c.id), { sv_notes: 'later' })).status).to.equal(403);
      // Re-sent: the previous outcome is cleared; allocation through the queue moves it to SVDA.
      const again = await move('carol', c.id, 'request_sv', { fields: { sv_instructions: 'Second attempt: site manager on 01872 000111.' } });
      expect(again.data).to.include({ status: 'SVDN', sv_outcome: null, sv_visit_date: null, sv_notes: null });
      expect((await as.dawn!('POST', path(c.id, '/assign'), { user: '@me' })).status).to.equal(200);
      expect(await stored(c.id)).to.include({ status: 'SVDA', assigned_to: people.dawn!.username });
      expect((await as.dawn!('POST', path(c.id, '/assign'), { user: null })).status).to.equal(200);
      expect(await stored(c.id)).to.include({ status: 'SVDN', assigned_to: null });
      await move('dawn', c.id, 'respond_sv', { fields: { sv_outcome: 'supply_confirmed', sv_visit_date: '2026-11-26', sv_notes: 'Service and meter box in place.' } });
      expect(await stored(c.id)).to.include({ status: 'AACA', sv_outcome: 'supply_confirmed' });
    });

    it('resolving as valid needs the new MPRN, closes the contact (CCVA, no queue) and tells the originator', async () => {
      await move('carol', c.id, 'allocate');
      const missing = await as.carol!('POST', path(c.id, '/transitions/resolve_valid'), {});
      expect(missing.body.errors.map((e: Row) => e.field)).to.deep.equal(['mprn']);
      expect((await as.carol!('POST', path(c.id, '/transitions/resolve_valid'), { fields: { mprn: '12AB' } })).status).to.equal(422);
      const r = await move('carol', c.id, 'resolve_valid', { fields: { mprn: '9876543210' }, comment: 'MPRN created in UK Link.' });
      expect(r.data).to.include({ status: 'CCVA', resolution: 'valid', mprn: '9876543210', queue: null, assigned_to: null, resolved_at: clock.now().toISOString() });
      expect((await as.carol!('GET', path(c.id, '/transitions'))).body.data.transitions).to.deep.equal([]);
      expect((await as.alice!('GET', path(c.id, '/transitions'))).body.data.transitions).to.deep.equal([]);
      const told = (await notificationsOf('alice')).filter((n) => n.recordId === c.id && n.notification === 'cms_contact_resolved_valid');
      expect(told).to.have.length(1);
      expect(told[0]).to.include({ title: `${c.number as string} resolved as valid: MPRN 9876543210`, url: `/tables/cms_contact/${c.id as string}#activity` });
      expect((await notificationsOf('bob')).filter((n) => n.recordId === c.id)).to.deep.equal([]);
    });

    it('the originator sees the full history of the contact and its comments', async () => {
      const h = await as.alice!('GET', path(c.id, '/history'));
      expect(h.status).to.equal(200);
      const statuses = (h.body.data as Row[]).filter((e) => e.field === 'status').map((e) => e.newValue).reverse();
      expect(statuses).to.deep.equal(['AACA', 'ATCA', 'AACA', 'ATCA', 'AACA', 'ATCA', 'DCAA', 'DCRS', 'DCAA', 'AACA', 'SVDN', 'SVDA', 'AACA', 'SVDN', 'SVDA', 'SVDN', 'AACA', 'ATCA', 'CCVA']);
      const fields = new Set((h.body.data as Row[]).map((e) => e.field));
      for (const f of ['queue', 'assigned_to', 'dc_question', 'dc_response', 'sv_instructions', 'sv_outcome', 'mprn', 'resolution']) expect(fields, f).to.include(f);
      const journal = await as.alice!('GET', path(c.id, '/journal'));
      expect((journal.body.data as Row[]).map((e) => e.body)).to.include.members(['Answered', 'MPRN created in UK Link.']);
    });
  });

  describe('resolved as invalid, then raised again as a PSC', () => {
    let c: Row;
    before(async () => { c = await raised('alice', { address: address.leeds!.id, shipper_reference: 'INV-1' }); });

    it('resolving as invalid needs a reason and notes, closes it (CCIV) and tells the originator', async () => {
      const missing = await as.carol!('POST', path(c.id, '/transitions/resolve_invalid'), {});
      expect(missing.body.errors.map((e: Row) => e.field)).to.deep.equal(['invalid_reason', 'resolution_notes']);
      const r = await move('carol', c.id, 'resolve_invalid', { fields: { invalid_reason: 'address_not_verified', resolution_notes: 'The address is not in PAF yet: please raise again once it is.' } });
      expect(r.data).to.include({ status: 'CCIV', resolution: 'invalid', queue: null });
      const told = (await notificationsOf('alice')).filter((n) => n.recordId === c.id && n.notification === 'cms_contact_resolved_invalid');
      expect(told).to.have.length(1);
      expect(told[0]!.body).to.contain('not in PAF yet');
      expect((await as.alice!('GET', path(c.id, '/transitions'))).body.data.transitions.map((t: Row) => t.name)).to.deep.equal(['raise_psc']);
      expect((await as.alice!('PATCH', path(c.id), { shipper_reference: 'CHANGED' })).status).to.equal(403);
    });

    it('a PSC gets a new CRN, linked to the old contact both ways, and starts again in the CDSP queue', async () => {
      const missing = await as.alice!('POST', path(c.id, '/transitions/raise_psc'), {});
      expect(missing.status).to.equal(422);
      expect((await as.carol!('POST', path(c.id, '/transitions/raise_psc'), { fields: { psc_reason: 'x' } })).status).to.equal(409);
      const r = await move('alan', c.id, 'raise_psc', { fields: { psc_reason: 'The address is now in PAF.' } });
      expect(r.meta.created).to.have.length(1);
      const created = r.meta.created[0] as Row;
      expect(created.number).to.match(/^CRN\d{8}$/).and.not.equal(c.number);
      expect(r.data).to.include({ status: 'CCIV', psc_contact: created.id, psc_reason: 'The address is now in PAF.' });
      const psc = (await as.alan!('GET', path(created.id))).body.data as Row;
      expect(psc).to.include({
        number: created.number, status: 'AACA', queue: 'cms_cdsp', previous_contact: c.id, psc_reason: 'The address is now in PAF.',
        shipper_code: 'AAS', shipper_reference: 'INV-1', address: address.leeds!.id, address_postcode: 'LS6 3HR', network: 'NGN',
        estimated_aq: 12000, market_sector: 'D', raised_by: people.alan!.username, resolution: null, psc_contact: null,
      });
      // The originating organisation owns it: the other shipper cannot see it.
      expect((await as.bob!('GET', path(created.id))).status).to.equal(404);
      expect((await as.bob!('GET', byCrn(created.number))).body.data).to.deep.equal([]);
      // Only one PSC per invalid contact.
      expect((await as.alice!('POST', path(c.id, '/transitions/raise_psc'), { fields: { psc_reason: 'again' } })).status).to.equal(409);
      // The PSC's own lifecycle runs like any contact's: here, valid.
      await move('carol', created.id, 'resolve_valid', { fields: { mprn: '7001234567' } });
      expect(await stored(created.id)).to.include({ status: 'CCVA', mprn: '7001234567' });
      const told = (await notificationsOf('alan')).filter((n) => n.recordId === created.id && n.notification === 'cms_contact_resolved_valid');
      expect(told).to.have.length(1);
    });

    it('the old contact lists its PSC, and search by either CRN finds each', async () => {
      const old = (await as.alice!('GET', path(c.id))).body.data as Row;
      const related = await as.alice!('GET', `${CONTACTS}?filter=${encodeURIComponent(JSON.stringify({ fact: 'record.previous_contact', operator: 'equal', value: c.id }))}`);
      expect(related.body.data.map((x: Row) => x.id)).to.deep.equal([old.psc_contact]);
      const pscNumber = related.body.data[0].number as string;
      expect((await as.alice!('GET', byCrn(pscNumber))).body.data.map((x: Row) => x.previous_contact)).to.deep.equal([c.id]);
      expect((await as.carol!('GET', byCrn(c.number))).body.data.map((x: Row) => x.psc_contact)).to.deep.equal([old.psc_contact]);
    });
  });
});

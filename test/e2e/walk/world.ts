/**
 * The world of the page walks: what `npm start` serves (every pack of definitions/ and every catalogue of catalog/,
 * with demo data), served on loopback, Chromium, and the people who walk it — the administrator and one person per
 * role the packs declare: the demo person the README names for it where there is one, else a new person of a
 * fitting organisation. A few records of the packs are raised first, as their people would, so the record pages
 * of the packs have something to show.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createApp } from '../../../platform/http/app.js';
import { ensureUiBuilt } from '../../../platform/http/static.js';
import { apiDataAs, createUser, listen, type RunningServer, type TestUser } from '../../support/auth.js';
import { demoPerson } from '../../support/demo-people.js';
import { createTestEngine, packRoot, REPO, type TestEngine } from '../../support/engine.js';
import { launchChromium } from '../browser.js';

/** The roots `npm start` loads (FORMWORK_DEFINITIONS' default `definitions,catalog`), pack by pack. */
export const START_ROOTS = [packRoot('core'), packRoot('cms'), packRoot('ssi'), join(REPO, 'catalog', 'it'), join(REPO, 'catalog', 'ssi')];

/** The demo person the README (or the pack's data) names for a role. */
const DEMO_FOR_ROLE: Record<string, string> = {
  cms_shipper_agent: 'amy.shipper', cms_cdsp_agent: 'cath.cdsp', cms_dn_wwu: 'wyn.wwu', cms_dn_ngn: 'nia.ngn',
  ssi_service_management_user: 'bea.service', ssi_org_admin: 'bill.admin', ssi_service_desk_agent: 'dee.desk',
  it_employee: 'ian.employee', it_org_admin: 'ola.admin', it_fulfiller: 'fin.fulfil',
};

/** The organisation a new person holding a role without a demo person joins: where that role's work is. */
function orgForRole(role: string): string {
  if (role.startsWith('ssi_')) return 'BRIGHTWATT';
  if (role.startsWith('cms_dn_')) return `${role.slice('cms_dn_'.length).toUpperCase()}_DN`;
  if (role.startsWith('cms_')) return 'SHIPPER_A';
  if (role.startsWith('it_') || role === 'catalog_requester') return 'ACME';
  return 'DEMO';
}

/** One person of the walk. */
export interface Walker {
  /** What findings call them: "administrator", or the role and who holds it. */
  label: string;
  role: string;
  user: TestUser;
}

export interface WalkWorld {
  fw: TestEngine;
  server: RunningServer;
  browser: Browser;
  admin: TestUser;
  /** Records raised before the walk, by what they are. */
  raised: Record<'ssiIncident' | 'cmsContact' | 'ssiRequest', { table: string; id: string }>;
  /** The person for each role (the administrator for `admin`). */
  walkers(): Promise<Walker[]>;
  close(): Promise<void>;
}

/** The engine `npm start` would run, with demo data, served; the administrator `admin` of the demo organisation. */
export async function startWorld(): Promise<WalkWorld> {
  await ensureUiBuilt();
  const fw = await createTestEngine({ roots: START_ROOTS, demoData: true, config: { scryptLog2N: 10, signInRateLimit: 1000 } });
  await fw.workflow.timers.stop();
  const admin = await createUser(fw, { username: 'admin', roles: ['admin'], org: 'DEMO' });
  await fw.db.knex('sys_user').where({ id: admin.user.id }).update({ first_name: 'Ada', last_name: 'Admin', display_name: 'Ada Admin' });
  const server = await listen(createApp(fw));
  const raised = await raiseRecords(fw, server);
  const browser = await launchChromium();
  const walkers = async (): Promise<Walker[]> => {
    const out: Walker[] = [{ label: 'administrator', role: 'admin', user: admin }];
    for (const role of [...fw.registry.current.roles.keys()].sort()) {
      if (role === 'admin') continue;
      const demo = DEMO_FOR_ROLE[role];
      const user = demo ? await demoPerson(fw, demo) : await newPerson(fw, role);
      out.push({ label: `${role} (${user.username})`, role, user });
    }
    return out;
  };
  return {
    fw, server, browser, admin, raised, walkers,
    async close() {
      await browser.close();
      await server.close();
      await fw.dispose();
    },
  };
}

/** A new person holding only `role`, named for people ("Walk Tester"), in the organisation of that role's work. */
async function newPerson(fw: TestEngine, role: string): Promise<TestUser> {
  const username = `walk.${role.replace(/_/g, '.')}`;
  const user = await createUser(fw, { username, roles: [role], org: orgForRole(role) });
  const label = fw.registry.current.roles.get(role)?.label ?? 'Tester';
  await fw.db.knex('sys_user').where({ id: user.user.id })
    .update({ first_name: 'Walk', last_name: label, display_name: `Walk ${label}` });
  return user;
}

/**
 * An SSI incident raised by bea.service, a service request ordered by bill.admin and a CMS contact raised by
 * amy.shipper, through the API.
 */
async function raiseRecords(fw: TestEngine, server: RunningServer): Promise<WalkWorld['raised']> {
  const bea = await apiDataAs(fw, server, 'bea.service');
  // The organisation's administrator orders: a service management user's role does not reach the catalogue.
  const bill = await apiDataAs(fw, server, 'bill.admin');
  const amy = await apiDataAs(fw, server, 'amy.shipper');
  const requester = { requester_first_name: 'Bea', requester_last_name: 'Service', requester_phone: '020 7946 0001', requester_email: 'bea@example.org' };
  const incident = await bea('POST', '/api/tables/ssi_incident', {
    ...requester, category: 'general', summary: 'Portal shows no install data', details: 'The install report has been empty since Monday.',
  });
  const order = await bill('POST', '/api/catalog/items/ssi_report_request/order', {
    variables: { report_subject: 'Install volumes by region', report_details: 'Monthly installs per region for 2026.', report_frequency: 'once', ...requester },
  });
  // 4 Harbour Row, the address the README's CMS walk picks.
  const address = (await fw.db.knex(fw.registry.current.getTable('cms_address').physical).where({ uprn: '10023456781' }).first('id')).id as string;
  const contact = await amy('POST', '/api/tables/cms_contact', {
    shipper_reference: 'REQ-001', address, market_sector: 'D', estimated_aq: 12000, site_contact_name: 'Pat Site', site_contact_phone: '+44 1872 000111',
  });
  return {
    ssiIncident: { table: 'ssi_incident', id: incident.id },
    ssiRequest: { table: order.request ? 'catalog_request' : order.record.table, id: order.request?.id ?? order.record.id },
    cmsContact: { table: 'cms_contact', id: contact.id },
  };
}

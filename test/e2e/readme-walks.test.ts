/**
 * The README's "Trying the packs" walks, step by step as written, in Debian's Chromium against what `npm start`
 * serves (every pack and catalogue, demo data): the administrator (`admin`: the Service desk and Major incidents
 * queues, Administration › Definitions, everything), a CMS shipper (`amy.shipper`: Contacts (CMS) › Raise an MNC
 * contact, type "Harbour" and pick "4 Harbour Row…"), an SSI service user (`bea.service`: raise and follow incidents
 * of their organisation), an SSI organisation administrator (`bill.admin`: Service requests › Request a DCC service)
 * and an SSI desk agent (`dee.desk`: triage and resolve
 * incidents from the DCC service desk queue). axe-core runs on each step. A walk records each step that does not
 * work and goes on where it can, so one run says every way the README and the product differ. Needs
 * /usr/bin/chromium; without it the suite fails, it never skips.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestUser } from '../support/auth.js';
import { demoPerson } from '../support/demo-people.js';
import { axeViolations, pageAs } from './browser.js';
import { settle, trackRequests, VIEWPORT } from './walk/visit.js';
import { startWorld, type WalkWorld } from './walk/world.js';

describe('the README\'s walks of the packs, in Chromium', function () {
  this.timeout(120_000);
  let world: WalkWorld;

  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });

  /**
   * Walk as `user`: each step runs, then settles and is checked with axe; a step that throws or shows violations is
   * a problem ("step 2, open the Service desk queue: …"). A failed step ends the walk (later steps build on it).
   */
  async function walk(user: TestUser, steps: [string, (page: Page) => Promise<void>][]): Promise<string[]> {
    const errors: string[] = [];
    const problems: string[] = [];
    const { context, page } = await pageAs(world.browser, world.fw, world.server.url, user, errors);
    try {
      await page.setViewportSize(VIEWPORT);
      page.setDefaultTimeout(8000);
      trackRequests(page);
      for (const [i, [name, run]] of steps.entries()) {
        const step = `step ${i + 1}, ${name}`;
        try {
          await run(page);
          await settle(page);
        } catch (e) {
          problems.push(`${step}: ${(e as Error).message.split('\n')[0]}${await shown(page)}`);
          break;
        }
        for (const v of await axeViolations(page)) problems.push(`${step}: axe ${v}`);
      }
      for (const e of errors) problems.push(`page error: ${e}`);
    } finally {
      await context.close();
    }
    return problems;
  }

  /** What the page says that may explain a failed step: its error summaries and the workflow actions offered. */
  const shown = async (page: Page) => {
    const summaries = await page.locator('main .fw-error-summary').allTextContents();
    const actions = await page.locator('fw-workflow-actions button').allTextContents();
    return `${summaries.length ? ` — the page says: ${summaries.map((t) => t.replace(/\s+/g, ' ').trim()).join(' | ')}` : ''}`
      + `${actions.length ? ` — workflow buttons: ${actions.map((t) => t.trim()).join(', ')}` : ''}`;
  };

  // The whole label: "Definitions" must not find "Browse definitions".
  const navLink = (page: Page, label: string) => page.locator('fw-nav a').filter({ hasText: new RegExp(`^\\s*${label}\\s*$`) }).first();
  const mainText = async (page: Page) => (await page.textContent('main')) ?? '';
  const expectHeading = async (page: Page, text: string | RegExp) => {
    await page.waitForSelector('main h1');
    const h1 = (await page.textContent('main h1'))?.trim() ?? '';
    if (typeof text === 'string') expect(h1).to.equal(text);
    else expect(h1).to.match(text);
  };

  it('the administrator: the Service desk and Major incidents queues, Administration › Definitions, and everything', async () => {
    const problems = await walk(world.admin, [
      ['open the Service desk queue from the home page', async (page) => {
        await page.click('fw-home a:text-is("Service desk")');
        await expectHeading(page, /Service desk/);
      }],
      ['open the Major incidents queue', async (page) => {
        await page.goto(`${world.server.url}/`);
        await page.click('fw-home a:text-is("Major incidents")');
        await expectHeading(page, /Major incidents/);
      }],
      ['open Administration › Definitions: it says whether the definition files are in force', async (page) => {
        expect(await page.textContent('fw-nav'), 'an Administration menu').to.contain('Administration');
        await navLink(page, 'Definitions').click();
        await page.waitForSelector('fw-admin-definitions h1');
        expect(await mainText(page)).to.match(/in force/i);
      }],
      ['"everything": the side menu holds every pack\'s menus', async (page) => {
        const nav = (await page.textContent('fw-nav')) ?? '';
        const missing = ['Service management', 'Service requests', 'Contacts (CMS)'].filter((m) => !nav.includes(m));
        expect(missing, 'menus of the packs missing from the administrator\'s side menu').to.deep.equal([]);
      }],
      ['"everything": open an SSI incident and a CMS contact', async (page) => {
        for (const r of [world.raised.ssiIncident, world.raised.cmsContact]) {
          await page.goto(`${world.server.url}/tables/${r.table}/${r.id}`);
          await page.waitForSelector('fw-record h1');
          expect(await mainText(page)).not.to.match(/no table|do not have access/i);
        }
      }],
    ]);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('a CMS shipper: Contacts (CMS) › Raise an MNC contact, type "Harbour" and pick "4 Harbour Row…"', async () => {
    const amy = await demoPerson(world.fw, 'amy.shipper');
    const problems = await walk(amy, [
      ['open Contacts (CMS) › Raise an MNC contact', async (page) => {
        expect(await page.textContent('fw-nav')).to.contain('Contacts (CMS)');
        await navLink(page, 'Raise an MNC contact').click();
        await page.waitForSelector('#new-address');
      }],
      ['type "Harbour" and pick "4 Harbour Row…"', async (page) => {
        await page.locator('#new-address').pressSequentially('Harbour');
        await page.waitForSelector('#new-address-listbox [role=option]');
        await page.locator('#new-address-listbox [role=option]', { hasText: '4 Harbour Row' }).first().click();
        await page.waitForFunction(() => document.getElementById('new-address_postcode')?.textContent?.trim() === 'TR1 2EX');
      }],
      ['log the contact: the shipper\'s short code comes from the profile, and the CRN is shown', async (page) => {
        await page.check('#new-market_sector');
        await page.fill('#new-estimated_aq', '14500');
        await page.click('fw-form button[type=submit]');
        await page.waitForSelector('fw-record .fw-notification-banner');
        expect(await page.textContent('fw-record .fw-notification-banner')).to.match(/Contact CRN\d{8} has been created\./);
      }],
    ]);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('an SSI service user: raise and follow incidents of the organisation', async () => {
    const bea = await demoPerson(world.fw, 'bea.service');
    let number = '';
    const problems = await walk(bea, [
      ['open Service management › Raise an incident: the requester\'s details come from the profile', async (page) => {
        await navLink(page, 'Raise an incident').click();
        await page.waitForSelector('#new-summary');
        expect(await page.inputValue('#new-requester_email')).to.equal('bea.service@example.org');
      }],
      ['raise it', async (page) => {
        expect(await page.inputValue('#new-requester_phone'), 'the phone number from the profile').to.equal('+44 20 7946 0101');
        await page.selectOption('#new-category', 'general');
        await page.fill('#new-summary', 'Install report is empty');
        await page.fill('#new-details', 'The monthly install report has shown nothing since Monday.');
        await page.click('fw-form button[type=submit]');
        await page.waitForSelector('fw-record h1');
        const id = new URL(page.url()).pathname.split('/').pop()!;
        number = String((await world.fw.records.readOne('ssi_incident', id, { actor: world.fw.systemActor })).number);
        expect(await page.textContent('fw-record'), 'the new incident\'s number on its page').to.contain(number);
      }],
      ['follow it under Incidents raised by my organisation', async (page) => {
        await navLink(page, 'Incidents raised by my organisation').click();
        await page.waitForSelector('fw-list table');
        expect(await mainText(page)).to.contain(number);
      }],
    ]);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('an SSI organisation administrator: Service requests › Request a DCC service and the organisation\'s open requests', async () => {
    const bill = await demoPerson(world.fw, 'bill.admin');
    const problems = await walk(bill, [
      ['open Service requests › Request a DCC service: the DCC service requests catalogue', async (page) => {
        await navLink(page, 'Request a DCC service').click();
        await page.waitForSelector('fw-catalog-home h1');
        expect(await mainText(page)).to.contain('DCC service requests');
      }],
      ['follow the organisation\'s requests under Open requests raised by my organisation', async (page) => {
        await navLink(page, 'Open requests raised by my organisation').click();
        await page.waitForSelector('fw-list table');
        expect(await mainText(page)).to.contain('Open requests raised by my organisation');
      }],
    ]);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('an SSI desk agent: triage and resolve an incident from the DCC service desk queue', async () => {
    const dee = await demoPerson(world.fw, 'dee.desk');
    const { table, id } = world.raised.ssiIncident;
    const state = (page: Page) => page.textContent('fw-workflow-actions [data-state]');
    const problems = await walk(dee, [
      ['open the DCC service desk queue from the home page', async (page) => {
        await page.click('fw-home a:text-is("DCC service desk")');
        await expectHeading(page, /DCC service desk/);
      }],
      ['open the incident raised by Bea from the queue', async (page) => {
        await page.click(`main a[href="/tables/${table}/${id}"]`);
        await page.waitForSelector('fw-workflow-actions [data-state]');
      }],
      ['triage: Assign to me', async (page) => {
        await page.click('fw-workflow-actions button[data-assignment]');
        const tab = page.getByRole('tab', { name: 'Assignment' });
        if (await tab.count()) await tab.first().click();
        await page.click('fw-workflow-actions button[data-assign="me"]');
        await page.waitForFunction(() => !document.querySelector('fw-workflow-actions button[data-assign="me"]'));
      }],
      ['resolve it with a resolution code and notes', async (page) => {
        await page.click('fw-workflow-actions button[data-transition=resolve]');
        await page.waitForSelector('fw-workflow-actions dialog[open] #wf-field-resolution_notes');
        const code = await page.$$eval('#wf-field-resolution_code option', (os) => os.map((o) => (o as HTMLOptionElement).value).find((v) => v));
        await page.selectOption('#wf-field-resolution_code', code!);
        await page.fill('#wf-field-resolution_notes', 'The report job was restarted.');
        await page.click('fw-workflow-actions dialog button[type=submit]');
        await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-state]')?.textContent === 'Resolved');
        expect(await state(page)).to.equal('Resolved');
      }],
    ]);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});

/**
 * The SSI incident form's dependent choices and copy action in Debian's Chromium (definitions/ssi): choosing a
 * Smart Metering Activity narrows the incident categories and clears (and announces) a category that stops applying
 * (SSI-FR-22); "Raise a similar incident" opens a new incident prefilled with the viewed one's categorisation, and
 * creating it works (SSI-FR-34a). axe-core finds no WCAG 2.1 AA violation on any page visited. Needs
 * /usr/bin/chromium; without it the suite fails, it never skips.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../../../platform/http/app.js';
import { ensureUiBuilt } from '../../../../platform/http/static.js';
import { apiDataAs, createUser, listen, type RunningServer, type TestUser } from '../../../support/auth.js';
import { createTestEngine, packRoot, type TestEngine } from '../../../support/engine.js';
import { axeViolations, launchChromium, pageAs } from '../../../e2e/browser.js';

const CONTACT = { requester_first_name: 'Ada', requester_last_name: 'Lovelace', requester_phone: '020 7946 0001' };

describe('SSI incident pack in Chromium: dependent categories and "Raise a similar incident"', function () {
  this.timeout(90_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let raiser: TestUser;
  let raiserPage: Page;
  const errors: string[] = [];

  const apiAs = (user: TestUser) => apiDataAs(fw, server, user.username);
  const pageFor = async (user: TestUser) => (await pageAs(browser, fw, server.url, user, errors)).page;
  const categoryOptions = (page: Page) => page.$$eval('#new-category option', (os) => os.map((o) => (o as HTMLOptionElement).value));

  before(async () => {
    await ensureUiBuilt();
    // The core pack (calendars) and the SSI pack alone: other packs are not this test's concern.
    fw = await createTestEngine({ roots: [packRoot('core'), packRoot('ssi')] });
    await fw.workflow.timers.stop();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    raiser = await createUser(fw, { roles: ['ssi_service_management_user'], org: 'SUPPLIER_A' });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    raiserPage = await pageFor(raiser);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });
  afterEach(() => { expect(errors, 'no page errors').to.deep.equal([]); });

  it('SSI-FR-22: choosing an activity limits the categories and clears one that no longer applies, saying so', async () => {
    const page = raiserPage;
    await page.goto(`${server.url}/forms/ssi_incident/new`);
    await page.waitForSelector('#new-category');
    expect(await categoryOptions(page), 'no activity yet: every category').to.deep.equal(['', 'premises', 'comms_hub', 'service_request', 'ssi_access', 'knowledge_feedback', 'general']);
    await page.selectOption('#new-category', 'premises');
    await page.waitForSelector('#new-mpxn');
    expect(await axeViolations(page)).to.deep.equal([]);

    // "Self-Service Interface and support" is the fourth activity.
    await page.check('#new-smart_metering_activity-3');
    await page.waitForFunction(() => (document.getElementById('new-category') as HTMLSelectElement | null)?.value === '');
    expect(await categoryOptions(page)).to.deep.equal(['', 'ssi_access', 'knowledge_feedback', 'general']);
    const said = await page.textContent('fw-form [role=status][data-announcement]');
    expect(said).to.contain('Incident category').and.contain('Premises-related incident').and.contain('cleared')
      .and.contain('Self-Service Interface and support');
    expect(await page.$('#new-mpxn'), 'the cleared category\'s parameters go too').to.equal(null);
    expect(await axeViolations(page)).to.deep.equal([]);

    // A category that still applies is kept when the activity changes.
    await page.selectOption('#new-category', 'general');
    await page.check('#new-smart_metering_activity-2');
    await page.waitForFunction(() => document.querySelectorAll('#new-category option').length === 5);
    expect(await page.inputValue('#new-category')).to.equal('general');
  });

  it('SSI-FR-34a: "Raise a similar incident" opens a new incident prefilled with the viewed one\'s categorisation', async () => {
    const api = await apiAs(raiser);
    const viewed = await api('POST', '/api/tables/ssi_incident', {
      ...CONTACT, smart_metering_activity: 'operations', category: 'comms_hub', device_id: '00-DB-12-34-56-78-9A-BC',
      summary: 'Hub not responding', details: 'No response since Monday.',
    });
    const page = raiserPage;
    await page.goto(`${server.url}/tables/ssi_incident/${viewed.id}`);
    const copy = page.locator('fw-record a[data-copy=raise_similar]');
    await copy.waitFor();
    expect(await copy.textContent()).to.equal('Raise a similar incident');
    expect(await axeViolations(page)).to.deep.equal([]);

    await copy.click();
    await page.waitForSelector('fw-new-record #new-device_id');
    expect(await page.inputValue('#new-category')).to.equal('comms_hub');
    expect(await page.isChecked('#new-smart_metering_activity-1'), 'operations').to.equal(true);
    expect(await page.inputValue('#new-device_id')).to.equal('00-DB-12-34-56-78-9A-BC');
    expect(await page.inputValue('#new-summary'), 'only the categorisation is copied').to.equal('');
    // Contact details are not copied: the new incident starts from the raiser's own profile.
    expect(await page.inputValue('#new-requester_first_name'), 'contact details are the raiser\'s').to.equal('Test');
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.fill('#new-summary', 'Another hub not responding');
    await page.fill('#new-details', 'The neighbouring hub stopped too.');
    await page.fill('#new-requester_first_name', 'Grace');
    await page.fill('#new-requester_last_name', 'Hopper');
    await page.fill('#new-requester_phone', '020 7946 0002');
    await page.click('fw-form button[type=submit]');
    await page.waitForSelector('fw-record .fw-notification-banner');
    const banner = (await page.textContent('fw-record .fw-notification-banner')) ?? '';
    const number = /(SMI\d{7}) has been created/.exec(banner)?.[1];
    expect(number, banner).to.be.a('string').and.not.equal(viewed.number);
    const made = (await fw.records.query('ssi_incident', { filter: { fact: 'record.number', operator: 'equal', value: number } }, { actor: fw.systemActor })).records[0]!;
    expect(made).to.include({ smart_metering_activity: 'operations', category: 'comms_hub', device_id: '00-DB-12-34-56-78-9A-BC', requester_first_name: 'Grace' });
    expect(await axeViolations(page)).to.deep.equal([]);
  });
});

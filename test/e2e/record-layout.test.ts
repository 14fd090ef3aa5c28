/**
 * Record pages people can work in, in Debian's Chromium at 1366×768: a 60-field record (bench/ui-definitions/wide),
 * an SSI incident and a CMS contact fit in three screens (2,304 px), with their header (number, title, state, queue
 * and assignee by name, actions) and one Save; a long form's sections are tabs, and an error summary's link opens
 * the tab of its field; the assignment controls sit behind an "Assignment" disclosure operated by keyboard; the
 * activity and related lists are WAI-ARIA tabs operated by keyboard (one tab stop, arrow keys, Home / End), and
 * axe-core finds no WCAG 2.1 AA violation on any tab. Lists show references by their labels (`display=all`), never
 * "Record 1a2b3c4d". Needs /usr/bin/chromium; without it the suite fails, it never skips.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createApp } from '../../platform/http/app.js';
import { assign, workflowService } from '../../platform/workflow/index.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, packRoot, REPO, type TestEngine } from '../support/engine.js';
import { waitFor } from '../support/wait.js';
import { axeViolations, focused, launchChromium, pageAs, tabTo } from './browser.js';

/** Three screens at 1366×768. */
const MAX_HEIGHT = 3 * 768;
/** The activity and related lists' tabs (the form's section tabs are another tab list). */
const RECORD_TABS = 'fw-record [role=tablist][aria-label="Activity and related records"] [role=tab]';

describe('Record page layout in Chromium at 1366×768', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const ids: Record<string, string> = {};
  let admin: TestUser;

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [packRoot('core'), packRoot('ssi'), join(REPO, 'catalog/ssi'), packRoot('cms'), join(REPO, 'bench/ui-definitions')], demoData: true });
    await fw.workflow.timers.stop();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    const actor = fw.systemActor;
    const wide: Record<string, unknown> = {};
    for (const f of fw.registry.current.getTable('bench_wide').fields.values()) if (f.type === 'string' && !f.system) wide[f.name] = `Value of ${f.name}`;
    ids.wide = String((await fw.records.createOne('bench_wide', wide, { actor })).id);
    ids.incident = String((await fw.records.createOne('ssi_incident', {
      requester_first_name: 'Ada', requester_last_name: 'Lovelace', requester_phone: '020 7946 0001', requester_email: 'ada@supplier-a.test',
      category: 'general', summary: 'Display flickers', details: 'The in-home display flickers after the update.',
    }, { actor })).id);
    const address = await fw.db.knex('cms_address').first();
    const contact = { shipper_code: 'AAS', address: address.id, market_sector: 'D', estimated_aq: 14500 };
    ids.contact = String((await fw.records.createOne('cms_contact', contact, { actor })).id);
    ids.assigned = String((await fw.records.createOne('cms_contact', contact, { actor })).id);
    ids.named = String((await fw.records.createOne('cms_contact', contact, { actor })).id);
    admin = await createUser(fw, { roles: ['admin'] });
    await fw.db.knex('sys_user').where({ id: admin.user.id }).update({ display_name: 'Ada Administrator' });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    ({ page } = await pageAs(browser, fw, server.url, admin, errors));
    await page.setViewportSize({ width: 1366, height: 768 });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });
  afterEach(() => expect(errors).to.deep.equal([]));

  /** Open a record page and wait for its form, workflow and activity to be drawn. */
  async function open(table: string, id: string) {
    await page.goto(`${server.url}/tables/${table}/${id}`);
    await page.waitForSelector('fw-record fw-form form');
    await page.waitForSelector('fw-activity .fw-timeline');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  }

  const pages = [['a 60-field record', 'bench_wide', 'wide'], ['an SSI incident', 'ssi_incident', 'incident'], ['a CMS contact', 'cms_contact', 'contact']] as const;
  for (const [name, table, key] of pages) {
    it(`shows ${name} within three screens, with its header, its sections as tabs, one Save and no axe violation`, async () => {
      await open(table, ids[key]!);
      const header = page.locator('fw-record .fw-record__header');
      expect(await header.locator('h1').textContent()).to.match(/\S/);
      if (table !== 'bench_wide') {
        await page.waitForSelector('fw-record .fw-record__header fw-workflow-actions [data-state]');
        expect(await header.locator('[data-part=queue]').textContent()).to.not.match(/_/);
        expect(await header.locator('[data-part=assignee]').textContent()).to.equal('Nobody');
        // The assignment controls are out of sight until asked for.
        expect(await page.isVisible('fw-record #wf-queue')).to.equal(false);
      }
      expect(await page.locator('fw-record [role=tablist][aria-label="Form sections"] [role=tab]').count()).to.be.at.least(2);
      expect(await page.locator('fw-record fw-form button[type=submit]').count()).to.equal(1);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      expect(height, `page height ${height}px`).to.be.at.most(MAX_HEIGHT);
      expect(await axeViolations(page)).to.deep.equal([]);
    });
  }

  it('opens the section tab of a field an error summary links to', async () => {
    await open('cms_contact', ids.contact!);
    const sections = 'fw-record [role=tablist][aria-label="Form sections"]';
    await page.click(`${sections} [role=tab]:has-text("Supply point"):not(:has-text("address"))`);
    await page.fill('#record-estimated_aq', '');
    await page.click(`${sections} [role=tab] >> nth=0`);
    expect(await page.isVisible('#record-estimated_aq')).to.equal(false);
    await page.click('fw-record fw-form button[type=submit]');
    await page.waitForSelector('fw-form .fw-error-summary a[href="#record-estimated_aq"]');
    expect(await page.textContent(`${sections} [role=tab]:has(.fw-tabs__note)`)).to.contain('Supply point').and.to.contain('1 error');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('fw-form .fw-error-summary a[href="#record-estimated_aq"]');
    expect(await focused(page)).to.equal('#record-estimated_aq');
    expect(await page.isVisible('#record-estimated_aq')).to.equal(true);
    expect(await page.getAttribute(`${sections} [role=tab][aria-selected=true]`, 'id')).to.equal(
      await page.getAttribute('fw-form [role=tabpanel]:has(#record-estimated_aq)', 'aria-labelledby'));
  });

  it('assigns from the header\'s Assignment disclosure by keyboard, and names the assignee, not their username', async () => {
    await open('cms_contact', ids.assigned!);
    await page.waitForSelector('fw-workflow-actions [data-state]');
    const toggle = 'fw-workflow-actions button[data-assignment]';
    expect(await page.getAttribute(toggle, 'aria-expanded')).to.equal('false');
    await tabTo(page, toggle, { max: 200 });
    await page.keyboard.press('Enter');
    await page.waitForFunction((s) => document.querySelector(s)?.getAttribute('aria-expanded') === 'true', toggle);
    expect(await page.isVisible('#wf-assignment')).to.equal(true);
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.keyboard.press('Tab');
    expect(await focused(page)).to.equal('button.fw-button.fw-button--secondary');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-assign'))).to.equal('me');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-part=assignee]')?.textContent === 'Ada Administrator');
    const text = (await page.textContent('fw-record .fw-record__header')) ?? '';
    expect(text).to.not.contain(admin.username);
    expect((await fw.records.readOne('cms_contact', ids.assigned!, { actor: fw.systemActor })).assigned_to).to.equal(admin.username);
    // Done: the panel is closed and the success message has focus.
    expect(await page.getAttribute(toggle, 'aria-expanded')).to.equal('false');
    await page.waitForFunction(() => document.activeElement?.classList.contains('fw-notification-banner') === true);
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('reads the record\'s display values once, for the header and the form\'s named fields alike', async () => {
    await assign(workflowService(fw), 'cms_contact', ids.named!, { user: admin.username }, fw.systemActor);
    const reads: string[] = [];
    const onRequest = (r: Request) => {
      const url = new URL(r.url());
      if (url.pathname === `/api/tables/cms_contact/${ids.named!}` && url.searchParams.has('display')) reads.push(url.search);
    };
    page.on('request', onRequest);
    try {
      await open('cms_contact', ids.named!);
      await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-part=assignee]')?.textContent === 'Ada Administrator');
      await page.waitForFunction(() => document.querySelector('fw-named-field #record-assigned_to')?.textContent === 'Ada Administrator');
      const queue = (await page.textContent('fw-workflow-actions [data-part=queue]'))?.trim();
      expect(queue).to.be.a('string').and.not.equal('Loading…');
      expect(await page.textContent('fw-named-field #record-queue')).to.equal(queue);
      expect(reads).to.deep.equal(['?display=all']);
      // A new version (returned to its queue from the header) is read once more, and the form follows the header.
      await page.click('fw-workflow-actions button[data-assignment]');
      await page.click('fw-workflow-actions button[data-assign=return]');
      await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-part=assignee]')?.textContent === 'Nobody');
      await page.waitForFunction(() => document.querySelector('fw-named-field #record-assigned_to')?.textContent === 'Not set');
      await waitFor(() => reads.length === 2, { message: 'the display values of the new version were not read' });
      expect(reads).to.deep.equal(['?display=all', '?display=all']);
    } finally {
      page.off('request', onRequest);
    }
  });

  it('shows the activity and related lists as tabs operated by keyboard, axe clean on each', async () => {
    await open('ssi_incident', ids.incident!);
    const tabs = page.locator(RECORD_TABS);
    const count = await tabs.count();
    expect(count).to.be.at.least(1);
    expect(await page.getAttribute(`${RECORD_TABS}[aria-selected=true]`, 'id')).to.equal('record-tab-activity');
    // One tab stop: only the selected tab is in the tab order.
    expect(await page.locator(`${RECORD_TABS}[tabindex="0"]`).count()).to.equal(1);
    await tabTo(page, '#record-tab-activity', { max: 200 });
    for (let i = 1; i <= count; i += 1) {
      expect(await axeViolations(page)).to.deep.equal([]);
      await page.keyboard.press('ArrowRight');
      const want = await tabs.nth(i % count).getAttribute('id');
      await page.waitForFunction((id) => document.activeElement?.id === id, want);
      expect(await page.getAttribute(`#${want!}`, 'aria-selected')).to.equal('true');
      const panel = await page.getAttribute(`#${want!}`, 'aria-controls');
      expect(await page.isVisible(`#${panel!}`)).to.equal(true);
    }
    await page.keyboard.press('End');
    await page.waitForFunction((id) => document.activeElement?.id === id, await tabs.nth(count - 1).getAttribute('id'));
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.activeElement?.id === 'record-tab-activity');
    expect(await focused(page)).to.equal('#record-tab-activity');
  });

  it('lists references by their labels, not by ids', async () => {
    await page.goto(`${server.url}/tables/cms_contact?columns=number,address,shipper_code`);
    await page.waitForSelector('fw-list .fw-table__body .fw-table__row');
    const text = (await page.textContent('fw-list .fw-table__body')) ?? '';
    expect(text).to.not.match(/Record [0-9a-f]{8}/);
    const address = await fw.db.knex('cms_address').first();
    expect(text).to.contain(String(address.summary));
    expect(await axeViolations(page)).to.deep.equal([]);
  });
});

/**
 * Record pages people can work in, in Debian's Chromium at 1366×768: a 60-field record (bench/ui-definitions/wide),
 * an SSI incident and a CMS contact show their header (number, title, state, actions) and one Save; the activity
 * and related lists are WAI-ARIA tabs operated by keyboard (one tab stop, arrow keys, Home /
 * End), and axe-core finds no WCAG 2.1 AA violation on any tab. Lists show references by their labels
 * (`display=all`), never "Record 1a2b3c4d". Needs /usr/bin/chromium; without it the suite fails, it never skips.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createApp } from '../../platform/http/app.js';
import { createUser, listen, type RunningServer } from '../support/auth.js';
import { createTestEngine, packRoot, REPO, type TestEngine } from '../support/engine.js';
import { axeViolations, focused, launchChromium, pageAs, tabTo } from './browser.js';

describe('Record page layout in Chromium at 1366×768', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const ids: Record<string, string> = {};

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [packRoot('core'), packRoot('ssi'), packRoot('cms'), join(REPO, 'bench/ui-definitions')], demoData: true });
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
    ids.contact = String((await fw.records.createOne('cms_contact', { shipper_code: 'AAS', address: address.id, market_sector: 'D', estimated_aq: 14500 }, { actor })).id);
    const admin = await createUser(fw, { roles: ['admin'] });
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

  for (const [name, table] of [['a 60-field record', 'bench_wide'], ['an SSI incident', 'ssi_incident'], ['a CMS contact', 'cms_contact']] as const) {
    it(`shows ${name} with its header, one Save and no axe violation`, async () => {
      const key = table === 'bench_wide' ? 'wide' : table === 'ssi_incident' ? 'incident' : 'contact';
      await open(table, ids[key]!);
      if (table !== 'bench_wide') await page.waitForSelector('fw-record .fw-record__header fw-workflow-actions [data-state]');
      expect(await page.locator('fw-record fw-form button[type=submit]').count()).to.equal(1);
      expect(await axeViolations(page)).to.deep.equal([]);
    });
  }

  it('shows the activity and related lists as tabs operated by keyboard, axe clean on each', async () => {
    await open('ssi_incident', ids.incident!);
    const tabs = page.locator('fw-record [role=tab]');
    const count = await tabs.count();
    expect(count).to.be.at.least(1);
    expect(await page.getAttribute('fw-record [role=tab][aria-selected=true]', 'id')).to.equal('record-tab-activity');
    // One tab stop: only the selected tab is in the tab order.
    expect(await page.locator('fw-record [role=tab][tabindex="0"]').count()).to.equal(1);
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

/**
 * Form links in Chromium (test/fixtures/packs/form-links): a record's page offers the links the person may use as
 * link-styled buttons, a link whose condition does not hold of the record is not shown, and each opens its target
 * prefilled — a form's new-record page with the record as the reference and its title as the summary, and a
 * catalogue item's order page with its variables answered from the record. A person who may not create in the
 * targets sees none. axe-core finds no WCAG 2.1 AA violation on any state shown.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, fixture, packRoot, type TestEngine } from '../support/engine.js';
import { axeViolations, launchChromium, signInInBrowser } from './browser.js';

describe('form links on a record page in Chromium', function () {
  this.timeout(90_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let reader: TestUser;
  let viewer: TestUser;
  const docs: Record<string, { id: string; number: string }> = {};
  const errors: string[] = [];

  async function open(who: TestUser): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signInInBrowser(page, fw, server.url, who);
    return page;
  }

  async function openRecord(page: Page, key: string): Promise<void> {
    await page.goto(`${server.url}/tables/fl_doc/${docs[key]!.id}`);
    await page.waitForSelector('fw-record fw-form');
  }

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [packRoot('core'), fixture('packs/form-links')] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    reader = await createUser(fw, { roles: ['fl_reader'] });
    viewer = await createUser(fw, { roles: ['fl_viewer'] });
    for (const [key, title, status] of [['published', 'Meter reading guide', 'published'], ['draft', 'Tariff changes', 'draft']] as const) {
      const r = await fw.records.createOne('fl_doc', { title, status, body: 'How to read a meter.', secret: 'internal only' }, { actor: fw.systemActor });
      docs[key] = { id: r.id as string, number: r.number as string };
    }
    server = await listen(createApp(fw));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('offers the links whose condition holds and opens each target prefilled from the record', async () => {
    const page = await open(reader);
    await openRecord(page, 'published');
    await page.waitForSelector('fw-record-links a[data-link=change]');
    const group = page.locator('fw-record-links [role=group]');
    expect(await group.getAttribute('aria-label')).to.equal('Start from this record');
    expect(await group.locator('a').allTextContents()).to.deep.equal(['Raise a ticket about this', 'Request a change', 'Note it in a table']);
    expect(await axeViolations(page)).to.deep.equal([]);

    // The catalogue item's order page answers its variables from the record; the withheld note is not carried.
    await page.click('fw-record-links a[data-link=change]');
    await page.waitForSelector('fw-catalog-item fw-order-form');
    expect(new URL(page.url()).pathname).to.equal('/catalog/items/fl_change');
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('#order-subject')?.value ?? '') !== '');
    expect(await page.inputValue('#order-subject')).to.equal('Meter reading guide');
    expect(await page.inputValue('#order-document')).to.equal(docs.published!.number);
    expect(await page.inputValue('#order-reason')).to.equal('');
    expect(await axeViolations(page)).to.deep.equal([]);

    // The form's new-record page starts with the record as the reference and its title as the summary.
    await openRecord(page, 'published');
    await page.waitForSelector('fw-record-links a[data-link=ticket]');
    await page.focus('fw-record-links a[data-link=ticket]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('fw-new-record fw-form');
    expect(new URL(page.url()).pathname).to.equal('/forms/fl_ticket/new');
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('#new-summary')?.value ?? '') !== '');
    expect(await page.inputValue('#new-summary')).to.equal('Meter reading guide');
    expect(new URL(page.url()).searchParams.get('about')).to.equal(docs.published!.id);
    expect(await axeViolations(page)).to.deep.equal([]);

    // A draft does not meet the change link's condition.
    await openRecord(page, 'draft');
    await page.waitForSelector('fw-record-links a[data-link=ticket]');
    expect(await page.locator('fw-record-links a').allTextContents()).to.deep.equal(['Raise a ticket about this', 'Note it in a table']);
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('offers none to a person who may not create in the targets', async () => {
    const page = await open(viewer);
    await openRecord(page, 'published');
    expect(await page.locator('fw-record-links a').count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});

/**
 * The service catalogue's portal in Chromium (playwright-core, Debian's browser) against the real engine and API, on
 * a small catalogue of its own (test/fixtures/catalog-ui): browsing and searching, an item page whose UI policy
 * reveals a mandatory question, a multi-row set, a server-side refusal mapped into the error summary, ordering with
 * the confirmation, "My requests" and the request page (an update, cancelling), the cart (two services, a quantity
 * changed, one removed, checkout), an order guide, an attachment, and an order made with the keyboard alone.
 * axe-core finds no WCAG 2.1 AA violation on any page or state.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, fixture, packRoot, type TestEngine } from '../support/engine.js';
import { axeViolations, focused, launchChromium, pageAs, tabTo } from './browser.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('Service catalogue portal in Chromium', function () {
  this.timeout(60_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let user: TestUser;
  const errors: string[] = [];

  /** Wait for the text of `selector` to contain `text`. */
  const waitText = (selector: string, text: string) =>
    page.waitForFunction(([s, t]) => document.querySelector(s!)?.textContent?.includes(t!) === true, [selector, text]);
  const noAxe = async () => expect(await axeViolations(page)).to.deep.equal([]);
  /** The focused element's text. */
  const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [packRoot('core'), fixture('catalog-ui')] });
    await fw.workflow.timers.stop();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    // Ordering needs no role; the record producer creates its record as the person, who may create feedback.
    user = await createUser(fw, { org: 'ACME', roles: ['ui_feedback_giver'] });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    ({ context, page } = await pageAs(browser, fw, server.url, user, errors));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  afterEach(() => {
    expect(errors, 'errors in the page').to.deep.equal([]);
  });

  it('browses from the menu through a category to an item, its price and delivery time in words', async () => {
    await page.click('fw-nav >> text=Service catalogue');
    await page.waitForSelector('fw-catalog-home .fw-catalog-card');
    expect(await page.textContent('fw-catalog-home h1')).to.equal('Service catalogue');
    expect(await page.textContent('fw-catalog-home')).to.contain('Workplace services').and.to.contain('Equipment').and.to.contain('Access');
    // A sub-category is shown in its parent, not at the top.
    expect(await page.textContent('fw-catalog-home')).not.to.contain('Lighting');
    await noAxe();

    await page.click('fw-catalog-home a:has-text("Equipment")');
    await page.waitForSelector('fw-catalog-category h1');
    expect(await page.textContent('fw-catalog-category h1')).to.equal('Equipment');
    await page.waitForFunction(() => document.activeElement?.matches('fw-catalog-category h1') === true);
    const category = await page.textContent('fw-catalog-category');
    expect(category).to.contain('Lighting').and.to.contain('Monitor').and.to.contain('Set up a new desk');
    expect(category).to.contain('£150.00, then £5.00 a month. Delivered within 3 days');
    expect(await page.textContent('fw-breadcrumbs')).to.contain('Service catalogue');
    expect(await page.title()).to.equal('Equipment – Formwork');
    await noAxe();

    await page.click('fw-catalog-category a:has-text("Monitor")');
    await page.waitForSelector('fw-order-form form');
    expect(await page.textContent('fw-catalog-item h1')).to.equal('Monitor');
    await page.waitForFunction(() => document.activeElement?.matches('fw-catalog-item h1') === true);
    const item = await page.textContent('fw-catalog-item');
    expect(item).to.contain('£150.00, then £5.00 a month').and.to.contain('Delivered within 3 days');
    expect(item).to.contain('ask for an arm if you need one');
    expect(item).not.to.contain('ui_monitor');
    expect(await page.textContent('fw-breadcrumbs')).to.contain('Equipment');
    // The orderer's email is filled in for them.
    expect(await page.inputValue('#order-contact_email')).to.equal(`${user.username}@example.test`);
    // Two half-width questions share a row.
    const tag = (await page.locator('.fw-order-field--half:has(#order-asset_tag)').boundingBox())!;
    const email = (await page.locator('.fw-order-field--half:has(#order-contact_email)').boundingBox())!;
    expect(email.x).to.be.greaterThan(tag.x + tag.width - 1);
    expect(Math.abs(email.y - tag.y)).to.be.lessThan(2);
    await noAxe();
  });

  it('says an item, category or request the person cannot see is not found', async () => {
    await page.goto(`${server.url}/catalog/items/ui_nothing`);
    await waitText('fw-catalog-item h1', 'Service not found');
    expect(await page.textContent('fw-catalog-item .fw-error-summary')).to.contain('The service cannot be shown');
    expect(await page.title()).to.equal('Service not found – Formwork');
    await noAxe();
    await page.goto(`${server.url}/catalog/categories/ui_nothing`);
    await waitText('fw-catalog-category h1', 'Category not found');
    await noAxe();
    await page.goto(`${server.url}/catalog/requests/01a24f59-8759-70e4-bac4-d31ddbbe05e0`);
    await waitText('fw-catalog-request h1', 'Request not found');
    await noAxe();
  });

  it('searches titles, descriptions and keywords, and says when nothing matches', async () => {
    await page.goto(`${server.url}/catalog`);
    await page.waitForSelector('#catalog-search');
    await page.fill('#catalog-search', 'display');
    await page.press('#catalog-search', 'Enter');
    await waitText('fw-catalog-home', 'Search results for “display”');
    expect(new URL(page.url()).search).to.equal('?q=display');
    await waitText('fw-catalog-home [role=status]', '1 service matches your search.');
    expect(await page.textContent('fw-catalog-home .fw-catalog-cards')).to.contain('Monitor');
    await noAxe();

    await page.fill('#catalog-search', 'submarine');
    await page.press('#catalog-search', 'Enter');
    await waitText('fw-catalog-home', 'Nothing matches “submarine”');
    await waitText('fw-catalog-home [role=status]', 'Nothing matches your search.');
    await noAxe();
  });

  it('reveals a question by UI policy, makes it mandatory and lists what is missing in the error summary', async () => {
    await page.goto(`${server.url}/catalog/items/ui_monitor`);
    await page.waitForSelector('fw-order-form form');
    expect(await page.isVisible('#order-arm_type')).to.equal(false);
    await page.check('#order-wants_arm');
    await page.waitForSelector('#order-arm_type');
    expect(await page.textContent('label[for=order-arm_type]')).to.contain('(required)');
    await page.click('fw-order-form button[value=order]');
    await page.waitForSelector('fw-order-form .fw-error-summary');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-error-summary'))).to.equal(true);
    const summary = await page.textContent('fw-order-form .fw-error-summary');
    expect(summary).to.contain('Select size').and.to.contain('Enter arm type');
    expect(await page.title()).to.match(/^Error: /);
    await noAxe();
    await page.click('fw-order-form .fw-error-summary a:has-text("Enter arm type")');
    expect(await focused(page)).to.equal('#order-arm_type');
  });

  it('asks for rows of a multi-row set in a table with labelled cells and announces the row limit', async () => {
    expect(await page.textContent('fw-multi-row')).to.contain('You can add up to 2 rows.');
    await page.click('#order-ui_cables');
    await page.waitForSelector('[id="order-ui_cables[0].cable"]');
    expect(await focused(page)).to.equal('#order-ui_cables[0].cable');
    expect(await page.textContent('label[for="order-ui_cables[0].cable"]')).to.contain('Cable, row 1');
    await waitText('fw-multi-row [role=status]', 'Row 1 added. 1 row of at most 2.');
    await page.click('#order-ui_cables');
    await page.waitForSelector('[id="order-ui_cables[1].cable"]');
    expect(await page.textContent('fw-multi-row')).to.contain('You have added the most rows allowed (2).');
    await noAxe();
    await page.click('fw-multi-row button:has-text("Remove") >> nth=1');
    await waitText('fw-multi-row [role=status]', 'Row 2 removed. 1 row left.');
    expect(await page.$('[id="order-ui_cables[1].cable"]')).to.equal(null);
    await page.fill('[id="order-ui_cables[0].cable"]', 'HDMI');
    await page.fill('[id="order-ui_cables[0].metres"]', '2');
    await noAxe();
  });

  it('maps the server’s refusal of an answer (422) back to its question in the error summary', async () => {
    await page.check('label:has-text("24 inch")');
    await page.fill('#order-arm_type', 'Gas spring');
    await page.fill('#order-asset_tag', 'AT-12');
    await page.fill('#order-quantity', '2');
    await page.click('fw-order-form button[value=order]');
    await waitText('fw-order-form .fw-error-summary', 'Enter the desk asset tag like AT-1234');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-error-summary'))).to.equal(true);
    expect(await page.getAttribute('#order-asset_tag', 'aria-invalid')).to.equal('true');
    expect(await page.textContent('fw-order-form .fw-form-group--error')).to.contain('Enter the desk asset tag like AT-1234');
    expect(await page.textContent('fw-order-form .fw-error-summary')).not.to.contain('Select size');
    expect(new URL(page.url()).pathname).to.equal('/catalog/items/ui_monitor');
    await noAxe();
    await page.click('fw-order-form .fw-error-summary a:has-text("asset tag")');
    expect(await focused(page)).to.equal('#order-asset_tag');
  });

  let requestNumber = '';

  it('orders and confirms with the request number, linked to the request page', async () => {
    await page.fill('#order-asset_tag', 'AT-1234');
    await page.click('fw-order-form button[value=order]');
    await page.waitForSelector('fw-order-confirmation .fw-panel');
    expect(new URL(page.url()).pathname).to.equal('/catalog/confirmation');
    await page.waitForFunction(() => document.activeElement?.matches('fw-order-confirmation h1') === true);
    requestNumber = (await page.textContent('fw-order-confirmation .fw-panel a'))!.trim();
    expect(requestNumber).to.match(/^REQ\d+$/);
    expect(await page.textContent('fw-order-confirmation')).to.match(/RITM\d+: Monitor \(2\)/);
    expect(await page.title()).to.equal('Order placed – Formwork');
    await noAxe();
  });

  it('shows the request page with its items, answers in words, approvals and updates', async () => {
    await page.click(`fw-order-confirmation .fw-panel a:has-text("${requestNumber}")`);
    await page.waitForSelector('fw-catalog-request h1');
    expect(await page.textContent('fw-catalog-request h1')).to.equal(requestNumber);
    const text = await page.textContent('fw-catalog-request');
    expect(text).to.contain('Monitor (RITM').and.to.contain('Size').and.to.contain('24 inch');
    expect(text).to.contain('Do you need a monitor arm?').and.to.contain('Yes').and.to.contain('Gas spring');
    expect(text).to.contain('Cable, row 1').and.to.contain('HDMI');
    expect(text).to.contain('Submitted').and.to.contain('There are no updates yet.');
    expect(text).not.to.contain('ui_monitor').and.not.to.contain('wants_arm');
    await noAxe();
  });

  it('adds an update with a type and text, and refuses one without text', async () => {
    await page.check('label:has-text("Chase")');
    await page.click('fw-catalog-request button:has-text("Add update")');
    await waitText('fw-catalog-request .fw-error-summary', 'Enter your update');
    await noAxe();
    await page.fill('#update-text', 'Any news on this?');
    await page.click('fw-catalog-request button:has-text("Add update")');
    await waitText('fw-catalog-request .fw-notification-banner', 'Your update has been added.');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-notification-banner'))).to.equal(true);
    const updates = await page.textContent('fw-catalog-request .fw-timeline');
    expect(updates).to.contain('Chase').and.to.contain('Any news on this?');
    await noAxe();
  });

  it('lists the request under My requests and the organisation’s requests, with its status', async () => {
    await page.click('fw-nav >> text=My requests');
    await page.waitForSelector('fw-catalog-requests table');
    expect(await page.textContent('fw-catalog-requests h1')).to.equal('My requests');
    const row = await page.textContent(`fw-catalog-requests tr:has-text("${requestNumber}")`);
    expect(row).to.contain('Monitor').and.to.contain('Submitted').and.to.contain('Chase');
    expect(await page.getAttribute('fw-catalog-requests a:has-text("My requests")', 'aria-current')).to.equal('page');
    await noAxe();
    await page.click('fw-catalog-requests a:has-text("My organisation’s requests")');
    await waitText('fw-catalog-requests h1', 'My organisation’s requests');
    await page.waitForSelector(`fw-catalog-requests tr:has-text("${requestNumber}")`);
    expect(await page.textContent('fw-catalog-requests thead')).to.contain('Raised by');
    await noAxe();
  });

  it('cancels the request after asking to confirm', async () => {
    await page.click(`fw-catalog-requests a:has-text("${requestNumber}")`);
    await page.waitForSelector('#cancel-start');
    await page.click('#cancel-start');
    await page.waitForSelector('#cancel-confirm');
    expect(await focused(page)).to.equal('#cancel-question');
    await noAxe();
    await page.click('#cancel-confirm');
    await waitText('fw-catalog-request .fw-notification-banner', 'Your request has been cancelled.');
    expect(await page.textContent('fw-catalog-request .fw-summary-list')).to.contain('Cancelled');
    expect(await page.$('#cancel-start')).to.equal(null);
    await noAxe();
  });

  it('fills a cart with two services, changes a quantity, removes one and checks out', async () => {
    await page.goto(`${server.url}/catalog/items/ui_lamp`);
    await page.waitForSelector('fw-order-form form');
    await page.check('label:has-text("White")');
    await page.click('fw-order-form button[value=cart]');
    await waitText('fw-order-form .fw-notification-banner', 'Desk lamp has been added to your cart.');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-notification-banner'))).to.equal(true);
    await noAxe();

    await page.goto(`${server.url}/catalog/items/ui_monitor`);
    await page.waitForSelector('fw-order-form form');
    await page.check('label:has-text("27 inch")');
    await page.click('fw-order-form button[value=cart]');
    await waitText('fw-order-form .fw-notification-banner', 'Monitor has been added to your cart.');
    await page.click('fw-order-form a:has-text("View your cart")');

    await page.waitForSelector('fw-catalog-cart table');
    expect(await page.textContent('fw-catalog-cart caption')).to.equal('2 services in your cart');
    expect(await page.textContent('fw-catalog-cart tr:has-text("Desk lamp")')).to.contain('Colour: White');
    await noAxe();
    const lamp = page.locator('fw-catalog-cart tr:has-text("Desk lamp")');
    await lamp.locator('input').fill('9');
    await lamp.locator('button:has-text("Change")').click();
    await waitText('fw-catalog-cart .fw-error-summary', 'Quantity of Desk lamp must be a whole number from 1 to 5');
    await noAxe();
    await lamp.locator('input').fill('3');
    await lamp.locator('button:has-text("Change")').click();
    await waitText('fw-catalog-cart [role=status]', 'The quantity of Desk lamp is now 3.');
    expect(await page.$('fw-catalog-cart .fw-error-summary')).to.equal(null);

    await page.locator('fw-catalog-cart tr:has-text("Monitor") button:has-text("Remove")').click();
    await waitText('fw-catalog-cart caption', '1 service in your cart');
    await waitText('fw-catalog-cart [role=status]', 'Monitor has been removed from your cart.');
    expect(await page.inputValue('fw-catalog-cart tr:has-text("Desk lamp") input')).to.equal('3');
    await noAxe();

    await page.click('#cart-checkout');
    await page.waitForSelector('fw-order-confirmation .fw-panel');
    expect(await page.textContent('fw-order-confirmation')).to.match(/RITM\d+: Desk lamp \(3\)/);
    await noAxe();
    await page.goto(`${server.url}/catalog/cart`);
    await waitText('fw-catalog-cart', 'Your cart is empty.');
  });

  it('walks an order guide: its questions choose the services, each checked with the answers cascaded, then the cart', async () => {
    await page.goto(`${server.url}/catalog/guides/ui_new_desk`);
    await page.waitForSelector('fw-order-form form');
    await noAxe();
    await page.check('label:has-text("Black")');
    await page.click('fw-order-form button[value=choose]');
    await waitText('#guide-step', 'check service 1 of 1: Desk lamp');
    expect(await focused(page)).to.equal('#guide-step');
    expect(await page.isChecked('label:has-text("Black")')).to.equal(true);
    await noAxe();
    await page.click('fw-order-form button[value=cart]');
    await page.waitForSelector('fw-catalog-cart table');
    expect(await page.textContent('fw-catalog-cart tr:has-text("Desk lamp")')).to.contain('Colour: Black');
    await page.click('#cart-checkout');
    await page.waitForSelector('fw-order-confirmation .fw-panel');
  });

  it('stages an attachment with its rules in the hint, and refuses an order without the required one', async () => {
    await page.goto(`${server.url}/catalog/items/ui_badge`);
    await page.waitForSelector('#order-attachments');
    expect(await page.textContent('#order-attachments-hint')).to.contain('Attach a passport photo.').and.to.contain('Files must be PNG image.');
    await page.fill('#order-building', 'North');
    await page.click('fw-order-form button[value=order]');
    await waitText('fw-order-form .fw-error-summary', 'Attach at least one file');
    await noAxe();
    await page.setInputFiles('#order-attachments', { name: 'me.png', mimeType: 'image/png', buffer: PNG });
    await waitText('#order-attachments-status', 'me.png has been uploaded.');
    expect(await page.$('fw-order-form .fw-error-summary .fw-error-summary__list li')).to.equal(null);
    expect(await page.textContent('fw-order-attachments .fw-file-list')).to.contain('me.png');
    await noAxe();
    await page.click('fw-order-form button[value=order]');
    await page.waitForSelector('fw-order-confirmation .fw-panel');
  });

  it('submits a record producer and confirms with the new record’s number, offering no cart', async () => {
    await page.goto(`${server.url}/catalog/items/ui_feedback`);
    await page.waitForSelector('fw-order-form form');
    expect(await page.$$eval('fw-order-form button[type=submit]', (bs) => bs.map((b) => b.textContent!.trim()))).to.deep.equal(['Submit']);
    await page.fill('#order-summary', 'More plants');
    await page.fill('#order-story', 'The third floor is grey.');
    await page.click('fw-order-form button[value=order]');
    await page.waitForSelector('fw-order-confirmation .fw-panel');
    expect(await page.textContent('fw-order-confirmation h1')).to.equal('Submitted');
    expect(await page.textContent('fw-order-confirmation .fw-panel')).to.match(/FB\d+/);
    await noAxe();
    await page.click('fw-order-confirmation .fw-panel a');
    await waitText('fw-record h1', 'More plants');
    const record = await fw.db.knex(fw.registry.current.getTable('ui_feedback').physical).first();
    expect(record).to.include({ summary: 'More plants', details: 'The third floor is grey.' });
    await noAxe();
  });

  it('orders with the keyboard alone, focus moving to each new page’s heading', async () => {
    await page.goto(`${server.url}/catalog`);
    await page.waitForSelector('fw-catalog-home .fw-catalog-card');
    await tabTo(page, 'fw-catalog-home a[href="/catalog/categories/ui_equipment"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.matches('fw-catalog-category h1') === true);
    await tabTo(page, 'fw-catalog-category a[href="/catalog/categories/ui_lighting"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.matches('fw-catalog-category h1') === true);
    expect(await focusedText()).to.equal('Lighting');
    await tabTo(page, 'fw-catalog-category a[href="/catalog/items/ui_lamp"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.matches('fw-catalog-item h1') === true);
    await page.waitForSelector('fw-order-form form');
    await tabTo(page, '#order-colour');
    await page.keyboard.press('Space');
    expect(await page.isChecked('#order-colour')).to.equal(true);
    await tabTo(page, '#order-quantity');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2');
    await tabTo(page, 'fw-order-form button[value=order]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('fw-order-confirmation .fw-panel');
    await page.waitForFunction(() => document.activeElement?.matches('fw-order-confirmation h1') === true);
    expect(await page.textContent('fw-order-confirmation')).to.match(/RITM\d+: Desk lamp \(2\)/);
    await tabTo(page, 'fw-order-confirmation .fw-panel a');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.matches('fw-catalog-request h1') === true);
    await noAxe();
  });
});

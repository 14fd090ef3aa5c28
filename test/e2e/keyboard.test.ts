/**
 * WCAG 2.1.1 (keyboard): the "Raise an incident" form completed in Chromium with the keyboard alone — Tab and
 * Shift+Tab to move, typing, Space for checkboxes and radios, the arrow keys in radio groups, Enter to follow links
 * and to submit. A checkbox makes a UI policy reveal a mandatory field; a failed submit moves focus to the error
 * summary, whose links move focus to the fields; once fixed the incident is created. axe-core finds no WCAG 2.1 AA
 * violation on the form with a policy applied, with errors, nor on the record page after saving.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, freshTotpCode, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, type TestEngine } from '../support/engine.js';
import { axeViolations, focused, launchChromium, tabTo } from './browser.js';

describe('Keyboard only: raising an incident (Chromium)', function () {
  this.timeout(60_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  const errors: string[] = [];
  /** The label of the priority chosen with the arrow keys. */
  let priority = '';

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    user = await createUser(fw, { roles: ['admin'] });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('signs in with the keyboard', async () => {
    await page.goto(`${server.url}/sign-in`);
    await page.waitForSelector('fw-sign-in form');
    await tabTo(page, '#sign-in-username');
    await page.keyboard.type(user.username);
    await page.keyboard.press('Tab');
    expect(await focused(page)).to.equal('#sign-in-password');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#mfa-code');
    await tabTo(page, '#mfa-code');
    await page.keyboard.type(await freshTotpCode(fw, user.user.id, user.secret!));
    await page.keyboard.press('Enter');
    await page.waitForSelector('fw-home h1');
  });

  it('opens "Raise an incident" from the navigation with Enter', async () => {
    await tabTo(page, 'fw-nav a[href="/forms/incident/new"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('fw-form form');
    expect(new URL(page.url()).pathname).to.equal('/forms/incident/new');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('types a description and ticks "Outage" with Space, which reveals a mandatory field (UI policy)', async () => {
    await tabTo(page, '#new-short_description');
    await page.keyboard.type('Raised by keyboard');
    expect(await page.isVisible('#new-affected_sites')).to.equal(false);
    await tabTo(page, '#new-symptoms-2');
    expect(await page.textContent('label[for=new-symptoms-2]')).to.equal('Outage');
    await page.keyboard.press('Space');
    await page.waitForSelector('#new-affected_sites');
    expect(await page.isChecked('#new-symptoms-2')).to.equal(true);
    expect(await page.textContent('label[for=new-affected_sites]')).to.contain('(required)');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('moves focus to the error summary when Enter on the submit button finds problems', async () => {
    await tabTo(page, 'fw-form button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('fw-form .fw-error-summary');
    expect(await focused(page)).to.equal('div.fw-error-summary');
    const summary = await page.textContent('fw-form .fw-error-summary');
    expect(summary).to.contain('Select category').and.to.contain('Enter affected sites');
    expect(await page.getAttribute('#new-affected_sites', 'aria-invalid')).to.equal('true');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('follows a summary link with Enter to the field and fixes it by typing', async () => {
    await tabTo(page, 'fw-form .fw-error-summary a[href="#new-affected_sites"]');
    await page.keyboard.press('Enter');
    expect(await focused(page)).to.equal('#new-affected_sites');
    await page.keyboard.type('3');
  });

  it('follows the category link back, chooses with Space and the arrow keys, and changes the priority with the arrow keys', async () => {
    await tabTo(page, 'fw-form .fw-error-summary a[href="#new-category"]', { back: true });
    await page.keyboard.press('Enter');
    expect(await focused(page)).to.equal('#new-category');
    await page.keyboard.press('Space');
    expect(await page.isChecked('#new-category')).to.equal(true);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.textContent('label[for=new-category-2]')).to.equal('Software');
    expect(await page.isChecked('#new-category-2')).to.equal(true);
    expect(await focused(page)).to.equal('#new-category-2');

    // Tab enters a radio group at its checked radio (the default priority); the arrow keys move the choice.
    await tabTo(page, 'input[name="new-priority"]:checked');
    const before = await focused(page);
    await page.keyboard.press('ArrowUp');
    expect(await focused(page)).to.not.equal(before);
    expect(await page.isChecked(await focused(page))).to.equal(true);
    priority = (await page.textContent(`label[for=${(await focused(page)).slice(1)}]`))!;
  });

  it('submits with Enter in a text field and opens the new record, with no axe violations', async () => {
    await tabTo(page, '#new-affected_sites');
    await page.keyboard.press('Enter');
    await page.waitForSelector('fw-record h1');
    expect(await page.textContent('fw-record h1')).to.contain('Raised by keyboard');
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const stored = await fw.records.readOne('incident', id, { actor: fw.systemActor });
    const priorityValue = fw.registry.current.getTable('incident').fields.get('priority')!.choices!.find((c) => c.label === priority)?.value;
    expect(stored).to.include({ short_description: 'Raised by keyboard', category: 'software', affected_sites: 3, priority: priorityValue });
    expect(stored.symptoms).to.deep.equal(['outage']);
    await page.waitForSelector('fw-activity .fw-timeline');
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});

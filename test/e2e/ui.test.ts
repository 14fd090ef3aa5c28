/**
 * The browser UI in Debian's Chromium (playwright-core, no downloaded browser), against the real engine and API:
 * sign in with password and TOTP, a form whose UI policy reveals a mandatory field, the error summary, creating a
 * record, attaching a file to it, finding it in the list and seeing its history; axe-core finds no WCAG 2.1 AA violation
 * on any page.
 * Needs Debian's Chromium at /usr/bin/chromium (`.ci/run` installs it); without it the suite fails, it never skips.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, freshTotpCode, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, type TestEngine } from '../support/engine.js';
import { axeViolations, launchChromium } from './browser.js';

describe('UI in Chromium', function () {
  this.timeout(60_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  const errors: string[] = [];

  before(async function () {
    await ensureUiBuilt();
    // The system clock: the browser compares session expiry times with its own clock.
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

  it('sends a visitor to the sign-in page, which has no axe violations', async () => {
    await page.goto(`${server.url}/tables/task`);
    await page.waitForSelector('fw-sign-in h1');
    expect(new URL(page.url()).pathname).to.equal('/sign-in');
    expect(await page.title()).to.equal('Sign in – Formwork');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('moves focus to the error summary when signing in with empty fields', async () => {
    await page.click('fw-sign-in button[type=submit]');
    await page.waitForSelector('fw-sign-in .fw-error-summary');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-error-summary'))).to.equal(true);
    expect(await page.title()).to.match(/^Error: /);
    expect(await page.getAttribute('#sign-in-username', 'aria-describedby')).to.contain('sign-in-username-error');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('signs in with password and TOTP and returns to the page asked for', async () => {
    await page.fill('#sign-in-username', user.username);
    await page.fill('#sign-in-password', user.password);
    await page.click('fw-sign-in button[type=submit]');
    await page.waitForSelector('#mfa-code');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.fill('#mfa-code', await freshTotpCode(fw, user.user.id, user.secret!));
    await page.click('fw-mfa button[type=submit]');
    await page.waitForFunction(() => document.querySelector('fw-list .fw-list__count')?.textContent?.includes('No tasks found'));
    expect(new URL(page.url()).pathname).to.equal('/tables/task');
    expect(await page.title()).to.equal('Tasks – Formwork');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('shows the menus in the navigation, and the home page shows work instead', async () => {
    await page.click('.fw-header__service');
    await page.waitForSelector('fw-home h1');
    expect(await page.textContent('fw-nav')).to.contain('Raise an incident');
    await page.waitForSelector('fw-home [data-empty], fw-home .fw-home__cards');
    expect(await page.textContent('fw-home')).not.to.contain('Raise an incident');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('reveals a field by UI policy, makes it mandatory, and reports it in the error summary', async () => {
    await page.click('fw-nav >> text=Raise an incident');
    await page.waitForSelector('fw-form form');
    expect(await page.isVisible('#new-affected_sites')).to.equal(false);
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.check('label:has-text("Outage")');
    await page.waitForSelector('#new-affected_sites');
    expect(await page.textContent('label[for=new-affected_sites]')).to.contain('(required)');
    // The length limits in force (declared, and a text field's default) stop typing where the server would refuse.
    expect(await page.getAttribute('#new-short_description', 'maxlength')).to.equal('160');
    expect(await page.getAttribute('#new-description', 'maxlength')).to.equal('100000');
    await page.fill('#new-short_description', 'Browser test');
    await page.click('fw-form button[type=submit]');
    await page.waitForSelector('fw-form .fw-error-summary');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-error-summary'))).to.equal(true);
    const summary = await page.textContent('fw-form .fw-error-summary');
    expect(summary).to.contain('Enter affected sites').and.to.contain('Select category');
    expect(await page.getAttribute('#new-affected_sites', 'aria-invalid')).to.equal('true');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('fw-form .fw-error-summary a:has-text("Enter affected sites")');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('new-affected_sites');
  });

  it('creates the record once the errors are fixed and opens its page with the activity stream', async () => {
    await page.fill('#new-affected_sites', '4');
    await page.check('label:has-text("Software")');
    await page.fill('#new-comments', 'Seen from the browser');
    await page.click('fw-form button[type=submit]');
    await page.waitForSelector('fw-record h1');
    expect(await page.textContent('fw-record h1')).to.contain('Browser test');
    await page.waitForSelector('fw-activity .fw-timeline');
    const activity = await page.textContent('fw-activity');
    expect(activity).to.contain('Created').and.to.contain('Seen from the browser');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('uploads a file through the attachment field, announces it, lists it as a download and reports a refused one', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
    expect(await page.textContent('#record-evidence-hint')).to.contain('smaller than 10 MB');
    expect(await page.getAttribute('#record-evidence', 'aria-describedby')).to.contain('record-evidence-status');
    await page.setInputFiles('#record-evidence', { name: 'screen.png', mimeType: 'image/png', buffer: png });
    await page.waitForFunction(() => document.querySelector('#record-evidence-status')?.textContent?.includes('screen.png has been uploaded'));
    expect(await page.getAttribute('#record-evidence-status', 'aria-live')).to.equal('polite');
    const href = await page.getAttribute('fw-attachment-field a:has-text("screen.png")', 'href');
    const downloaded = await page.evaluate(async (url) => [...new Uint8Array(await (await fetch(url!)).arrayBuffer())], href);
    expect(Buffer.from(downloaded).equals(png)).to.equal(true);
    await page.waitForFunction(() => document.querySelector('fw-activity')?.textContent?.includes('screen.png'));
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.setInputFiles('#record-evidence', { name: 'setup.png', mimeType: 'image/png', buffer: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300)]) });
    await page.waitForSelector('fw-form .fw-error-summary');
    expect(await page.textContent('fw-form .fw-error-summary')).to.contain('The content of the selected file is not image/png');
    expect(await page.getAttribute('#record-evidence', 'aria-invalid')).to.equal('true');
    expect(await page.textContent('fw-attachment-field .fw-error-message')).to.contain('is not image/png');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('finds the record in the filtered list and shows its change in the history', async () => {
    await page.fill('#record-short_description', 'Browser test, edited');
    await page.click('fw-form button[type=submit]');
    await page.waitForSelector('fw-form .fw-notification-banner--success');
    await page.click('fw-breadcrumbs a:has-text("Incidents")');
    await page.waitForSelector('fw-list table');
    await page.click('fw-list summary');
    await page.selectOption('fw-filter-builder select >> nth=0', 'short_description');
    await page.fill('fw-filter-builder input[type=text]', 'edited');
    await page.click('fw-filter-builder button[type=submit]');
    await page.waitForFunction(() => document.querySelector('.fw-list__count')?.textContent?.includes('of 1 '));
    await page.click('fw-list tbody a');
    await page.waitForSelector('fw-activity .fw-timeline');
    const activity = await page.textContent('fw-activity');
    expect(activity).to.contain('Browser test, edited');
    expect(errors).to.deep.equal([]);
  });
});

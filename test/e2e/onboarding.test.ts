/**
 * A new person's first sign-in in Chromium, in the README's order: password, authenticator code, a new password in
 * place of the temporary one, their details — then straight on to the home page, which says the details were saved
 * (no page with only a Continue button). axe-core finds no WCAG 2.1 AA violation on any step.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, freshTotpCode, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, type TestEngine } from '../support/engine.js';
import { axeViolations, launchChromium } from './browser.js';

const NEW_PASSWORD = 'seven bright kites over the bay';

describe('First sign-in in Chromium', function () {
  this.timeout(60_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let newcomer: TestUser;
  const errors: string[] = [];

  before(async function () {
    await ensureUiBuilt();
    fw = await createTestEngine();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    newcomer = await createUser(fw, { roles: ['agent'], mustChangePassword: true, profileConfirmed: false });
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

  it('goes from the code to a new password, then the details, then home with the details confirmed', async () => {
    await page.goto(`${server.url}/sign-in`);
    await page.fill('#sign-in-username', newcomer.username);
    await page.fill('#sign-in-password', newcomer.password);
    await page.click('fw-sign-in button[type=submit]');
    await page.waitForSelector('#mfa-code');
    await page.fill('#mfa-code', await freshTotpCode(fw, newcomer.user.id, newcomer.secret!));
    await page.click('fw-mfa button[type=submit]');

    await page.waitForSelector('fw-change-password form');
    expect(new URL(page.url()).pathname).to.equal('/sign-in/new-password');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.fill('#password-current', newcomer.password);
    await page.fill('#password-new', NEW_PASSWORD);
    await page.fill('#password-confirm', NEW_PASSWORD);
    await page.click('fw-change-password button[type=submit]');

    await page.waitForSelector('fw-profile form');
    expect(new URL(page.url()).pathname).to.equal('/sign-in/profile');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.fill('#profile-first_name', 'Nia');
    await page.fill('#profile-last_name', 'Newcomer');
    await page.fill('#profile-email', 'nia.newcomer@example.test');
    await page.fill('#profile-phone', '+44 20 7946 0123');
    await page.click('fw-profile button[type=submit]');

    await page.waitForSelector('fw-home h1');
    expect(new URL(page.url()).pathname).to.equal('/');
    const banner = await page.textContent('fw-home .fw-notification-banner');
    expect(banner).to.match(/details/i);
    expect(await page.textContent('body')).not.to.contain('Continue');
    expect(await axeViolations(page)).to.deep.equal([]);
    const row = await fw.db.knex('sys_user').where({ id: newcomer.user.id }).first('first_name', 'profile_confirmed', 'must_change_password');
    expect(row).to.deep.include({ first_name: 'Nia' });
    expect(Boolean(row.profile_confirmed)).to.equal(true);
    expect(Boolean(row.must_change_password)).to.equal(false);
    expect(errors).to.deep.equal([]);
  });
});

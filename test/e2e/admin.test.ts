/**
 * The account and administration pages in Debian's Chromium (playwright-core) against the real engine and API, with
 * mail through a real SMTP server on loopback: the set-password page, the profile with bookmarks, saved views and
 * CSV export of a list, and an organisation administrator's users, new-user form, consents and access log. An
 * administrator creates a user, the mailed link opens the set-password page, and the password it sets works.
 * axe-core finds no WCAG 2.1 AA violation on any of these pages.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { actorForUser, createPartyCode } from '../../platform/access/identity/index.js';
import type { RegistryHolder } from '../../platform/definitions/registry.js';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createMailer } from '../../platform/notify/mailer.js';
import { createUser, ensureOrg, freshTotpCode, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, type TestEngine } from '../support/engine.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { axeViolations, launchChromium, signInInBrowser } from './browser.js';

const NEW_PASSWORD = 'five quiet lanterns over water';

describe('Account and administration pages in Chromium', function () {
  this.timeout(60_000);
  let fw: TestEngine;
  let server: RunningServer;
  let smtp: TestSmtpServer;
  let browser: Browser;
  let page: Page;
  let admin: TestUser;
  let colleague: TestUser;
  const errors: string[] = [];
  /** The set-password token mailed to the user the administrator created. */
  let mailedToken = '';

  before(async function () {
    await ensureUiBuilt();
    fw = await createTestEngine();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    smtp = await startSmtpServer();
    fw.mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'Formwork <formwork@example.test>' }, fw.log);
    const home = await ensureOrg(fw, 'E2E-HOME');
    await createPartyCode(fw, { orgId: home.id, code: 'E2E-UID-1', name: 'North depot' });
    await createPartyCode(fw, { orgId: home.id, code: 'E2E-UID-2', name: 'South depot' });
    const partner = await ensureOrg(fw, 'E2E-PARTNER');
    await createPartyCode(fw, { orgId: partner.id, code: 'PTN-UID-1' });
    admin = await createUser(fw, { username: 'e2e.admin', roles: ['ssi_org_admin', 'agent'], org: 'E2E-HOME' });
    colleague = await createUser(fw, { username: 'e2e.colleague', roles: ['agent'], org: 'E2E-HOME' });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    fw?.mailer.close();
    await smtp?.close();
    await fw?.dispose();
  });

  it('shows a set-password link that is not valid, without a session, with no axe violations', async () => {
    await page.goto(`${server.url}/reset-password#token=${'x'.repeat(43)}`);
    await page.waitForSelector('fw-reset-password h1:has-text("This link is not valid")');
    expect(new URL(page.url()).pathname).to.equal('/reset-password');
    expect(await page.title()).to.equal('This link is not valid – Formwork');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('signs the administrator in and shows the administration pages in the navigation', async () => {
    await signInInBrowser(page, fw, server.url, admin);
    const nav = await page.textContent('fw-nav');
    expect(nav).to.contain('Administration').and.to.contain('Users').and.to.contain('Access log');
  });

  it('shows the profile with the interface transactions by their menu names, and bookmarks a page from the header', async () => {
    await page.click('.fw-header__link:has-text("Your profile")');
    await page.waitForSelector('fw-account-profile table');
    expect(await page.title()).to.equal('Your profile – Formwork');
    const profile = await page.textContent('fw-account-profile');
    expect(profile).to.contain('e2e.admin').and.to.contain('Organisational Administrator').and.to.contain('E2E-HOME');
    // Transactions by what the menus call them, never by their ids.
    expect(profile).to.not.match(/UC_\w+/);
    const allowed = await page.textContent('fw-account-profile tr:has(th:text-is("Raise an incident")) td');
    expect(allowed).to.equal('Yes');
    expect(await page.textContent('fw-account-profile tr:has(th:has-text("Open incidents (service desk)")) td')).to.equal('No');
    const denied = await page.$$eval('fw-account-profile tbody td', (tds) => tds.filter((td) => td.textContent === 'No').length);
    expect(denied).to.be.greaterThan(0);
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.click('fw-bookmark-toggle button');
    await page.waitForSelector('fw-bookmark-toggle button[aria-pressed="true"]');
    await page.click('.fw-header__service');
    await page.waitForSelector('fw-home #home-bookmarks');
    expect(await page.textContent('fw-home .fw-home__bookmarks')).to.contain('Your profile');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('fw-home .fw-home__bookmarks a');
    await page.waitForSelector('fw-account-profile .fw-bookmarks');
    await page.click('fw-account-profile .fw-bookmarks__remove');
    await page.waitForFunction(() => document.querySelector('#bookmarks-status')?.textContent?.includes('has been removed'));
    await page.waitForSelector('fw-bookmark-toggle button[aria-pressed="false"]');
  });

  it('saves a personal view of a list and offers the list as a CSV download', async () => {
    await fw.records.createOne('task', { short_description: '=HYPERLINK("x")' }, { actor: await actorForUser(fw, admin.user) });
    await page.click('fw-nav >> text=Tasks');
    await page.waitForSelector('fw-list fw-list-views');
    await page.click('fw-list th button:has-text("Priority")');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('sort') === 'priority');
    await page.click('fw-list-views summary');
    await page.click('fw-list-views button[type=submit]');
    await page.waitForSelector('fw-list-views .fw-error-summary');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-error-summary'))).to.equal(true);
    await page.fill('#view-name', 'Tasks by priority');
    await page.click('fw-list-views button[type=submit]');
    await page.waitForSelector('fw-list h1:has-text("Tasks by priority")');
    expect(await page.textContent('fw-list-views .fw-list-views__saved')).to.contain('Tasks by priority');
    expect(await page.getAttribute('fw-list-views .fw-list-views__saved a', 'aria-current')).to.equal('true');
    expect(new URL(page.url()).searchParams.get('sort')).to.equal('priority');
    const [saved] = await fw.db.knex('sys_saved_view').where({ user_id: admin.user.id }).select('table_name', 'name', 'sort');
    expect(saved).to.deep.equal({ table_name: 'task', name: 'Tasks by priority', sort: 'priority' });
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.waitForSelector('fw-list .fw-list__export a');
    const href = await page.getAttribute('fw-list .fw-list__export a', 'href');
    expect(href).to.match(/^\/api\/tables\/task\/export\?/).and.to.contain('fields=');
    expect(await page.getAttribute('fw-list .fw-list__export a', 'download')).to.not.equal(null);
    const csv = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { status: res.status, disposition: res.headers.get('content-disposition'), text: await res.text() };
    }, href!);
    expect(csv.status).to.equal(200);
    expect(csv.disposition).to.match(/^attachment; filename="task-/);
    expect(csv.text).to.contain("'=HYPERLINK");
  });

  it('lists the organisation\'s users in a sortable table with no axe violations', async () => {
    await page.click('fw-nav >> text=Users');
    await page.waitForSelector('fw-admin-users table');
    expect(await page.title()).to.equal('Users – Formwork');
    const names = await page.$$eval('fw-admin-users tbody th', (ths) => ths.map((t) => t.textContent?.trim()));
    expect(names).to.deep.equal(['e2e.admin', 'e2e.colleague']);
    expect(await page.getAttribute('fw-admin-users th[aria-sort]', 'aria-sort')).to.equal('ascending');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('fw-admin-users button:has-text("Username")');
    await page.waitForFunction(() => document.querySelector('fw-admin-users th[aria-sort]')?.getAttribute('aria-sort') === 'descending');
    await page.waitForFunction(() => document.querySelector('fw-admin-users tbody th')?.textContent?.trim() === 'e2e.colleague');
    expect(new URL(page.url()).searchParams.get('sort')).to.equal('-username');
  });

  it('checks the new user form: errors in the summary, and whether the username is taken as it is typed', async () => {
    await page.click('a:has-text("Create a user")');
    await page.waitForSelector('fw-admin-user-new form');
    await page.waitForSelector('#new-user-roles');
    await page.click('fw-admin-user-new button[type=submit]');
    await page.waitForSelector('fw-admin-user-new .fw-error-summary');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-error-summary'))).to.equal(true);
    expect(await page.title()).to.equal('Error: Create a user – Formwork');
    const summary = await page.textContent('fw-admin-user-new .fw-error-summary');
    expect(summary).to.contain('Enter a username').and.to.contain('Enter a first name').and.to.contain('Enter an email address');
    expect(await page.getAttribute('#new-user-username', 'aria-invalid')).to.equal('true');
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.fill('#new-user-username', 'E2E.Colleague');
    await page.waitForFunction(() => document.querySelector('#new-user-username-status')?.textContent?.includes('already taken'));
    await page.fill('#new-user-username', 'e2e.newcomer');
    await page.waitForFunction(() => document.querySelector('#new-user-username-status')?.textContent?.includes('is available'));
    // Typed values not yet saved: leaving asks first (dismissed here, so the page and what was typed stay).
    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => { resolve(d.message()); void d.dismiss(); }));
    await page.click('fw-admin-user-new a:has-text("Cancel")');
    expect(await asked).to.contain('unsaved changes');
    expect(await page.inputValue('#new-user-username')).to.equal('e2e.newcomer');
  });

  it('creates the user, who is mailed a link to choose a password', async () => {
    const since = smtp.messages.length;
    await page.fill('#new-user-firstName', 'Nia');
    await page.fill('#new-user-lastName', 'Newcomer');
    await page.fill('#new-user-email', 'nia.newcomer@example.test');
    await page.check('fw-admin-user-new input[name=roles][value=agent]');
    await page.check('fw-admin-user-new input[name=userIds][value="E2E-UID-1"]');
    // The line manager is picked by name from the keyboard; usernames are not shown.
    await fw.db.knex('sys_user').where({ id: colleague.user.id }).update({ display_name: 'Cole League' });
    await page.fill('#new-user-manager', 'cole');
    await page.waitForSelector('#new-user-manager-listbox li[role=option]');
    expect(await page.textContent('#new-user-manager-listbox')).to.contain('Cole League').and.not.contain('e2e.colleague');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.press('#new-user-manager', 'ArrowDown');
    await page.press('#new-user-manager', 'Enter');
    expect(await page.inputValue('#new-user-manager')).to.equal('Cole League');
    await page.click('fw-admin-user-new button[type=submit]');
    await page.waitForSelector('fw-admin-user .fw-notification-banner--success');
    expect(await page.textContent('fw-admin-user .fw-notification-banner')).to.contain('e2e.newcomer has been created');
    expect(await page.textContent('fw-admin-user h1')).to.contain('Nia Newcomer');
    const mail = await smtp.waitFor((m) => m.to.includes('nia.newcomer@example.test'), { since });
    const token = /\/reset-password#token=([A-Za-z0-9_-]{43})\b/.exec(mail.text)?.[1];
    expect(token, mail.text).to.be.a('string');
    mailedToken = token!;
    const row = await fw.db.knex('sys_user').where({ username_key: 'e2e.newcomer' }).first('id', 'manager_id');
    expect(row.manager_id).to.equal(colleague.user.id);
    expect(await page.textContent('fw-admin-user dl')).to.contain('Cole League');
    const roles = await fw.db.knex('sys_user_role').where({ user_id: row.id }).pluck('role');
    expect(roles).to.deep.equal(['agent']);
    expect(await axeViolations(page)).to.deep.equal([]);

    // Deleting asks first; cancelling returns to the button and changes nothing.
    await page.click('fw-admin-user button:has-text("Delete account")');
    await page.waitForSelector('fw-admin-user .fw-confirm');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-confirm__title'))).to.equal(true);
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('fw-admin-user .fw-confirm button:has-text("Cancel")');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-action') === 'delete');
    expect((await fw.db.knex('sys_user').where({ id: row.id }).first('status')).status).to.equal('active');
  });

  it('records and rescinds a consent, and has no User ID to grant access to, with no axe violations', async () => {
    await page.click('fw-nav >> text=Consents');
    await page.waitForSelector('fw-admin-consents form');
    await page.waitForFunction(() => !document.querySelector('fw-admin-consents')?.textContent?.includes('Loading'));
    await page.click('fw-admin-consents button:has-text("Record consent")');
    await page.waitForSelector('fw-admin-consents .fw-error-summary');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.check('label:has-text("Sharing our User IDs")');
    await page.selectOption('#consent-counterparty', { label: 'Organisation E2E-PARTNER (E2E-PARTNER)' });
    await page.check('fw-admin-consents input[name=userIds][value="E2E-UID-1"]');
    await page.click('fw-admin-consents button:has-text("Record consent")');
    await page.waitForSelector('fw-admin-consents .fw-notification-banner--success');
    const table = await page.textContent('fw-admin-consents table');
    expect(table).to.contain('E2E-PARTNER').and.to.contain('E2E-UID-1').and.to.contain('In force');
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.click('fw-admin-consents button:has-text("Rescind")');
    await page.waitForSelector('fw-admin-consents .fw-confirm');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-confirm__title'))).to.equal(true);
    await page.click('fw-admin-consents button:has-text("Yes, rescind the consent")');
    await page.waitForFunction(() => document.querySelector('fw-admin-consents table')?.textContent?.includes('Rescinded'));

    await page.click('fw-nav >> text=Access to shared User IDs');
    await page.waitForSelector('fw-admin-grants .fw-inset-text');
    expect(await page.textContent('fw-admin-grants')).to.contain('No User IDs are shared with your organisation');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('reports the access log by organisation, user or day with a CSV download, with no axe violations', async () => {
    await page.click('fw-nav >> text=Access log');
    await page.waitForSelector('fw-admin-access-log #report-heading');
    await page.waitForSelector('fw-admin-access-log section table');
    expect(await page.textContent('fw-admin-access-log section table')).to.contain('E2E-HOME');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.check('label:has-text("User")');
    await page.click('fw-admin-access-log button:has-text("Show report")');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('groupBy') === 'user');
    await page.waitForFunction(() => document.querySelector('fw-admin-access-log section table')?.textContent?.includes('e2e.admin'));
    const href = await page.getAttribute('fw-admin-access-log a[download]', 'href');
    expect(href).to.contain('format=csv').and.to.contain('groupBy=user');
    const csv = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { status: res.status, disposition: res.headers.get('content-disposition'), text: await res.text() };
    }, href!);
    expect(csv.status).to.equal(200);
    expect(csv.disposition).to.match(/^attachment;/);
    expect(csv.text.split('\n')[0]).to.contain('Sign-ins');
    expect(await page.textContent('fw-admin-access-log')).to.contain('Entries');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('shows a platform administrator whether the definitions are in force, and every problem of a refused change', async () => {
    expect(await page.textContent('fw-nav')).to.not.contain('Definitions');
    const boss = await createUser(fw, { username: 'e2e.platform', roles: ['admin'], org: 'E2E-HOME' });
    const context = await browser.newContext();
    const own = await context.newPage();
    try {
      await signInInBrowser(own, fw, server.url, boss);
      await own.click('fw-nav >> text="Definitions"');
      await own.waitForSelector('fw-admin-definitions dl');
      expect(await own.textContent('fw-admin-definitions')).to.contain('Up to date');
      expect(await axeViolations(own)).to.deep.equal([]);
      (fw.registry as RegistryHolder).reject([{
        file: '/srv/formwork/catalog/it/items/laptop.json', pointer: '/variables/model/default',
        message: 'Model must be one of standard, pro; got "ultra".', expected: 'one of: standard, pro',
      }]);
      await own.reload();
      await own.waitForSelector('fw-admin-definitions table');
      const text = await own.textContent('fw-admin-definitions');
      expect(text).to.contain('Last change refused').and.to.contain('catalog/it/items/laptop.json').and.to.contain('/variables/model/default');
      expect(text).to.not.contain('/srv/formwork');
      expect(await axeViolations(own)).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('sets the new user\'s password from the mailed link, after which the password signs in', async () => {
    await page.click('fw-app .fw-header__button:has-text("Sign out")');
    await page.waitForSelector('fw-sign-in h1');
    await page.goto(`${server.url}/reset-password#token=${mailedToken}`);
    await page.waitForSelector('fw-reset-password form');
    expect(await page.textContent('fw-reset-password')).to.contain('e2e.newcomer');
    await page.fill('#reset-new', 'too short');
    await page.fill('#reset-confirm', 'something else');
    await page.click('fw-reset-password button[type=submit]');
    await page.waitForSelector('fw-reset-password .fw-error-summary');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-error-summary'))).to.equal(true);
    expect(await page.textContent('fw-reset-password .fw-error-summary')).to.contain('at least 12 characters').and.to.contain('do not match');
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.fill('#reset-new', NEW_PASSWORD);
    await page.fill('#reset-confirm', NEW_PASSWORD);
    await page.click('fw-reset-password button[type=submit]');
    await page.waitForSelector('fw-reset-password .fw-panel');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-panel__title'))).to.equal(true);
    expect(page.url()).not.to.contain(mailedToken);
    expect(await axeViolations(page)).to.deep.equal([]);

    const res = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'e2e.newcomer', password: NEW_PASSWORD }),
    });
    expect(res.status).to.equal(200);
    expect(((await res.json()) as { data: { stage: string } }).data.stage).to.equal('mfa_enrol');
    await page.click('fw-reset-password a:has-text("Sign in")');
    await page.waitForSelector('fw-sign-in h1');
  });

  it('shows no administration to a person who is not an administrator, and the server refuses it', async () => {
    await page.fill('#sign-in-username', colleague.username);
    await page.fill('#sign-in-password', colleague.password);
    await page.click('fw-sign-in button[type=submit]');
    await page.waitForSelector('#mfa-code');
    await page.fill('#mfa-code', await freshTotpCode(fw, colleague.user.id, colleague.secret!));
    await page.click('fw-mfa button[type=submit]');
    await page.waitForSelector('fw-home h1');
    expect(await page.textContent('fw-nav')).to.contain('Tasks').and.not.to.contain('Administration');
    expect(await page.textContent('fw-home')).not.to.contain('Access log');
    await page.goto(`${server.url}/admin/users`);
    await page.waitForSelector('fw-admin-users .fw-notification-banner');
    expect(await page.textContent('fw-admin-users')).to.contain('You do not have access to user administration');
    expect(errors).to.deep.equal([]);
  });
});

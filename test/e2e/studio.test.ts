/**
 * The studio in Debian's Chromium against the real engine and API: a configurator starts a change set from the
 * keyboard, adds a small table as JSON, sees a bad value refused at its JSON pointer in the error summary (its link
 * puts the cursor there), fixes it, adds a form, a role and a menu entry, meets a save that another window's save
 * overtook, checks and publishes the change set, then finds the version, its author and its diff. The new menu entry
 * then opens the new table's list for an end user of the new role. axe-core finds no WCAG 2.1 AA violation in any
 * of these states.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { CORE_DEFINITIONS, createTestEngine, type TestEngine } from '../support/engine.js';
import { axeViolations, focused, launchChromium, pageAs, signInInBrowser, tabTo } from './browser.js';

const badTable = {
  kind: 'table', name: 'loan_item', label: 'Loan item', pluralLabel: 'Loan items', displayField: 'title',
  fields: { title: { type: 'strng', label: 'Title', required: true, maxLength: 100 } },
};
const table = { ...badTable, fields: { title: { ...badTable.fields.title, type: 'string' } } };
const form = { kind: 'form', name: 'loan_item', table: 'loan_item', label: 'Loan item', sections: [{ columns: [['title']] }] };
const role = {
  kind: 'role', name: 'loan_clerk', label: 'Loan clerk', tables: [{ table: 'loan_item', operations: ['read', 'create'] }],
};
const menu = { kind: 'menu', name: 'loans', label: 'Loans', order: 80, items: [{ label: 'Loan items', table: 'loan_item' }] };

describe('The studio in Chromium', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let configurator: TestUser;
  let changeSetUrl = '';
  const errors: string[] = [];

  /** Replace the editor's text, from the keyboard: select all, then type (insert) the JSON. */
  async function typeDefinition(p: Page, value: unknown) {
    await p.focus('#definition-json');
    await p.keyboard.press('ControlOrMeta+A');
    await p.keyboard.press('Delete');
    await p.keyboard.insertText(JSON.stringify(value, null, 2));
  }

  /** Open a definition of the change set by kind and machine name (a template when new), by pointer. */
  async function openDefinition(kind: string, name: string) {
    await page.goto(changeSetUrl);
    await page.selectOption('#definition-kind', kind);
    await page.fill('#definition-name', name);
    await page.click('button:has-text("Open definition")');
    // The designer of the kind opens first; these tests edit the JSON.
    await page.click('#tab-json');
    await page.waitForSelector('#definition-json');
  }

  async function saveAs(value: unknown) {
    await page.fill('#definition-json', JSON.stringify(value, null, 2));
    await page.click('fw-studio-definition button:has-text("Save")');
    await page.waitForSelector('#save-status:has-text("Saved. No problems found")');
  }

  before(async function () {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    configurator = await createUser(fw, { username: 'e2e.studio.cfg', roles: ['configurator'], org: 'E2E-STUDIO' });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    // A context of its own: the test opens a second window of the same session in it.
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('offers the Studio menu to a configurator and browses definitions by kind, with labels and labelled machine names', async () => {
    await signInInBrowser(page, fw, server.url, configurator);
    await page.click('fw-nav >> text="Browse definitions"');
    await page.waitForSelector('fw-studio-definitions table');
    expect(await page.title()).to.equal('Definitions – Studio – Formwork');
    await page.selectOption('#studio-kind', 'role');
    await page.fill('#studio-q', 'config');
    await page.click('fw-studio-definitions button:has-text("Search")');
    await page.waitForURL(/\/studio\?kind=role&q=config$/);
    await page.waitForSelector('fw-studio-definitions [data-definition="role/configurator"]');
    const rows = await page.locator('fw-studio-definitions tbody tr').count();
    expect(rows).to.equal(1);
    const row = (await page.textContent('[data-definition="role/configurator"]')) ?? '';
    expect(row).to.contain('Configurator').and.to.contain('Role').and.to.contain('Core pack').and.to.contain('Name: configurator');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('starts a change set from the keyboard', async () => {
    await page.click('fw-studio-definitions .fw-sub-nav >> text=Change sets');
    await page.waitForSelector('#changeset-name');
    // Nothing typed: the error summary names the field.
    await tabTo(page, 'fw-studio-changesets button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.fw-error-summary a[href="#changeset-name"]');
    await page.waitForFunction(() => document.activeElement?.classList.contains('fw-error-summary'));
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await focused(page)).to.equal('#changeset-name');
    await page.keyboard.type('Equipment loans');
    await page.keyboard.press('Enter');
    await page.waitForSelector('fw-studio-changeset h1:has-text("Equipment loans")');
    expect(await page.textContent('fw-studio-changeset .fw-notification-banner')).to.contain('Change set "Equipment loans" has been started.');
    expect(await page.textContent('fw-studio-changeset')).to.contain('No definition has been changed yet.');
    changeSetUrl = page.url();
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('adds a table as JSON: a bad value is shown at its pointer, its link puts the cursor there, the fix saves clean', async () => {
    await tabTo(page, '#definition-kind');
    expect(await page.inputValue('#definition-kind')).to.equal('table');
    await page.keyboard.press('Tab');
    await page.keyboard.type('loan_item');
    await page.keyboard.press('Enter');
    await page.click('#tab-json');
    await page.waitForSelector('#definition-json');
    // A new name starts from the kind's template.
    expect(await page.textContent('fw-studio-definition')).to.contain('This is a new table');
    expect(JSON.parse(await page.inputValue('#definition-json'))).to.include({ kind: 'table', name: 'loan_item' });
    expect(await page.getAttribute('#tab-json', 'aria-selected')).to.equal('true');
    expect(await axeViolations(page)).to.deep.equal([]);

    await typeDefinition(page, badTable);
    await tabTo(page, 'fw-studio-definition button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#definition-errors');
    expect(await focused(page)).to.equal('#definition-errors');
    const summary = (await page.textContent('#definition-errors')) ?? '';
    expect(summary).to.contain('Saved, but there is a problem').and.to.contain('/fields/title/type');
    expect(await axeViolations(page)).to.deep.equal([]);

    await tabTo(page, '#definition-errors a');
    await page.keyboard.press('Enter');
    expect(await focused(page)).to.equal('#definition-json');
    const selected = await page.evaluate(() => {
      const t = document.querySelector<HTMLTextAreaElement>('#definition-json')!;
      return t.value.slice(t.selectionStart, t.selectionEnd);
    });
    expect(selected).to.equal('"type"');

    await typeDefinition(page, table);
    await tabTo(page, 'fw-studio-definition button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#save-status:has-text("Saved. No problems found")');
    expect(await page.locator('#definition-errors').count()).to.equal(0);
    expect(await page.textContent('fw-studio-definition h1')).to.equal('Loan item');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('says when another window saved the definition first, with their time, and loads their version', async () => {
    const other = await page.context().newPage();
    await other.goto(page.url());
    await other.click('#tab-json');
    await other.waitForSelector('#definition-json');
    await saveAs({ ...table, label: 'Loan item (first)' });
    await other.fill('#definition-json', JSON.stringify({ ...table, label: 'Loan item (second)' }, null, 2));
    await other.click('fw-studio-definition button:has-text("Save")');
    await other.waitForSelector('#overtaken');
    expect(await other.evaluate(() => document.activeElement?.id)).to.equal('overtaken');
    expect(await other.textContent('#overtaken')).to.match(/Someone else saved this definition at \d+ \w+ \d{4}/);
    expect(await axeViolations(other)).to.deep.equal([]);
    await other.click('#overtaken button:has-text("Load their version")');
    await other.waitForSelector('#save-status:has-text("Their version has been loaded.")');
    expect(JSON.parse(await other.inputValue('#definition-json')).label).to.equal('Loan item (first)');
    await other.close();
    await saveAs(table);
  });

  it('adds a form, a role and a menu entry; checks the change set; publishes it with a comment from the keyboard', async () => {
    await openDefinition('form', 'loan_item');
    await saveAs(form);
    await openDefinition('role', 'loan_clerk');
    await saveAs(role);
    await openDefinition('menu', 'loans');
    await saveAs(menu);
    await page.click('a:has-text("Back to the change set")');
    await page.waitForSelector('fw-studio-changeset [data-definition="menu/loans"]');
    const edits = (await page.textContent('fw-studio-changeset table')) ?? '';
    expect(edits).to.contain('Loan item').and.to.contain('Loan clerk').and.to.contain('Loans');

    await tabTo(page, '#validate-button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#check-result:has-text("No problems found")');
    expect(await page.textContent('#check-result')).to.contain('changes to the database');
    expect(await axeViolations(page)).to.deep.equal([]);

    await tabTo(page, '#publish-comment');
    await page.keyboard.type('Equipment loans: table, form, role and menu');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('fw-studio-version h1:has-text("Version 1")');
    expect(await page.textContent('fw-studio-version .fw-notification-banner')).to.contain('Version 1 has been published.');
    const diff = page.locator('fw-studio-version [data-diff="table/loan_item"]');
    expect(await diff.textContent()).to.contain('Table').and.to.contain('Added');
    expect(await page.textContent('fw-studio-version')).to.contain('Changes since version 0').and.to.contain('In force');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('lists the version with its author by name, the time in words and the comment', async () => {
    await page.click('fw-studio-version .fw-sub-nav >> text=Versions');
    await page.waitForSelector('fw-studio-versions [data-version="1"]');
    const row = (await page.textContent('fw-studio-versions [data-version="1"]')) ?? '';
    const person = await fw.db.knex('sys_user').where({ id: configurator.user.id }).first('display_name');
    expect(person.display_name).to.be.a('string').and.not.equal('');
    expect(row).to.contain('Version 1').and.to.contain(person.display_name).and.to.contain('just now')
      .and.to.contain('Equipment loans: table, form, role and menu').and.to.contain('Change set "Equipment loans"');
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('compares a later version with the one before, per pointer, and rolls back to the earlier one after confirming', async () => {
    await page.goto(`${server.url}/studio/changesets`);
    await page.fill('#changeset-name', 'Loan notes');
    await page.click('fw-studio-changesets button[type=submit]');
    await page.waitForSelector('fw-studio-changeset h1:has-text("Loan notes")');
    changeSetUrl = page.url();
    await openDefinition('table', 'loan_item');
    await saveAs({ ...table, fields: { ...table.fields, notes: { type: 'text', label: 'Notes' } } });
    await page.goto(changeSetUrl);
    await page.click('fw-studio-changeset button:has-text("Publish change set")');
    await page.waitForSelector('fw-studio-version h1:has-text("Version 2")');
    const change = page.locator('[data-diff="table/loan_item"] tbody tr');
    expect(await change.count()).to.equal(1);
    const cells = await change.locator('th, td').allTextContents();
    expect(cells.map((c) => c.trim())).to.deep.equal(['/fields/notes', 'Added', '', '{"type":"text","label":"Notes"}']);
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.click('fw-studio-version .fw-sub-nav >> text=Versions');
    await page.click('fw-studio-versions a:has-text("Version 1")');
    await page.waitForSelector('#rollback-button');
    await page.click('#rollback-button');
    await page.waitForSelector('.fw-confirm__title');
    expect(await focused(page)).to.equal('#confirm-title');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('.fw-confirm button:has-text("Roll back to version 1")');
    await page.waitForSelector('fw-studio-version h1:has-text("Version 3")');
    expect(await page.textContent('fw-studio-version .fw-notification-banner')).to.contain('Version 1 has been published again as version 3.');
    expect(await page.textContent('fw-studio-version')).to.contain('Rollback to version 1');
    // Against version 2, the rollback took the notes field out again.
    await page.selectOption('#compare-with', '2');
    await page.click('fw-studio-version button:has-text("Compare")');
    await page.waitForSelector('fw-studio-version h2:has-text("Changes since version 2")');
    expect(await page.textContent('[data-diff="table/loan_item"]')).to.contain('/fields/notes').and.to.contain('Removed');
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('shows the new menu entry to an end user of the new role, which opens the new table\'s list', async () => {
    const clerk = await createUser(fw, { username: 'e2e.studio.clerk', roles: ['loan_clerk'], org: 'E2E-STUDIO' });
    const pageErrors: string[] = [];
    let context: BrowserContext | null = null;
    try {
      const opened = await pageAs(browser, fw, server.url, clerk, pageErrors);
      context = opened.context;
      const p = opened.page;
      await p.click('fw-nav >> text=Loan items');
      await p.waitForSelector('fw-list h1:has-text("Loan items")');
      expect(await p.locator('fw-nav >> text=Change sets').count()).to.equal(0);
      expect(await axeViolations(p)).to.deep.equal([]);
      expect(pageErrors).to.deep.equal([]);
    } finally {
      await context?.close();
    }
  });
});

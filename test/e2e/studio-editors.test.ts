/**
 * The definition page's tabs and its schema-generated editor in Debian's Chromium against the real engine: a
 * configurator edits a new role in the generated form, sees the change in the JSON tab (reached from the keyboard),
 * meets a bad value at its control as typed and after saving (the error summary's link focuses that control), saves
 * it clean, then deletes it after a confirmation on the page. axe-core finds no WCAG 2.1 AA violation in any state.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { CORE_DEFINITIONS, createTestEngine, type TestEngine } from '../support/engine.js';
import { axeViolations, focused, launchChromium, signInInBrowser, tabTo } from './browser.js';

describe('The studio\'s definition tabs and generated editor in Chromium', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let configurator: TestUser;
  const errors: string[] = [];
  const control = (pointer: string) => `fw-schema-editor [data-pointer="${pointer}"]`;
  const json = async () => JSON.parse(await page.inputValue('#definition-json')) as Record<string, unknown>;

  before(async function () {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    configurator = await createUser(fw, { username: 'e2e.editors.cfg', roles: ['configurator'], org: 'E2E-EDITORS' });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signInInBrowser(page, fw, server.url, configurator);
    await page.goto(`${server.url}/studio/changesets`);
    await page.fill('#changeset-name', 'Desk access');
    await page.click('fw-studio-changesets button[type=submit]');
    await page.waitForSelector('fw-studio-changeset h1:has-text("Desk access")');
    await page.selectOption('#definition-kind', 'role');
    await page.fill('#definition-name', 'desk_clerk');
    await page.click('button:has-text("Open definition")');
    await page.waitForSelector('#tab-settings');
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('opens an editor tab (not the JSON) by default, shows the generated form in words, and moves between tabs from the keyboard', async () => {
    // The first purpose-built tab for roles, if another part offers one, else the generated form.
    expect(await page.getAttribute('#tab-json', 'aria-selected')).to.equal('false');
    expect(await page.getAttribute('#tab-json', 'tabindex')).to.equal('-1');
    await page.click('#tab-settings');
    await page.waitForSelector('fw-schema-editor .fw-schema');
    expect(await page.getAttribute('#tab-settings', 'aria-selected')).to.equal('true');
    const form = (await page.textContent('fw-schema-editor')) ?? '';
    expect(form).to.contain('Label').and.to.contain('Add a setting').and.not.contain('kind');
    expect(await page.textContent('label[for="se_2f_label"]')).to.equal('Label');
    expect(await page.getAttribute(control('/label'), 'aria-describedby')).to.equal('se_2f_label-hint');
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.focus('#tab-settings');
    await page.keyboard.press('End');
    expect(await focused(page)).to.equal('#tab-json');
    expect(await page.getAttribute('#tab-json', 'aria-selected')).to.equal('true');
    expect(await page.isVisible('#definition-json')).to.equal(true);
    expect(await page.isHidden('#panel-settings')).to.equal(true);
    await page.keyboard.press('Home');
    expect(await focused(page)).to.equal('#tab-settings');
    await page.keyboard.press('ArrowLeft');
    expect(await focused(page)).to.equal('#tab-json');
    await page.keyboard.press('ArrowRight');
    expect(await focused(page)).to.equal('#tab-settings');
    await page.keyboard.press('Tab');
    expect(await focused(page)).to.equal('#panel-settings');
  });

  it('checks a value as it is typed, shows a change in the JSON tab, and adds, moves and removes list items', async () => {
    await page.fill(control('/label'), '');
    await page.waitForSelector('#se_2f_label-error:has-text("Enter a value.")');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.fill(control('/label'), 'Desk clerk');
    await page.waitForSelector('#se_2f_label-error', { state: 'detached' });

    await page.selectOption('#se-add', 'capabilities');
    await page.click('#se-add + button');
    await page.click('fw-schema-editor button:has-text("Add capabilities")');
    expect(await focused(page)).to.equal('#se_2f_capabilities_2f_0');
    await page.keyboard.type('desk.first');
    await page.click('fw-schema-editor button:has-text("Add capabilities")');
    await page.keyboard.type('desk.second');
    await page.click('button:has-text("Move up Capabilities 2")');
    // The first item's "Move up" is disabled: its "Move down" keeps the focus.
    expect(await focused(page)).to.equal('#se-down_2f_capabilities_2f_0');
    await page.click('fw-schema-editor button:has-text("Add table grant")');
    await page.fill(control('/tables/0/table'), 'Bad table');
    await page.waitForSelector('fw-schema-editor .fw-error-message:has-text("not in the expected form")');
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.click('#tab-json');
    const definition = await json();
    expect(definition).to.deep.include({ label: 'Desk clerk', capabilities: ['desk.second', 'desk.first'] });
    expect(definition.tables).to.deep.equal([{ table: 'Bad table', operations: [] }]);
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('shows the server\'s error at its control, whose summary link focuses it, then saves clean', async () => {
    await page.click('#tab-settings');
    await page.fill(control('/tables/0/table'), 'no_such_table');
    await page.check('#se_2f_tables_2f_0_2f_operations-1');
    await page.click('fw-studio-definition button[type=submit]');
    await page.waitForSelector('#definition-errors');
    const link = page.locator('#definition-errors a[data-pointer="/tables/0/table"]');
    expect(await link.count()).to.equal(1);
    expect(await page.textContent('fw-schema-editor #se_2f_tables_2f_0_2f_table-error')).to.contain('no_such_table');
    expect(await axeViolations(page)).to.deep.equal([]);
    await link.click();
    expect(await focused(page)).to.equal('#se_2f_tables_2f_0_2f_table');

    await page.fill(control('/tables/0/table'), 'task');
    await page.click('fw-schema-editor button:has-text("Remove Table grant 1")');
    await tabTo(page, 'fw-studio-definition button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#save-status:has-text("Saved. No problems found")');
    expect(await page.locator('#definition-errors').count()).to.equal(0);
    expect(await page.textContent('fw-studio-definition h1')).to.equal('Desk clerk');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('says when the JSON text cannot be read, instead of showing the form', async () => {
    await page.click('#tab-json');
    await page.fill('#definition-json', '{ "kind": "role",');
    await page.click('#tab-settings');
    await page.waitForSelector('#panel-settings:has-text("The JSON text cannot be read")');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('#panel-settings button:has-text("Fix it in the JSON tab")');
    expect(await focused(page)).to.equal('#tab-json');
    await page.fill('#definition-json', JSON.stringify({ kind: 'role', name: 'desk_clerk', label: 'Desk clerk' }, null, 2));
  });

  it('deletes the definition after a confirmation on the page, back on the change set with a message', async () => {
    await page.click('fw-studio-definition button[type=submit]');
    await page.waitForSelector('#save-status:has-text("Saved. No problems found")');
    await page.click('#delete-button');
    await page.waitForSelector('.fw-confirm');
    expect(await focused(page)).to.equal('#confirm-title');
    expect(await page.textContent('.fw-confirm')).to.contain('role "Desk clerk"');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('.fw-confirm button:has-text("Cancel")');
    expect(await focused(page)).to.equal('#delete-button');
    await page.click('#delete-button');
    await page.click('.fw-confirm button:has-text("Yes, delete it")');
    await page.waitForSelector('fw-studio-changeset h1:has-text("Desk access")');
    expect(await page.textContent('fw-studio-changeset .fw-notification-banner')).to.contain('Role "Desk clerk" has been taken out of this change set.');
    expect(await page.locator('[data-definition="role/desk_clerk"]').count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('shows a notification from a file with selects, ticked checkboxes and a condition written as JSON', async () => {
    await page.selectOption('#definition-kind', 'notification');
    await page.fill('#definition-name', 'task_assigned');
    await page.click('button:has-text("Open definition")');
    await page.click('#tab-settings');
    await page.waitForSelector('fw-schema-editor .fw-schema');
    expect(await page.$eval(control('/trigger/type'), (el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent)).to.equal('Field change');
    expect(await page.isChecked('#se_2f_channels-0')).to.equal(true);
    expect(await page.textContent('label[for="se_2f_channels-0"]')).to.equal('In app');
    expect(await page.locator('#delete-button').count()).to.equal(0);
    await page.selectOption('#se-add', 'condition');
    await page.click('#se-add + button');
    expect(await focused(page)).to.equal('#se_2f_condition');
    expect(JSON.parse(await page.inputValue(control('/condition')))).to.deep.equal({ all: [] });
    await page.fill(control('/condition'), '{"all": [');
    await page.waitForSelector('#se_2f_condition-error:has-text("This is not valid JSON")');
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});

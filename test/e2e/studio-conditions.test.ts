/**
 * The condition builder in Debian's Chromium against the real engine: a configurator opens a form with a UI policy in
 * a change set, finds its condition named in words on the Conditions tab, adds a nested group and moves it from the
 * keyboard, reads the whole condition as a sentence, and saves with no problems; then the same builder, as a list's
 * filter, builds and applies a filter with a nested group. axe-core finds no WCAG 2.1 AA violation in any state.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { CORE_DEFINITIONS, createTestEngine, type TestEngine } from '../support/engine.js';
import { axeViolations, focused, launchChromium, signInInBrowser, tabTo } from './browser.js';

const table = {
  kind: 'table', name: 'loan_request', label: 'Loan request', pluralLabel: 'Loan requests', displayField: 'title',
  fields: {
    title: { type: 'string', label: 'Title' },
    priority: { type: 'choice', label: 'Priority', choices: [{ value: 'high', label: 'High' }, { value: 'low', label: 'Low' }] },
    status: { type: 'choice', label: 'Status', choices: [{ value: 'open', label: 'Open' }, { value: 'closed', label: 'Closed' }] },
    reason: { type: 'string', label: 'Reason' },
  },
};
const policy = {
  name: 'reason_on_close', description: 'Require a reason when closing',
  condition: { fact: 'record.status', operator: 'equal', value: 'closed' },
  actions: [{ field: 'reason', mandatory: true }],
};
const form = {
  kind: 'form', name: 'loan_request', table: 'loan_request', label: 'Loan request',
  sections: [{ columns: [['title', 'priority', 'status', 'reason']] }], uiPolicies: [policy],
};

describe('The condition builder in Chromium', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  const errors: string[] = [];
  const sentence = async (scope: string) => ((await page.textContent(`${scope} .fw-condition__sentence`)) ?? '').replace(/^\s*In words:\s*/, '');

  /** Open a definition of the change set, put `value` in its JSON tab and save it clean. */
  async function saveDefinition(changeSet: string, value: { kind: string; name: string }) {
    await page.goto(changeSet);
    await page.selectOption('#definition-kind', value.kind);
    await page.fill('#definition-name', value.name);
    await page.click('button:has-text("Open definition")');
    await page.click('#tab-json');
    await page.fill('#definition-json', JSON.stringify(value, null, 2));
    await page.click('fw-studio-definition button:has-text("Save")');
    await page.waitForSelector('#save-status:has-text("Saved. No problems found")');
  }

  /** Move the focus to `selector` with Tab, then choose the option `steps` below the first with the arrow keys. */
  async function choose(selector: string, steps: number) {
    await tabTo(page, selector);
    await page.keyboard.press('Home');
    for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowDown');
  }

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    user = await createUser(fw, { username: 'e2e.conditions', roles: ['configurator', 'agent'], org: 'E2E-COND' });
    for (const [text, category, priority, impact] of [
      ['Printer jam', 'hardware', '2', 1], ['Noisy fan', 'hardware', '4', 3], ['Quiet fan', 'hardware', '4', 1], ['App crash', 'software', '2', 3],
    ] as const) {
      await fw.records.createOne('incident', { short_description: text, category, priority, impact }, { actor: fw.systemActor });
    }
    server = await listen(createApp(fw));
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signInInBrowser(page, fw, server.url, user);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('names a UI policy\'s condition in words on the Conditions tab, changes it with a nested group by keyboard, and saves clean', async () => {
    await page.goto(`${server.url}/studio/changesets`);
    await page.fill('#changeset-name', 'Loan rules');
    await page.click('fw-studio-changesets button[type=submit]');
    await page.waitForSelector('fw-studio-changeset h1:has-text("Loan rules")');
    const changeSet = page.url();
    await saveDefinition(changeSet, table);
    await saveDefinition(changeSet, form);

    await page.click('#tab-conditions');
    await page.waitForSelector('fw-conditions-editor fw-condition-builder');
    const editor = 'fw-conditions-editor';
    expect(await page.textContent(`${editor} h2`)).to.equal('UI policy \'Require a reason when closing\' — applies when');
    expect(await sentence(editor)).to.contain('Status is Closed');
    expect(await axeViolations(page)).to.deep.equal([]);

    // A group "any of": Priority is High, or Reason is empty.
    await tabTo(page, `${editor} button[data-action="add-group"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${editor} .fw-condition__group`);
    expect(await focused(page)).to.match(/-field$/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, `${editor} .fw-condition__group button[data-action="add-condition"]`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('fw-conditions-editor .fw-condition__group .fw-filter__row').length === 2);
    // Reason (the fourth field), "is empty" (the eighth operator of a text field).
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    await choose(`${editor} .fw-condition__group > fieldset.fw-filter__row:nth-of-type(2) select[id$="-operator"]`, 7);
    expect(await sentence(editor)).to.contain('Status is Closed and (Priority is High or Reason is empty)');
    expect(await axeViolations(page)).to.deep.equal([]);

    // The group moves above the first condition; the focus stays on the group's move buttons.
    await tabTo(page, `${editor} .fw-condition__group > .fw-button-group > button[data-action="move-up"]`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('fw-conditions-editor .fw-condition__sentence')?.textContent?.includes('(Priority is High or Reason is empty) and Status'));
    expect(await focused(page)).to.match(/-down$/);

    await page.click('fw-studio-definition button:has-text("Save")');
    await page.waitForSelector('#save-status:has-text("Saved. No problems found")');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('#tab-json');
    const saved = JSON.parse(await page.inputValue('#definition-json')) as typeof form;
    expect(saved.uiPolicies[0]!.condition).to.deep.equal({
      all: [
        { any: [{ fact: 'record.priority', operator: 'equal', value: 'high' }, { fact: 'record.reason', operator: 'isEmpty' }] },
        { fact: 'record.status', operator: 'equal', value: 'closed' },
      ],
    });
  });

  it('builds and applies a list filter with a nested group', async () => {
    await page.goto(`${server.url}/tables/incident`);
    await page.waitForSelector('fw-list table');
    await page.click('fw-list summary');
    await page.selectOption('fw-filter-builder .fw-filter__row select >> nth=0', 'category');
    await page.selectOption('fw-filter-builder .fw-filter__row select >> nth=2', 'hardware');
    await page.click('fw-filter-builder button:has-text("Add a group")');
    const group = 'fw-filter-builder .fw-condition__group';
    await page.selectOption(`${group} .fw-filter__row select >> nth=0`, 'priority');
    await page.selectOption(`${group} .fw-filter__row select >> nth=2`, '2');
    await page.click(`${group} button:has-text("Add a condition")`);
    await page.selectOption(`${group} .fw-filter__row >> nth=1 >> select >> nth=0`, 'impact');
    await page.selectOption(`${group} .fw-filter__row >> nth=1 >> select >> nth=1`, 'greaterThanInclusive');
    await page.fill(`${group} .fw-filter__row >> nth=1 >> input[type=text]`, '3');
    expect(await sentence('fw-filter-builder')).to.equal('Category is Hardware and (Priority is 2 - High or Impact is at least 3)');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('fw-filter-builder button[type=submit]');
    await page.waitForFunction(() => document.querySelector('.fw-list__count')?.textContent?.includes('of 2 '));
    const shown = (await page.textContent('fw-list tbody')) ?? '';
    expect(shown).to.contain('Printer jam').and.to.contain('Noisy fan').and.not.to.contain('Quiet fan').and.not.to.contain('App crash');
    // The filter in the address is read back into the same nested groups.
    await page.reload();
    await page.waitForSelector(`${group} .fw-filter__row >> nth=1`);
    expect(await sentence('fw-filter-builder')).to.equal('Category is Hardware and (Priority is 2 - High or Impact is at least 3)');
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});

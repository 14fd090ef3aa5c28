/**
 * "Where used" and "Open in a change set" in Debian's Chromium: a configurator browsing definitions opens, from the
 * keyboard, where a table is used and where one of its fields is, in words; starts a change set for it from the
 * entry (a missing name shown in the error summary first) and lands on the definition's page, which shows where it
 * is used too. axe-core finds no WCAG 2.1 AA violation in any of these states.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, packRoot, type TestEngine } from '../support/engine.js';
import { axeViolations, focused, launchChromium, signInInBrowser } from './browser.js';

describe('The studio\'s "where used" in Chromium', function () {
  this.timeout(90_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let configurator: TestUser;
  const errors: string[] = [];
  const row = '[data-definition="table/task"]';

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [packRoot('core')] });
    fw.config.scryptLog2N = 10;
    configurator = await createUser(fw, { username: 'e2e.uses.cfg', roles: ['configurator'], org: 'E2E-USES' });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('shows where a table and one of its fields are used, in words, opened from the keyboard', async () => {
    await signInInBrowser(page, fw, server.url, configurator);
    await page.goto(`${server.url}/studio?kind=table&q=task`);
    await page.waitForSelector(`fw-studio-definitions ${row}`);
    await page.focus(`${row} fw-studio-uses > details > summary`);
    await page.keyboard.press('Enter');
    const list = page.locator(`${row} fw-studio-uses > details > .fw-details__text`).first();
    await list.locator('text=Workflow \'Task lifecycle\' runs this table').waitFor();
    expect(await list.textContent()).to.contain("Table 'Task' is used in").and.to.contain('Workflow: task_lifecycle');
    expect(await axeViolations(page)).to.deep.equal([]);

    const priority = page.locator(`${row} .fw-studio-uses__fields > li`, { hasText: 'Priority' }).first();
    await priority.locator('summary').focus();
    await page.keyboard.press('Enter');
    await priority.locator('text=reads it in a condition').first().waitFor();
    expect(await priority.textContent()).to.contain("Field 'Priority' of table 'Task' is used in");
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('opens the table in a new change set from its entry, a missing name shown first, and shows where it is used there', async () => {
    const open = page.locator(`${row} fw-studio-open`);
    await open.locator('summary').focus();
    await page.keyboard.press('Enter');
    await open.locator('form').waitFor();
    expect(await open.locator('select option').first().textContent()).to.equal('A new change set');
    await open.locator('button:has-text("Open")').click();
    await open.locator('.fw-error-summary a:has-text("Enter a name for the new change set")').waitFor();
    await page.waitForFunction(() => document.activeElement?.classList.contains('fw-error-summary'));
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await focused(page)).to.match(/-name$/);
    await page.keyboard.type('Task changes');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/studio\/changesets\/[^/]+\/definitions\/table\/task$/);
    await page.waitForSelector('fw-studio-definition h1');
    await page.focus('fw-studio-definition fw-studio-uses > details > summary');
    await page.keyboard.press('Enter');
    await page.locator('fw-studio-definition fw-studio-uses >> text=Workflow \'Task lifecycle\' runs this table').waitFor();
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});

/**
 * The studio's table and form designers in Debian's Chromium against the real engine: a configurator, in a new change
 * set, designs a table with a text field, a choice field with two options and a reference to an existing table,
 * reorders its fields from the keyboard and saves it clean; designs its form with two sections, moving a field from
 * the first to the second from the keyboard; publishes; and the new table's new-record form shows the fields in the
 * designed order. axe-core finds no WCAG 2.1 AA violation in any of these states.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { CORE_DEFINITIONS, createTestEngine, type TestEngine } from '../support/engine.js';
import { axeViolations, focused, launchChromium, pageAs, signInInBrowser } from './browser.js';

const role = { kind: 'role', name: 'kit_keeper', label: 'Kit keeper', tables: [{ table: 'kit', operations: ['read', 'create'] }] };

describe('The studio designers in Chromium', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let configurator: TestUser;
  let changeSetUrl = '';
  const errors: string[] = [];

  async function openDefinition(kind: string, name: string) {
    await page.goto(changeSetUrl);
    await page.selectOption('#definition-kind', kind);
    await page.fill('#definition-name', name);
    await page.click('button:has-text("Open definition")');
    await page.waitForSelector('fw-studio-definition [role=tab]');
  }

  async function save() {
    await page.click('fw-studio-definition button[type=submit]:has-text("Save")');
    await page.waitForSelector('#save-status:has-text("Saved. No problems found")');
  }

  /** The definition as the JSON tab shows it. */
  async function jsonOf(): Promise<Record<string, unknown>> {
    await page.click('#tab-json');
    return JSON.parse(await page.inputValue('#definition-json')) as Record<string, unknown>;
  }

  before(async function () {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    configurator = await createUser(fw, { username: 'e2e.designers.cfg', roles: ['configurator'], org: 'E2E-DESIGN' });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => errors.push(e.message));
    await signInInBrowser(page, fw, server.url, configurator);
    await page.goto(`${server.url}/studio/changesets`);
    await page.fill('#changeset-name', 'Kit designers');
    await page.click('fw-studio-changesets button[type=submit]');
    await page.waitForSelector('fw-studio-changeset h1:has-text("Kit designers")');
    changeSetUrl = page.url();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('designs a table with text, choice and reference fields, reorders them from the keyboard and saves it clean', async () => {
    await openDefinition('table', 'kit');
    expect(await page.getAttribute('#tab-designer', 'aria-selected')).to.equal('true');
    await page.waitForSelector('fw-table-designer #tf-0-label');
    await page.fill('#td-label', 'Kit');
    await page.keyboard.press('Tab');

    await page.fill('#td-new-label', 'Size');
    await page.selectOption('#td-new-type', 'choice');
    await page.click('#td-add');
    await page.waitForSelector('[data-field="size"] #tf-1-new-choice');
    expect(await focused(page)).to.equal('#tf-1-label');
    for (const option of ['Small', 'Large']) {
      await page.fill('#tf-1-new-choice', option);
      await page.keyboard.press('Enter');
    }
    await page.waitForSelector('#tf-1-choice-1-label');
    expect(await page.inputValue('#tf-1-choice-1-value')).to.equal('large');

    await page.fill('#td-new-label', 'Related task');
    await page.selectOption('#td-new-type', 'reference');
    await page.click('#td-add');
    await page.waitForSelector('[data-field="related_task"] #tf-2-reference option:has-text("Task")', { state: 'attached' });
    await page.selectOption('#tf-2-reference', { label: 'Task' });
    expect(await axeViolations(page)).to.deep.equal([]);

    // Size goes first, from the keyboard; focus stays with it (on "Move down", as it can go no higher).
    await page.focus('[data-field="size"] [data-move="up"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.fw-designer__item:first-child[data-field="size"]');
    expect(await page.evaluate(() => document.activeElement?.closest('[data-field]')?.getAttribute('data-field'))).to.equal('size');
    expect(await page.textContent('#td-status')).to.contain('Size moved up: now field 1 of 3.');
    const legends = await page.locator('fw-table-designer .fw-designer__item > fieldset > legend').allTextContents();
    expect(legends.map((l) => l.replace(/\s+/g, ' ').replace('⠿', '').trim())).to.deep.equal([
      'Size (field 1 of 3)', 'Title (field 2 of 3)', 'Related task (field 3 of 3)',
    ]);

    await save();
    expect(await page.locator('#definition-errors').count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    const table = await jsonOf();
    expect(table).to.include({ kind: 'table', name: 'kit', label: 'Kit', displayField: 'title' });
    expect(table.fields).to.deep.equal({
      size: { type: 'choice', label: 'Size', choices: [{ value: 'small', label: 'Small' }, { value: 'large', label: 'Large' }] },
      title: { type: 'string', label: 'Title', required: true },
      related_task: { type: 'reference', label: 'Related task', reference: 'task' },
    });
  });

  it('designs the form in two sections, moving a field between them from the keyboard, and saves it clean', async () => {
    await openDefinition('form', 'kit');
    await page.waitForSelector('fw-form-designer #fd-s0-add option[value="related_task"]', { state: 'attached' });
    expect(await page.inputValue('#fd-table')).to.equal('kit');
    await page.fill('#fd-s0-title', 'Main');
    await page.keyboard.press('Tab');
    for (const field of ['size', 'related_task']) {
      await page.selectOption('#fd-s0-add', field);
      await page.click('button:has-text("Add to section 1")');
    }
    await page.fill('#fd-new-section', 'More');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-section="1"] h3:has-text("Section 2: More")');
    expect(await axeViolations(page)).to.deep.equal([]);

    // The last field of section 1 moves on into section 2.
    await page.focus('[data-section="0"] [data-entry="related_task"] [data-move="down"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-section="1"] [data-entry="related_task"]');
    expect(await page.evaluate(() => document.activeElement?.closest('[data-entry]')?.getAttribute('data-entry'))).to.equal('related_task');
    expect(await page.textContent('#fd-status')).to.contain('Related task moved to section 2, column 1, place 1.');
    expect(await axeViolations(page)).to.deep.equal([]);

    await save();
    expect(await page.locator('#definition-errors').count()).to.equal(0);
    const form = await jsonOf();
    expect(form.sections).to.deep.equal([
      { title: 'Main', columns: [['title', 'size']] },
      { title: 'More', columns: [['related_task']] },
    ]);
  });

  it('publishes, and the new table\'s form shows the fields in the designed order', async () => {
    await openDefinition('role', 'kit_keeper');
    await page.click('#tab-json');
    await page.fill('#definition-json', JSON.stringify(role, null, 2));
    await save();
    await page.goto(changeSetUrl);
    await page.click('fw-studio-changeset button:has-text("Publish change set")');
    await page.waitForSelector('fw-studio-version h1:has-text("Version 1")');
    expect(errors).to.deep.equal([]);

    const keeper = await createUser(fw, { username: 'e2e.designers.keeper', roles: ['kit_keeper'], org: 'E2E-DESIGN' });
    const pageErrors: string[] = [];
    let context: BrowserContext | null = null;
    try {
      const opened = await pageAs(browser, fw, server.url, keeper, pageErrors);
      context = opened.context;
      const p = opened.page;
      await p.goto(`${server.url}/tables/kit/new`);
      await p.waitForSelector('.fw-form-section h2:has-text("More")');
      const order = await p.locator('.fw-form-section h2, .fw-form-section .fw-label, .fw-form-section legend').allTextContents();
      const words = order.map((t) => t.replace(/\s+/g, ' ').trim());
      const at = (text: string) => words.findIndex((w) => w.startsWith(text));
      expect(at('Main')).to.be.greaterThan(-1);
      expect([at('Main'), at('Title'), at('Size'), at('More'), at('Related task')]).to.satisfy(
        (xs: number[]) => xs.every((x, i) => x > -1 && (i === 0 || x > xs[i - 1]!)),
      );
      expect(await axeViolations(p)).to.deep.equal([]);
      expect(pageErrors).to.deep.equal([]);
    } finally {
      await context?.close();
    }
  });

  it('asks before removing a field in force, saying where it is used, and cancelling keeps it', async () => {
    await page.goto(`${server.url}/studio/changesets`);
    await page.fill('#changeset-name', 'Kit changes');
    await page.click('fw-studio-changesets button[type=submit]');
    await page.waitForSelector('fw-studio-changeset h1:has-text("Kit changes")');
    changeSetUrl = page.url();
    await openDefinition('table', 'kit');
    await page.waitForSelector('[data-field="title"] [data-remove]');
    await page.focus('[data-field="title"] [data-remove]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#td-confirm-title');
    expect(await focused(page)).to.equal('#td-confirm-title');
    const text = (await page.textContent('fw-table-designer .fw-confirm')) ?? '';
    expect(text).to.contain('Remove the field "Title"?').and.to.contain('Publishing is refused');
    expect(await page.locator('fw-table-designer .fw-confirm li').count()).to.be.greaterThan(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('fw-table-designer .fw-confirm button:has-text("Cancel")');
    await page.waitForFunction(() => document.activeElement?.hasAttribute('data-remove'));
    expect(await page.locator('[data-field="title"]').count()).to.equal(1);
    // Its machine name is fixed now that records hold values under it.
    expect(await page.getAttribute('[data-field="title"] input[id$="-name"]', 'readonly')).to.equal('');
    expect(errors).to.deep.equal([]);
  });
});

/**
 * The studio's workflow editor in Debian's Chromium: a configurator opens the core pack's task workflow in a change
 * set and sees it as a diagram (one box per state, one arrow per state a transition starts from) beside its tables;
 * adds a state and a transition to it from the tables with the keyboard alone (a transition with nothing filled in is
 * refused in an error summary first), saves with no problems, and finds the new state in the diagram; clicking a box
 * focuses that state's row. axe-core finds no WCAG 2.1 AA violation in any of these states.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { CORE_DEFINITIONS, createTestEngine, REPO, type TestEngine } from '../support/engine.js';
import { axeViolations, focused, launchChromium, signInInBrowser, tabTo } from './browser.js';

describe('The studio\'s workflow editor in Chromium', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let configurator: TestUser;
  const errors: string[] = [];

  /** Boxes of states (not the "any state" box) and arrows in the diagram. */
  const counts = () => page.evaluate(() => ({
    states: document.querySelectorAll('fw-workflow-editor svg [data-node]:not([data-node="*"])').length,
    arrows: document.querySelectorAll('fw-workflow-editor svg [data-edge]').length,
  }));

  before(async function () {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    configurator = await createUser(fw, { username: 'e2e.studio.wf', roles: ['configurator'], org: 'E2E-STUDIO-WF' });
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

  it('opens a pack\'s workflow in a change set as a diagram with as many boxes and arrows as it has states and starting states', async () => {
    await signInInBrowser(page, fw, server.url, configurator);
    await page.goto(`${server.url}/studio/changesets`);
    await page.fill('#changeset-name', 'Escalation');
    await page.click('fw-studio-changesets button[type=submit]');
    await page.waitForSelector('fw-studio-changeset h1:has-text("Escalation")');
    const changeSet = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
    // The new state must also be a choice of the task table's state field: that edit is made as JSON, beforehand.
    const table = JSON.parse(readFileSync(join(REPO, 'definitions/core/tables/task.json'), 'utf8'));
    table.fields.state.choices.push({ value: 'escalated', label: 'Escalated' });
    const status = await page.evaluate(async ({ cs, body }) => {
      const session = await (await fetch('/api/auth/session')).json() as { data: { csrfToken: string } };
      const res = await fetch(`/api/studio/changesets/${encodeURIComponent(cs)}/definitions/table/task`, {
        method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-csrf-token': session.data.csrfToken },
      });
      return res.status;
    }, { cs: changeSet, body: table });
    expect(status).to.equal(200);

    await page.goto(`${server.url}/studio/changesets/${encodeURIComponent(changeSet)}/definitions/workflow/task_lifecycle`);
    await page.waitForSelector('fw-workflow-editor svg[role=img]');
    expect(await page.getAttribute('#tab-workflow', 'aria-selected')).to.equal('true');
    expect(await page.textContent('#tab-workflow')).to.equal('Diagram');
    const definition = JSON.parse(readFileSync(join(REPO, 'definitions/core/workflows/task.json'), 'utf8')) as {
      states: object; transitions: { from: string | string[] }[];
    };
    const arrows = definition.transitions.reduce((n, t) => n + (Array.isArray(t.from) ? t.from.length : 1), 0);
    expect(await counts()).to.deep.equal({ states: Object.keys(definition.states).length, arrows });
    expect(await page.textContent('#wf-diagram-desc')).to.contain('5 states').and.to.contain('New records start in New');
    const row = (await page.textContent('#wf-transitions tr[data-transition="1"]')) ?? '';
    expect(row).to.contain('Put on hold').and.to.contain('New or In progress').and.to.contain('Role Agent').and.to.contain('A comment is required');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('adds a state and a transition from the tables with the keyboard; an empty transition is refused first', async () => {
    await tabTo(page, '#wf-state-label');
    await page.keyboard.type('Escalated');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#wf-status:has-text("State \\"Escalated\\" added.")');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-state'))).to.equal('escalated');
    expect((await counts()).states).to.equal(6);
    expect(await axeViolations(page)).to.deep.equal([]);

    await tabTo(page, '#wf-add-transition');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.classList.contains('fw-error-summary'));
    expect(await page.textContent('fw-workflow-editor fw-error-summary')).to.contain('Enter a label');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await focused(page)).to.equal('#wf-transition-label');

    await page.keyboard.type('Escalate');
    await tabTo(page, '#wf-transition-from-0');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await tabTo(page, '#wf-transition-to');
    await page.keyboard.type('Escalated');
    await tabTo(page, '[data-role="agent"]');
    await page.keyboard.press('Space');
    await tabTo(page, '#wf-add-transition');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#wf-status:has-text("Transition \\"Escalate\\" added.")');
    const added = page.locator('#wf-transitions tr[data-transition="6"]');
    expect(await added.textContent()).to.contain('Escalate').and.to.contain('New or In progress').and.to.contain('Escalated').and.to.contain('Role Agent');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-transition'))).to.equal('6');
    expect(await counts()).to.deep.equal({ states: 6, arrows: 11 });
    expect(await page.locator('#wf-transitions tbody tr').count()).to.equal(7);
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('refuses to remove a state in use, saying what uses it', async () => {
    await page.focus('[data-remove-state="on_hold"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.classList.contains('fw-error-summary'));
    expect(await page.textContent('fw-workflow-editor fw-error-summary'))
      .to.contain('The state "On hold" cannot be removed: the transitions "Put on hold", "Resume work" and "Resolve" use it');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('renames a state from its row with the keyboard; the diagram follows', async () => {
    await page.focus('[data-rename="on_hold"]');
    await page.keyboard.press('Enter');
    expect(await focused(page)).to.equal('#wf-rename-input');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.keyboard.type('Paused');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#wf-status:has-text("State \\"On hold\\" is now called \\"Paused\\".")');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-rename'))).to.equal('on_hold');
    expect(await page.textContent('fw-workflow-editor svg [data-node="on_hold"]')).to.contain('Paused');
  });

  it('saves with no problems; the diagram shows the new state, and clicking its box focuses its row', async () => {
    await tabTo(page, 'fw-studio-definition > form button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#save-status:has-text("Saved"), #definition-errors, fw-studio-definition .fw-notification-banner');
    expect(await page.locator('#definition-errors').count(), (await page.textContent('fw-studio-definition')) ?? '').to.equal(0);
    expect(await page.textContent('#save-status')).to.contain('Saved. No problems found');
    const saved = JSON.parse(await page.evaluate(async () => JSON.stringify(
      (document.querySelector('fw-workflow-editor') as unknown as { definition: unknown }).definition,
    ))) as { states: Record<string, unknown>; transitions: unknown[] };
    expect(saved.states.escalated).to.deep.equal({ label: 'Escalated', category: 'open' });
    expect(saved.transitions.at(-1)).to.deep.equal({ name: 'escalate', from: ['new', 'in_progress'], to: 'escalated', label: 'Escalate', roles: ['agent'] });

    await page.reload();
    await page.waitForSelector('fw-workflow-editor svg [data-node="escalated"]');
    expect(await page.textContent('fw-workflow-editor svg [data-node="escalated"]')).to.contain('Escalated');
    expect(await counts()).to.deep.equal({ states: 6, arrows: 11 });
    await page.click('fw-workflow-editor svg [data-node="escalated"]');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-state'))).to.equal('escalated');
    await page.click('fw-workflow-editor svg [data-edge][data-transition="6"] text >> nth=0');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-transition'))).to.equal('6');
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});

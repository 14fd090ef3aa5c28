/**
 * The work-queue, approval and delegation pages in Debian's Chromium (playwright-core) against the real engine and
 * API, on the core task workflow and the workflow test pack: an agent finds "My work" in the navigation, opens their
 * organisation's queue from the queue list (with counts), searches it and filters it with the filter builder, assigns
 * a record to themself from the keyboard, sees it in their personal queue and returns it; assigns and returns
 * several at once. A lead delegates their approvals (the form reports problems in an error summary first), and the
 * delegate decides the lead's approval request from "My approvals". axe-core finds no WCAG 2.1 AA violation on any
 * page. Needs /usr/bin/chromium; without it the suite fails, it never skips.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadActor } from '../../platform/access/identity/index.js';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import type { Actor } from '../../platform/records/types.js';
import { assign, createQueue, workflowService } from '../../platform/workflow/index.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, packRoot, type TestEngine } from '../support/engine.js';
import { PACK } from '../platform/workflow/support.js';
import { axeViolations, launchChromium, signInInBrowser, tabTo } from './browser.js';

describe('work queues, approvals and delegation in Chromium', function () {
  this.timeout(90_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let agent: TestUser;
  let lead: TestUser;
  let deputy: TestUser;
  let agentActor: Actor;
  const ids: Record<string, string> = {};
  const numbers: Record<string, string> = {};
  const errors: string[] = [];

  const task = (id: string) => fw.records.readOne('task', id, { actor: fw.systemActor });

  async function open(context: BrowserContext, who: TestUser): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signInInBrowser(page, fw, server.url, who);
    return page;
  }

  /** Wait until the queue page's list has loaded and shows `n` rows. */
  async function rows(page: Page, n: number): Promise<void> {
    await page.waitForFunction((count) => {
      const status = document.querySelector('fw-list .fw-list__count')?.textContent ?? '';
      return !status.includes('Loading') && document.querySelectorAll('fw-list tbody tr').length === count;
    }, n);
  }

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [packRoot('core'), PACK] });
    await fw.workflow.timers.stop();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    agent = await createUser(fw, { roles: ['agent'], org: 'ORG_Q' });
    lead = await createUser(fw, { roles: ['wf_lead'], org: 'ORG_Q' });
    deputy = await createUser(fw, { roles: ['wf_agent'], org: 'ORG_Q' });
    agentActor = await loadActor(fw, agent.user.id);
    await createQueue(fw, fw.systemActor, { name: 'desk_q', label: 'Front desk', org: 'ORG_Q', description: 'Walk-in requests of the front desk.' });
    const service = workflowService(fw);
    for (const [key, text, priority] of [['printer', 'Printer out of toner', '2'], ['kettle', 'Broken kettle', '3'], ['light', 'Flickering light', '4']] as const) {
      const r = await fw.records.createOne('incident', { short_description: text, category: 'hardware', priority }, { actor: agentActor });
      await assign(service, 'incident', r.id as string, { queue: 'desk_q' }, fw.systemActor);
      ids[key] = r.id as string;
      numbers[key] = r.number as string;
    }
    // Closed work stays in its queue but is not counted or listed unless asked for.
    const closed = await fw.records.createOne('incident', { short_description: 'Old closed request', category: 'hardware' }, { actor: agentActor });
    await assign(service, 'incident', closed.id as string, { queue: 'desk_q' }, fw.systemActor);
    await service.transition('incident', closed.id as string, 'resolve', { fields: { close_notes: 'Done long ago' } }, fw.systemActor);
    server = await listen(createApp(fw));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  describe('an agent working their organisation queue', () => {
    let context: BrowserContext;
    let page: Page;
    before(async () => {
      context = await browser.newContext();
      page = await open(context, agent);
    });
    after(async () => context?.close());

    it('finds "My work" in the navigation and lists their queues, their own first, with open counts', async () => {
      expect(await page.textContent('fw-nav')).to.contain('My work').and.contain('Work queues').and.contain('My approvals').and.contain('Delegate while away');
      await page.click('fw-nav a[href="/queues"]');
      await page.waitForSelector('fw-queues tr[data-queue="desk_q"]');
      await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
      expect(await page.title()).to.equal('Work queues – Formwork');
      const headings = await page.$$eval('fw-queues h2', (h) => h.map((x) => x.textContent?.trim()));
      expect(headings[0]).to.equal('Your queue');
      expect(headings).to.include('Your organisations’ queues');
      expect(await page.textContent('fw-queues tr[data-queue="@me"] [data-count]')).to.equal('0');
      expect(await page.textContent('fw-queues tr[data-queue="desk_q"] [data-count]')).to.equal('3');
      expect(await page.textContent('fw-queues tr[data-queue="desk_q"]')).to.contain('Front desk').and.contain('Organisation ORG_Q');
      expect(await axeViolations(page)).to.deep.equal([]);
    });

    it('opens the organisation queue: open records only, searchable and filterable', async () => {
      await page.click('fw-queues a[href="/queues/desk_q"]');
      await rows(page, 3);
      expect(await page.textContent('fw-queue h1')).to.equal('Front desk');
      expect(await page.textContent('fw-queue')).to.contain('Walk-in requests of the front desk.').and.contain('Showing open records only.');
      expect(await page.textContent('fw-list .fw-list__count')).to.contain('Showing 1–3 of 3');
      expect(await page.textContent('fw-breadcrumbs')).to.contain('Work queues');
      expect(await axeViolations(page)).to.deep.equal([]);

      await page.click('fw-queue a:has-text("Show closed records too")');
      await rows(page, 4);
      expect(await page.textContent('fw-list tbody')).to.contain('Old closed request');
      await page.click('fw-queue a:has-text("Show open records only")');
      await rows(page, 3);

      // Search from the keyboard: type, press Enter.
      await page.focus('#list-search');
      await page.keyboard.type('KETTLE');
      await page.keyboard.press('Enter');
      await rows(page, 1);
      expect(page.url()).to.contain('q=KETTLE');
      expect(await page.textContent('fw-list tbody')).to.contain('Broken kettle');
      expect(await axeViolations(page)).to.deep.equal([]);
      await page.click('fw-list button:has-text("Clear search")');
      await rows(page, 3);

      // The list's filter builder: Priority is 2 - High.
      await page.click('fw-list details summary');
      await page.selectOption('fw-filter-builder .fw-filter__row select >> nth=0', 'priority');
      await page.selectOption('fw-filter-builder .fw-filter__row select >> nth=2', '2');
      expect(await axeViolations(page)).to.deep.equal([]);
      await page.click('fw-filter-builder button[type=submit]');
      await rows(page, 1);
      expect(await page.textContent('fw-list tbody')).to.contain('Printer out of toner');
      expect(page.url()).to.contain('/queues/desk_q?').and.contain('filter=');
    });

    it('assigns a record to themself from the keyboard, and it shows in their personal queue', async () => {
      await tabTo(page, `[data-assign-me="${ids.printer}"]`);
      await page.keyboard.press('Enter');
      await page.waitForSelector('fw-queue .fw-notification-banner');
      expect(await page.textContent('fw-queue .fw-notification-banner')).to.contain(`${numbers.printer} is now assigned to you.`);
      await page.waitForFunction(() => document.activeElement?.classList.contains('fw-notification-banner'));
      expect((await task(ids.printer!)).assigned_to).to.equal(agent.username);
      await page.waitForSelector(`[data-return="${ids.printer}"]`);
      expect(await page.$(`[data-assign-me="${ids.printer}"]`)).to.equal(null);
      expect(await axeViolations(page)).to.deep.equal([]);

      await page.goto(`${server.url}/queues`);
      await page.waitForSelector('fw-queues tr[data-queue="@me"]');
      expect(await page.textContent('fw-queues tr[data-queue="@me"] [data-count]')).to.equal('1');
      await page.click('fw-queues a[href="/queues/%40me"]');
      await rows(page, 1);
      expect(await page.textContent('fw-queue h1')).to.equal('Assigned to me');
      // The queue by its label, never its name.
      expect(await page.textContent('fw-list tbody')).to.contain(numbers.printer!).and.contain('Front desk').and.not.contain('desk_q');
      expect(await axeViolations(page)).to.deep.equal([]);
    });

    it('returns it to the queue with the bulk action, selecting it from the keyboard', async () => {
      await tabTo(page, `[data-select="${ids.printer}"]`);
      await page.keyboard.press('Space');
      await page.waitForFunction(() => document.querySelector('fw-queue .fw-queue__selected')?.textContent?.includes('1 selected'));
      await tabTo(page, 'button[data-bulk="return"]');
      await page.keyboard.press('Enter');
      await page.waitForSelector('fw-queue .fw-notification-banner');
      expect(await page.textContent('fw-queue .fw-notification-banner')).to.contain(`${numbers.printer} has been returned to the queue.`);
      await rows(page, 0);
      expect(await page.textContent('fw-list .fw-list__count')).to.contain('No tasks found.');
      expect(await task(ids.printer!)).to.include({ assigned_to: null, assignment_group: 'desk_q' });
      expect(await axeViolations(page)).to.deep.equal([]);
    });

    it('assigns several at once, or says what to select first', async () => {
      await page.goto(`${server.url}/queues/desk_q`);
      await rows(page, 3);
      await page.click('button[data-bulk="assign"]');
      await page.waitForSelector('fw-queue fw-error-summary .fw-error-summary');
      expect(await page.textContent('fw-queue fw-error-summary')).to.contain('Select the records to assign to you');
      expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-error-summary'))).to.equal(true);
      expect(await page.title()).to.match(/^Error: /);
      expect(await axeViolations(page)).to.deep.equal([]);
      await page.check(`[data-select="${ids.kettle}"]`);
      await page.check(`[data-select="${ids.light}"]`);
      await page.click('button[data-bulk="assign"]');
      await page.waitForSelector('fw-queue .fw-notification-banner');
      expect(await page.textContent('fw-queue .fw-notification-banner')).to.contain('2 records are now assigned to you.');
      expect(await page.$('fw-queue fw-error-summary .fw-error-summary')).to.equal(null);
      expect((await task(ids.kettle!)).assigned_to).to.equal(agent.username);
      expect((await task(ids.light!)).assigned_to).to.equal(agent.username);
      await page.goto(`${server.url}/queues/%40me`);
      await rows(page, 2);
      await page.check('#list-select-all');
      await page.click('button[data-bulk="return"]');
      await page.waitForSelector('fw-queue .fw-notification-banner');
      await rows(page, 0);
      expect((await task(ids.kettle!)).assigned_to).to.equal(null);
    });

    it('opens a record from its row', async () => {
      await page.goto(`${server.url}/queues/desk_q?q=toner`);
      await rows(page, 1);
      await page.click(`fw-list tbody th a`);
      await page.waitForSelector('fw-workflow-actions [data-state]');
      expect(new URL(page.url()).pathname).to.equal(`/tables/incident/${ids.printer}`);
    });
  });

  describe('delegating approvals while away', () => {
    let ticketId: string;

    before(async () => {
      const actor = await loadActor(fw, lead.user.id);
      const t = await fw.records.createOne('wf_ticket', { title: 'New standing desks' }, { actor });
      ticketId = t.id as string;
      await workflowService(fw).transition('wf_ticket', ticketId, 'submit', {}, actor);
      await workflowService(fw).transition('wf_ticket', ticketId, 'ask_any', {}, actor);
    });

    it('lets the lead delegate to the deputy, reporting problems in an error summary first', async () => {
      const context = await browser.newContext();
      try {
        const page = await open(context, lead);
        await page.click('fw-nav a[href="/delegations"]');
        await page.waitForSelector('fw-delegations form');
        // The list loads after the form appears: wait for it rather than read the page at once.
        await page.waitForSelector('fw-delegations :text("You have not delegated your approvals.")');
        expect(await axeViolations(page)).to.deep.equal([]);

        await page.fill('#delegation-from', '2030-05-10');
        await page.fill('#delegation-to', '2030-05-01');
        await page.click('fw-delegations button[type=submit]');
        await page.waitForSelector('fw-delegations fw-error-summary .fw-error-summary');
        const summary = await page.textContent('fw-delegations fw-error-summary');
        expect(summary).to.contain('Choose the person to decide for you').and.contain('Last day must be the same as or after the first day');
        expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-error-summary'))).to.equal(true);
        expect(await page.getAttribute('#delegation-delegate', 'aria-describedby')).to.contain('delegation-delegate-error');
        expect(await page.title()).to.match(/^Error: /);
        expect(await axeViolations(page)).to.deep.equal([]);
        await page.click('fw-delegations fw-error-summary a[href="#delegation-delegate"]');
        expect(await page.evaluate(() => document.activeElement?.id)).to.equal('delegation-delegate');

        // The picker offers the people of the lead's organisation, by name; one is chosen from the keyboard.
        await fw.db.knex('sys_user').where({ id: deputy.user.id }).update({ display_name: 'Dora Deputy' });
        await page.fill('#delegation-from', '');
        await page.fill('#delegation-to', '');
        await page.focus('#delegation-delegate');
        await page.keyboard.type('dora');
        await page.waitForSelector('#delegation-delegate-listbox:not([hidden]) [role=option]');
        expect(await page.$$eval('#delegation-delegate-listbox [role=option]', (o) => o.map((x) => x.textContent?.trim()))).to.deep.equal(['Dora Deputy']);
        expect(await axeViolations(page)).to.deep.equal([]);
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        expect(await page.inputValue('#delegation-delegate')).to.equal('Dora Deputy');
        await page.click('fw-delegations button[type=submit]');
        await page.waitForSelector('fw-delegations .fw-notification-banner');
        expect(await page.textContent('fw-delegations .fw-notification-banner')).to.contain('Dora Deputy can now decide your approval requests.');
        expect(await page.$('fw-delegations fw-error-summary .fw-error-summary')).to.equal(null);
        expect(await page.textContent('fw-delegations table')).to.contain(deputy.username).and.contain('Active');
        expect(await axeViolations(page)).to.deep.equal([]);
        const rows = await fw.db.knex('sys_delegation').where({ user_id: lead.user.id });
        expect(rows).to.have.length(1);
        expect(rows[0].valid_to).to.equal(null);

        // The lead's own approvals page lists the request too.
        await page.click('fw-nav a[href="/approvals"]');
        await page.waitForSelector(`fw-my-approvals [data-approval]`);
        expect(await page.textContent('fw-my-approvals tbody')).to.contain('New standing desks').and.contain('You');
      } finally {
        await context.close();
      }
    });

    it('lets the deputy see and decide the lead\'s request from My approvals', async () => {
      const context = await browser.newContext();
      try {
        const page = await open(context, deputy);
        await page.click('fw-nav a[href="/approvals"]');
        await page.waitForSelector('fw-my-approvals [data-approval]');
        const row = await page.textContent('fw-my-approvals tbody tr');
        // The lead by name and the approval by its name in words (the test pack gives it no label), never their keys.
        const leadName = (await fw.db.knex('sys_user').where({ id: lead.user.id }).first('display_name')).display_name as string;
        expect(row).to.contain('New standing desks').and.contain(leadName).and.contain('delegated to you').and.contain('Any lead').and.not.contain('any_lead');
        expect(await page.getAttribute('fw-my-approvals tbody th a', 'href')).to.equal(`/tables/wf_ticket/${ticketId}`);
        expect(await axeViolations(page)).to.deep.equal([]);

        await tabTo(page, 'fw-my-approvals button[data-approve]');
        await page.keyboard.press('Enter');
        await page.waitForSelector('fw-my-approvals dialog[open]');
        expect(await page.evaluate(() => document.activeElement?.id)).to.equal('approval-comment');
        expect(await axeViolations(page)).to.deep.equal([]);
        await page.keyboard.type('Fine while the lead is away');
        await page.click('fw-my-approvals dialog button[type=submit]');
        await page.waitForSelector('fw-my-approvals .fw-notification-banner');
        expect(await page.textContent('fw-my-approvals .fw-notification-banner')).to.contain('You approved Any lead for');
        expect(await page.textContent('fw-my-approvals')).to.contain('You have no approval requests waiting.');
        expect(await page.$('fw-my-approvals dialog[open]')).to.equal(null);
        expect(await axeViolations(page)).to.deep.equal([]);

        expect(await fw.records.readOne('wf_ticket', ticketId, { actor: fw.systemActor })).to.include({ state: 'approved' });
        const [decided] = await fw.db.knex('sys_approval').where({ record_id: ticketId, status: 'approved' });
        expect(decided).to.include({ approver_name: lead.username, decided_by_name: deputy.username, comment: 'Fine while the lead is away' });
      } finally {
        await context.close();
      }
    });

    it('lets the lead end the delegation after confirming', async () => {
      const context = await browser.newContext();
      try {
        const page = await open(context, lead);
        await page.goto(`${server.url}/delegations`);
        await page.waitForSelector('fw-delegations [data-delete]');
        await page.click('fw-delegations [data-delete]');
        await page.waitForSelector('fw-delegations .fw-confirm');
        await page.waitForFunction(() => document.activeElement?.classList.contains('fw-confirm__title'));
        expect(await page.textContent('fw-delegations .fw-confirm')).to.contain(`End the delegation to ${deputy.username}?`);
        expect(await axeViolations(page)).to.deep.equal([]);
        await page.click('fw-delegations .fw-confirm button.fw-button--warning');
        await page.waitForSelector('fw-delegations .fw-notification-banner');
        expect(await page.textContent('fw-delegations .fw-notification-banner')).to.contain(`The delegation to ${deputy.username} has ended.`);
        await page.waitForSelector('fw-delegations :text("You have not delegated your approvals.")');
        expect(await fw.db.knex('sys_delegation').where({ user_id: lead.user.id })).to.deep.equal([]);
        expect(await axeViolations(page)).to.deep.equal([]);
      } finally {
        await context.close();
      }
      expect(errors).to.deep.equal([]);
    });
  });
});

/**
 * The home page as the person's work in Debian's Chromium (playwright-core) against the real engine and API, on the
 * core definitions and the workflow test pack: an agent sees the open records assigned to them and their queues
 * with counts, and follows the links to the lists; a lead sees the approval request waiting for them and opens
 * "My approvals" from it. The menus stay in the navigation, not on the page. axe-core finds no WCAG 2.1 AA
 * violation. Needs /usr/bin/chromium; without it the suite fails, it never skips.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { loadActor } from '../../platform/access/identity/index.js';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { assign, createQueue, workflowService } from '../../platform/workflow/index.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { CORE_DEFINITIONS, createTestEngine, type TestEngine } from '../support/engine.js';
import { PACK } from '../platform/workflow/support.js';
import { axeViolations, launchChromium, signInInBrowser } from './browser.js';

describe('the home page shows my work in Chromium', function () {
  this.timeout(90_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let agent: TestUser;
  let lead: TestUser;
  const tickets: Record<string, { id: string; number: string }> = {};
  const errors: string[] = [];

  async function open(who: TestUser): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signInInBrowser(page, fw, server.url, who);
    await page.waitForSelector('fw-home .fw-home__cards');
    return page;
  }

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS, PACK] });
    await fw.workflow.timers.stop();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    agent = await createUser(fw, { roles: ['agent', 'wf_agent'], org: 'ORG_H' });
    lead = await createUser(fw, { roles: ['wf_lead'], org: 'ORG_H' });
    const agentActor = await loadActor(fw, agent.user.id);
    await createQueue(fw, fw.systemActor, { name: 'desk_h', label: 'Home desk', org: 'ORG_H' });
    const service = workflowService(fw);
    for (const [key, title] of [['mine', 'Replace the projector bulb'], ['asked', 'Buy a new chair']] as const) {
      const r = await fw.records.createOne('wf_ticket', { title }, { actor: agentActor });
      tickets[key] = { id: r.id as string, number: r.number as string };
    }
    await assign(service, 'wf_ticket', tickets.mine!.id, { user: '@me' }, agentActor);
    await service.transition('wf_ticket', tickets.asked!.id, 'submit', {}, agentActor);
    await service.transition('wf_ticket', tickets.asked!.id, 'ask_any', {}, agentActor);
    server = await listen(createApp(fw));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('shows the agent\'s assigned work and queues with counts, not the menus, and links to the lists', async () => {
    const page = await open(agent);
    const assigned = (await page.textContent('fw-home [data-section=assigned]')) ?? '';
    expect(assigned).to.contain('1 open item assigned to you');
    expect(assigned).to.contain(`${tickets.mine!.number} – Replace the projector bulb`);
    expect(await page.getAttribute(`fw-home [data-section=assigned] a:has-text("${tickets.mine!.number}")`, 'href'))
      .to.equal(`/tables/wf_ticket/${tickets.mine!.id}`);
    const queues = (await page.textContent('fw-home [data-section=queues]')) ?? '';
    expect(queues).to.contain('Home desk');
    // A queue only the workflow names reads as its name in words.
    expect(queues).to.contain('Triage').and.not.contain('triage');
    // Headings per section; the lists are lists; the menus are in the navigation only.
    expect(await page.$$eval('fw-home h2', (hs) => hs.map((h) => h.textContent?.trim()))).to.include.members(['Assigned to me', 'Approvals waiting for me', 'My queues']);
    expect(await page.locator('fw-home [data-section=assigned] ul > li').count()).to.equal(1);
    expect(await page.textContent('fw-nav')).to.contain('Raise an incident');
    expect(await page.textContent('fw-home')).not.to.contain('Raise an incident');
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.click('fw-home [data-section=assigned] a:has-text("1 open item assigned to you")');
    await page.waitForSelector('fw-queue h1');
    expect(new URL(page.url()).pathname).to.equal('/queues/@me');
    await page.goBack();
    await page.waitForSelector('fw-home [data-section=queues]');
    await page.click('fw-home [data-section=queues] a:has-text("Home desk")');
    await page.waitForSelector('fw-queue h1');
    expect(new URL(page.url()).pathname).to.equal('/queues/desk_h');
    expect(errors).to.deep.equal([]);
  });

  it('shows the lead the approval waiting for them and opens "My approvals" from it', async () => {
    const page = await open(lead);
    const approvals = (await page.textContent('fw-home [data-section=approvals]')) ?? '';
    expect(approvals).to.contain('1 request waiting for your decision');
    expect(approvals).to.contain(`${tickets.asked!.number} – Buy a new chair`);
    expect(approvals).to.match(/asked (just now|\d+ (seconds?|minutes?) ago)/);
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('fw-home [data-section=approvals] a:has-text("1 request waiting")');
    await page.waitForSelector('fw-my-approvals h1');
    expect(new URL(page.url()).pathname).to.equal('/approvals');
    expect(errors).to.deep.equal([]);
  });
});

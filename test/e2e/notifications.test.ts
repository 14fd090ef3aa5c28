/**
 * The notification centre in Debian's Chromium against the real engine and API: a task assigned to the signed-in
 * person (core notification task_assigned) shows as an unread count on the header's bell, announced in a polite
 * live region; the panel lists it; opening it marks it read and shows the task at its history. axe-core finds no
 * WCAG 2.1 AA violation with the count shown and with the panel open.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { dispatchNotifications } from '../../platform/notify/index.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, type TestEngine } from '../support/engine.js';
import { axeViolations, launchChromium, signInInBrowser } from './browser.js';

describe('Notification centre in Chromium', function () {
  this.timeout(60_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  let task: Record<string, unknown>;
  const errors: string[] = [];

  before(async function () {
    await ensureUiBuilt();
    fw = await createTestEngine();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    user = await createUser(fw, { roles: ['agent'] });
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

  it('shows no unread count after signing in', async () => {
    await signInInBrowser(page, fw, server.url, user);
    await page.waitForFunction(() => document.querySelector('fw-notifications [aria-live="polite"]')?.textContent === 'No unread notifications');
    // The bell's accessible name carries the count (none yet); the icon is hidden from assistive technology.
    expect(await page.getByRole('button', { name: 'Notifications', exact: true }).count()).to.equal(1);
  });

  it('shows the unread count of a new notification on the bell, in a polite live region, with no axe violations', async () => {
    task = await fw.records.createOne('task', { short_description: 'Replace the <router>', assigned_to: user.username }, { actor: fw.systemActor });
    expect((await dispatchNotifications(fw)).notifications).to.equal(1);
    // The count is read again when the page changes.
    await page.click('fw-nav a:text-is("Tasks")');
    await page.waitForSelector('fw-list h1');
    await page.waitForFunction(() => document.querySelector('fw-notifications [aria-live="polite"]')?.textContent === '1 unread notification');
    const toggle = page.getByRole('button', { name: 'Notifications 1 unread', exact: true });
    expect(await toggle.count()).to.equal(1);
    expect(await toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('lists the notification in the panel (text, never markup), with no axe violations', async () => {
    await page.click('fw-notifications .fw-notifications__toggle');
    await page.waitForSelector('#fw-notifications-panel .fw-notifications__item');
    expect(await page.getAttribute('fw-notifications .fw-notifications__toggle', 'aria-expanded')).to.equal('true');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('fw-notifications-heading');
    const title = await page.textContent('#fw-notifications-panel .fw-notifications__title');
    expect(title).to.equal(`${String(task.number)} is assigned to you: Replace the <router>`);
    expect(await page.locator('#fw-notifications-panel router').count()).to.equal(0);
    expect(await page.textContent('#fw-notifications-panel .fw-notifications__tag')).to.equal('Unread');
    expect(await axeViolations(page)).to.deep.equal([]);
    // Escape closes it and returns focus to the bell.
    await page.keyboard.press('Escape');
    await page.waitForSelector('#fw-notifications-panel', { state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-notifications__toggle'))).to.equal(true);
  });

  it('opens the record at its history and marks the notification read', async () => {
    await page.click('fw-notifications .fw-notifications__toggle');
    await page.click('#fw-notifications-panel .fw-notifications__title');
    await page.waitForSelector('fw-record fw-activity');
    const url = new URL(page.url());
    expect(url.pathname + url.hash).to.equal(`/tables/task/${String(task.id)}#activity`);
    await page.waitForFunction(() => document.activeElement?.id === 'activity-heading');
    // Scrolled into view, and kept there while the page above it renders: wait for the parts fetched after the page
    // announced itself (the workflow state, the form's values), then for two frames, so that the resize observer
    // that keeps the heading in view has seen the final layout.
    await page.waitForSelector('fw-record fw-workflow-actions [data-state]');
    await page.waitForFunction(() => (document.getElementById('record-short_description') as HTMLInputElement | null)?.value === 'Replace the <router>');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await page.evaluate(() => {
      const box = document.getElementById('activity-heading')!.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    })).to.equal(true);
    await page.waitForFunction(() => document.querySelector('fw-notifications [aria-live="polite"]')?.textContent === 'No unread notifications');
    expect(await page.getByRole('button', { name: 'Notifications', exact: true }).count()).to.equal(1);
    const row = await fw.db.knex('sys_notification').where({ user_id: user.user.id }).first();
    expect(row.read_at).to.be.a('string');
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});

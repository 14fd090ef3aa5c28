/**
 * Scheduled jobs in Debian's Chromium (playwright-core) against the real engine, job runner and API: an administrator
 * opens Administration › Scheduled jobs, sees a bad cron refused at its field, changes the schedule, runs a job now
 * and watches its progress bar move, finds the run in the job's history, then cancels a second run from the keyboard.
 * axe-core finds no WCAG 2.1 AA violation in any of these states.
 *
 * The job is a platform job registered by this test ("gated_sample", declared by test/fixtures/packs/jobs-e2e): each
 * of its four steps waits until the test lets it go on, so the page is seen mid-run without racing a timer.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { registerPlatformJob } from '../../platform/jobs/platform-jobs.js';
import type { JobContext } from '../../platform/jobs/types.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { CORE_DEFINITIONS, createTestEngine, fixture, type TestEngine } from '../support/engine.js';
import { axeViolations, launchChromium, signInInBrowser } from './browser.js';

const STEPS = 4;

/** Lets the gated job take its next step: each call to `open()` lets one step through. */
class Gate {
  #allowed = 0;
  #waiting: (() => void)[] = [];

  open(steps = 1) {
    this.#allowed += steps;
    while (this.#allowed > 0 && this.#waiting.length) {
      this.#allowed -= 1;
      this.#waiting.shift()!();
    }
  }

  pass(signal: AbortSignal): Promise<void> {
    if (this.#allowed > 0) {
      this.#allowed -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.#waiting.push(resolve);
      signal.addEventListener('abort', () => reject(signal.reason ?? new Error('cancelled')), { once: true });
    });
  }
}

const gate = new Gate();

registerPlatformJob({
  name: 'gated_sample',
  label: 'Sample clean-up',
  description: 'Works through its items in four steps, each when the test lets it.',
  parameters: {
    batch: { type: 'integer', label: 'Items per step', help: 'How many items each step looks at.', default: 10, min: 1, max: 1000 },
  },
  async run(ctx: JobContext) {
    const batch = Number(ctx.parameters.batch ?? 10);
    ctx.progress(0, STEPS);
    for (let step = 1; step <= STEPS; step += 1) {
      await gate.pass(ctx.signal);
      ctx.count({ examined: batch, changed: 1 });
      ctx.progress(step, STEPS);
    }
  },
});

describe('Scheduled jobs pages in Chromium', function () {
  this.timeout(90_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let admin: TestUser;
  const errors: string[] = [];

  before(async function () {
    await ensureUiBuilt();
    // Heartbeats at their default (5 s): the progress the page shows between them is written as it changes.
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS, fixture('packs/jobs-e2e')] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    if (!fw.jobs) throw new Error('The engine has no job runner (fw.jobs): this test needs the real runner.');
    admin = await createUser(fw, { username: 'e2e.jobs.admin', roles: ['admin'], org: 'E2E-JOBS' });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  });

  after(async () => {
    // A run still waiting at the gate would hold the engine's close.
    gate.open(STEPS * 4);
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('lists the jobs under Administration › Scheduled jobs, by label, with schedule, next and last run in words', async () => {
    await signInInBrowser(page, fw, server.url, admin);
    await page.click('fw-nav >> text=Scheduled jobs');
    await page.waitForSelector('fw-admin-jobs table');
    expect(await page.title()).to.equal('Scheduled jobs – Formwork');
    const row = page.locator('fw-admin-jobs tr[data-job="gated_sample"]');
    const text = (await row.textContent()) ?? '';
    expect(text).to.contain('Sample clean-up').and.to.contain('Never run').and.to.contain('On');
    // Words for people: the label, never the job's machine name; times in words with the exact one on hover.
    expect(await page.textContent('fw-admin-jobs table')).to.not.contain('gated_sample');
    expect(await row.locator('time').first().getAttribute('title')).to.match(/\d{4}/);
    expect(errors).to.deep.equal([]);
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('opens the job and refuses a bad schedule at its field, with the error summary', async () => {
    await page.click('fw-admin-jobs a:has-text("Sample clean-up")');
    await page.waitForSelector('fw-admin-job h1:has-text("Sample clean-up")');
    expect(await page.title()).to.equal('Sample clean-up – Formwork');
    expect(await page.textContent('fw-admin-job')).to.contain('Works through its items in four steps').and.to.contain('Europe/London');
    expect(await page.inputValue('#job-parameters\\.batch')).to.equal('10');
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.fill('#job-schedule', 'every day at noon');
    await page.click('fw-admin-job button[type=submit]');
    await page.waitForSelector('fw-admin-job .fw-error-summary');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-error-summary'))).to.equal(true);
    expect(await page.title()).to.equal('Error: Sample clean-up – Formwork');
    expect(await page.getAttribute('#job-schedule', 'aria-invalid')).to.equal('true');
    expect(await page.textContent('#job-schedule-error')).to.contain('every day at noon');
    // The summary's link leads to the field.
    await page.click('fw-admin-job .fw-error-summary a');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('job-schedule');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('changes the schedule and a setting, shown in words once saved', async () => {
    await page.fill('#job-schedule', '30 3 * * *');
    await page.fill('#job-parameters\\.batch', '25');
    await page.click('fw-admin-job button[type=submit]');
    await page.waitForSelector('fw-admin-job .fw-notification-banner--success');
    expect(await page.textContent('fw-admin-job .fw-notification-banner')).to.contain('have been saved');
    expect(await page.$('fw-admin-job .fw-error-summary')).to.equal(null);
    const facts = (await page.textContent('fw-admin-job dl')) ?? '';
    expect(facts).to.contain('03:30').and.to.contain('Changed by an administrator');
    const job = await fw.jobs.get(fw.systemActor, 'gated_sample');
    expect(job.schedule).to.equal('30 3 * * *');
    expect(job.parameters.find((p) => p.name === 'batch')?.value).to.equal(25);
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('runs the job now and shows its progress live, then its outcome in the history', async () => {
    await page.click('fw-admin-job button[data-action="run"]');
    // The bar is indeterminate until the run says how much there is to do.
    await page.waitForFunction((steps) => document.querySelector('fw-admin-job progress')?.getAttribute('max') === String(steps), STEPS);
    // The progress bar has a label (axe checks it too).
    const label = await page.evaluate(() => (document.querySelector('fw-admin-job progress') as HTMLProgressElement).labels[0]?.textContent);
    expect(label).to.contain('Run started');
    expect(await axeViolations(page)).to.deep.equal([]);

    gate.open();
    await page.waitForFunction(() => (document.querySelector('fw-admin-job progress') as HTMLProgressElement | null)?.value === 1);
    expect(await page.textContent('fw-admin-job [data-run] p')).to.contain('1 of 4 done (25%)').and.to.contain('25 examined');
    gate.open();
    await page.waitForFunction(() => (document.querySelector('fw-admin-job progress') as HTMLProgressElement | null)?.value === 2);
    expect(await page.textContent('fw-admin-job table')).to.contain('Running');
    expect(await axeViolations(page)).to.deep.equal([]);

    gate.open(2);
    await page.waitForFunction(() => !document.querySelector('fw-admin-job progress'));
    await page.waitForFunction(() => document.querySelector('fw-admin-job [role=status]')?.textContent?.includes('succeeded'));
    const history = page.locator('fw-admin-job table tbody tr').first();
    const row = (await history.textContent()) ?? '';
    expect(row).to.contain('Succeeded').and.to.contain('Run now by').and.to.contain('100').and.to.contain('4');
    expect(row).to.not.match(/\d{4}-\d{2}-\d{2}T/);
    expect(await page.textContent('fw-admin-job dl')).to.contain('it succeeded');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('cancels a running run from the keyboard; focus returns to Run now and the history says it was cancelled', async () => {
    await page.focus('fw-admin-job button[data-action="run"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('fw-admin-job [data-run] button[data-cancel]');
    gate.open();
    await page.waitForFunction(() => (document.querySelector('fw-admin-job progress') as HTMLProgressElement | null)?.value === 1);
    await page.focus('fw-admin-job [data-run] button[data-cancel]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('fw-admin-job [role=status]')?.textContent?.includes('cancelled'));
    await page.waitForFunction(() => !document.querySelector('fw-admin-job progress'));
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-action') === 'run');
    expect(await page.textContent('fw-admin-job table tbody tr')).to.contain('Cancelled');
    expect(await page.locator('fw-admin-job table tbody tr').count()).to.equal(2);
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('shows the last run in the list of jobs, and opens the history again from there', async () => {
    await page.click('fw-nav >> text=Scheduled jobs');
    await page.waitForSelector('fw-admin-jobs tr[data-job="gated_sample"]');
    expect(await page.textContent('fw-admin-jobs tr[data-job="gated_sample"]')).to.contain('Cancelled').and.to.contain('just now');
    await page.click('fw-admin-jobs a:has-text("Sample clean-up")');
    await page.waitForSelector('fw-admin-job table tbody tr');
    const statuses = await page.$$eval('fw-admin-job table tbody tr .fw-tag', (tags) => tags.map((t) => t.textContent?.trim()));
    expect(statuses).to.deep.equal(['Cancelled', 'Succeeded']);
    expect(errors).to.deep.equal([]);
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('shows the server\'s own background work read-only: when it last looked, the times it found work, and why there is no Run now', async () => {
    await fw.db.knex('sys_job_run').insert({
      id: '018f0000-0000-7000-8000-00000000e013', job: 'system_sla_checks', fire_at: null, trigger: 'schedule', attempt: 1,
      status: 'succeeded', started_at: fw.clock.now().toISOString(), finished_at: fw.clock.now().toISOString(),
      heartbeat_at: fw.clock.now().toISOString(), lease_until: fw.clock.now().toISOString(), instance: 'e2e',
      examined: 7, changed: 2, failed: 0, cancel_requested: false,
    });
    await page.click('fw-nav >> text=Scheduled jobs');
    await page.waitForSelector('fw-admin-jobs tr[data-job="system_sla_checks"]');
    expect(await page.textContent('fw-admin-jobs tr[data-job="system_sla_checks"]')).to.contain('Built into the server')
      .and.to.contain('Whenever it finds work').and.to.contain('Succeeded');
    await page.click('fw-admin-jobs a:has-text("Service-level checks")');
    await page.waitForSelector('fw-admin-job h1:has-text("Service-level checks")');
    const text = ((await page.textContent('fw-admin-job')) ?? '').replace(/\s+/g, ' ');
    expect(text).to.contain('Built into the server').and.to.contain('cannot be run now or switched off here').and.to.contain('Found work');
    expect(await page.$('fw-admin-job button[data-action="run"]')).to.equal(null);
    expect(await page.$('fw-admin-job form')).to.equal(null);
    const row = (await page.textContent('fw-admin-job table tbody tr')) ?? '';
    expect(row).to.contain('Succeeded').and.to.contain('7').and.to.contain('2');
    expect(text).to.not.contain('system_sla_checks');
    expect(errors).to.deep.equal([]);
    expect(await axeViolations(page)).to.deep.equal([]);
  });
});

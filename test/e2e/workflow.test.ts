/**
 * The record page's workflow actions in Debian's Chromium (playwright-core), against the real engine and API on the
 * core task workflow: the state shown read-only in the form; a transition button that acts at once (Start work); one
 * that opens an accessible dialog for its required comment, reporting the missing comment in the dialog's error
 * summary (Put on hold); one asking for a required field (Resolve); assign to me and return to queue; only the
 * assignment actions the server offers (GET …/actions: no "Assign to me" for a non-member, moves only to queues that
 * serve the table, nothing in another organisation's queue); an approval
 * request decided from the page (the workflow test pack's ticket). axe-core finds no WCAG 2.1 AA violation at any step.
 * Needs Debian's Chromium at /usr/bin/chromium (`.ci/run` installs it); without it the suite fails, it never skips.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { loadActor } from '../../platform/access/identity/index.js';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import type { Actor } from '../../platform/records/types.js';
import { createUser, freshTotpCode, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { CORE_DEFINITIONS, createTestEngine, type TestEngine } from '../support/engine.js';
import { PACK } from '../platform/workflow/support.js';
import { createQueue, setQueueMember, workflowService } from '../../platform/workflow/index.js';
import { axeViolations, launchChromium } from './browser.js';

describe('workflow UI in Chromium', function () {
  this.timeout(60_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  let actor: Actor;
  let id: string;
  const errors: string[] = [];

  const state = () => fw.records.readOne('incident', id, { actor: fw.systemActor }).then((r) => r.state);

  before(async function () {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS, PACK] });
    await fw.workflow.timers.stop();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    user = await createUser(fw, { roles: ['agent', 'wf_lead'] });
    actor = await loadActor(fw, user.user.id);
    const record = await fw.records.createOne('incident', { short_description: 'Kettle tripped the fuse', category: 'hardware' }, { actor });
    id = record.id as string;
    server = await listen(createApp(fw));
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/tables/incident/${id}`);
    await page.waitForSelector('#sign-in-username');
    await page.fill('#sign-in-username', user.username);
    await page.fill('#sign-in-password', user.password);
    await page.click('fw-sign-in button[type=submit]');
    await page.waitForSelector('#mfa-code');
    await page.fill('#mfa-code', await freshTotpCode(fw, user.user.id, user.secret!));
    await page.click('fw-mfa button[type=submit]');
    await page.waitForSelector('fw-workflow-actions button[data-transition]');
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('shows the state, queue and the allowed transitions as buttons; the form shows the state read-only', async () => {
    expect(await page.textContent('fw-workflow-actions [data-state]')).to.equal('New');
    expect(await page.textContent('fw-workflow-actions .fw-summary-list')).to.contain('Service desk').and.to.contain('Nobody');
    const buttons = await page.$$eval('fw-workflow-actions button[data-transition]', (b) => b.map((x) => x.textContent?.trim()));
    expect(buttons).to.deep.equal(['Start work', 'Put on hold', 'Resolve']);
    // Read-only: a value, not a control.
    expect(await page.evaluate(() => document.getElementById('record-state')?.tagName)).to.equal('DD');
    expect(await page.textContent('#record-state')).to.equal('New');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('makes a transition from its button and announces it', async () => {
    await page.click('fw-workflow-actions button[data-transition=start]');
    await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-state]')?.textContent === 'In progress');
    expect(await page.textContent('fw-record .fw-notification-banner')).to.contain('Start work: the record is now in progress.');
    expect(await state()).to.equal('in_progress');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('opens an accessible dialog for a required comment, reports it missing in the error summary, then transitions', async () => {
    await page.click('fw-workflow-actions button[data-transition=hold]');
    await page.waitForSelector('fw-workflow-actions dialog[open]');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('wf-comment');
    expect(await page.textContent('#wf-dialog-title')).to.equal('Put on hold');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('fw-workflow-actions dialog button[type=submit]');
    await page.waitForSelector('fw-workflow-actions dialog .fw-error-summary');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-error-summary'))).to.equal(true);
    expect(await page.textContent('fw-workflow-actions dialog .fw-error-summary')).to.contain('A comment is needed to make the "Put on hold" transition.');
    expect(await page.getAttribute('#wf-comment', 'aria-describedby')).to.equal('wf-comment-error');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('fw-workflow-actions dialog .fw-error-summary a');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('wf-comment');
    await page.fill('#wf-comment', 'Waiting for an electrician');
    await page.click('fw-workflow-actions dialog button[type=submit]');
    await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-state]')?.textContent === 'On hold');
    expect(await page.$('fw-workflow-actions dialog[open]')).to.equal(null);
    expect(await state()).to.equal('on_hold');
    await page.waitForFunction(() => document.querySelector('fw-activity')?.textContent?.includes('Waiting for an electrician'));
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('asks for a required field in the dialog', async () => {
    await page.click('fw-workflow-actions button[data-transition=resume]');
    await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-state]')?.textContent === 'In progress');
    await page.click('fw-workflow-actions button[data-transition=resolve]');
    await page.waitForSelector('fw-workflow-actions dialog[open] #wf-field-close_notes');
    await page.click('fw-workflow-actions dialog button[type=submit]');
    await page.waitForSelector('fw-workflow-actions dialog .fw-error-summary');
    expect(await page.textContent('fw-workflow-actions dialog .fw-error-summary')).to.contain('"Resolution notes" is needed to make the "Resolve" transition.');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.fill('#wf-field-close_notes', 'Replaced the kettle');
    await page.click('fw-workflow-actions dialog button[type=submit]');
    await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-state]')?.textContent === 'Resolved');
    expect(await fw.records.readOne('incident', id, { actor: fw.systemActor })).to.include({ state: 'resolved', close_notes: 'Replaced the kettle' });
  });

  it('assigns the record to me and returns it to its queue', async () => {
    // The assignment controls are behind the header's "Assignment" disclosure, closed again once an assignment is made.
    await page.click('fw-workflow-actions button[data-assignment]');
    await page.click('fw-workflow-actions button[data-assign=me]');
    await page.waitForFunction((name) => document.querySelector('fw-workflow-actions [data-part=assignee]')?.textContent?.includes(name), `Test ${user.username}`);
    expect((await fw.records.readOne('incident', id, { actor: fw.systemActor })).assigned_to).to.equal(user.username);
    expect(await page.getAttribute('fw-workflow-actions button[data-assignment]', 'aria-expanded')).to.equal('false');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('fw-workflow-actions button[data-assignment]');
    await page.click('fw-workflow-actions button[data-assign=return]');
    await page.waitForFunction(() => document.querySelector('fw-workflow-actions .fw-summary-list')?.textContent?.includes('Nobody'));
    await page.click('fw-workflow-actions button[data-assignment]');
    await page.click('fw-workflow-actions form:has(#wf-assign-user) button[type=submit]');
    await page.waitForSelector('fw-workflow-actions .fw-workflow__summary .fw-error-summary');
    expect(await page.textContent('fw-workflow-actions .fw-error-summary')).to.contain('Choose the person to assign it to');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('assigns the record to someone else chosen by name from the keyboard, offering only who may take it', async () => {
    const colleague = await createUser(fw, { roles: ['agent'] });
    const outsider = await createUser(fw, { roles: ['agent'], org: 'ELSEWHERE' });
    await fw.db.knex('sys_user').where({ id: colleague.user.id }).update({ display_name: 'Quentin Picker' });
    await fw.db.knex('sys_user').where({ id: outsider.user.id }).update({ display_name: 'Quentin Faraway' });
    await page.reload();
    await page.click('fw-workflow-actions button[data-assignment]');
    await page.waitForSelector('fw-workflow-actions #wf-assign-user');
    await page.focus('#wf-assign-user');
    await page.keyboard.type('quentin');
    await page.waitForSelector('#wf-assign-user-listbox:not([hidden]) [role=option]');
    const offered = await page.$$eval('#wf-assign-user-listbox [role=option]', (o) => o.map((x) => x.textContent?.trim()));
    expect(offered).to.deep.equal(['Quentin Picker']);
    expect(await page.getAttribute('#wf-assign-user', 'aria-expanded')).to.equal('true');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.keyboard.press('ArrowDown');
    expect(await page.getAttribute('#wf-assign-user', 'aria-activedescendant')).to.equal('wf-assign-user-option-0');
    await page.keyboard.press('Enter');
    expect(await page.inputValue('#wf-assign-user')).to.equal('Quentin Picker');
    await page.click('fw-workflow-actions form:has(#wf-assign-user) button[type=submit]');
    // The header names the assignee; their username is what is stored.
    await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-part=assignee]')?.textContent === 'Quentin Picker');
    expect((await fw.records.readOne('incident', id, { actor: fw.systemActor })).assigned_to).to.equal(colleague.username);
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('offers only the assignment actions the server allows: no "Assign to me" for a non-member, no move within reach', async () => {
    const far = await createUser(fw, { roles: ['agent'], org: 'FAR' });
    await createQueue(fw, fw.systemActor, { name: 'experts', label: 'Experts' });
    await setQueueMember(fw, fw.systemActor, 'experts', far.username, true);
    await createQueue(fw, fw.systemActor, { name: 'far_desk', label: 'Far desk', org: 'FAR' });
    const made = await fw.records.createOne('incident', { short_description: 'Fan rattles', category: 'hardware' }, { actor });
    await fw.records.updateOne('incident', made.id as string, { assignment_group: 'experts' }, { actor: fw.systemActor });
    await page.goto(`${server.url}/tables/incident/${String(made.id)}`);
    await page.click('fw-workflow-actions button[data-assignment]');
    await page.waitForSelector('fw-workflow-actions #wf-queue');
    expect(await page.textContent('fw-workflow-actions .fw-summary-list')).to.contain('Experts');
    // Not a member of Experts (which has members): nobody may take it for themselves there, so it is not offered.
    expect(await page.$('fw-workflow-actions button[data-assign=me]')).to.equal(null);
    const options = await page.$$eval('#wf-queue option', (o) => o.map((x) => (x as HTMLOptionElement).value));
    // Queues serving incidents, not the one it is in, nor another pack's (the ticket workflow's) or organisation's.
    expect(options).to.include.members(['', 'service_desk', 'major_incidents']);
    expect(options.filter((q) => ['experts', 'triage', 'netops', 'far_desk'].includes(q))).to.deep.equal([]);
    expect(await axeViolations(page)).to.deep.equal([]);
    // In a queue of another organisation the person does not work in: no assignment at all.
    await fw.records.updateOne('incident', made.id as string, { assignment_group: 'far_desk' }, { actor: fw.systemActor });
    await page.reload();
    await page.waitForSelector('fw-workflow-actions [data-state]');
    expect(await page.$('fw-workflow-actions #wf-queue')).to.equal(null);
    expect(await page.$('fw-workflow-actions #wf-assign-user')).to.equal(null);
    expect(await page.$('fw-workflow-actions [data-assign]')).to.equal(null);
    expect(await page.textContent('fw-workflow-actions .fw-summary-list')).to.contain('Far desk');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('decides an approval asked of me, with a comment, from the record page', async () => {
    const t = await fw.records.createOne('wf_ticket', { title: 'New chairs' }, { actor });
    await workflowService(fw).transition('wf_ticket', t.id as string, 'submit', {}, actor);
    await workflowService(fw).transition('wf_ticket', t.id as string, 'ask_any', {}, actor);
    await page.goto(`${server.url}/tables/wf_ticket/${String(t.id)}`);
    await page.waitForSelector('fw-workflow-actions button[data-approve]');
    expect(await page.textContent('fw-workflow-actions')).to.contain('Your approval is requested');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.click('fw-workflow-actions button[data-approve]');
    await page.waitForSelector('fw-workflow-actions dialog[open] #wf-comment');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.fill('#wf-comment', 'Within budget');
    await page.click('fw-workflow-actions dialog button[type=submit]');
    await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-state]')?.textContent === 'Approved');
    expect(await page.$('fw-workflow-actions button[data-approve]')).to.equal(null);
    expect(await fw.records.readOne('wf_ticket', t.id as string, { actor: fw.systemActor })).to.include({ state: 'approved', queue: 'delivery' });
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});

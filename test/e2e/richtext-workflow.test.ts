/**
 * The workflow action dialog picks a field's widget as the record form does (ui/fields/widget.ts), in Chromium: a
 * transition asking for rich text and tags (test/fixtures/packs/richtext-workflow) gets the rich text editor (bold by
 * keyboard) and the tags field (Enter adds a tag), reports both missing in its error summary first, and saves the
 * HTML and the tags with the transition. The editor is a chunk fetched on demand: when that fetch fails the field
 * says so with a "Try again" button that loads it. axe-core finds no WCAG 2.1 AA violation in any state. Needs
 * /usr/bin/chromium.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, listen, type RunningServer } from '../support/auth.js';
import { createTestEngine, fixture, packRoot, type TestEngine } from '../support/engine.js';
import { waitFor } from '../support/wait.js';
import { axeViolations, launchChromium, pageAs } from './browser.js';

const DIALOG = 'fw-workflow-actions dialog[open]';
const EDITOR = `${DIALOG} fw-richtext-field [role=textbox][aria-multiline=true]`;
const TAG_INPUT = `${DIALOG} fw-tags-field input[role=combobox]`;

describe('Rich text and tags in the workflow action dialog in Chromium', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let user: Awaited<ReturnType<typeof createUser>>;
  const errors: string[] = [];

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [packRoot('core'), fixture('packs/richtext-workflow')] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    server = await listen(createApp(fw));
    browser = await launchChromium();
    user = await createUser(fw, { roles: ['rtw_editor'] });
    ({ page } = await pageAs(browser, fw, server.url, user, errors));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });
  afterEach(() => expect(errors).to.deep.equal([]));

  it('asks for the body with the rich text editor and the tags with the tags field, then publishes', async () => {
    const record = await fw.records.createOne('rtw_page', { title: 'Opening hours' }, { actor: fw.systemActor });
    const id = String(record.id);
    await page.goto(`${server.url}/tables/rtw_page/${id}`);
    await page.click('fw-workflow-actions button[data-transition=publish]');
    await page.waitForSelector(EDITOR);
    await page.waitForSelector(TAG_INPUT);
    expect(await page.getAttribute(EDITOR, 'id')).to.equal('wf-field-body');
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.click(`${DIALOG} button[type=submit]`);
    await page.waitForSelector(`${DIALOG} .fw-error-summary`);
    const summary = await page.textContent(`${DIALOG} .fw-error-summary`);
    expect(summary).to.contain('"Body" is needed to make the "Publish" transition.');
    expect(summary).to.contain('"Tags" is needed to make the "Publish" transition.');
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.focus(EDITOR);
    await page.keyboard.type('Open ');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('every day');
    await page.focus(TAG_INPUT);
    await page.keyboard.type('Hours');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await page.$$eval(`${DIALOG} fw-tags-field .fw-tags__chip > span`, (els) => els.map((e) => e.textContent))).join() === 'Hours',
      { message: 'the tag Hours added' });
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.click(`${DIALOG} button[type=submit]`);
    await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-state]')?.textContent === 'Published');
    const stored = await fw.records.readOne('rtw_page', id, { actor: fw.systemActor });
    expect(stored).to.include({ status: 'published', body: '<p>Open <strong>every day</strong></p>' });
    expect(stored.tags).to.deep.equal(['Hours']);
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('says when the editor could not be fetched, and loads it when asked to try again', async () => {
    const { context, page: offline } = await pageAs(browser, fw, server.url, user, errors);
    const refused: string[] = [];
    const chunk = /\/ui\/chunks\/richtext-editor-[A-Z0-9]+\.js/;
    await offline.route(chunk, async (route) => {
      refused.push(route.request().url());
      await route.abort('internetdisconnected');
    });
    await offline.goto(`${server.url}/tables/rtw_page/new`);
    const alert = await offline.waitForSelector('fw-richtext-field [role=alert]');
    expect(await alert.textContent()).to.contain('The text editor could not be loaded. Check your connection, then try again.');
    expect(refused).to.have.length(1);
    expect(await axeViolations(offline)).to.deep.equal([]);

    await offline.unroute(chunk);
    await offline.focus('fw-richtext-field [role=alert] button');
    await offline.keyboard.press('Enter');
    await offline.waitForSelector('fw-richtext-field [role=textbox][aria-multiline=true]');
    expect(await offline.$('fw-richtext-field [role=alert]')).to.equal(null);
    expect(await axeViolations(offline)).to.deep.equal([]);
    await context.close();
  });
});

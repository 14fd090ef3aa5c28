/**
 * Content versions in Debian's Chromium: an editor opens the record's Versions tab by keyboard, chooses two versions
 * and compares them (insertions in <ins>, deletions in <del>, each said as "added:" / "removed:"), focus landing on
 * the comparison; a reader sees the last published content with "Version 3, published <its day>" under it and no
 * Versions tab. axe-core finds no WCAG 2.1 AA violation on any state. Needs /usr/bin/chromium; never skips.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createApp } from '../../platform/http/app.js';
import { createUser, listen, type RunningServer } from '../support/auth.js';
import { createTestEngine, fixture, packRoot, type TestEngine } from '../support/engine.js';
import { axeViolations, focused, launchChromium, pageAs, tabTo } from './browser.js';

const RECORD_TABS = 'fw-record [role=tablist][aria-label="Activity and related records"]';

describe('Content versions in Chromium', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let editorPage: Page;
  let readerPage: Page;
  let id = '';
  const errors: string[] = [];

  before(async () => {
    await ensureUiBuilt();
    // The real clock: the browser's session timers run on it too.
    fw = await createTestEngine({ roots: [packRoot('core'), fixture('packs/versions')] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    const actor = fw.systemActor;
    const doc = await fw.records.createOne('vdoc', { title: 'Meter readings', body: 'Read the meter monthly.', stage: 'published' }, { actor });
    id = String(doc.id);
    await fw.records.updateOne('vdoc', id, { body: 'Read the gas meter monthly.' }, { actor });
    await fw.records.updateOne('vdoc', id, { body: 'Read the gas meter every week.' }, { actor });
    // A revision in draft: readers keep seeing version 3.
    await fw.records.updateOne('vdoc', id, { stage: 'draft', title: 'Meter readings (revised)' }, { actor });
    const editor = await createUser(fw, { roles: ['vd_editor'] });
    const reader = await createUser(fw, { roles: ['vd_reader'] });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    ({ page: editorPage } = await pageAs(browser, fw, server.url, editor, errors));
    ({ page: readerPage } = await pageAs(browser, fw, server.url, reader, errors));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });
  afterEach(() => expect(errors).to.deep.equal([]));

  async function open(page: Page) {
    await page.goto(`${server.url}/tables/vdoc/${id}`);
    await page.waitForSelector('fw-record fw-form form');
    await page.waitForSelector(`${RECORD_TABS} [role=tab]`);
  }

  it('lets an editor open the Versions tab by keyboard and compare two versions', async () => {
    const page = editorPage;
    await open(page);
    expect(await page.textContent('fw-record')).to.contain('Meter readings (revised)');
    expect(await page.locator('.fw-version-note').count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);

    await tabTo(page, '#record-tab-activity', { max: 200 });
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.activeElement?.id === 'record-tab-versions');
    expect(await page.getAttribute('#record-tab-versions', 'aria-selected')).to.equal('true');
    await page.waitForSelector('fw-record-versions .fw-versions__table tbody tr');
    expect(await page.locator('fw-record-versions .fw-versions__table tbody tr').count()).to.equal(3);
    expect(await page.textContent('fw-record-versions .fw-versions__table tbody tr:first-child')).to.contain('Version 3');
    expect(await axeViolations(page)).to.deep.equal([]);

    // Version 3 against version 1 (the defaults are the latest and the one before).
    await tabTo(page, '#versions-newer');
    expect(await page.inputValue('#versions-newer')).to.equal('3');
    await tabTo(page, '#versions-older');
    await page.selectOption('#versions-older', '1');
    await tabTo(page, 'fw-record-versions .fw-versions__button');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'versions-diff-heading');
    expect(await focused(page)).to.equal('#versions-diff-heading');
    expect(await page.textContent('#versions-diff-heading')).to.contain('Changes from version 1 to version 3');
    const inserted = await page.locator('fw-record-versions ins').allTextContents();
    const deleted = await page.locator('fw-record-versions del').allTextContents();
    expect(inserted.map((t) => t.replace('added: ', '').trim())).to.include.members(['gas', 'every week']);
    expect(deleted.map((t) => t.replace('removed: ', '').trim())).to.include('monthly');
    // Said in words, not by colour alone.
    expect(inserted.every((t) => t.startsWith('added: '))).to.equal(true);
    expect(deleted.every((t) => t.startsWith('removed: '))).to.equal(true);
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('shows a reader the published content and which version it is, without a Versions tab', async () => {
    const page = readerPage;
    await open(page);
    await page.waitForSelector('.fw-version-note');
    const { created_at: at } = await fw.db.knex('sys_content_version').where({ record_id: id, number: 3 }).first();
    const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(at));
    expect((await page.textContent('.fw-version-note'))!.trim()).to.equal(`Version 3, published ${day}`);
    const text = (await page.textContent('fw-record fw-form')) ?? '';
    expect(text).to.contain('Read the gas meter every week.');
    expect(text).to.not.contain('(revised)');
    expect(await page.locator('#record-tab-versions').count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);
  });
});

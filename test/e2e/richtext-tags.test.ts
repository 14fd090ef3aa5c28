/**
 * The rich text and tags fields in Chromium (test/fixtures/packs/richtext-tags): bold text typed with the keyboard
 * (Ctrl+B, the toolbar's Bold button pressed while it applies) is saved and shown bold; tags are added with Enter,
 * comma and a suggestion of the tags in use, and removed with Backspace and a chip's "Remove tag" button, all by
 * keyboard; a stored `<img src=x onerror=…>` written past the server's sanitiser (straight into the database) never
 * runs when the record is shown; axe-core finds no WCAG 2.1 AA violation in any state. Needs /usr/bin/chromium.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, listen, type RunningServer } from '../support/auth.js';
import { createTestEngine, fixture, packRoot, type TestEngine } from '../support/engine.js';
import { waitFor } from '../support/wait.js';
import { axeViolations, focused, launchChromium, pageAs } from './browser.js';

const EDITOR = 'fw-richtext-field [role=textbox][aria-multiline=true]';
const TAG_INPUT = 'fw-tags-field input[role=combobox]';
/** The scripts under /ui/ this document fetched, by file name without its hash (app.js, chunks/richtext-editor…). */
const uiScripts = (page: Page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)
  .filter((p) => p.startsWith('/ui/') && p.endsWith('.js')).map((p) => p.slice(4).replace(/-[A-Z0-9]{8}\.js$/, '')));
const chips = (page: Page) => page.$$eval('fw-tags-field .fw-tags__chip > span', (els) => els.map((e) => e.textContent));

describe('Rich text and tags fields in Chromium', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let author: Page;
  let reader: Page;
  const errors: string[] = [];

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [packRoot('core'), fixture('packs/richtext-tags')] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    await fw.records.createOne('rt_note', { title: 'Earlier note', tags: ['Billing'] }, { actor: fw.systemActor });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    ({ page: author } = await pageAs(browser, fw, server.url, await createUser(fw, { roles: ['rt_author'] }), errors));
    ({ page: reader } = await pageAs(browser, fw, server.url, await createUser(fw, { roles: ['rt_reader'] }), errors));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });
  afterEach(() => expect(errors).to.deep.equal([]));

  it('types bold text and tags by keyboard, saves them and shows them', async () => {
    const page = author;
    // The editor is a chunk of its own: the pages before (sign-in, home) never fetched it; the form fetches it once.
    const before = await uiScripts(page);
    expect(before).to.include('app.js');
    expect(before).not.to.include('chunks/richtext-editor');
    await page.goto(`${server.url}/tables/rt_note/new`);
    await page.waitForSelector(EDITOR);
    expect((await uiScripts(page)).filter((s) => s === 'chunks/richtext-editor')).to.have.length(1);
    expect(await axeViolations(page)).to.deep.equal([]);
    const editor = await page.$eval(EDITOR, (e) => ({ label: e.getAttribute('aria-labelledby'), described: e.getAttribute('aria-describedby') }));
    expect(await page.$eval(`#${editor.label}`, (e) => e.textContent?.trim())).to.equal('Body');
    expect(await page.$eval(`#${editor.described}`, (e) => e.textContent?.trim())).to.equal('What the note says.');

    await page.fill('fw-text-field input[name=title]', 'Keyboard note');
    await page.focus(EDITOR);
    await page.keyboard.type('Plain then ');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('bold words');
    const bold = 'fw-richtext-field button[data-format=bold]';
    await waitFor(async () => (await page.getAttribute(bold, 'aria-pressed')) === 'true', { message: 'Bold pressed' });
    await page.keyboard.press('Control+b');
    await page.keyboard.type(' again');
    await waitFor(async () => (await page.getAttribute(bold, 'aria-pressed')) === 'false', { message: 'Bold released' });
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.focus(TAG_INPUT);
    await page.keyboard.type('Smart meter');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Outage,');
    await page.keyboard.type('Extra');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await chips(page)).length === 3, { message: 'three tags' });
    await page.keyboard.press('Backspace');
    await waitFor(async () => (await chips(page)).join('|') === 'Smart meter|Outage', { message: 'Extra removed' });
    // A suggestion of the tags in use: typed, chosen with the arrow keys and Enter.
    await page.keyboard.type('bil');
    await page.waitForSelector('fw-tags-field [role=option]');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await chips(page)).join('|') === 'Smart meter|Outage|Billing', { message: 'Billing chosen' });
    expect(await focused(page)).to.equal(`#${await page.getAttribute(TAG_INPUT, 'id')}`);
    // The chip's remove button, reached by keyboard from the box.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).to.equal('Remove tag Outage');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await chips(page)).join('|') === 'Smart meter|Billing', { message: 'Outage removed' });
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.click('fw-form button[type=submit]');
    await page.waitForURL(/\/tables\/rt_note\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const stored = await fw.records.readOne('rt_note', id, { actor: fw.systemActor });
    expect(stored.body).to.equal('<p>Plain then <strong>bold words</strong> again</p>');
    expect(stored.tags).to.deep.equal(['Smart meter', 'Billing']);
    await page.waitForSelector(`${EDITOR} strong`);
    expect(await page.$eval(`${EDITOR} strong`, (e) => e.textContent)).to.equal('bold words');
    expect(await chips(page)).to.deep.equal(['Smart meter', 'Billing']);
    expect(await axeViolations(page)).to.deep.equal([]);

    // Read-only, for a reader: the text rendered with its formatting, the tags as text.
    await reader.goto(`${server.url}/tables/rt_note/${id}`);
    await reader.waitForSelector('fw-richtext-field .fw-richtext__view strong');
    expect(await reader.$eval('fw-richtext-field .fw-richtext__view strong', (e) => e.textContent)).to.equal('bold words');
    expect(await reader.$eval('fw-tags-field .fw-readonly__value', (e) => e.textContent?.trim())).to.equal('Smart meter, Billing');
    expect(await uiScripts(reader)).not.to.include('chunks/richtext-editor');
    expect(await axeViolations(reader)).to.deep.equal([]);
  });

  it('never runs a script stored in rich text past the server', async () => {
    const note = await fw.records.createOne('rt_note', { title: 'Hostile note', body: '<p>safe</p>' }, { actor: fw.systemActor });
    const physical = fw.registry.current.getTable('rt_note').physical;
    const payload = '<p>Look <img src=x onerror="window.__rtHacked = 1"><a href="javascript:window.__rtHacked = 2">here</a></p>'
      + '<svg><script>window.__rtHacked = 3</script></svg>';
    await fw.db.knex(physical).where({ id: note.id }).update({ body: payload });
    await reader.goto(`${server.url}/tables/rt_note/${String(note.id)}`);
    await reader.waitForSelector('fw-richtext-field .fw-richtext__view p');
    const view = await reader.$eval('fw-richtext-field .fw-richtext__view', (e) => e.innerHTML);
    expect(view).not.to.match(/onerror|javascript:|<script|<svg/i);
    await reader.click('fw-richtext-field .fw-richtext__view a');
    await reader.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await reader.evaluate(() => (window as unknown as { __rtHacked?: number }).__rtHacked)).to.equal(undefined);
    expect(await axeViolations(reader)).to.deep.equal([]);
  });
});

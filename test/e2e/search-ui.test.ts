/**
 * Search from the header and the results page in Debian's Chromium against the real engine and search API, on a
 * small pack of two searchable tables (test/fixtures/packs/search-ui): `/` moves focus to the header's search box,
 * typing offers suggestions grouped by table, the arrow keys and Enter open one's record; Ctrl+K and Enter open the
 * results page with the words found marked and the fields they were found in; a table filter narrows the results
 * (focus stays on the checkbox); a search finding nothing says what to try; a query too long says what is wrong.
 * axe-core finds no WCAG 2.1 AA violation in any of these states.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { loadActor } from '../../platform/access/identity/index.js';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, fixture, packRoot, type TestEngine } from '../support/engine.js';
import { axeViolations, focused, launchChromium, signInInBrowser } from './browser.js';

const GUIDES = [
  ['Reset your router', 'Unplug the router, wait thirty seconds and plug it back in. The lights settle within two minutes.'],
  ['Connect to the office VPN', 'Open the VPN client, choose the London gateway and sign in with your usual password.'],
  ['Replace a printer cartridge', 'Lift the front cover, press the cartridge down and pull it towards you.'],
] as const;
const QUESTIONS = [
  ['Why does my router keep dropping the connection?', 'Usually interference: move the router away from microwaves and cordless phones.'],
  ['How do I book a meeting room?', 'Use the room calendar in the intranet and add the room as a guest.'],
] as const;

describe('search from the header and the results page in Chromium', function () {
  this.timeout(90_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let reader: TestUser;
  const ids: Record<string, string> = {};
  const errors: string[] = [];

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [packRoot('core'), fixture('packs/search-ui')] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    reader = await createUser(fw, { roles: ['srch_reader'] });
    const actor = await loadActor(fw, reader.user.id);
    for (const [title, body] of GUIDES) ids[title] = (await fw.records.createOne('srch_guide', { title, body }, { actor })).id as string;
    for (const [question, answer] of QUESTIONS) ids[question] = (await fw.records.createOne('srch_question', { question, answer }, { actor })).id as string;
    server = await listen(createApp(fw));
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signInInBrowser(page, fw, server.url, reader);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('moves focus to the search box on /, offers suggestions grouped by table, and opens the one chosen with the keyboard', async () => {
    const box = page.getByRole('combobox', { name: 'Search', exact: true });
    expect(await box.getAttribute('aria-keyshortcuts')).to.contain('Control+K');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('/');
    expect(await focused(page)).to.equal('#fw-search-box-input');
    expect(await box.inputValue()).to.equal('');
    await page.keyboard.type('rout');
    await page.waitForSelector('#fw-search-box-listbox [role=option]');
    expect(await box.getAttribute('aria-expanded')).to.equal('true');
    const groups = await page.$$eval('#fw-search-box-listbox [role=group]', (gs) => gs.map((g) => document.getElementById(g.getAttribute('aria-labelledby')!)?.textContent?.trim()));
    expect(groups).to.include('Guide');
    expect(await page.textContent('#fw-search-box-listbox')).to.contain('Reset your router');
    expect(await axeViolations(page)).to.deep.equal([]);

    const options = await page.$$eval('#fw-search-box-listbox [role=option]', (os) => os.map((o) => o.textContent?.trim()));
    const target = options.indexOf('Reset your router');
    expect(target).to.be.at.least(0);
    for (let i = 0; i <= target; i += 1) await page.keyboard.press('ArrowDown');
    const active = await box.getAttribute('aria-activedescendant');
    expect(await page.textContent(`#${active!}`)).to.equal('Reset your router');
    expect(await page.getAttribute(`#${active!}`, 'aria-selected')).to.equal('true');
    await page.keyboard.press('Enter');
    await page.waitForSelector('fw-record h1');
    expect(new URL(page.url()).pathname).to.equal(`/tables/srch_guide/${ids['Reset your router']!}`);
    expect(errors).to.deep.equal([]);
  });

  it('opens the results page on Ctrl+K and Enter, with the total, marked words and where they were found', async () => {
    await page.keyboard.press('Control+k');
    expect(await focused(page)).to.equal('#fw-search-box-input');
    await page.keyboard.type('router');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#search-results-heading');
    expect(new URL(page.url()).pathname + new URL(page.url()).search).to.equal('/search?q=router');
    await page.waitForFunction(() => document.activeElement?.id === 'search-results-heading');
    expect(await page.textContent('#search-results-heading')).to.equal('2 results for “router”');
    expect(await page.textContent('.fw-search-page__status')).to.equal('2 results for “router”.');
    expect(await page.title()).to.contain('Search results for “router”');
    const titles = await page.$$eval('.fw-search-result__title a', (as) => as.map((a) => a.textContent?.trim()));
    expect(titles).to.have.members(['Reset your router', 'Why does my router keep dropping the connection?']);
    expect(await page.getAttribute('.fw-search-result__title a:text-is("Reset your router")', 'href'))
      .to.equal(`/tables/srch_guide/${ids['Reset your router']!}`);
    const marks = await page.$$eval('.fw-search-result mark', (ms) => ms.map((m) => m.textContent?.toLowerCase()));
    expect(marks).to.include('router');
    expect(await page.textContent('.fw-search-results__list')).to.match(/Found in: Title/);
    expect(await page.textContent('.fw-search-results__list')).to.contain('Guide');
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('filters the results by table, keeping focus on the checkbox', async () => {
    const questions = page.getByRole('checkbox', { name: /^Questions/ });
    expect(await page.textContent('fw-search-page fieldset legend')).to.equal('Kind of record');
    await questions.focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('tables') === 'srch_question');
    await page.waitForFunction(() => document.getElementById('search-results-heading')?.textContent === '1 result for “router”');
    expect(await page.$$eval('.fw-search-result__title a', (as) => as.map((a) => a.textContent?.trim())))
      .to.deep.equal(['Why does my router keep dropping the connection?']);
    expect(await questions.isChecked()).to.equal(true);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).to.equal('checkbox');
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('says what to try when nothing matches, and what is wrong with a query it cannot take', async () => {
    await page.fill('#search-page-q', 'zebra');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('search-results-heading')?.textContent === 'No results for “zebra”');
    expect(await page.textContent('.fw-search-results__main')).to.contain('check the spelling, use fewer words, or remove filters');
    // The table filter chosen before stays, and can be taken off in one step.
    expect(await page.getByRole('link', { name: 'Search again without filters' }).count()).to.equal(1);
    expect(await focused(page)).to.equal('#search-results-heading');
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.fill('#search-page-q', 'word '.repeat(120));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#search-page-q-error');
    expect(await page.getAttribute('#search-page-q', 'aria-invalid')).to.equal('true');
    expect(await page.textContent('#search-page-errors')).to.contain(await page.textContent('#search-page-q-error').then((t) => (t ?? '').replace('Error:', '').trim()));
    expect(await page.title()).to.match(/^Error: /);
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('searches the own list of a searchable table from its search box', async () => {
    await page.goto(`${server.url}/tables/srch_guide`);
    const box = page.getByRole('searchbox', { name: 'Search guides' });
    expect(await page.textContent('#list-search-hint')).to.contain('"quotes"');
    await box.fill('plug');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'plug');
    await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 1);
    expect(await page.textContent('main table tbody')).to.contain('Reset your router');
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});

/**
 * Working in a list, in Debian's Chromium: choosing its columns by keyboard (applied at once, kept in the URL, saved
 * with a view, reopened with it, reset to the table's defaults), editing a cell in place (Enter saves, Escape
 * cancels; a string, a choice, a yes/no and a date), the server's refusals shown next to the cell with the stored
 * value kept (a pattern the value breaks, 422; a version someone else replaced, then saved again on purpose), and the
 * CSV downloads with labels or stored values. axe-core finds no WCAG 2.1 AA violation with the chooser open, a cell
 * being edited or an error shown. Needs /usr/bin/chromium; without it the suite fails, it never skips.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createApp } from '../../platform/http/app.js';
import type { RecordData } from '../../platform/records/types.js';
import { createUser, listen, type RunningServer } from '../support/auth.js';
import { createTestEngine, packRoot, type TestEngine } from '../support/engine.js';
import { axeViolations, focused, launchChromium, pageAs, tabTo } from './browser.js';

describe('List columns, views, cell edits and CSV downloads in Chromium', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  let contact: RecordData;
  /** Only the test's own contact, so its row is the first. */
  let onlyOurs: string;

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [packRoot('core'), packRoot('ssi'), packRoot('cms')], demoData: true });
    await fw.workflow.timers.stop();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    const address = await fw.db.knex('cms_address').first();
    contact = await fw.records.createOne('cms_contact', {
      shipper_code: 'AAS', shipper_reference: 'REF-1', meter_serial_number: 'M12345', address: address.id, market_sector: 'D', estimated_aq: 14500,
    }, { actor: fw.systemActor });
    onlyOurs = encodeURIComponent(JSON.stringify({ fact: 'number', operator: 'equal', value: contact.number }));
    const admin = await createUser(fw, { roles: ['admin'] });
    server = await listen(createApp(fw));
    browser = await launchChromium();
    ({ page } = await pageAs(browser, fw, server.url, admin, errors));
    await page.setViewportSize({ width: 1366, height: 768 });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });
  afterEach(() => expect(errors).to.deep.equal([]));

  const headers = () => page.locator('fw-list .fw-table__head th').allTextContents().then((t) => t.map((s) => s.trim()));
  const stored = async () => (await fw.records.readOne('cms_contact', String(contact.id), { actor: fw.systemActor }))!;
  const cellId = (field: string) => `#list-edit-${String(contact.id)}-${field}`;

  async function openList(query = '') {
    await page.goto(`${server.url}/tables/cms_contact${query}`);
    await page.waitForSelector('fw-list .fw-table__body .fw-table__row');
  }

  describe('choosing columns', () => {
    let defaults: string[];

    it('offers the readable fields by label, applies a choice at once and keeps it in the URL, all by keyboard', async () => {
      await openList();
      defaults = await headers();
      await tabTo(page, 'fw-column-chooser summary', { max: 200 });
      await page.keyboard.press('Enter');
      await page.waitForSelector('fw-column-chooser details[open] #list-column-shipper_reference');
      expect(await page.textContent('label[for=list-column-shipper_reference]')).to.equal('Your reference');
      // Engine identifiers and journals are not offered.
      expect(await page.locator('#list-column-id, #list-column-version, #list-column-comments').count()).to.equal(0);
      expect(await axeViolations(page)).to.deep.equal([]);

      await tabTo(page, '#list-column-shipper_reference');
      await page.keyboard.press('Space');
      await page.waitForFunction(() => new URL(location.href).searchParams.get('columns')?.split(',').at(-1) === 'shipper_reference');
      await page.waitForFunction(() => [...document.querySelectorAll('fw-list .fw-table__head th')].at(-1)?.textContent?.trim() === 'Your reference');
      expect(await focused(page)).to.equal('#list-column-shipper_reference');

      // Two moves up: focus stays on the moved field's button, the new place is announced.
      await tabTo(page, '#list-column-shipper_reference-up');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'list-column-shipper_reference-up');
      await page.keyboard.press('Enter');
      const n = defaults.length + 1;
      await page.waitForFunction((at) => new URL(location.href).searchParams.get('columns')?.split(',')[at] === 'shipper_reference', n - 3);
      await page.waitForFunction((at) => document.querySelectorAll('fw-list .fw-table__head th')[at]?.textContent?.trim() === 'Your reference', n - 3);
      expect(await focused(page)).to.equal('#list-column-shipper_reference-up');
      expect(await page.textContent('.fw-list-columns__status')).to.equal(`Your reference moved to column ${n - 2} of ${n}.`);

      // Untick the last default column.
      const last = new URL(page.url()).searchParams.get('columns')!.split(',').at(-1)!;
      await tabTo(page, `#list-column-${last}`);
      await page.keyboard.press('Space');
      await page.waitForFunction((c) => !new URL(location.href).searchParams.get('columns')!.split(',').includes(c), last);
      const chosen = [...defaults.slice(0, -2), 'Your reference', defaults.at(-2)!];
      await page.waitForFunction((want) => [...document.querySelectorAll('fw-list .fw-table__head th')].map((t) => t.textContent?.trim()).join('|') === want,
        chosen.join('|'));
      expect(await axeViolations(page)).to.deep.equal([]);
    });

    it('saves the columns with a view, restores them when the view is opened, and resets to the defaults', async () => {
      const chosen = await headers();
      const columns = new URL(page.url()).searchParams.get('columns')!;
      await page.click('fw-list-views summary');
      await page.fill('#view-name', 'My columns');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => new URL(location.href).searchParams.get('title') === 'My columns');
      const saved = await fw.db.knex('sys_saved_view').where({ name: 'My columns' }).first();
      expect(JSON.parse(saved.columns).join(',')).to.equal(columns);

      await openList();
      expect(await headers()).to.deep.equal(defaults);
      await page.click('fw-list-views summary');
      await page.click('fw-list-views a:text-is("My columns")');
      await page.waitForFunction((want) => [...document.querySelectorAll('fw-list .fw-table__head th')].map((t) => t.textContent?.trim()).join('|') === want,
        chosen.join('|'));
      expect(new URL(page.url()).searchParams.get('columns')).to.equal(columns);

      await page.click('fw-column-chooser summary');
      await page.click('.fw-list-columns__reset');
      await page.waitForFunction(() => !new URL(location.href).searchParams.has('columns'));
      await page.waitForFunction((want) => [...document.querySelectorAll('fw-list .fw-table__head th')].map((t) => t.textContent?.trim()).join('|') === want,
        defaults.join('|'));
      expect(await page.getAttribute('.fw-list-columns__reset', 'aria-disabled')).to.equal('true');
    });
  });

  describe('editing a cell in place', () => {
    const columns = 'number,shipper_reference,market_sector,meter_fitted,sv_visit_date,estimated_aq,status';
    const open = () => openList(`?columns=${columns}&filter=${onlyOurs}`);
    const cellText = (field: string) => page.locator(`${cellId(field)}-start`).locator('xpath=..').textContent();

    /** Start editing `field` from its Edit button by keyboard. */
    async function startEditing(field: string) {
      await tabTo(page, `${cellId(field)}-start`, { max: 200 });
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => document.activeElement?.id === id, cellId(field).slice(1));
    }

    it('offers an edit only where the person may write, never for the workflow state', async () => {
      await open();
      expect(await page.locator('[data-edit]').evaluateAll((b) => b.map((x) => x.getAttribute('data-edit')))).to.have.members([
        'shipper_reference', 'market_sector', 'meter_fitted', 'sv_visit_date', 'estimated_aq',
      ]);
      expect(await page.textContent(`${cellId('market_sector')}-start`)).to.equal(`Edit Market sector of ${String(contact.number)}`);
    });

    it('saves a choice, a yes/no, a date and a text by keyboard and shows their labels; Escape cancels', async () => {
      await open();
      await startEditing('market_sector');
      expect(await axeViolations(page)).to.deep.equal([]);
      await page.keyboard.press('ArrowDown');
      expect(await page.inputValue(cellId('market_sector'))).to.equal('I');
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => document.activeElement?.id === id, `${cellId('market_sector').slice(1)}-start`);
      expect(await cellText('market_sector')).to.contain('I - Industrial and commercial');
      expect((await stored()).market_sector).to.equal('I');
      expect(await page.textContent('fw-list p[role=status].fw-visually-hidden')).to.equal(`Market sector of ${String(contact.number)} saved.`);

      await startEditing('meter_fitted');
      await page.selectOption(cellId('meter_fitted'), 'true');
      await page.keyboard.press('Enter');
      await page.waitForSelector(`${cellId('meter_fitted')}-start`);
      expect(await cellText('meter_fitted')).to.contain('Yes');
      expect((await stored()).meter_fitted).to.equal(true);

      await startEditing('sv_visit_date');
      await page.fill(cellId('sv_visit_date'), '2027-01-15');
      await page.keyboard.press('Enter');
      await page.waitForSelector(`${cellId('sv_visit_date')}-start`);
      expect(await cellText('sv_visit_date')).to.contain('15 January 2027');
      expect((await stored()).sv_visit_date).to.equal('2027-01-15');

      await startEditing('shipper_reference');
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('CHANGED-MIND');
      await page.keyboard.press('Escape');
      await page.waitForFunction((id) => document.activeElement?.id === id, `${cellId('shipper_reference').slice(1)}-start`);
      expect(await cellText('shipper_reference')).to.contain('REF-1');
      expect((await stored()).shipper_reference).to.equal('REF-1');

      await startEditing('shipper_reference');
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('REF-2');
      await page.keyboard.press('Enter');
      await page.waitForSelector(`${cellId('shipper_reference')}-start`);
      expect(await cellText('shipper_reference')).to.contain('REF-2');
      expect((await stored()).shipper_reference).to.equal('REF-2');
    });

    it('shows a value the server refuses next to the cell and keeps the stored one', async () => {
      await open();
      await startEditing('shipper_reference');
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('bad ref!');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.fw-list-edit__error');
      expect(await page.textContent('.fw-list-edit__error')).to.contain('Your reference may contain only letters, digits, hyphens and slashes.');
      expect(await page.getAttribute(cellId('shipper_reference'), 'aria-invalid')).to.equal('true');
      expect(await page.getAttribute(cellId('shipper_reference'), 'aria-describedby')).to.equal(`${cellId('shipper_reference').slice(1)}-error`);
      expect(await focused(page)).to.equal(cellId('shipper_reference'));
      expect(await axeViolations(page)).to.deep.equal([]);
      expect((await stored()).shipper_reference).to.equal('REF-2');
      await page.keyboard.press('Escape');
      await page.waitForSelector(`${cellId('shipper_reference')}-start`);
      expect(await cellText('shipper_reference')).to.contain('REF-2');
    });

    it('says someone else changed the record (a stale version), shows their value, and saves again when asked', async () => {
      await open();
      await startEditing('estimated_aq');
      // Someone else saves the record after the list was read.
      await fw.records.updateOne('cms_contact', String(contact.id), { estimated_aq: 20000 }, { actor: fw.systemActor });
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('30000');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.fw-list-edit__error');
      expect(await page.textContent('.fw-list-edit__error')).to.contain('Someone else changed this record');
      expect((await stored()).estimated_aq).to.equal(20000);
      expect(await axeViolations(page)).to.deep.equal([]);
      // The row was read again: saving now is a decision made on the current version.
      await page.keyboard.press('Enter');
      await page.waitForSelector(`${cellId('estimated_aq')}-start`);
      expect(await cellText('estimated_aq')).to.contain('30000');
      expect((await stored()).estimated_aq).to.equal(30000);
    });
  });

  describe('downloading', () => {
    it('offers the CSV with labels and with stored values', async () => {
      await openList(`?columns=number,market_sector,meter_fitted&filter=${onlyOurs}`);
      const download = (which: string) => page.evaluate(async (sel) => {
        const href = document.querySelector<HTMLAnchorElement>(sel)!.href;
        const res = await fetch(href);
        return { href, status: res.status, text: await res.text() };
      }, `fw-list a[data-export=${which}]`);
      expect(await page.textContent('fw-list a[data-export=labels]')).to.contain('Download CSV (labels)');
      expect(await page.textContent('fw-list a[data-export=values]')).to.contain('Download CSV (stored values)');
      const labels = await download('labels');
      expect(labels.status).to.equal(200);
      expect(new URL(labels.href).searchParams.get('display')).to.equal('true');
      expect(labels.text).to.contain('Market sector').and.to.contain(`${String(contact.number)},I - Industrial and commercial,Yes`);
      const values = await download('values');
      expect(values.status).to.equal(200);
      expect(new URL(values.href).searchParams.has('display')).to.equal(false);
      expect(values.text).to.contain(`${String(contact.number)},I,true`);
      expect(await axeViolations(page)).to.deep.equal([]);
    });
  });
});

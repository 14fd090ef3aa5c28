/**
 * Proof 1 in Debian's Chromium (playwright-core) against the real engine, API and bundled definitions: the main path
 * of a shipper raised MNC contact (definitions/cms). A shipper opens the raise form from the menu, finds the address
 * by typing part of it (the look-up fills in the rest of the address), sees a validation refuse a domestic AQ that is
 * too large, and gets the new CRN when the contact is logged; a CDSP agent allocates it and resolves it as valid with
 * the new MPRN; the shipper is notified and opens the contact at its full history. Raising an invalid contact again
 * as a PSC (`raise_psc`) says which contact it created, with a link to it. axe-core finds no WCAG 2.1 AA violation
 * on any page visited. Needs /usr/bin/chromium; without it the suite fails, it never skips.
 */
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { ensureUiBuilt } from '../../../../platform/http/static.js';
import { createApp } from '../../../../platform/http/app.js';
import { dispatchNotifications } from '../../../../platform/notify/index.js';
import { apiDataAs, createUser, listen, type RunningServer, type TestUser } from '../../../support/auth.js';
import { createTestEngine, packRoot, type TestEngine } from '../../../support/engine.js';
import { axeViolations, launchChromium, pageAs } from '../../../e2e/browser.js';

describe('CMS MNC contact in Chromium: raise, resolve, see the outcome', function () {
  this.timeout(90_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let shipper: TestUser;
  let cdsp: TestUser;
  let id = '';
  let crn = '';
  const errors: string[] = [];

  const pageFor = (user: TestUser) => pageAs(browser, fw, server.url, user, errors);
  const apiAs = (user: TestUser) => apiDataAs(fw, server, user.username);

  before(async () => {
    await ensureUiBuilt();
    // The core pack and the CMS pack with its demo data (the addresses the look-up finds), no other pack.
    fw = await createTestEngine({ roots: [packRoot('core'), packRoot('cms')], demoData: true });
    await fw.workflow.timers.stop();
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    shipper = await createUser(fw, { roles: ['cms_shipper_agent'], org: 'SHIP_A' });
    cdsp = await createUser(fw, { roles: ['cms_cdsp_agent'], org: 'XOSERVE' });
    server = await listen(createApp(fw));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('the shipper raises a contact with the address look-up and gets its CRN', async () => {
    const { context, page } = await pageFor(shipper);
    try {
      await page.getByRole('link', { name: 'Raise an MNC contact' }).first().click();
      await page.waitForSelector('#new-address');
      expect(await page.textContent('h1')).to.equal('New meter number creation (MNC) contact');
      expect(await axeViolations(page)).to.deep.equal([]);

      await page.fill('#new-shipper_code', 'AAS');
      // The look-up: type part of the address, choose it, and the rest of the address is filled in.
      await page.locator('#new-address').pressSequentially('Harbour');
      await page.waitForSelector('#new-address-listbox [role=option]');
      expect(await page.textContent('#new-address-listbox')).to.contain('4 Harbour Row, Penmarrow, Truro TR1 2EX');
      expect(await axeViolations(page)).to.deep.equal([]);
      await page.click('#new-address-listbox [role=option]');
      await page.waitForFunction(() => document.getElementById('new-address_postcode')?.textContent?.trim() === 'TR1 2EX');
      expect((await page.textContent('#new-address_street'))?.trim()).to.equal('Harbour Row');
      expect((await page.textContent('#new-network'))?.trim()).to.equal('Wales & West Utilities');

      await page.check('#new-market_sector');
      await page.fill('#new-estimated_aq', '90000');
      await page.click('fw-form button[type=submit]');
      // A domestic supply point above 73,200 kWh is refused with the reason, in the error summary.
      await page.waitForSelector('fw-form .fw-error-summary');
      expect(await page.textContent('fw-form .fw-error-summary')).to.contain('73,200 kWh');
      expect(await axeViolations(page)).to.deep.equal([]);

      await page.fill('#new-estimated_aq', '14500');
      await page.click('fw-form button[type=submit]');
      await page.waitForSelector('fw-record .fw-notification-banner');
      const banner = (await page.textContent('fw-record .fw-notification-banner')) ?? '';
      const m = /Contact (CRN\d{8}) has been created\./.exec(banner);
      expect(m, banner).to.not.equal(null);
      crn = m![1]!;
      id = new URL(page.url()).pathname.split('/').pop()!;
      const stored = await fw.records.readOne('cms_contact', id, { actor: fw.systemActor });
      expect(stored).to.include({ number: crn, status: 'AACA', queue: 'cms_cdsp', address_postcode: 'TR1 2EX', network: 'WWU', estimated_aq: 14500, raised_by: shipper.username });
      await page.waitForSelector('fw-workflow-actions [data-state]');
      expect(await page.textContent('fw-workflow-actions [data-state]')).to.equal('Awaiting allocation to CDSP agent');
      expect(await axeViolations(page)).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('a CDSP agent allocates it and resolves it as valid with the new MPRN', async () => {
    const { context, page } = await pageFor(cdsp);
    try {
      await page.goto(`${server.url}/tables/cms_contact/${id}`);
      await page.waitForSelector('fw-workflow-actions button[data-transition=allocate]');
      expect(await axeViolations(page)).to.deep.equal([]);
      await page.click('fw-workflow-actions button[data-transition=allocate]');
      await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-state]')?.textContent === 'Allocated to CDSP agent');
      await page.click('fw-workflow-actions button[data-transition=resolve_valid]');
      await page.waitForSelector('fw-workflow-actions dialog[open] #wf-field-mprn');
      expect(await axeViolations(page)).to.deep.equal([]);
      await page.fill('#wf-field-mprn', '9123456780');
      await page.click('fw-workflow-actions dialog button[type=submit]');
      await page.waitForFunction(() => document.querySelector('fw-workflow-actions [data-state]')?.textContent === 'Contact closed as valid');
      expect(await fw.records.readOne('cms_contact', id, { actor: fw.systemActor })).to.include({ status: 'CCVA', resolution: 'valid', mprn: '9123456780' });
      expect(await axeViolations(page)).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('the shipper is notified of the outcome and opens the contact at its full history', async () => {
    await dispatchNotifications(fw);
    const { context, page } = await pageFor(shipper);
    try {
      await page.waitForFunction(() => document.querySelector('fw-notifications [aria-live="polite"]')?.textContent === '1 unread notification');
      await page.click('fw-notifications .fw-notifications__toggle');
      await page.waitForSelector('#fw-notifications-panel .fw-notifications__item');
      expect(await page.textContent('#fw-notifications-panel .fw-notifications__title')).to.equal(`${crn} resolved as valid: MPRN 9123456780`);
      expect(await axeViolations(page)).to.deep.equal([]);
      await page.click('#fw-notifications-panel .fw-notifications__title');
      await page.waitForSelector('fw-record fw-activity');
      expect(new URL(page.url()).pathname).to.equal(`/tables/cms_contact/${id}`);
      await page.waitForFunction(() => (document.querySelector('fw-activity')?.textContent ?? '').includes('9123456780'));
      const activity = (await page.textContent('fw-activity')) ?? '';
      expect(activity).to.contain('Contact closed as valid').and.contain('Allocated to CDSP agent');
      expect(await page.textContent('fw-workflow-actions [data-state]')).to.equal('Contact closed as valid');
      expect(await axeViolations(page)).to.deep.equal([]);
      // Search by CRN: the list filtered on the number shows the contact.
      const filter = encodeURIComponent(JSON.stringify({ fact: 'record.number', operator: 'equal', value: crn }));
      await page.goto(`${server.url}/tables/cms_contact?filter=${filter}`);
      await page.waitForSelector(`fw-list a[href="/tables/cms_contact/${id}"]`);
      expect(await axeViolations(page)).to.deep.equal([]);
    } finally {
      await context.close();
    }
    expect(errors).to.deep.equal([]);
  });

  it('raise_psc: the success message links to the contact the transition created', async () => {
    // A shipper of its own: the others have signed in within this TOTP step already (each code is accepted once).
    const raiser = await createUser(fw, { roles: ['cms_shipper_agent'], org: 'SHIP_A' });
    const addresses = await fw.records.query('cms_address', { limit: 1 }, { actor: fw.systemActor });
    const asShipper = await apiAs(raiser);
    const asCdsp = await apiAs(cdsp);
    const contact = await asShipper('POST', '/api/tables/cms_contact', {
      shipper_code: 'AAS', shipper_reference: 'INV-9', address: addresses.records[0]!.id, market_sector: 'D', estimated_aq: 12000,
      site_contact_name: 'Pat Site', site_contact_phone: '+44 1872 000111',
    });
    await asCdsp('POST', `/api/tables/cms_contact/${contact.id}/transitions/resolve_invalid`, {
      fields: { invalid_reason: 'address_not_verified', resolution_notes: 'Not in PAF yet.' },
    });

    const { context, page } = await pageFor(raiser);
    try {
      await page.goto(`${server.url}/tables/cms_contact/${contact.id}`);
      await page.click('fw-workflow-actions button[data-transition=raise_psc]');
      await page.waitForSelector('dialog[open] #wf-field-psc_reason');
      await page.fill('#wf-field-psc_reason', 'The address is now in PAF.');
      await page.click('dialog[open] button[type=submit]');
      const link = page.locator('fw-record .fw-notification-banner a.fw-notification-banner__link');
      await link.waitFor();
      const text = (await link.textContent()) ?? '';
      expect(text).to.match(/^Contact CRN\d{8}$/).and.not.equal(`Contact ${String(contact.number)}`);
      expect(await page.textContent('fw-record .fw-notification-banner')).to.contain(`Created ${text}.`);
      expect(await axeViolations(page)).to.deep.equal([]);

      await link.click();
      await page.waitForFunction((n) => document.querySelector('fw-record h1')?.textContent?.includes(n) ?? false, text.replace('Contact ', ''));
      const psc = await fw.records.readOne('cms_contact', (await fw.records.readOne('cms_contact', String(contact.id), { actor: fw.systemActor })).psc_contact as string, { actor: fw.systemActor });
      expect(page.url()).to.contain(String(psc.id));
      expect(await axeViolations(page)).to.deep.equal([]);
    } finally {
      await context.close();
    }
    expect(errors).to.deep.equal([]);
  });
});

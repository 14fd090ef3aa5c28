/**
 * The studio's Preview tab in Debian's Chromium: in a change set, a configurator changes a form's policy as JSON and
 * saves it, previews the form as someone with a role of the change set, chooses the value that sets the policy off
 * and sees the field it shows appear; a submit says nothing was saved; "Try" lists the table's business rules in the
 * order they run, the one that would run with what it does in words and the others with why not. axe-core finds no
 * WCAG 2.1 AA violation in any of these states.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createToken, createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { join } from 'node:path';
import { CORE_DEFINITIONS, createTestEngine, REPO, type TestEngine } from '../support/engine.js';
import { axeViolations, launchChromium, pageAs } from './browser.js';

const table = {
  kind: 'table', name: 'lamp', label: 'Lamp', pluralLabel: 'Lamps', displayField: 'title',
  fields: {
    title: { type: 'string', label: 'Title', required: true, maxLength: 100 },
    kind: { type: 'choice', label: 'Kind', choices: [{ value: 'simple', label: 'Simple' }, { value: 'complex', label: 'Complex' }] },
    detail: { type: 'text', label: 'Detail', maxLength: 1000 },
  },
};
const policy = { name: 'complex_detail', description: 'A complex lamp says how it works.', condition: { fact: 'record.kind', operator: 'equal', value: 'complex' } };
const form = {
  kind: 'form', name: 'lamp', table: 'lamp', label: 'Lamp', sections: [{ columns: [['title', 'kind'], ['detail']] }],
  uiPolicies: [{ ...policy, actions: [{ field: 'detail', mandatory: true }] }],
};
const role = { kind: 'role', name: 'lamp_keeper', label: 'Lamp keeper', tables: [{ table: 'lamp', operations: ['create', 'read', 'update'], scope: 'all' }] };
const catalogue = [
  { kind: 'catalog', name: 'lamp_shop', title: 'Lamp shop' },
  { kind: 'catalogCategory', name: 'lamp_shelf', catalog: 'lamp_shop', title: 'Lamps' },
  {
    kind: 'catalogItem', name: 'lamp_order', title: 'A new lamp', categories: ['lamp_shelf'], creates: { request: {} },
    variables: { shade: { type: 'choice', label: 'Shade', required: true, choices: [{ value: 'red', label: 'Red' }, { value: 'white', label: 'White' }] } },
  },
];
const rules = [
  {
    kind: 'rule', name: 'lamp_complex_note', label: 'Complex lamps get a note', table: 'lamp', when: 'before', operations: ['create'], order: 10,
    condition: { fact: 'record.kind', operator: 'equal', value: 'complex' }, actions: [{ type: 'set', fields: { detail: 'Check the wiring' } }],
  },
  {
    kind: 'rule', name: 'lamp_on_update', label: 'Lamps changed', table: 'lamp', when: 'before', operations: ['update'], order: 20,
    actions: [{ type: 'set', fields: { kind: 'simple' } }],
  },
];

describe('The studio preview in Chromium', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let configurator: TestUser;
  let definitionUrl = '';
  const errors: string[] = [];

  before(async function () {
    await ensureUiBuilt();
    // With the SSI catalogue: a pack's form links to one of its items, which is checked once any catalogue item is loaded.
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS, join(REPO, 'catalog', 'ssi')] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    configurator = await createUser(fw, { username: 'e2e.preview.cfg', roles: ['configurator'], org: 'E2E-PREVIEW' });
    server = await listen(createApp(fw));
    // The change set is made through the API: this file is about previewing it, studio.test.ts about making one.
    const token = await createToken(fw, configurator.username);
    const call = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${server.url}/api${path}`, {
        method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { data: { id: string } };
    };
    const cs = (await call('POST', '/studio/changesets', { name: 'Lamps' })).data.id;
    for (const d of [table, form, role, ...rules, ...catalogue]) await call('PUT', `/studio/changesets/${cs}/definitions/${d.kind}/${d.name}`, d);
    definitionUrl = `${server.url}/studio/changesets/${cs}/definitions/form/lamp`;
    browser = await launchChromium();
    page = (await pageAs(browser, fw, server.url, configurator, errors)).page;
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('changes the policy, saves, and previews the form as a role: the policy shows the field when its value is chosen', async () => {
    await page.goto(definitionUrl);
    await page.click('fw-studio-definition [role=tab]:has-text("JSON")');
    const changed = { ...form, uiPolicies: [{ ...policy, actions: [{ field: 'detail', visible: true }] }] };
    await page.fill('#definition-json', JSON.stringify(changed, null, 2));
    await page.click('fw-studio-definition button:has-text("Save")');
    await page.waitForSelector('#save-status:has-text("Saved. No problems found")');

    await page.click('fw-studio-definition [role=tab]:has-text("Preview")');
    await page.waitForSelector('fw-preview-tab [data-role="lamp_keeper"]');
    expect(await page.$('fw-preview-tab [data-behind]')).to.equal(null);
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.check('fw-preview-tab [data-role="lamp_keeper"]');
    await page.click('fw-preview-tab button:has-text("Show the preview")');
    await page.waitForSelector('fw-preview-tab fw-form #preview-title');
    expect(await page.textContent('#preview-frame-heading')).to.contain('Lamp keeper');
    expect(await page.$('fw-preview-tab fw-form #preview-detail')).to.equal(null);
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.fill('fw-preview-tab fw-form #preview-title', 'Desk lamp');
    await page.locator('fw-preview-tab fw-form').getByLabel('Complex', { exact: true }).check();
    await page.waitForSelector('fw-preview-tab fw-form #preview-detail');
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.click('fw-preview-tab fw-form button[type=submit]');
    await page.waitForSelector('fw-preview-tab fw-form .fw-notification-banner:has-text("This is a preview: nothing was saved.")');
    expect(await fw.db.knex.schema.hasTable('lamp')).to.equal(false);
  });

  it('tries the record: the rules in order, the one that runs with its action in words, the other with why not', async () => {
    await page.click('fw-preview-tab button:has-text("Try")');
    await page.waitForSelector('fw-preview-tab table[data-rules]');
    const runs = (await page.textContent('[data-rule="lamp_complex_note"]')) ?? '';
    expect(runs).to.contain('Complex lamps get a note').and.to.contain('Runs').and.to.contain('Set Detail to Check the wiring');
    const not = (await page.textContent('[data-rule="lamp_on_update"]')) ?? '';
    expect(not).to.contain('Does not run').and.to.contain('It runs only when updating a record.');
    const record = (await page.textContent('fw-preview-tab [data-record]')) ?? '';
    expect(record).to.contain('Desk lamp').and.to.contain('Complex').and.to.contain('Set by a rule');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('preview-results-heading');
    expect(await axeViolations(page)).to.deep.equal([]);

    // An edit not yet saved: the preview says it shows the saved change set.
    await page.click('fw-studio-definition [role=tab]:has-text("JSON")');
    await page.fill('#definition-json', JSON.stringify({ ...form, label: 'Lamp form' }, null, 2));
    await page.click('fw-studio-definition [role=tab]:has-text("Preview")');
    await page.waitForSelector('fw-preview-tab [data-behind]');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('tries a record written as JSON on a rule: a refused one in the box is named in the error summary', async () => {
    await page.goto(definitionUrl.replace('/form/lamp', '/rule/lamp_complex_note'));
    await page.click('fw-studio-definition [role=tab]:has-text("Preview")');
    await page.fill('#preview-record', '{"title": ');
    await page.click('fw-preview-tab button:has-text("Try")');
    await page.waitForSelector('fw-preview-tab .fw-error-summary a[href="#preview-record"]');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.fill('#preview-record', JSON.stringify({ title: 'Floor lamp', kind: 'simple' }));
    await page.click('fw-preview-tab button:has-text("Try")');
    await page.waitForSelector('fw-preview-tab table[data-rules]');
    expect(await page.textContent('[data-rule="lamp_complex_note"]')).to.contain('Its condition is not met by this record.');
    expect(await page.textContent('fw-preview-tab [data-record]')).to.contain('Kind').and.to.contain('Simple');
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it('previews a catalogue item: the order form checks its answers, and submitting says nothing was saved', async () => {
    await page.goto(definitionUrl.replace('/form/lamp', '/catalogItem/lamp_order'));
    await page.click('fw-studio-definition [role=tab]:has-text("Preview")');
    await page.click('fw-preview-tab button:has-text("Show the preview")');
    await page.waitForSelector('fw-preview-tab fw-order-form');
    expect(await page.textContent('#preview-frame-heading')).to.contain('A new lamp').and.to.contain('your own roles');
    await page.click('fw-preview-tab fw-order-form button[type=submit]');
    await page.waitForSelector('fw-preview-tab fw-order-form .fw-error-summary');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.locator('fw-preview-tab fw-order-form').getByLabel('White', { exact: true }).check();
    await page.click('fw-preview-tab fw-order-form button[type=submit]');
    await page.waitForSelector('fw-preview-tab fw-order-form :text("This is a preview: nothing was saved.")');
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(Number((await fw.db.knex('catalog_request').count({ n: '*' }).first())?.n)).to.equal(0);
    expect(errors).to.deep.equal([]);
  });
});

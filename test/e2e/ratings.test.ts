/**
 * Ratings on a record page in Chromium (test/fixtures/packs/ratings): "Was this helpful?" answered by keyboard with
 * toggle buttons, a comment sent as feedback, the counts in words changing with each step, the rating taken back;
 * five stars as a radio group rated with the arrow keys; a visit counting one view. axe-core finds no WCAG 2.1 AA
 * violation on any state shown.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import { createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, fixture, packRoot, type TestEngine } from '../support/engine.js';
import { waitFor } from '../support/wait.js';
import { axeViolations, launchChromium, signInInBrowser, tabTo } from './browser.js';

describe('ratings on a record page in Chromium', function () {
  this.timeout(90_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let reader: TestUser;
  let guideId: string;
  let starId: string;
  const errors: string[] = [];

  const summary = (page: Page) => page.locator('fw-record-rating [data-rating-summary]').textContent();
  const waitForSummary = (page: Page, text: string) => page.waitForFunction(
    (t) => document.querySelector('fw-record-rating [data-rating-summary]')?.textContent === t, text,
  );

  before(async () => {
    await ensureUiBuilt();
    fw = await createTestEngine({ roots: [packRoot('core'), fixture('packs/ratings')] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    reader = await createUser(fw, { roles: ['rg_reader'] });
    const other = await createUser(fw, { roles: ['rg_reader'] });
    guideId = (await fw.records.createOne('rated_guide', { title: 'Reading your meter', body: 'Press the red button twice.' }, { actor: fw.systemActor })).id as string;
    starId = (await fw.records.createOne('star_guide', { title: 'Fitting a meter box' }, { actor: fw.systemActor })).id as string;
    const otherActor = { kind: 'user' as const, id: other.user.id, username: other.username, roles: ['rg_reader'], orgs: [], orgId: null };
    const { rateRecord } = await import('../../platform/records/ratings/index.js');
    await rateRecord(fw, 'star_guide', starId, otherActor, { value: 5 });
    server = await listen(createApp(fw));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  it('rates a guide by keyboard, sends a comment, takes the rating back, and counts the visit', async () => {
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signInInBrowser(page, fw, server.url, reader);
    await page.goto(`${server.url}/tables/rated_guide/${guideId}`);
    await page.waitForSelector('fw-record-rating .fw-rating');
    expect(await page.locator('#rating-heading').textContent()).to.equal('Was this helpful?');
    expect(await summary(page)).to.equal('No one has rated this yet.');
    expect(await page.locator('.fw-rating__choice').evaluateAll((bs) => bs.map((b) => [b.textContent!.trim(), b.getAttribute('aria-pressed')])))
      .to.deep.equal([['Yes', 'false'], ['No', 'false']]);
    expect(await axeViolations(page)).to.deep.equal([]);
    const views = () => fw.records.readOne('rated_guide', guideId, { actor: fw.systemActor }).then((r) => r.view_count === 1);
    await waitFor(views, { message: 'the visit was not counted' });

    await tabTo(page, '.fw-rating__choice[aria-pressed]');
    await page.keyboard.press('Enter');
    await waitForSummary(page, '1 person found this useful, 100% of 1 rating.');
    expect(await page.locator('.fw-rating__choice').first().getAttribute('aria-pressed')).to.equal('true');
    expect(await page.locator('.fw-rating__status').textContent()).to.match(/^Thank you\. Your rating has been saved\./);
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).to.equal('Yes');
    expect(await axeViolations(page)).to.deep.equal([]);

    await tabTo(page, '#rating-comment');
    await page.keyboard.type('The picture of the meter is out of date.');
    await tabTo(page, '.fw-rating__comment button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.fw-rating__status')?.textContent?.startsWith('Thank you. Your comment has been sent.'));
    const feedback = await fw.records.query('guide_feedback', {}, { actor: fw.systemActor });
    expect(feedback.records.map((r) => [r.guide, r.useful, r.comment])).to.deep.equal([[guideId, 1, 'The picture of the meter is out of date.']]);
    expect(await axeViolations(page)).to.deep.equal([]);

    // "No" instead, then "No" again takes the rating back.
    await tabTo(page, '.fw-rating__choice:nth-of-type(2)', { back: true });
    await page.keyboard.press('Space');
    await waitForSummary(page, '0 people found this useful, 0% of 1 rating.');
    await page.keyboard.press('Space');
    await waitForSummary(page, 'No one has rated this yet.');
    expect(await page.locator('.fw-rating__choice[aria-pressed=true]').count()).to.equal(0);
    expect(await page.locator('#rating-comment').count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);

    // A reload is the same visit of the day: still one view.
    await page.reload();
    await page.waitForSelector('fw-record-rating .fw-rating');
    expect((await fw.records.readOne('rated_guide', guideId, { actor: fw.systemActor })).view_count).to.equal(1);
    expect(errors).to.deep.equal([]);
  });

  it('rates with stars chosen by the arrow keys, each star labelled in words', async () => {
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signInInBrowser(page, fw, server.url, reader);
    await page.goto(`${server.url}/tables/star_guide/${starId}`);
    await page.waitForSelector('fw-record-rating .fw-rating__stars');
    expect(await page.locator('.fw-rating__stars label').allTextContents()).to.deep.equal(
      [1, 2, 3, 4, 5].map((n) => `${'★'.repeat(n)} ${n} out of 5`),
    );
    expect(await summary(page)).to.equal('Average 5 out of 5 from 1 rating.');
    expect(await axeViolations(page)).to.deep.equal([]);

    await tabTo(page, '#rating-star-1');
    await page.keyboard.press('Space');
    await waitForSummary(page, 'Average 3 out of 5 from 2 ratings.');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await waitForSummary(page, 'Average 4 out of 5 from 2 ratings.');
    expect(await page.locator('#rating-star-3').isChecked()).to.equal(true);
    expect(await axeViolations(page)).to.deep.equal([]);

    await tabTo(page, '.fw-rating .fw-link-button');
    await page.keyboard.press('Enter');
    await waitForSummary(page, 'Average 5 out of 5 from 1 rating.');
    expect(await page.locator('.fw-rating__stars input:checked').count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});

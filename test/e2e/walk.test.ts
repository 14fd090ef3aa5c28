/**
 * The walk of issue #12's "Done when", in Debian's Chromium against what `npm start` serves (every pack and
 * catalogue, demo data): the administrator and one person per role the packs declare (the README's demo people where
 * it names one) each sign in and visit every page their side menu, their home page and the header reach — and from
 * each list its first record, catalogue entry and "New" form. On every page: no axe-core WCAG 2.1 AA violation, no
 * visible text that looks like an internal id (walk/detector.ts), no API request of the page failing, record pages at
 * most three screens tall at 1366×768, and every action button of a record page, sent to a fresh copy of the record
 * as the same person, not refused as not allowed (walk/actions.ts). Findings are gathered per person and asserted
 * once each, so one run lists them all. Needs /usr/bin/chromium; without it the suite fails, it never skips.
 */
import { expect } from 'chai';
import { internalNames, type InternalNames } from './walk/detector.js';
import { axeCounts } from './walk/visit.js';
import { walkPerson, type WalkResult } from './walk/walk-person.js';
import { startWorld, type WalkWorld, type Walker } from './walk/world.js';

describe('every page of every menu, for the administrator and one person per role, in Chromium', function () {
  this.timeout(600_000);
  let world: WalkWorld;
  let names: InternalNames;
  let walkers: Walker[] = [];
  const results = new Map<string, WalkResult>();

  before(async () => {
    world = await startWorld();
    walkers = await world.walkers();
    names = await internalNames(world.fw);
  });

  after(async () => {
    const heights = [...results.values()].flatMap((r) => r.heights);
    if (heights.length && process.env.WALK_REPORT) {
      for (const [path, h] of heights) process.stdout.write(`height ${h} px ${path}\n`);
    }
    await world?.close();
  });

  it('walks as the administrator and as a person of each role the packs declare', async () => {
    expect(walkers.map((w) => w.role)).to.include.members(['admin', 'cms_shipper_agent', 'ssi_service_management_user', 'ssi_service_desk_agent']);
    // Two people at a time, each in a browser context of their own: the server and Chromium take turns.
    const waiting = [...walkers];
    const walkOn = async () => {
      for (let who = waiting.shift(); who; who = waiting.shift()) {
        results.set(who.label, await walkPerson(world, world.browser, who, names));
      }
    };
    await Promise.all([walkOn(), walkOn()]);
    const report = walkers.map((w) => {
      const r = results.get(w.label)!;
      return `${w.label}: ${r.pages} pages, ${r.buttons} buttons tried, ${r.findings.length} findings\n${r.findings.map((f) => `  ${f}\n`).join('')}`;
    }).join('');
    if (process.env.WALK_REPORT) process.stdout.write(`${report}axe-core ran on ${axeCounts.checked} of ${axeCounts.pages} pages\n`);
    for (const w of walkers) expect(results.get(w.label)!.pages, `${w.label} reached no page beyond home`).to.be.greaterThan(1);
    const failures = walkers.flatMap((w) => results.get(w.label)!.findings);
    expect(failures.length, `${failures.length} findings:\n${report}`).to.equal(0);
  });
});

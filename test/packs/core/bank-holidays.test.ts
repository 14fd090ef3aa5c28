/**
 * The core pack's England and Wales bank holidays (definitions/core/calendars/holidays-england-wales.json), which
 * the default business-hours schedules use: eight a year, never at a weekend, Easter where the computus puts it, and
 * the published list with its substitute days.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packRoot } from '../../support/engine.js';

/** The part of the holiday set this test reads. */
interface HolidayFile { source?: string; holidays: { date: string }[] }

const holidaySet = JSON.parse(readFileSync(join(packRoot('core'), 'calendars', 'holidays-england-wales.json'), 'utf8')) as HolidayFile;
const H = 3_600_000;

describe('core pack: bank holidays of England and Wales (calendars/holidays-england-wales.json)', () => {
  const dates = holidaySet.holidays.map((h) => h.date);
  /** Easter Sunday (Gregorian computus). */
  const easter = (y: number) => {
    const a = y % 19; const b = Math.floor(y / 100); const c = y % 100; const dd = Math.floor(b / 4); const e = b % 4;
    const f = Math.floor((b + 8) / 25); const g = Math.floor((b - f + 1) / 3); const h = (19 * a + b - dd - g + 15) % 30;
    const i = Math.floor(c / 4); const k = c % 4; const l = (32 + 2 * e + 2 * i - h - k) % 7;
    const m = Math.floor((a + 11 * h + 22 * l) / 451);
    return Date.UTC(y, Math.floor((h + l - 7 * m + 114) / 31) - 1, ((h + l - 7 * m + 114) % 31) + 1);
  };
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);

  it('lists the eight holidays of each year 2024–2028, none at a weekend, none twice', () => {
    for (let y = 2024; y <= 2028; y++) expect(dates.filter((x) => x.startsWith(`${y}-`)), String(y)).to.have.length(8);
    for (const x of dates) expect([0, 6], x).to.not.include(new Date(`${x}T12:00:00Z`).getUTCDay());
    expect(new Set(dates).size).to.equal(dates.length);
    expect(holidaySet.source).to.match(/gov\.uk\/bank-holidays/);
  });

  it('has Good Friday and Easter Monday around the computed Easter Sunday', () => {
    for (let y = 2024; y <= 2028; y++) {
      expect(dates, `Good Friday ${y}`).to.include(day(easter(y) - 2 * 24 * H));
      expect(dates, `Easter Monday ${y}`).to.include(day(easter(y) + 24 * H));
    }
  });

  it('matches the published 2026 list and the substitute days', () => {
    expect(dates.filter((x) => x.startsWith('2026-'))).to.deep.equal([
      '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
    ]);
    expect(dates).to.include.members(['2027-12-27', '2027-12-28', '2028-01-03']);
  });
});

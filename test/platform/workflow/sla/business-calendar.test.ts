/**
 * Business calendars (pure): UK office hours (Mon–Fri 09:00–17:30 Europe/London, bank holidays of England and
 * Wales) across evenings, weekends, holidays, both clock changes, Christmas with substitute days and many weeks;
 * 24×7. The holiday data itself is tested with the core pack (test/packs/core).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HolidaySetDef, ScheduleDef } from '../../../../platform/workflow/sla/types.js';
import {
  ALWAYS, calendarOfSchedule, createBusinessCalendar, parseIsoDuration, type BusinessCalendar,
} from '../../../../platform/workflow/sla/index.js';
import { instantOf } from '../../../../platform/workflow/sla/time-zone.js';

const CALENDARS = fileURLToPath(new URL('../../../../definitions/core/calendars/', import.meta.url));
const load = <T>(file: string): T => JSON.parse(readFileSync(`${CALENDARS}${file}`, 'utf8')) as T;
const holidaySet = load<HolidaySetDef>('holidays-england-wales.json');
const office: BusinessCalendar = calendarOfSchedule(load<ScheduleDef>('uk-office-hours.json'), new Map([[holidaySet.name, holidaySet]]));

const H = 3_600_000;
const M = 60_000;
const d = (iso: string) => new Date(iso);
const iso = (t: Date) => t.toISOString();

/** Every minute of every day, in London. */
const londonAllDay = createBusinessCalendar({
  timezone: 'Europe/London',
  week: Array.from({ length: 7 }, () => [{ from: 0, to: 1440 }]),
});

describe('workflow/sla: business calendar', () => {
  describe('UK office hours', () => {
    it('carries time past the evening into the next morning', () => {
      expect(iso(office.nextBusinessInstant(d('2026-11-24T19:00:00Z')))).to.equal('2026-11-25T09:00:00.000Z');
      expect(iso(office.nextBusinessInstant(d('2026-11-24T07:15:00Z')))).to.equal('2026-11-24T09:00:00.000Z');
      expect(iso(office.nextBusinessInstant(d('2026-11-24T12:34:56.789Z')))).to.equal('2026-11-24T12:34:56.789Z');
      expect(iso(office.addBusinessTime(d('2026-11-24T19:00:00Z'), 30 * M))).to.equal('2026-11-25T09:30:00.000Z');
      expect(office.businessTimeBetween(d('2026-11-24T17:00:00Z'), d('2026-11-25T10:00:00Z'))).to.equal(1.5 * H);
      // The end of the working day is reached at 17:30 itself, not carried to the next morning.
      expect(iso(office.addBusinessTime(d('2026-11-24T16:00:00Z'), 1.5 * H))).to.equal('2026-11-24T17:30:00.000Z');
      expect(office.isBusinessTime(d('2026-11-24T17:30:00Z'))).to.equal(false);
      expect(office.isBusinessTime(d('2026-11-24T17:29:59.999Z'))).to.equal(true);
    });

    it('skips the weekend', () => {
      expect(iso(office.addBusinessTime(d('2026-11-20T17:00:00Z'), H))).to.equal('2026-11-23T09:30:00.000Z');
      expect(office.businessTimeBetween(d('2026-11-20T12:00:00Z'), d('2026-11-23T12:00:00Z'))).to.equal(8.5 * H);
      expect(office.businessTimeBetween(d('2026-11-21T09:00:00Z'), d('2026-11-22T17:00:00Z'))).to.equal(0);
      expect(iso(office.nextBusinessInstant(d('2026-11-21T10:00:00Z')))).to.equal('2026-11-23T09:00:00.000Z');
    });

    it('skips bank holidays (Good Friday and Easter Monday 2026, in summer time)', () => {
      // Thursday 2 April 17:00 BST is 16:00Z; the next working morning is Tuesday 7 April 09:00 BST (08:00Z).
      expect(iso(office.addBusinessTime(d('2026-04-02T16:00:00Z'), H))).to.equal('2026-04-07T08:30:00.000Z');
      expect(office.businessTimeBetween(d('2026-04-02T08:00:00Z'), d('2026-04-07T08:00:00Z'))).to.equal(8.5 * H);
    });

    it('keeps 09:00 local across the spring-forward weekend (29 March 2026)', () => {
      // Friday 27 March is GMT (09:00 = 09:00Z), Monday 30 March BST (09:00 = 08:00Z).
      expect(iso(office.addBusinessTime(d('2026-03-27T12:00:00Z'), 8.5 * H))).to.equal('2026-03-30T11:00:00.000Z');
      expect(iso(office.addBusinessTime(d('2026-03-27T17:00:00Z'), H))).to.equal('2026-03-30T08:30:00.000Z');
      expect(office.businessTimeBetween(d('2026-03-27T09:00:00Z'), d('2026-03-30T08:00:00Z'))).to.equal(8.5 * H);
      expect(office.businessTimeBetween(d('2026-03-23T09:00:00Z'), d('2026-03-30T16:30:00Z'))).to.equal(6 * 8.5 * H);
    });

    it('keeps 09:00 local across the fall-back weekend (25 October 2026)', () => {
      // Friday 23 October is BST (17:30 = 16:30Z), Monday 26 October GMT.
      expect(iso(office.addBusinessTime(d('2026-10-23T16:00:00Z'), H))).to.equal('2026-10-26T09:30:00.000Z');
      expect(office.businessTimeBetween(d('2026-10-19T08:00:00Z'), d('2026-10-26T17:30:00Z'))).to.equal(6 * 8.5 * H);
    });

    it('skips Christmas, Boxing Day and their substitute days', () => {
      // 2026: Christmas Friday, Boxing Day Saturday → Monday 28 December off.
      expect(iso(office.addBusinessTime(d('2026-12-24T15:00:00Z'), 8 * H))).to.equal('2026-12-29T14:30:00.000Z');
      // 2027: Christmas Saturday, Boxing Day Sunday → Monday 27 and Tuesday 28 December off.
      expect(iso(office.addBusinessTime(d('2027-12-24T17:00:00Z'), H))).to.equal('2027-12-29T09:30:00.000Z');
      // 24, 29, 30, 31 December 2026 (1 January 2027 is a holiday too).
      expect(office.businessTimeBetween(d('2026-12-24T09:00:00Z'), d('2027-01-04T09:00:00Z'))).to.equal(4 * 8.5 * H);
      // 2028 New Year's Day is a Saturday: Monday 3 January is the substitute day.
      expect(iso(office.nextBusinessInstant(d('2027-12-31T18:00:00Z')))).to.equal('2028-01-04T09:00:00.000Z');
    });

    it('is exact over spans of many weeks, holidays included', () => {
      // 50 working days from Monday 2 November 2026: Christmas, the 28 December substitute and New Year's Day push
      // the 50th to Wednesday 13 January 2027, reached at 17:30.
      const start = d('2026-11-02T09:00:00Z');
      const end = office.addBusinessTime(start, 50 * 8.5 * H);
      expect(iso(end)).to.equal('2027-01-13T17:30:00.000Z');
      expect(office.businessTimeBetween(start, end)).to.equal(50 * 8.5 * H);
      expect(office.businessTimeBetween(end, start)).to.equal(-50 * 8.5 * H);
    });

    it('round-trips addBusinessTime and businessTimeBetween at any instant and length', () => {
      let seed = 42;
      const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
      const base = d('2024-01-01T00:00:00Z').getTime();
      for (let i = 0; i < 300; i++) {
        const start = new Date(base + Math.floor(rnd() * 5 * 365 * 24 * H));
        const ms = Math.floor(rnd() * 400 * H);
        const end = office.addBusinessTime(start, ms);
        expect(office.businessTimeBetween(start, end), `${iso(start)} + ${ms}`).to.equal(ms);
        if (ms > 0) expect(office.isBusinessTime(new Date(end.getTime() - 1)), `${iso(end)} closes working time`).to.equal(true);
      }
    });

    it('counts whole working days to the same time of day', () => {
      expect(iso(office.addWorkingDays(d('2026-12-21T11:00:00Z'), 5))).to.equal('2026-12-30T11:00:00.000Z');
      // From the evening: counted from the next working morning.
      expect(iso(office.addWorkingDays(d('2026-11-20T18:00:00Z'), 1))).to.equal('2026-11-24T09:00:00.000Z');
      // Across the clock change the local time is kept: 10:00 GMT on Friday, 10:00 BST on Monday.
      expect(iso(office.addWorkingDays(d('2026-03-27T10:00:00Z'), 1))).to.equal('2026-03-30T09:00:00.000Z');
    });
  });

  describe('clock changes in a round-the-clock London schedule', () => {
    it('has 23 hours on the spring-forward Sunday and 25 on the fall-back one', () => {
      expect(londonAllDay.businessTimeBetween(d('2026-03-29T00:00:00Z'), d('2026-03-29T23:00:00Z'))).to.equal(23 * H);
      expect(londonAllDay.businessTimeBetween(d('2026-10-24T23:00:00Z'), d('2026-10-26T00:00:00Z'))).to.equal(25 * H);
      expect(iso(londonAllDay.addBusinessTime(d('2026-03-29T00:00:00Z'), 2 * H))).to.equal('2026-03-29T02:00:00.000Z');
    });

    it('maps a skipped wall time to the jump and a repeated one to its first pass', () => {
      // 01:30 on 29 March 2026 never shows; the clock jumps from 01:00 GMT to 02:00 BST at 01:00Z.
      expect(new Date(instantOf('Europe/London', Date.UTC(2026, 2, 29, 1, 30))).toISOString()).to.equal('2026-03-29T01:00:00.000Z');
      // 01:30 on 25 October 2026 shows twice: first in BST (00:30Z).
      expect(new Date(instantOf('Europe/London', Date.UTC(2026, 9, 25, 1, 30))).toISOString()).to.equal('2026-10-25T00:30:00.000Z');
      // A period 01:00–02:00 on the fall-back Sunday covers both passes of the repeated hour.
      const sundayNight = createBusinessCalendar({ timezone: 'Europe/London', week: [[{ from: 60, to: 120 }], [], [], [], [], [], []] });
      expect(sundayNight.businessTimeBetween(d('2026-10-24T00:00:00Z'), d('2026-10-26T00:00:00Z'))).to.equal(2 * H);
      expect(sundayNight.businessTimeBetween(d('2026-03-28T00:00:00Z'), d('2026-03-30T00:00:00Z'))).to.equal(0);
    });
  });

  it('follows clock changes west of Greenwich too (America/New_York, 8 March 2026)', () => {
    const ny = createBusinessCalendar({ timezone: 'America/New_York', week: [[], ...Array.from({ length: 5 }, () => [{ from: 540, to: 1020 }]), []] });
    // Friday 16:00 EST is 21:00Z; Monday 09:00 EDT is 13:00Z.
    expect(iso(ny.addBusinessTime(d('2026-03-06T21:00:00Z'), 2 * H))).to.equal('2026-03-09T14:00:00.000Z');
    // 02:30 on 8 March never shows: the clock jumps from 02:00 EST to 03:00 EDT at 07:00Z.
    expect(new Date(instantOf('America/New_York', Date.UTC(2026, 2, 8, 2, 30))).toISOString()).to.equal('2026-03-08T07:00:00.000Z');
  });

  describe('24×7', () => {
    it('counts every millisecond', () => {
      expect(iso(ALWAYS.addBusinessTime(d('2026-12-25T23:45:00Z'), 30 * M))).to.equal('2026-12-26T00:15:00.000Z');
      expect(ALWAYS.businessTimeBetween(d('2026-03-28T00:00:00Z'), d('2026-03-30T00:00:00Z'))).to.equal(48 * H);
      expect(iso(ALWAYS.nextBusinessInstant(d('2026-11-21T03:00:00Z')))).to.equal('2026-11-21T03:00:00.000Z');
    });
  });

  it('refuses an unknown time zone and a week without working time', () => {
    expect(() => createBusinessCalendar({ timezone: 'Europe/Londn', week: [[], [{ from: 540, to: 1050 }], [], [], [], [], []] })).to.throw(RangeError);
    expect(() => createBusinessCalendar({ timezone: 'UTC', week: [[], [], [], [], [], [], []] })).to.throw(RangeError);
    expect(() => office.addBusinessTime(d('2026-01-01T00:00:00Z'), -1)).to.throw(RangeError);
  });

  it('parses ISO 8601 durations of days and time', () => {
    expect(parseIsoDuration('PT4H')).to.equal(4 * H);
    expect(parseIsoDuration('P1DT30M')).to.equal(24.5 * H);
    expect(parseIsoDuration('P2W')).to.equal(14 * 24 * H);
    for (const bad of ['P', 'PT', '4H', 'P1M', 'P1Y', 'PT1.5H', '']) expect(parseIsoDuration(bad), bad).to.equal(null);
  });
});

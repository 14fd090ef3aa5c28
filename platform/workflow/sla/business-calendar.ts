/**
 * Business calendars: working time in a time zone — weekly working periods per weekday, less holidays — and the
 * arithmetic SLAs and working-time timers need. Pure: no database, no clock.
 *
 *   addBusinessTime(start, ms)     the earliest instant by which `ms` of working time has passed since `start`
 *   businessTimeBetween(a, b)      the working time in [a, b) (negative when b is before a)
 *   nextBusinessInstant(t)         t when it is working time, else the start of the next working period
 *   addWorkingDays(start, n)       the same time of day on the n-th working day after the one `start` falls in
 *
 * Instants are UTC (Date or epoch milliseconds); periods are wall-clock times in the schedule's zone, so a 09:00
 * start stays 09:00 across clock changes (see time-zone.ts for the repeated and skipped hour). A holiday is a whole
 * local date off. Results are exact to the millisecond: businessTimeBetween(s, addBusinessTime(s, ms)) === ms.
 *
 * A working day's periods are turned into UTC intervals once and cached (bounded), so spans of many weeks cost a
 * few microseconds per day crossed.
 */
import { DAY, MINUTE, dayOf, instantOf, isTimeZone, isoDate, wallOf, weekdayOf } from './time-zone.js';

/** A working period of one day, in minutes after local midnight: 0 ≤ from < to ≤ 1440. */
export interface WorkingPeriod { from: number; to: number }

export interface CalendarSpec {
  /** IANA time zone, e.g. "Europe/London". */
  timezone: string;
  /** Working periods per weekday, index 0 Sunday … 6 Saturday; each day's sorted and not overlapping. */
  week: readonly (readonly WorkingPeriod[])[];
  /** Local dates (YYYY-MM-DD) that are not working days. */
  holidays?: Iterable<string>;
}

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** How far a search for working time goes before giving up (a calendar whose time has run out). */
const MAX_DAYS = 366 * 50;
const CACHE_LIMIT = 4096;

type Interval = readonly [number, number];

/** "09:30" → 570; "24:00" → 1440. */
export function parseClock(text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a time of day hh:mm.`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const toMs = (t: Date | number): number => (typeof t === 'number' ? t : t.getTime());

export interface BusinessCalendar {
  /** True for a calendar where every instant is working time (24×7 in UTC, no holidays). */
  readonly always: boolean;
  readonly timezone: string;
  addBusinessTime(start: Date | number, ms: number): Date;
  businessTimeBetween(a: Date | number, b: Date | number): number;
  nextBusinessInstant(t: Date | number): Date;
  isBusinessTime(t: Date | number): boolean;
  addWorkingDays(start: Date | number, days: number): Date;
}

/** Every instant is working time: plain elapsed time. */
export const ALWAYS: BusinessCalendar = Object.freeze({
  always: true,
  timezone: 'UTC',
  addBusinessTime(start: Date | number, ms: number) { assertDuration(ms); return new Date(toMs(start) + ms); },
  businessTimeBetween(a: Date | number, b: Date | number) { return toMs(b) - toMs(a); },
  nextBusinessInstant(t: Date | number) { return new Date(toMs(t)); },
  isBusinessTime() { return true; },
  addWorkingDays(start: Date | number, days: number) { assertDuration(days); return new Date(toMs(start) + days * DAY); },
});

function assertDuration(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`A duration must be a finite number of 0 or more; got ${ms}.`);
}

/**
 * A calendar for a schedule. Throws a RangeError for an unknown time zone or a malformed week (periods out of
 * order, overlapping, or outside the day); definition lint reports the same problems with their location first.
 */
export function createBusinessCalendar(spec: CalendarSpec): BusinessCalendar {
  if (!isTimeZone(spec.timezone)) throw new RangeError(`"${spec.timezone}" is not a known IANA time zone.`);
  if (spec.week.length !== 7) throw new RangeError('A week has seven days of working periods, Sunday first.');
  spec.week.forEach((periods, d) => periods.forEach((p, i) => {
    if (!(p.from >= 0 && p.from < p.to && p.to <= 1440) || (i > 0 && p.from < periods[i - 1]!.to)) {
      throw new RangeError(`The working periods of ${WEEKDAYS[d]} must lie within the day, in order, without overlapping.`);
    }
  }));
  if (spec.week.every((p) => p.length === 0)) throw new RangeError('A schedule needs at least one working period in the week.');
  return new ZonedCalendar(spec);
}

class ZonedCalendar implements BusinessCalendar {
  readonly always = false;
  readonly timezone: string;
  readonly #week: readonly (readonly WorkingPeriod[])[];
  readonly #holidays: ReadonlySet<string>;
  readonly #days = new Map<number, readonly Interval[]>();

  constructor(spec: CalendarSpec) {
    this.timezone = spec.timezone;
    this.#week = spec.week.map((d) => d.map((p) => ({ ...p })));
    this.#holidays = new Set(spec.holidays ?? []);
  }

  /** The local day number an instant falls on. */
  #dayAt(t: number): number {
    return dayOf(wallOf(this.timezone, t));
  }

  /** The UTC intervals of working time of a local day, in order (empty for a holiday or a day off). */
  #intervals(day: number): readonly Interval[] {
    let found = this.#days.get(day);
    if (found) return found;
    const periods = this.#week[weekdayOf(day)]!;
    if (!periods.length || this.#holidays.has(isoDate(day))) {
      found = [];
    } else {
      const base = day * DAY;
      const out: Interval[] = [];
      for (const p of periods) {
        const from = instantOf(this.timezone, base + p.from * MINUTE);
        const to = instantOf(this.timezone, base + p.to * MINUTE);
        // A period wholly inside the hour skipped when clocks go forward has no instants.
        if (to > from) out.push([from, to]);
      }
      found = out;
    }
    if (this.#days.size >= CACHE_LIMIT) this.#days.clear();
    this.#days.set(day, found);
    return found;
  }

  /** Working intervals ending after `t`, in order, from the day `t` falls on onward (clipped to start at t). */
  * #from(t: number): Generator<Interval> {
    const first = this.#dayAt(t);
    for (let day = first; day < first + MAX_DAYS; day++) {
      for (const [s, e] of this.#intervals(day)) {
        if (e > t) yield [Math.max(s, t), e];
      }
    }
    throw new RangeError(`No working time within ${MAX_DAYS} days of ${new Date(t).toISOString()}: the schedule has run out of working days.`);
  }

  addBusinessTime(start: Date | number, ms: number): Date {
    assertDuration(ms);
    const t = toMs(start);
    if (ms === 0) return new Date(t);
    let left = ms;
    for (const [s, e] of this.#from(t)) {
      if (left <= e - s) return new Date(s + left);
      left -= e - s;
    }
    /* c8 ignore next */
    throw new Error('unreachable');
  }

  businessTimeBetween(a: Date | number, b: Date | number): number {
    const from = toMs(a);
    const to = toMs(b);
    if (to < from) return -this.businessTimeBetween(to, from);
    let total = 0;
    const last = this.#dayAt(to);
    for (let day = this.#dayAt(from); day <= last; day++) {
      for (const [s, e] of this.#intervals(day)) {
        const lo = Math.max(s, from);
        const hi = Math.min(e, to);
        if (hi > lo) total += hi - lo;
      }
    }
    return total;
  }

  nextBusinessInstant(t: Date | number): Date {
    const at = toMs(t);
    for (const [s] of this.#from(at)) return new Date(s);
    /* c8 ignore next */
    throw new Error('unreachable');
  }

  isBusinessTime(t: Date | number): boolean {
    const at = toMs(t);
    return this.#intervals(this.#dayAt(at)).some(([s, e]) => at >= s && at < e);
  }

  /**
   * The same wall-clock time as the start on the `days`-th working day after the working day it falls in (a
   * start outside working time counts from the next working instant). When that day's hours do not cover that
   * time: the next working instant of that day, or the end of its last period. `days` 0 gives the start itself.
   */
  addWorkingDays(start: Date | number, days: number): Date {
    assertDuration(days);
    if (!Number.isInteger(days)) throw new RangeError(`Working days must be a whole number; got ${days}.`);
    const from = this.nextBusinessInstant(start).getTime();
    if (days === 0) return new Date(from);
    const wall = wallOf(this.timezone, from);
    const timeOfDay = wall - dayOf(wall) * DAY;
    let day = dayOf(wall);
    for (let n = 0; n < days;) {
      day++;
      if (day - dayOf(wall) > MAX_DAYS) throw new RangeError(`No working day within ${MAX_DAYS} days: the schedule has run out of working days.`);
      if (this.#intervals(day).length) n++;
    }
    const target = instantOf(this.timezone, day * DAY + timeOfDay);
    const intervals = this.#intervals(day);
    for (const [s, e] of intervals) {
      if (target < e) return new Date(Math.max(s, target));
    }
    return new Date(intervals[intervals.length - 1]![1]);
  }
}

/**
 * Wall time ⇄ UTC in an IANA time zone, with nothing but `Intl.DateTimeFormat` (no time-zone library: the ICU data
 * Node ships is the tz database, and the conversions a calendar needs are few).
 *
 * Wall times are "wall milliseconds": the local date and clock reading written as if it were UTC
 * (`Date.UTC(y, m - 1, d, h, min)`), so local dates and times are plain integer arithmetic.
 *
 * A wall time maps to **the first instant the clock shows it**: in the hour that repeats when clocks go back
 * (Europe/London, last Sunday of October, 01:00–02:00) that is the first pass (still summer time); a wall time the
 * clock skips when clocks go forward (last Sunday of March, 01:00–02:00) maps to the instant of the jump, the first
 * instant at which the clock shows a later time. So a working period's start and end bound exactly the instants
 * whose clock reading lies inside the period.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', era: 'short',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is an IANA time zone name this runtime knows (e.g. "Europe/London"). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall milliseconds of instant `utcMs` in `zone`. */
export function wallOf(zone: string, utcMs: number): number {
  let y = 0; let mo = 0; let d = 0; let h = 0; let mi = 0; let s = 0; let bc = false;
  for (const p of formatter(zone).formatToParts(new Date(utcMs))) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
      case 'era': bc = p.value === 'BC' || p.value === 'B'; break;
      default:
    }
  }
  const wall = new Date(0);
  wall.setUTCFullYear(bc ? 1 - y : y, mo - 1, d);
  wall.setUTCHours(h, mi, s, ((utcMs % 1000) + 1000) % 1000);
  return wall.getTime();
}

/** The zone's offset from UTC at instant `utcMs`, in milliseconds (positive east of Greenwich). */
export function offsetAt(zone: string, utcMs: number): number {
  return wallOf(zone, utcMs) - utcMs;
}

/**
 * The instant at which the clock in `zone` first shows wall time `wallMs` (see the module comment for the hour
 * that repeats and the hour that is skipped). Assumes at most one offset change within a day of it, which holds
 * for every zone in the tz database.
 */
export function instantOf(zone: string, wallMs: number): number {
  const before = offsetAt(zone, wallMs - DAY);
  const after = offsetAt(zone, wallMs + DAY);
  const candidates = before === after ? [wallMs - before] : [wallMs - before, wallMs - after];
  let best: number | undefined;
  for (const c of candidates) {
    if (wallOf(zone, c) === wallMs && (best === undefined || c < best)) best = c;
  }
  if (best !== undefined) return best;
  // Skipped by a jump forward: the clock read earlier before the jump and later after it. Find the jump.
  let lo = Math.min(wallMs - before, wallMs - after);
  let hi = Math.max(wallMs - before, wallMs - after);
  // Invariant: the clock shows less than wallMs at lo, more at hi.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallOf(zone, mid) < wallMs) lo = mid; else hi = mid;
  }
  return hi;
}

/** Day number (days since 1970-01-01) of a wall time. */
export const dayOf = (wallMs: number): number => Math.floor(wallMs / DAY);

/** ISO date (YYYY-MM-DD) of a day number. */
export function isoDate(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** Day of the week of a day number: 0 Sunday … 6 Saturday. */
export const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;

export { DAY, MINUTE };

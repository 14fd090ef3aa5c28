/**
 * Fire times of a job's cron schedule in its time zone. node-cron 4 validates and parses the expression (five or six
 * fields, names, ranges, steps, `L`, `W`, `#`); it only computes the next run from the present moment and skips a
 * wall time the clock jumps over, so the fire times themselves are computed here, from its parsed fields, with the
 * day-of-month and day-of-week tokens matched the way node-cron matches them (both fields must match).
 *
 * A fire is a wall-clock reading in the zone that matches the expression. Where daylight saving makes a reading
 * ambiguous or impossible, the rule is:
 *   - clocks go forward (Europe/London, last Sunday of March, 01:00 → 02:00): a reading the clock skips fires at the
 *     same distance after the jump — 01:30 on that day fires at 02:30 summer time (an hour-long gap shifts it by an
 *     hour) — so a daily job is never lost; where that lands on a reading that fires anyway, it fires once;
 *   - clocks go back (last Sunday of October, 02:00 → 01:00): a reading that happens twice fires at its first pass
 *     (summer time) when the expression names its hours, so a daily 01:30 job runs once that day; an expression
 *     that runs every hour (hour field `*`) fires at both passes, since an hour really passes between them.
 * Every other reading fires at the one instant it names. Times are whole seconds.
 */
import { parse, validateDetailed } from 'node-cron';
import { isTimeZone, offsetAt, wallOf } from '../workflow/sla/time-zone.js';

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** How far a zone's offset may change at once (with margin): bounds the look-around of the searches. */
const SHIFT = 3 * HOUR;
/** The furthest a search looks (leap-day expressions on a given weekday recur within 28 years). */
const MAX_DAYS = 366 * 30;

/** The default time zone of a job. */
export const DEFAULT_TIME_ZONE = 'Europe/London';

/** A compiled schedule: the expression's values per field and its zone. */
export interface CronSchedule {
  readonly expression: string;
  readonly zone: string;
  /** Seconds of the day that match, ascending. */
  readonly times: readonly number[];
  readonly months: ReadonlySet<number>;
  readonly daysOfMonth: readonly (number | string)[];
  readonly daysOfWeek: readonly (number | string)[];
  /** The hour field matches every hour: both passes of a repeated hour fire. */
  readonly everyHour: boolean;
}

/** Why an expression is not a valid schedule (null when it is), in words. */
export function cronProblem(expression: unknown): string | null {
  if (typeof expression !== 'string' || !expression.trim()) return 'A schedule is a cron expression, e.g. "0 2 * * *" for every day at 02:00.';
  const checked = validateDetailed(expression.trim());
  if (checked.valid) return null;
  const detail = checked.errors.map((e) => (e.field === 'expression' ? e.message : `${e.field}: ${e.message}`)).join('; ');
  return `"${expression}" is not a valid cron expression (${detail || 'not understood'}). Use five fields (minute hour `
    + 'day-of-month month day-of-week) or six (with seconds first), e.g. "0 2 * * *" for every day at 02:00.';
}

/** Why a time zone is not usable (null when it is). */
export function timeZoneProblem(zone: unknown): string | null {
  return typeof zone === 'string' && zone && isTimeZone(zone) ? null
    : `"${String(zone)}" is not a time zone name this server knows; use an IANA name such as "Europe/London".`;
}

/** Compile an expression in a zone; throws an Error naming the problem when either is invalid. */
export function compileCron(expression: string, zone: string = DEFAULT_TIME_ZONE): CronSchedule {
  const problem = cronProblem(expression) ?? timeZoneProblem(zone);
  if (problem) throw new Error(problem);
  const f = parse(expression.trim());
  const times: number[] = [];
  const sorted = (v: number[]) => [...new Set(v)].sort((a, b) => a - b);
  for (const h of sorted(f.hour)) for (const m of sorted(f.minute)) for (const s of sorted(f.second)) times.push(h * 3600 + m * 60 + s);
  return {
    expression, zone, times, months: new Set(f.month), daysOfMonth: f.dayOfMonth, daysOfWeek: f.dayOfWeek,
    everyHour: new Set(f.hour).size === 24,
  };
}

const lastDayOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function nearestWeekday(y: number, m: number, target: number): number {
  const last = lastDayOfMonth(y, m);
  if (target < 1 || target > last) return -1;
  const wd = new Date(Date.UTC(y, m - 1, target)).getUTCDay();
  if (wd === 6) return target === 1 ? target + 2 : target - 1;
  if (wd === 0) return target === last ? target - 2 : target + 1;
  return target;
}

function matchesDayOfMonth(field: readonly (number | string)[], y: number, m: number, d: number): boolean {
  for (const v of field) {
    if (v === d || (v === 'L' && d === lastDayOfMonth(y, m))) return true;
    if (typeof v !== 'string') continue;
    const w = /^(\d{1,2}|L)W$/.exec(v);
    if (w && nearestWeekday(y, m, w[1] === 'L' ? lastDayOfMonth(y, m) : Number(w[1])) === d) return true;
    const off = /^L-(\d{1,2})$/.exec(v);
    if (off && lastDayOfMonth(y, m) - Number(off[1]) === d) return true;
  }
  return false;
}

function matchesDayOfWeek(field: readonly (number | string)[], y: number, m: number, d: number): boolean {
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  for (const v of field) {
    if (v === wd) return true;
    if (typeof v !== 'string') continue;
    const nth = /^([0-7])#([1-5])$/.exec(v);
    if (nth) {
      if (Number(nth[1]) % 7 === wd && Math.floor((d - 1) / 7) + 1 === Number(nth[2])) return true;
      continue;
    }
    const last = /^([0-7])L$/i.exec(v);
    if (last && Number(last[1]) % 7 === wd && d + 7 > lastDayOfMonth(y, m)) return true;
  }
  return false;
}

function dayMatches(s: CronSchedule, dayNumber: number): boolean {
  const date = new Date(dayNumber * DAY);
  const y = date.getUTCFullYear(); const m = date.getUTCMonth() + 1; const d = date.getUTCDate();
  return s.months.has(m) && matchesDayOfMonth(s.daysOfMonth, y, m, d) && matchesDayOfWeek(s.daysOfWeek, y, m, d);
}

/** Offsets looked up per zone and quarter hour (zone transitions fall on quarter hours): the searches ask for many. */
const offsets = new Map<string, Map<number, number>>();

function offset(zone: string, utcMs: number): number {
  let byQuarter = offsets.get(zone);
  if (!byQuarter || byQuarter.size > 50_000) offsets.set(zone, byQuarter = new Map());
  const key = Math.floor(utcMs / 900_000);
  let o = byQuarter.get(key);
  if (o === undefined) {
    o = offsetAt(zone, utcMs);
    byQuarter.set(key, o);
  }
  return o;
}

/** The zone's one offset around `atMs` (a day before to two after), or null when it changes there. */
function steadyOffset(zone: string, atMs: number): number | null {
  const o = offset(zone, atMs - DAY);
  return o === offset(zone, atMs) && o === offset(zone, atMs + DAY) && o === offset(zone, atMs + 2 * DAY) ? o : null;
}

/** The instants a wall reading fires at, under the module's rule (one, or two in a repeated every-hour reading). */
function firesOf(s: CronSchedule, wall: number): number[] {
  const before = offset(s.zone, wall - DAY);
  const after = offset(s.zone, wall + DAY);
  const valid = [...new Set([wall - before, wall - after])].filter((t) => offset(s.zone, t) === wall - t).sort((a, b) => a - b);
  // Skipped reading: read with the offset in force before the jump, which lands as far after it as it was into the gap.
  if (!valid.length) return [wall - before];
  return s.everyHour ? valid : [valid[0]!];
}

/** The index of the first time of day at or after `second` (times.length when none). */
function firstAtOrAfter(times: readonly number[], second: number): number {
  let lo = 0; let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < second) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Wall readings matching the schedule, in order from `startWall` (ascending, or descending when `back`). */
function* walls(s: CronSchedule, startWall: number, back: boolean): Generator<number> {
  const first = Math.floor(startWall / DAY);
  const into = (startWall - first * DAY) / SECOND;
  for (let i = 0; i < MAX_DAYS; i++) {
    const day = back ? first - i : first + i;
    if (!dayMatches(s, day)) continue;
    const base = day * DAY;
    if (back) {
      const from = i === 0 ? firstAtOrAfter(s.times, Math.floor(into) + 1) - 1 : s.times.length - 1;
      for (let k = from; k >= 0; k--) yield base + s.times[k]! * SECOND;
    } else {
      for (let k = i === 0 ? firstAtOrAfter(s.times, Math.ceil(into)) : 0; k < s.times.length; k++) yield base + s.times[k]! * SECOND;
    }
  }
}

/** The first fire strictly after `afterMs` (UTC ms), or null when none comes within the search horizon. */
export function nextFire(s: CronSchedule, afterMs: number): number | null {
  // No offset change near: readings map one to one onto instants, so the first one after is the answer.
  const steady = steadyOffset(s.zone, afterMs);
  if (steady !== null) {
    for (const w of walls(s, afterMs + steady, false)) {
      if (w - steady <= afterMs) continue;
      if (w - steady < afterMs + DAY) return w - steady;
      break;
    }
  }
  let best: number | null = null;
  let bestWall = 0;
  for (const w of walls(s, wallOf(s.zone, afterMs) - SHIFT, false)) {
    if (best !== null && w > bestWall + SHIFT) break;
    for (const t of firesOf(s, w)) {
      if (t > afterMs && (best === null || t < best)) { best = t; bestWall = w; }
    }
  }
  return best;
}

/** The last fire at or before `atMs` (UTC ms), or null when none within the search horizon. */
export function previousFire(s: CronSchedule, atMs: number): number | null {
  const steady = steadyOffset(s.zone, atMs - DAY);
  if (steady !== null) {
    for (const w of walls(s, atMs + steady, true)) {
      if (w - steady > atMs - DAY) return w - steady;
      break;
    }
  }
  let best: number | null = null;
  let bestWall = 0;
  for (const w of walls(s, wallOf(s.zone, atMs) + SHIFT, true)) {
    if (best !== null && w < bestWall - SHIFT) break;
    for (const t of firesOf(s, w)) {
      if (t <= atMs && (best === null || t > best)) { best = t; bestWall = w; }
    }
  }
  return best;
}

/** The fires in (fromMs, toMs], at most `max` (for tests and previews). */
export function firesBetween(s: CronSchedule, fromMs: number, toMs: number, max = 1000): number[] {
  const out: number[] = [];
  for (let t = nextFire(s, fromMs); t !== null && t <= toMs && out.length < max; t = nextFire(s, t)) out.push(t);
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A schedule in words for people ("Every day at 02:00", "Every 5 minutes"); "At <cron>" when it has no simple reading. */
export function scheduleText(expression: string): string {
  const parts = expression.trim().split(/\s+/);
  const [sec, min, hour, dom, mon, dow] = parts.length === 6 ? parts : ['0', ...parts];
  const any = (v: string | undefined) => v === '*' || v === '?';
  const num = (v: string | undefined) => (v !== undefined && /^\d{1,2}$/.test(v) ? Number(v) : null);
  const step = (v: string | undefined) => (v && /^\*\/\d+$/.test(v) ? Number(v.slice(2)) : null);
  const unit = (n: number, word: string) => (n === 1 ? `Every ${word}` : `Every ${n} ${word}s`);
  if (parts.length < 5 || parts.length > 6) return `At ${expression}`;
  const daily = any(dom) && any(mon) && any(dow);
  if (daily && any(sec) && any(min) && any(hour)) return 'Every second';
  if (daily && step(sec) && any(min) && any(hour)) return unit(step(sec)!, 'second');
  if (daily && num(sec) === 0 && any(min) && any(hour)) return 'Every minute';
  if (daily && num(sec) === 0 && step(min) && any(hour)) return unit(step(min)!, 'minute');
  if (daily && num(sec) === 0 && num(min) !== null && any(hour)) return `Every hour at ${pad(num(min)!)} minutes past`;
  if (daily && num(sec) === 0 && num(min) === 0 && step(hour)) return unit(step(hour)!, 'hour');
  if (num(sec) === 0 && num(min) !== null && num(hour) !== null && any(mon)) {
    const at = `${pad(num(hour)!)}:${pad(num(min)!)}`;
    if (daily) return `Every day at ${at}`;
    if (any(dom) && dow === '1-5') return `Every weekday at ${at}`;
    if (any(dom) && num(dow) !== null && num(dow)! <= 7) return `Every ${DAYS[num(dow)! % 7]} at ${at}`;
    if (num(dom) !== null && any(dow)) return `Every month on day ${num(dom)} at ${at}`;
  }
  return `At ${expression}`;
}

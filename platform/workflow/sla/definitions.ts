/**
 * SLA, schedule and holiday-set definitions of one registry snapshot, compiled once: business calendars per
 * schedule, the SLAs that measure each table (its own and its ancestors'), and durations in working time.
 */
import type { Registry, ResolvedTable } from '../../definitions/types.js';
import type { HolidaySetDef, ScheduleDef, SlaDef } from './types.js';
import { fail } from '../../errors.js';
import { ALWAYS, WEEKDAYS, createBusinessCalendar, parseClock, type BusinessCalendar, type WorkingPeriod } from './business-calendar.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const UNIT_MS = { minutes: MINUTE, hours: HOUR, days: 24 * HOUR, weeks: 7 * 24 * HOUR } as const;

/** The calendar of a schedule definition, its holiday sets looked up among `holidaySets`. */
export function calendarOfSchedule(def: ScheduleDef, holidaySets: ReadonlyMap<string, HolidaySetDef>): BusinessCalendar {
  const week: WorkingPeriod[][] = WEEKDAYS.map((d) =>
    (def.hours[d] ?? []).map((p) => ({ from: parseClock(p.from), to: parseClock(p.to) })));
  const holidays = new Set((def.holidays ?? []).map((h) => h.date));
  for (const name of def.holidaySets ?? []) {
    const set = holidaySets.get(name);
    for (const h of set?.holidays ?? []) holidays.add(h.date);
  }
  return createBusinessCalendar({ timezone: def.timezone, week, holidays });
}

class Compiled {
  readonly slas: SlaDef[];
  readonly #calendars = new Map<string, BusinessCalendar>();
  readonly #byTable = new Map<string, SlaDef[]>();

  constructor(readonly registry: Registry) {
    this.slas = [...registry.slas.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  calendar(schedule: string | undefined | null): BusinessCalendar {
    if (!schedule) return ALWAYS;
    let c = this.#calendars.get(schedule);
    if (!c) {
      const def = this.registry.schedules.get(schedule);
      if (!def) fail('not_found', `There is no schedule "${schedule}".`, { extra: { schedule } });
      c = calendarOfSchedule(def, this.registry.holidaySets);
      this.#calendars.set(schedule, c);
    }
    return c;
  }

  forTable(table: ResolvedTable): SlaDef[] {
    let list = this.#byTable.get(table.name);
    if (!list) {
      const names = new Set([table.name, ...table.ancestors]);
      list = this.slas.filter((s) => names.has(s.table));
      this.#byTable.set(table.name, list);
    }
    return list;
  }
}

function compiledOf(registry: Registry): Compiled {
  return registry.memo('sla.compiled', (r) => new Compiled(r));
}

/** The SLAs measuring records of `table` (declared on it or a table it extends), by name. */
export function slasForTable(registry: Registry, table: ResolvedTable): SlaDef[] {
  return compiledOf(registry).forTable(table);
}

/** An SLA definition, or undefined when it no longer exists. */
export function slaDefinition(registry: Registry, name: string): SlaDef | undefined {
  return registry.slas.get(name);
}

/**
 * The business calendar of a schedule (24×7 for none). Errors: not_found for an unknown schedule. Compiled once per
 * registry snapshot.
 */
export function calendarFor(registry: Registry, schedule?: string | null): BusinessCalendar {
  return compiledOf(registry).calendar(schedule);
}

/** The calendar of the schedule marked `default` (workflow timers counting working time), or 24×7 when none is. */
export function defaultCalendar(registry: Registry): BusinessCalendar {
  const def = [...registry.schedules.values()].find((d) => d.default === true);
  return calendarFor(registry, def?.name ?? null);
}

/** An SLA's duration in working milliseconds for one that starts at `start` (workingDays depend on it). */
export function durationMs(def: SlaDef, calendar: BusinessCalendar, start: Date): number {
  const { amount, unit } = def.duration;
  if (unit === 'workingDays') {
    const from = calendar.nextBusinessInstant(start);
    return calendar.businessTimeBetween(from, calendar.addWorkingDays(from, amount));
  }
  return amount * UNIT_MS[unit];
}

/** The working time at which an SLA of `duration` warns, or null without a warning point. */
export function warningMs(def: SlaDef, duration: number): number | null {
  return def.warningPercent === undefined ? null : Math.ceil((duration * def.warningPercent) / 100);
}

/**
 * An ISO 8601 duration of days and time (`PT4H`, `P1DT30M`, `P2W`) in milliseconds; null when malformed. Years
 * and months are refused: their length depends on the date.
 */
export function parseIsoDuration(text: string): number | null {
  const m = /^P(?:(\d{1,4})W)?(?:(\d{1,5})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return null;
  const [, w, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return ((((w! * 7 + d!) * 24 + h!) * 60 + min!) * 60 + s!) * 1000;
}

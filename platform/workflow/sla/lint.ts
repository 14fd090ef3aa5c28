/**
 * Cross-reference lint of working-time definitions: schedules (time zone, periods, holiday sets, one default),
 * holiday sets (no date twice) and SLAs (table, conditions without `previous`, schedule, warning, actions).
 * Run by the working-time kinds (kind.ts) with the shared lint context, so errors read like every other one.
 */
import type { LintContext } from '../../definitions/kinds.js';
import { lintActions } from '../../rules/kind.js';
import { SLA_ACTION_TYPES } from '../../rules/types.js';
import { isTimeZone } from './time-zone.js';
import type { HolidayDef, HolidaySetDef, ScheduleDef, SlaDef } from './types.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function duplicateDates(holidays: HolidayDef[] | undefined, at: string, l: LintContext): void {
  const seen = new Map<string, number>();
  holidays?.forEach((h, i) => {
    const first = seen.get(h.date);
    if (first !== undefined) l.report(`${at}/${i}/date`, `${h.date} is already listed at ${at}/${first}.`, { value: h.date });
    else seen.set(h.date, i);
  });
}

export function lintSchedule(def: ScheduleDef, l: LintContext): void {
  if (!isTimeZone(def.timezone)) {
    l.report('/timezone', `"${def.timezone}" is not an IANA time zone this runtime knows.`, { expected: 'a name such as "Europe/London" or "UTC"', value: def.timezone });
  }
  let periods = 0;
  for (const day of DAYS) {
    const list = def.hours[day];
    if (!list) continue;
    periods += list.length;
    list.forEach((p, i) => {
      const at = `/hours/${day}/${i}`;
      if (minutes(p.to) <= minutes(p.from)) l.report(`${at}/to`, `The period ends (${p.to}) no later than it starts (${p.from}).`, { expected: `a time after ${p.from}`, value: p.to });
      const prev = list[i - 1];
      if (prev && minutes(p.from) < minutes(prev.to)) l.report(`${at}/from`, `The period starts (${p.from}) before the previous one ends (${prev.to}): list periods in order, without overlapping.`, { value: p.from });
    });
  }
  if (periods === 0) l.report('/hours', 'The schedule has no working period on any day.', { expected: 'at least one period, e.g. "mon": [{"from": "09:00", "to": "17:30"}]' });
  duplicateDates(def.holidays, '/holidays', l);
  def.holidaySets?.forEach((name, i) => {
    l.ref('holidaySet', `/holidaySets/${i}`, name);
  });
  if (def.default) {
    const others = [...l.defs('schedule').values()].filter((d) => d.default === true && d.name !== def.name).map((d) => d.name);
    if (others.length) l.report('/default', `Only one schedule can be the default; ${others.map((n) => `"${n}"`).join(', ')} ${others.length > 1 ? 'are' : 'is'} too.`, { value: true });
  }
}

export function lintHolidaySet(def: HolidaySetDef, l: LintContext): void {
  duplicateDates(def.holidays, '/holidays', l);
}

export function lintSla(def: SlaDef, l: LintContext): void {
  const table = l.tableRef('/table', def.table);
  for (const key of ['start', 'pause', 'stop', 'reset'] as const) {
    if (def[key] !== undefined) l.condition(`/${key}`, table, def[key], { compilable: false, allowPrevious: false });
  }
  if (def.schedule !== undefined) l.ref('schedule', '/schedule', def.schedule);
  if (def.onWarning?.length && def.warningPercent === undefined) {
    l.report('/onWarning', 'Warning actions need a warning point: set warningPercent.', { expected: 'warningPercent, e.g. 75' });
  }
  const use = { who: 'an SLA action', allowed: SLA_ACTION_TYPES };
  lintActions(l, table, def.onWarning, '/onWarning', use);
  lintActions(l, table, def.onBreach, '/onBreach', use);
}

/**
 * Cross-reference lint of working-time definitions: schedules (time zone, periods, holiday sets, one default),
 * holiday sets (no date twice) and SLAs (table, conditions without `previous`, schedule, warning, actions).
 * Called by lint.ts with its helpers, so errors read like every other definition error.
 */
import { checkFieldValue } from '../records/field-values.js';
import { checkTemplate, isTemplate } from '../rules/templates.js';
import { isTimeZone } from '../workflow/sla/time-zone.js';
import type {
  DefinitionError, GenericDef, HolidayDef, HolidaySetDef, ResolvedTable, ScheduleDef, SlaAction, SlaDef,
} from './types.js';

export interface WorkingTimeLint {
  others: ReadonlyMap<string, GenericDef>;
  /** Whether a definition of that kind and name is declared (valid or not). */
  declared(kind: string, name: string): boolean;
  /** Names declared of a kind, for "expected one of". */
  names(kind: string): string[];
  report(pointer: string, message: string, extra?: Partial<DefinitionError>): void;
  tableRef(pointer: string, name: string): ResolvedTable | undefined;
  fieldRef(pointer: string, table: ResolvedTable | undefined, field: string): void;
  condition(pointer: string, table: ResolvedTable | undefined, cond: unknown, mode: { compilable?: boolean; allowPrevious?: boolean }): void;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const list = (names: Iterable<string>) => `one of: ${[...names].join(', ')}`;

function duplicateDates(holidays: HolidayDef[] | undefined, at: string, l: WorkingTimeLint): void {
  const seen = new Map<string, number>();
  holidays?.forEach((h, i) => {
    const first = seen.get(h.date);
    if (first !== undefined) l.report(`${at}/${i}/date`, `${h.date} is already listed at ${at}/${first}.`, { value: h.date });
    else seen.set(h.date, i);
  });
}

export function lintSchedule(def: ScheduleDef, l: WorkingTimeLint): void {
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
    if (!l.declared('holidaySet', name)) l.report(`/holidaySets/${i}`, `Holiday set "${name}" is not declared.`, { expected: list(l.names('holidaySet')), value: name });
  });
  if (def.default) {
    const others = [...l.others.values()].filter((d) => d.kind === 'schedule' && d.default === true && d.name !== def.name).map((d) => d.name);
    if (others.length) l.report('/default', `Only one schedule can be the default; ${others.map((n) => `"${n}"`).join(', ')} ${others.length > 1 ? 'are' : 'is'} too.`, { value: true });
  }
}

export function lintHolidaySet(def: HolidaySetDef, l: WorkingTimeLint): void {
  duplicateDates(def.holidays, '/holidays', l);
}

export function lintSla(def: SlaDef, l: WorkingTimeLint): void {
  const table = l.tableRef('/table', def.table);
  for (const key of ['start', 'pause', 'stop', 'reset'] as const) {
    if (def[key] !== undefined) l.condition(`/${key}`, table, def[key], { compilable: false, allowPrevious: false });
  }
  if (def.schedule !== undefined && !l.declared('schedule', def.schedule)) {
    l.report('/schedule', `Schedule "${def.schedule}" is not declared.`, { expected: list(l.names('schedule')), value: def.schedule });
  }
  if (def.onWarning?.length && def.warningPercent === undefined) {
    l.report('/onWarning', 'Warning actions need a warning point: set warningPercent.', { expected: 'warningPercent, e.g. 75' });
  }
  const template = (at: string, v: unknown) => {
    if (!isTemplate(v)) return;
    const problem = checkTemplate(v);
    if (problem) l.report(at, `The template does not compile: ${problem}`, { value: v });
  };
  const valueFor = (target: ResolvedTable | undefined, name: string, v: unknown, at: string) => {
    l.fieldRef(at, target, name);
    const f = target?.fields.get(name);
    if (f?.system) l.report(at, `Field "${name}" is set by the system; an SLA action cannot set it.`, { value: name });
    else if (f && !isTemplate(v) && f.type !== 'journal') {
      const checked = checkFieldValue(f, v);
      if (!checked.ok) l.report(at, checked.message, { value: v });
    }
    template(at, v);
  };
  const actions = (list: SlaAction[] | undefined, at: string) => list?.forEach((a, i) => {
    const p = `${at}/${i}`;
    switch (a.type as string) {
      case 'set':
        for (const [name, v] of Object.entries((a as { fields: Record<string, unknown> }).fields)) valueFor(table, name, v, `${p}/fields/${name}`);
        break;
      case 'assign': {
        const { field, value } = a as { field: string; value: unknown };
        valueFor(table, field, value, `${p}/field`);
        break;
      }
      case 'journal': {
        const { field, body } = a as { field: string; body: string };
        l.fieldRef(`${p}/field`, table, field);
        const f = table?.fields.get(field);
        if (f && f.type !== 'journal') l.report(`${p}/field`, `Field "${field}" is not a journal field (it is ${f.type}).`, { value: field });
        template(`${p}/body`, body);
        break;
      }
      case 'createRecord': {
        const c = a as { table: string; values: Record<string, unknown> };
        const target = l.tableRef(`${p}/table`, c.table);
        if (target?.def.abstract) l.report(`${p}/table`, `Table "${target.name}" is abstract: create records in a table that extends it.`);
        for (const [name, v] of Object.entries(c.values)) valueFor(target, name, v, `${p}/values/${name}`);
        break;
      }
      case 'emitEvent':
        for (const [name, v] of Object.entries((a as { payload?: Record<string, unknown> }).payload ?? {})) template(`${p}/payload/${name}`, v);
        break;
      case 'abort':
        l.report(`${p}/type`, 'An SLA cannot abort: its actions run after the fact, when no operation is waiting to be refused.', { expected: 'set, assign, journal, createRecord or emitEvent', value: 'abort' });
        break;
      default:
    }
  });
  actions(def.onWarning, '/onWarning');
  actions(def.onBreach, '/onBreach');
}

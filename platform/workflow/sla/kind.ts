/**
 * The working-time kinds: `sla` (targets measured in business time, with warning and breach actions), `schedule`
 * (business hours in a time zone, with holidays) and `holidaySet` (named public holidays), run by
 * platform/workflow/sla. They share one schema part (working-time.schema.json).
 */
import { defineKind } from '../../definitions/kinds.js';
import { readSchemaPart } from '../../definitions/schema.js';
import { lintHolidaySet, lintSchedule, lintSla } from './lint.js';
import type { HolidaySetDef, ScheduleDef, SlaDef } from './types.js';

declare module '../../definitions/kinds.js' {
  interface KindTypes {
    sla: { def: SlaDef; map: 'slas' };
    schedule: { def: ScheduleDef; map: 'schedules' };
    holidaySet: { def: HolidaySetDef; map: 'holidaySets' };
  }
}

const schema = readSchemaPart(new URL('./working-time.schema.json', import.meta.url));

export const slaKind = defineKind({
  kind: 'sla', map: 'slas', schema, lint: lintSla,
  summary: 'a service-level target measured in business time',
});

export const scheduleKind = defineKind({
  kind: 'schedule', map: 'schedules', schema, lint: lintSchedule,
  summary: 'business hours in a time zone, with holidays',
});

export const holidaySetKind = defineKind({
  kind: 'holidaySet', map: 'holidaySets', schema, lint: lintHolidaySet,
  summary: 'a named list of public holidays',
});

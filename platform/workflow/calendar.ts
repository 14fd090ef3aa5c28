/**
 * When a timer is due. Elapsed time by default; with `businessHours` the default business-hours schedule (the
 * `schedule` definition marked `default`, through platform/workflow/sla's business calendar) counts: minutes and
 * hours of working time, days as working days (the same time of day on the n-th working day), weeks as that many
 * calendar weeks moved on to the next working instant. Without a default schedule working time is elapsed time.
 */
import type { Registry } from '../definitions/types.js';
import type { TimerDef } from './types.js';
import { defaultCalendar } from './sla/definitions.js';

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 7 * 86_400_000 } as const;

export function dueAt(registry: Registry, after: TimerDef['after'], start: Date): Date {
  const ms = after.amount * UNIT_MS[after.unit];
  if (!after.businessHours) return new Date(start.getTime() + ms);
  const calendar = defaultCalendar(registry);
  if (calendar.always) return new Date(start.getTime() + ms);
  switch (after.unit) {
    case 'days': return calendar.addWorkingDays(start, after.amount);
    case 'weeks': return calendar.nextBusinessInstant(new Date(start.getTime() + ms));
    default: return calendar.addBusinessTime(start, ms);
  }
}

/** The working-time kinds' shapes: sla, schedule and holidaySet (schema part: working-time.schema.json). */
import type { Condition } from '../../conditions/types.js';
import type { RuleAction } from '../../rules/types.js';

/** A length of working time (SLA durations). `days` are 24 working hours, `weeks` 168; `workingDays` see the schema. */
export interface DurationDef {
  amount: number;
  unit: 'minutes' | 'hours' | 'days' | 'weeks' | 'workingDays';
}

/** Actions an SLA runs at its warning point or breach: a rule's, except `abort`. */
export type SlaAction = Exclude<RuleAction, { type: 'abort' | 'queue' | 'notify' }>;

/** An SLA (kind `sla`, `registry.slas`), run by platform/workflow/sla. */
export interface SlaDef {
  kind: 'sla';
  name: string;
  label?: string;
  description?: string;
  /** The table measured; records of tables extending it are measured too. */
  table: string;
  /** Conditions over `record`, `user` and `now` (never `previous`). */
  start: Condition;
  pause?: Condition;
  stop: Condition;
  reset?: Condition;
  duration: DurationDef;
  /** A schedule's name; omitted: 24×7. */
  schedule?: string;
  warningPercent?: number;
  onWarning?: SlaAction[];
  onBreach?: SlaAction[];
}

/** One working period of a day, local hh:mm; `to` may be "24:00". */
export interface WorkingPeriodDef { from: string; to: string }

/** A date off, YYYY-MM-DD local to the schedule, and its name. */
export interface HolidayDef { date: string; name: string }

/** A business-hours schedule (kind `schedule`, `registry.schedules`). */
export interface ScheduleDef {
  kind: 'schedule';
  name: string;
  label?: string;
  description?: string;
  /** IANA time zone, e.g. "Europe/London". */
  timezone: string;
  hours: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', WorkingPeriodDef[]>>;
  holidays?: HolidayDef[];
  /** Names of holidaySet definitions. */
  holidaySets?: string[];
  /** The schedule used where working time is counted without naming one (at most one). */
  default?: boolean;
}

/** A named list of public holidays (kind `holidaySet`, `registry.holidaySets`). */
export interface HolidaySetDef {
  kind: 'holidaySet';
  name: string;
  label?: string;
  description?: string;
  source?: string;
  holidays: HolidayDef[];
}

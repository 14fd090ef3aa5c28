/**
 * SLAs on business-hours schedules: business calendars, the SLA clock per record, the record hook
 * that moves it on each write, the checker that raises warnings and breaches, and the alert lists.
 */
export {
  ALWAYS, createBusinessCalendar, parseClock, WEEKDAYS, type BusinessCalendar, type CalendarSpec, type WorkingPeriod,
} from './business-calendar.js';
export { calendarFor, calendarOfSchedule, defaultCalendar, durationMs, parseIsoDuration, slasForTable } from './definitions.js';
export { createSlaRecordHook, evaluateSlas, slaRecordHook, type SlaHookContext, type SlaHost } from './evaluate.js';
export {
  DEFAULT_SLA_POLL_MS, runSlaCheck, slaPollMs, startSlaChecker, type SlaChecker, type SlaCheckOptions, type SlaCheckResult,
} from './checker.js';
export { DEFAULT_WITHIN_MS, listRecordSlas, listSlaAlerts, type SlaAlert, type SlaAlertKind, type SlaAlertOptions } from './alerts.js';
export { fetchRecordSlas, viewOf, type SlaView } from './sla-store.js';
export { progressAt, type SlaProgress, type SlaState, type SlaTimer } from './sla-timer.js';

/**
 * Working-time definitions: the schema of schedules, holiday sets and SLAs (every property described), and the lint
 * of their cross references (time zone, periods, holiday sets, one default schedule, SLA schedule and table,
 * conditions without previous, warning and breach actions).
 */
import { expect } from 'chai';
import type { DefinitionError } from '../../../../platform/definitions/index.js';
import { buildRegistry, definitionSchema } from '../../../../platform/kinds.js';

type Doc = Record<string, any>;
const fileOf = (d: Doc) => `${String(d.kind)}-${String(d.name)}.json`;
const build = (...defs: Doc[]) => buildRegistry(defs.map((value) => ({ file: fileOf(value), pointer: '', value })));
const errorsOf = (...defs: Doc[]): string[] => {
  const r = build(...defs);
  expect(r.registry, 'an invalid set builds no registry').to.equal(undefined);
  return r.errors.map((e: DefinitionError) => `${e.file}#${e.pointer}: ${e.message}`);
};

const ticket = (): Doc => ({
  kind: 'table', name: 'ticket',
  fields: { state: { type: 'string' }, priority: { type: 'integer' }, notes: { type: 'journal' }, escalated: { type: 'boolean' } },
});
const holidays = (): Doc => ({ kind: 'holidaySet', name: 'ew', holidays: [{ date: '2026-12-25', name: 'Christmas Day' }] });
const schedule = (extra: Doc = {}): Doc => ({
  kind: 'schedule', name: 'office', timezone: 'Europe/London', hours: { mon: [{ from: '09:00', to: '17:30' }] }, holidaySets: ['ew'], ...extra,
});
const sla = (extra: Doc = {}): Doc => ({
  kind: 'sla', name: 'resolve', table: 'ticket', schedule: 'office',
  start: { fact: 'state', operator: 'equal', value: 'new' }, stop: { fact: 'state', operator: 'equal', value: 'done' },
  duration: { amount: 2, unit: 'workingDays' }, ...extra,
});

describe('workflow/sla: definitions', () => {
  it('describes every property of schedules, holiday sets, SLAs and durations', () => {
    const defs = (definitionSchema() as { $defs: Record<string, any> }).$defs;
    const missing: string[] = [];
    const walk = (node: any, at: string) => {
      if (!node || typeof node !== 'object') return;
      for (const [name, prop] of Object.entries<any>(node.properties ?? {})) {
        if (typeof prop.description !== 'string' || !prop.description) missing.push(`${at}/${name}`);
        walk(prop, `${at}/${name}`);
      }
      if (node.items) walk(node.items, `${at}/items`);
    };
    for (const name of ['schedule', 'holidaySet', 'workingDay', 'workingPeriod', 'holiday', 'sla', 'duration']) {
      expect(defs[name]?.description, name).to.be.a('string');
      walk(defs[name], name);
    }
    expect(missing).to.deep.equal([]);
  });

  it('accepts a schedule with holiday sets and an SLA on it', () => {
    const r = build(ticket(), holidays(), schedule({ default: true }), sla({ warningPercent: 80, onBreach: [{ type: 'set', fields: { escalated: true } }, { type: 'journal', field: 'notes', body: 'Late by {{sla.remainingMs}} ms' }] }));
    expect(r.errors).to.deep.equal([]);
    expect(r.registry!.schedules.has('office')).to.equal(true);
  });

  it('rejects malformed schedules in the schema', () => {
    const bad = build(schedule({ timezone: 'Europe London', hours: { mon: [{ from: '9:00', to: '25:00' }], monday: [] }, holidays: [{ date: '2026-02-30', name: 'x' }] }), holidays());
    expect(bad.errors.map((e) => e.pointer)).to.have.members(['/timezone', '/hours/mon/0/from', '/hours/mon/0/to', '/hours/monday', '/holidays/0/date']);
  });

  it('bounds an SLA\'s duration to 100,000 units, so working-time arithmetic stays finite', () => {
    const bad = build(ticket(), holidays(), schedule({ default: true }), sla({ duration: { amount: 1e17, unit: 'workingDays' } }));
    expect(bad.errors.map((e) => `${e.pointer}: ${e.message}`)).to.deep.equal(['/duration/amount: must be <= 100000.']);
    expect(build(ticket(), holidays(), schedule({ default: true }), sla({ duration: { amount: 100000, unit: 'minutes' } })).errors).to.deep.equal([]);
  });

  it('reports unknown time zones, periods out of order, missing holiday sets and two defaults', () => {
    expect(errorsOf(
      schedule({ timezone: 'Europe/Londn', holidaySets: ['ew', 'scotland'], hours: { mon: [{ from: '13:00', to: '17:00' }, { from: '12:00', to: '12:30' }], tue: [{ from: '10:00', to: '09:00' }] }, default: true }),
      schedule({ name: 'other', default: true }), holidays(),
    )).to.have.members([
      'schedule-office.json#/timezone: "Europe/Londn" is not an IANA time zone this runtime knows.',
      'schedule-office.json#/hours/mon/1/from: The period starts (12:00) before the previous one ends (17:00): list periods in order, without overlapping.',
      'schedule-office.json#/hours/tue/0/to: The period ends (09:00) no later than it starts (10:00).',
      'schedule-office.json#/holidaySets/1: Holiday set "scotland" is not declared.',
      'schedule-office.json#/default: Only one schedule can be the default; "other" is too.',
      'schedule-other.json#/default: Only one schedule can be the default; "office" is too.',
    ]);
    expect(errorsOf(schedule({ hours: { sat: [] } }), holidays())).to.deep.equal(['schedule-office.json#/hours: The schedule has no working period on any day.']);
    expect(errorsOf(schedule(), { ...holidays(), holidays: [{ date: '2026-12-25', name: 'a' }, { date: '2026-12-25', name: 'b' }] }))
      .to.deep.equal(['holidaySet-ew.json#/holidays/1/date: 2026-12-25 is already listed at /holidays/0.']);
  });

  it('reports an SLA\'s unknown schedule and table, previous.* in its conditions, and actions it cannot run', () => {
    expect(errorsOf(ticket(), sla({ schedule: 'offfice' }))).to.deep.equal(['sla-resolve.json#/schedule: Schedule "offfice" is not declared.']);
    expect(errorsOf(holidays(), schedule(), sla({ table: 'tickets' }))).to.deep.equal(['sla-resolve.json#/table: Table "tickets" is not declared.']);
    expect(errorsOf(ticket(), holidays(), schedule(), sla({
      pause: { fact: 'previous.state', operator: 'equal', value: 'waiting' },
      reset: { fact: 'priority', operator: 'changes' },
      onWarning: [{ type: 'journal', field: 'state', body: 'x' }],
      onBreach: [{ type: 'journal', field: 'notes', body: 'Breached' }, { type: 'set', fields: { id: 'x', priority: 'high', colour: 1 } }, { type: 'emitEvent', event: 'x.y', payload: { a: '{{> p}}' } }],
    }))).to.have.members([
      'sla-resolve.json#/pause/fact: "previous.state" is not available here: only rules and workflow guards see the previous record.',
      'sla-resolve.json#/reset/operator: Operator "changes" compares with the previous record, which only rules and workflow guards have.',
      'sla-resolve.json#/onWarning: Warning actions need a warning point: set warningPercent.',
      'sla-resolve.json#/onWarning/0/field: Field "state" is not a journal field (it is string).',
      'sla-resolve.json#/onBreach/1/fields/id: Field "id" is set by the system; an SLA action cannot set it.',
      'sla-resolve.json#/onBreach/1/fields/priority: priority must be a number; got "high".',
      'sla-resolve.json#/onBreach/1/fields/colour: Field "colour" is not a field of table "ticket".',
      'sla-resolve.json#/onBreach/2/payload/a: The template does not compile: partials ({{> name}}) are not available in rule templates',
    ]);
    // An SLA's actions are the schema's slaAction: no abort (nothing is waiting to be refused), queue or notify.
    expect(errorsOf(ticket(), holidays(), schedule(), sla({ onBreach: [{ type: 'abort', message: 'no' }] }))).to.deep.equal([
      'sla-resolve.json#/onBreach/0/type: Value "abort" is not allowed.',
    ]);
  });
});

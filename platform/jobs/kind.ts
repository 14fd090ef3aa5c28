/**
 * The `job` kind: a scheduled job (schema part: job.schema.json), run by the job runner (platform/jobs/runner.ts).
 * Lint checks what the schema cannot: the cron expression (node-cron 4) and time zone, that it does exactly one thing
 * (a sweep or a platform job that is registered), parameter defaults against their field types, a sweep's table,
 * condition (it must compile to SQL), fields, transitions, notifications and created records, and the roles it runs as.
 */
import type { WorkflowDef } from '../workflow/types.js';
import { defineKind, type LintContext } from '../definitions/kinds.js';
import { readSchemaPart } from '../definitions/schema.js';
import type { ResolvedTable } from '../definitions/types.js';
import { checkFieldValue } from '../records/field-values.js';
import { lintValueFor } from '../rules/kind.js';
import { cronProblem, timeZoneProblem } from './cron.js';
import { conditionParameters, declaredParameters, parameterField, withParameters, parameterValues } from './parameters.js';
import { platformJob, platformJobs } from './platform-jobs.js';
import type { JobDef, SweepDef } from './types.js';

declare module '../definitions/kinds.js' {
  interface KindTypes { job: { def: JobDef; map: 'jobs' } }
}

/** The workflow a table follows (its own, or the nearest ancestor's). */
function workflowOf(ctx: LintContext, table: ResolvedTable): WorkflowDef | undefined {
  const byTable = new Map([...ctx.defs('workflow').values()].map((w) => [w.table, w]));
  return [table.name, ...table.ancestors].map((t) => byTable.get(t)).find((w) => w !== undefined);
}

function lintSweep(def: JobDef, sweep: SweepDef, ctx: LintContext): void {
  const table = ctx.tableRef('/sweep/table', sweep.table);
  const declared = declaredParameters(def);
  const used = conditionParameters(sweep.condition);
  for (const name of new Set(used)) {
    if (!(name in declared)) {
      ctx.report('/sweep/condition', `The condition reads parameter "${name}", which the job does not declare.`, {
        value: name, expected: ctx.expected(Object.keys(declared), name),
      });
    }
  }
  // Checked with the defaults in place of the parameters: the operators and fields are what matter here.
  ctx.condition('/sweep/condition', table, withParameters(sweep.condition, parameterValues(declared, null)), { compilable: true });
  sweep.actions.forEach((a, i) => {
    const at = `/sweep/actions/${i}`;
    switch (a.type) {
      case 'set':
        for (const [name, v] of Object.entries(a.fields)) lintValueFor(ctx, table, name, v, `${at}/fields/${name}`, `${at}/fields/${name}`, 'a job');
        break;
      case 'transition': {
        if (!table) break;
        const wf = workflowOf(ctx, table);
        if (!wf) {
          ctx.report(`${at}/transition`, `Table "${table.name}" has no workflow, so it has no transition "${a.transition}".`, { value: a.transition });
        } else if (!wf.transitions.some((t) => t.name === a.transition)) {
          ctx.report(`${at}/transition`, `Workflow "${wf.name}" has no transition "${a.transition}".`, {
            value: a.transition, expected: ctx.expected(wf.transitions.map((t) => t.name), a.transition),
          });
        }
        break;
      }
      case 'notify':
        ctx.ref('notification', `${at}/notification`, a.notification);
        break;
      case 'createRecord': {
        const target = ctx.tableRef(`${at}/table`, a.table);
        for (const [name, v] of Object.entries(a.fields)) lintValueFor(ctx, target, name, v, `${at}/fields/${name}`, `${at}/fields/${name}`, 'a job');
        break;
      }
      default:
    }
  });
}

function lintJob(def: JobDef, ctx: LintContext): void {
  const cron = cronProblem(def.schedule);
  if (cron) ctx.report('/schedule', cron, { value: def.schedule });
  if (def.timeZone !== undefined) {
    const zone = timeZoneProblem(def.timeZone);
    if (zone) ctx.report('/timeZone', zone, { value: def.timeZone });
  }
  if ((def.sweep === undefined) === (def.platform === undefined)) {
    ctx.report('', def.sweep ? 'A job does one thing: give "sweep" or "platform", not both.'
      : 'A job needs something to do: a "sweep" over records, or a "platform" job.');
  }
  if (def.platform !== undefined) {
    const job = platformJob(def.platform);
    if (!job) {
      ctx.report('/platform', `There is no platform job "${def.platform}".`, {
        value: def.platform, expected: ctx.expected(platformJobs().map((j) => j.name), def.platform),
      });
    } else {
      for (const name of Object.keys(def.parameters ?? {})) {
        if (!job.parameters?.[name]) {
          ctx.report(`/parameters/${name}`, `Platform job "${job.name}" takes no parameter "${name}".`, {
            value: name, expected: ctx.expected(Object.keys(job.parameters ?? {}), name),
          });
        }
      }
    }
  }
  for (const [name, p] of Object.entries(def.parameters ?? {})) {
    if (p.reference !== undefined) ctx.tableRef(`/parameters/${name}/reference`, p.reference);
    if (p.choiceList !== undefined) ctx.ref('choiceList', `/parameters/${name}/choiceList`, p.choiceList);
    if (p.default === undefined) continue;
    const checked = checkFieldValue(parameterField(def.name, name, p), p.default);
    if (!checked.ok) ctx.report(`/parameters/${name}/default`, checked.message, { value: p.default });
  }
  def.runAs?.roles.forEach((r, i) => ctx.ref('role', `/runAs/roles/${i}`, r));
  if (def.sweep) lintSweep(def, def.sweep, ctx);
}

export const jobKind = defineKind({
  kind: 'job',
  map: 'jobs',
  summary: 'a scheduled job: a record sweep or a platform job, run on a cron schedule exactly once per time',
  schema: readSchemaPart(new URL('./job.schema.json', import.meta.url)),
  lint: lintJob,
});

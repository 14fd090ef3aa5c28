/**
 * Scheduled jobs over HTTP: /api/jobs/…. Thin: parse, call the job service with the request's actor, respond. Every
 * path needs the `platform.jobs` capability (403 `forbidden` otherwise, before anything is parsed); the service
 * answers 404 `not_found` for a job or run that does not exist and 422 `validation_failed` naming the field for a
 * change it refuses (a bad cron, an unknown time zone, a parameter of the wrong type).
 *
 *   GET   /jobs                          → {data: JobView[]}
 *   GET   /jobs/:name                    → {data: JobView}
 *   PATCH /jobs/:name {schedule?, timeZone?, enabled?, parameters?}
 *                                        → {data: JobView}; other members are refused (400 invalid_payload)
 *   POST  /jobs/:name/run                → 202 {data: JobRunView}, Location: /api/jobs/runs/:id (allowed on a disabled job)
 *   GET   /jobs/:name/runs?limit&before  → {data: JobRunView[]}, newest first; `before` is a run's start time
 *   GET   /jobs/runs/:id                 → {data: JobRunView}
 *   POST  /jobs/runs/:id/cancel          → {data: JobRunView}
 *
 * `runs` is a word no job is named by here: /jobs/runs/:id is routed before /jobs/:name/… so it is never read as a
 * job called "runs".
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { hasCapability } from '../access/policy.js';
import type { Formwork } from '../context.js';
import { fail } from '../errors.js';
import { compileBody, compileQuery, NO_QUERY, param, readBody, readQuery } from '../http/input.js';
import { methodNotAllowed } from '../http/middleware/method-not-allowed.js';
import type { JobPatch, JobService } from './types.js';

/** The capability of the people who see, change, run and cancel scheduled jobs. */
export const JOBS_CAPABILITY = 'platform.jobs';

const RUNS_QUERY = compileQuery<{ limit?: number; before?: string }>({
  limit: param.range(1, 200),
  before: { type: 'string', format: 'timestamp', expected: 'an ISO 8601 date-time' },
});

/** The members an administrator may change; the service checks their values further (cron, zone, parameter types). */
const PATCH_BODY = compileBody<JobPatch>({
  type: 'object',
  properties: {
    schedule: { type: 'string', minLength: 1, expected: 'a cron expression of five or six fields' },
    timeZone: { type: 'string', minLength: 1, expected: 'an IANA time zone such as Europe/London' },
    enabled: { type: 'boolean', expected: 'true or false' },
    parameters: { type: 'object', expected: 'an object of parameter values by name' },
  },
});

/**
 * The jobs API. `service` is read per request, so the router can be built before the runner is (and a test can hand
 * in a stand-in).
 */
export function jobsRouter(fw: Formwork, service: () => JobService): Router {
  const router = Router();
  const actor = (res: Response) => res.locals.actor;

  router.use('/jobs', function requireJobsCapability(_req: Request, res: Response, next: NextFunction) {
    if (!hasCapability(fw.registry.current, actor(res), JOBS_CAPABILITY)) {
      fail('forbidden', 'Only people who manage scheduled jobs may use them.');
    }
    next();
  });

  router.route('/jobs')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await service().list(actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/jobs/runs/:id')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await service().run(actor(res), req.params.id) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/jobs/runs/:id/cancel')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await service().cancel(actor(res), req.params.id) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/jobs/:name')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await service().get(actor(res), req.params.name) });
    })
    .patch(async (req, res) => {
      readQuery(req, NO_QUERY);
      const patch = readBody(req, PATCH_BODY);
      res.json({ data: await service().update(actor(res), req.params.name, patch) });
    })
    .all(methodNotAllowed(['GET', 'PATCH']));

  router.route('/jobs/:name/run')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const run = await service().runNow(actor(res), req.params.name);
      res.status(202).location(`${req.baseUrl}/jobs/runs/${encodeURIComponent(run.id)}`).json({ data: run });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/jobs/:name/runs')
    .get(async (req, res) => {
      const { limit, before } = readQuery(req, RUNS_QUERY);
      res.json({ data: await service().runs(actor(res), req.params.name, { limit, before }) });
    })
    .all(methodNotAllowed(['GET']));

  return router;
}

/**
 * SLAs over HTTP (records' SLAs, and the upcoming and overdue work people are alerted to). Thin: parse, call
 * platform/workflow/sla with the request's actor, respond. Times are ISO 8601 UTC; durations are milliseconds of
 * working time in the SLA's schedule (remainingMs is negative once overdue).
 *
 *   GET /tables/:table/:id/slas                       → {data: [SLA…]} every SLA of the record (read-checked first)
 *   GET /slas/upcoming?within=PT4H&table=&limit=50    → {data: [SLA + number, display]} running, due within `within`
 *   GET /slas/overdue?table=&limit=50                 → {data: [SLA + number, display]} open and past due
 *
 * Alert lists hold only SLAs of records the actor may read, soonest due first.
 */
import { Router } from 'express';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { DEFAULT_WITHIN_MS, listRecordSlas, listSlaAlerts, parseIsoDuration } from './index.js';
import { methodNotAllowed } from '../../http/middleware/method-not-allowed.js';
import { compileQuery, NO_QUERY, param, readQuery } from '../../http/input.js';

const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_WITHIN_MS = 366 * 86_400_000;
const MAX_LIMIT = 500;

interface AlertParams { within?: string; table?: string; limit: number }
const ALERT_PARAMS = { table: param.text, limit: param.range(1, MAX_LIMIT, 50) };
const ALERT_QUERIES = {
  upcoming: compileQuery<AlertParams>({ within: { type: 'string', expected: 'an ISO 8601 duration like "PT4H"' }, ...ALERT_PARAMS }),
  overdue: compileQuery<AlertParams>(ALERT_PARAMS),
};

/** `within` (upcoming only) as milliseconds, up to P366D. Errors: invalid_query. */
function alertOptions({ within, table, limit }: AlertParams) {
  let withinMs = DEFAULT_WITHIN_MS;
  if (within !== undefined) {
    const ms = parseIsoDuration(within);
    if (ms === null || ms <= 0 || ms > MAX_WITHIN_MS) {
      fail('invalid_query', `Query parameter "within" must be an ISO 8601 duration of days, hours, minutes or seconds up to P366D, like "PT4H" or "P2D"; got "${within}".`);
    }
    withinMs = ms;
  }
  return { limit, withinMs, table };
}

export function slaRouter(fw: Formwork): Router {
  const router = Router();

  router.route('/tables/:table/:id/slas')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      const { table, id } = req.params;
      if (!RECORD_ID.test(id)) {
        fw.registry.current.getTable(table);
        fail('not_found', `Record "${id}" of table "${table}" does not exist.`);
      }
      res.json({ data: await listRecordSlas(fw, res.locals.actor, table, id.toLowerCase()) });
    })
    .all(methodNotAllowed(['GET']));

  for (const kind of ['upcoming', 'overdue'] as const) {
    router.route(`/slas/${kind}`)
      .get(async (req, res) => {
        res.json({ data: await listSlaAlerts(fw, res.locals.actor, kind, alertOptions(readQuery(req, ALERT_QUERIES[kind]))) });
      })
      .all(methodNotAllowed(['GET']));
  }

  return router;
}

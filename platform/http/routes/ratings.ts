/**
 * Ratings and views of one record (tables with `ratings` / `countViews`; platform/records/ratings/):
 *
 *   GET    /tables/:table/:id/rating                 → { scale, comments, count, average, yes?, no?, mine }
 *   PUT    /tables/:table/:id/rating {value, comment?} → the same, after giving or changing the caller's rating
 *   DELETE /tables/:table/:id/rating                 → the same, after removing the caller's rating
 *   POST   /tables/:table/:id/view                   → { counted, views } (one view per person, record and day)
 *
 * A record the caller may not read answers 404 as a missing one. Thin: parse, call the service, respond.
 */
import { Router, type Request } from 'express';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { countView, fetchRating, MAX_RATING_COMMENT, rateRecord, removeRating, type RatingInput } from '../../records/ratings/index.js';
import { compileBody, NO_QUERY, readBody, readQuery } from '../input.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';

const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RATE_BODY = compileBody<RatingInput>({
  type: 'object',
  properties: {
    value: { type: 'integer', expected: 'a whole number: 0 or 1 (not useful, useful), or 1 to 5 stars' },
    comment: { type: ['string', 'null'], maxLength: MAX_RATING_COMMENT, expected: `text of at most ${MAX_RATING_COMMENT} characters` },
  },
  required: ['value'],
}, { expected: 'a rating as a JSON object: {"value", "comment"}', required: true });

type RecordRequest = Request<{ table: string; id: string }>;

/** The record id of the path; any other text names no record (and must not reach a uuid column). */
function recordId(fw: Formwork, req: RecordRequest): string {
  const { table, id } = req.params;
  if (!RECORD_ID.test(id)) {
    fw.registry.current.getTable(table);
    fail('not_found', `Record "${id}" of table "${table}" does not exist.`);
  }
  return id.toLowerCase();
}

/** The ratings router (mounted under /api). */
export function ratingsRouter(fw: Formwork): Router {
  const router = Router();

  router.route('/tables/:table/:id/rating')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json(await fetchRating(fw, req.params.table, recordId(fw, req), res.locals.actor));
    })
    .put(async (req, res) => {
      readQuery(req, NO_QUERY);
      const id = recordId(fw, req);
      const body = readBody(req, RATE_BODY);
      res.json(await rateRecord(fw, req.params.table, id, res.locals.actor, body));
    })
    .delete(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json(await removeRating(fw, req.params.table, recordId(fw, req), res.locals.actor));
    })
    .all(methodNotAllowed(['GET', 'PUT', 'DELETE']));

  router.route('/tables/:table/:id/view')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json(await countView(fw, req.params.table, recordId(fw, req), res.locals.actor));
    })
    .all(methodNotAllowed(['POST']));

  return router;
}

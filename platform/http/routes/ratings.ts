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
import { Router } from 'express';
import type { Formwork } from '../../context.js';
import { countView, fetchRating, MAX_RATING_COMMENT, rateRecord, removeRating, type RatingInput } from '../../records/ratings/index.js';
import { compileBody, NO_QUERY, readBody, readQuery } from '../input.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { recordIdOf } from '../paths.js';

const RATE_BODY = compileBody<RatingInput>({
  type: 'object',
  properties: {
    value: { type: 'integer', expected: 'a whole number: 0 or 1 (not useful, useful), or 1 to 5 stars' },
    comment: { type: ['string', 'null'], maxLength: MAX_RATING_COMMENT, expected: `text of at most ${MAX_RATING_COMMENT} characters` },
  },
  required: ['value'],
}, { expected: 'a rating as a JSON object: {"value", "comment"}', required: true });

/** The ratings router (mounted under /api). */
export function ratingsRouter(fw: Formwork): Router {
  const router = Router();

  router.route('/tables/:table/:id/rating')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json(await fetchRating(fw, req.params.table, recordIdOf(fw.registry.current, req.params), res.locals.actor));
    })
    .put(async (req, res) => {
      readQuery(req, NO_QUERY);
      const id = recordIdOf(fw.registry.current, req.params);
      const body = readBody(req, RATE_BODY);
      res.json(await rateRecord(fw, req.params.table, id, res.locals.actor, body));
    })
    .delete(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json(await removeRating(fw, req.params.table, recordIdOf(fw.registry.current, req.params), res.locals.actor));
    })
    .all(methodNotAllowed(['GET', 'PUT', 'DELETE']));

  router.route('/tables/:table/:id/view')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json(await countView(fw, req.params.table, recordIdOf(fw.registry.current, req.params), res.locals.actor));
    })
    .all(methodNotAllowed(['POST']));

  return router;
}

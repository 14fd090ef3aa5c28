/**
 * The home page's data over HTTP. Thin: parse, call platform/workflow/my-work.ts with the request's actor, respond.
 *
 *   GET /home → {data: {assigned, queues, approvals, slas, bookmarks}} the caller's work, each part access-scoped
 */
import { Router } from 'express';
import type { Formwork } from '../../context.js';
import { myWork } from '../../workflow/my-work.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { NO_QUERY, readQuery } from '../input.js';

/** GET /home: the signed-in person's work at a glance. */
export function homeRouter(fw: Formwork): Router {
  const router = Router();
  router.route('/home')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await myWork(fw, res.locals.actor) });
    })
    .all(methodNotAllowed(['GET']));
  return router;
}

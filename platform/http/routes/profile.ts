/**
 * The signed-in person's profile and bookmarks: /api/profile…. Every person may see their own;
 * bookmarks are theirs alone (another person's bookmark id answers 404).
 *
 *   GET    /profile                  → identity, organisations, roles, party codes, transactions (Yes/No), bookmarks
 *   GET    /profile/bookmarks        → newest first
 *   POST   /profile/bookmarks {title, url, table?, recordId?}  → 201
 *   DELETE /profile/bookmarks/:id    → 204
 */
import { Router } from 'express';
import { addBookmark, listBookmarks, profileOf, removeBookmark } from '../../access/profile.js';
import type { Formwork } from '../../context.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { compileBody, NO_QUERY, readBody, readQuery } from '../input.js';

/** A bookmark: addBookmark checks its members. */
const BOOKMARK_BODY = compileBody<Record<string, unknown>>({ type: 'object' });

export function profileRouter(fw: Formwork): Router {
  const router = Router();

  router.route('/profile')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await profileOf(fw, res.locals.actor) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/profile/bookmarks')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await listBookmarks(fw, res.locals.actor) });
    })
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const bookmark = await addBookmark(fw, res.locals.actor, readBody(req, BOOKMARK_BODY));
      res.status(201).location(`${req.baseUrl}/profile/bookmarks/${bookmark.id}`).json({ data: bookmark });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/profile/bookmarks/:id')
    .delete(async (req, res) => {
      readQuery(req, NO_QUERY);
      await removeBookmark(fw, res.locals.actor, req.params.id);
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  return router;
}

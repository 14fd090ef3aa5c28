/**
 * The notification centre over HTTP (/api/notifications…): a person's own in-app notifications.
 *
 *   GET  /notifications?limit=&offset=&unread=true   → { data: [notification…], meta: { total, unread, limit, offset } }
 *   POST /notifications/:id/read                     → { data: notification } (another person's id answers 404)
 *   POST /notifications/read-all                     → { data: { updated } }
 *
 * Newest first; `meta.unread` is the person's unread count whatever the page, for the header's bell.
 */
import { Router } from 'express';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { listNotifications, markAllNotificationsRead, markNotificationRead, MAX_NOTIFICATION_PAGE } from '../../notify/index.js';
import { methodNotAllowed } from '../middleware.js';
import { assertQuery, queryInteger, queryString } from './admin.js';

export function notificationsRouter(fw: Formwork): Router {
  const router = Router();

  router.route('/notifications')
    .get(async (req, res) => {
      assertQuery(req, ['limit', 'offset', 'unread']);
      const limit = queryInteger(req, 'limit');
      if (limit !== undefined && (limit < 1 || limit > MAX_NOTIFICATION_PAGE)) fail('invalid_query', `limit must be between 1 and ${MAX_NOTIFICATION_PAGE}; got ${limit}.`);
      const unread = queryString(req, 'unread');
      if (unread !== undefined && unread !== 'true' && unread !== 'false') fail('invalid_query', `unread must be "true" or "false"; got "${unread}".`);
      const page = await listNotifications(fw, res.locals.actor, { limit, offset: queryInteger(req, 'offset'), unreadOnly: unread === 'true' });
      res.json({ data: page.notifications, meta: { total: page.total, unread: page.unread, limit: page.limit, offset: page.offset } });
    })
    .all(methodNotAllowed(['GET']));

  // Before /:id/read, so "read-all" is never taken for an id.
  router.route('/notifications/read-all')
    .post(async (req, res) => {
      assertQuery(req, []);
      res.json({ data: { updated: await markAllNotificationsRead(fw, res.locals.actor) } });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/notifications/:id/read')
    .post(async (req, res) => {
      assertQuery(req, []);
      res.json({ data: await markNotificationRead(fw, res.locals.actor, req.params.id) });
    })
    .all(methodNotAllowed(['POST']));

  return router;
}

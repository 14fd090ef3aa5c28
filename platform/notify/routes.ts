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
import type { Formwork } from '../context.js';
import { listNotifications, markAllNotificationsRead, markNotificationRead, MAX_NOTIFICATION_PAGE } from './index.js';
import { methodNotAllowed } from '../http/middleware/method-not-allowed.js';
import { compileQuery, NO_QUERY, param, readQuery } from '../http/input.js';

const LIST_QUERY = compileQuery<{ limit?: number; offset?: number; unread: boolean }>({
  limit: param.range(1, MAX_NOTIFICATION_PAGE), offset: param.wholeNumber, unread: { ...param.boolean, default: false },
});

export function notificationsRouter(fw: Formwork): Router {
  const router = Router();

  router.route('/notifications')
    .get(async (req, res) => {
      const { limit, offset, unread } = readQuery(req, LIST_QUERY);
      const page = await listNotifications(fw, res.locals.actor, { limit, offset, unreadOnly: unread });
      res.json({ data: page.notifications, meta: { total: page.total, unread: page.unread, limit: page.limit, offset: page.offset } });
    })
    .all(methodNotAllowed(['GET']));

  // Before /:id/read, so "read-all" is never taken for an id.
  router.route('/notifications/read-all')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: { updated: await markAllNotificationsRead(fw, res.locals.actor) } });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/notifications/:id/read')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await markNotificationRead(fw, res.locals.actor, req.params.id) });
    })
    .all(methodNotAllowed(['POST']));

  return router;
}

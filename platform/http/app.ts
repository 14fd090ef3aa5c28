/**
 * The express application. The order of the middleware is fixed here and matters:
 *   request id → security headers → access log → (API) actor → CSRF → attachments and catalogue uploads (raw bodies)
 *   → JSON-only → JSON parser
 *   → unsafe-key check → routes → 404 → problem+json errors (the only place errors become responses).
 * The actor comes before the body parser so that an anonymous request is refused before its body is read; the
 * access log registers first so that it sees every response, refusals included. Each router is entered only by
 * requests under the first path segments its routes use (byFirstSegment), so a request tries the routes of its
 * own routers, not of every router before them; middleware that runs for every request is mounted in sequences
 * (inSequence), one layer each.
 */
import express from 'express';
import type { Formwork } from '../context.js';
import {
  accessLogger, actorMiddleware, byFirstSegment, csrfProtection, inSequence, jsonBody, notFound, rejectUnsafeKeys, requestId,
  requireJson, securityHeaders,
} from './middleware/index.js';
import { problemHandler } from './problem.js';
import { adminRouter } from './routes/admin.js';
import { inactivityRouter } from '../access/inactivity/index.js';
import { jobsRouter } from '../jobs/routes.js';
import { studioRouter } from '../studio/routes.js';
import { catalogRouter, catalogServices, catalogUploadRouter } from '../catalog/index.js';
import { attachmentsRouter } from './routes/attachments.js';
import { authRouter } from './routes/auth.js';
import { homeRouter } from './routes/home.js';
import { metaRouter } from './routes/meta.js';
import { notificationsRouter } from '../notify/routes.js';
import { passwordResetRouter } from './routes/password-reset.js';
import { profileRouter } from './routes/profile.js';
import { recordsRouter } from './routes/records.js';
import { ratingsRouter } from './routes/ratings.js';
import { versionsRouter } from '../versions/index.js';
import { tagsRouter } from './routes/tags.js';
import { searchRouter } from './routes/search.js';
import { viewsRouter } from './routes/views.js';
import { workflowRouter } from '../workflow/routes.js';
import { slaRouter } from '../workflow/sla/routes.js';
import { uiRouter } from './static.js';

/**
 * Build the HTTP application of a running engine. The caller listens (`createApp(fw).listen(port, host)`).
 * Request bodies above `fw.config.bodyLimit` get 413 `payload_too_large`.
 */
export function createApp(fw: Formwork): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Record responses carry their version as ETag; a body hash would make every list "fresh" and hide that.
  app.set('etag', false);
  // node:querystring: flat string values only, never nested objects built from `a[b]=` keys.
  app.set('query parser', 'simple');

  app.use(inSequence(requestId(), securityHeaders(), accessLogger(fw)));

  // Following a mailed set-password link is public (no session yet): it is served before the actor middleware.
  app.use('/api', byFirstSegment(passwordResetRouter(fw)));

  const api = express.Router();
  api.use(inSequence(actorMiddleware(fw), csrfProtection(fw)));
  // Uploads stream the raw file: their routes come before the JSON-only rule and the JSON parser (and only theirs).
  api.use(byFirstSegment(attachmentsRouter(fw)));
  const catalog = catalogServices(fw);
  api.use(byFirstSegment(catalogUploadRouter(fw, catalog)));
  api.use(inSequence(requireJson(), jsonBody(fw.config.bodyLimit), rejectUnsafeKeys()));
  api.use(byFirstSegment(authRouter(fw)));
  api.use(byFirstSegment(metaRouter(fw)));
  api.use(byFirstSegment(tagsRouter(fw)));
  api.use(byFirstSegment(searchRouter(fw)));
  api.use(byFirstSegment(recordsRouter(fw)));
  api.use(byFirstSegment(ratingsRouter(fw)));
  api.use(byFirstSegment(versionsRouter(fw)));
  api.use(byFirstSegment(profileRouter(fw)));
  api.use(byFirstSegment(homeRouter(fw)));
  api.use(byFirstSegment(adminRouter(fw)));
  api.use(byFirstSegment(inactivityRouter(fw)));
  // Only with a job runner: an engine opened for the database alone has none.
  const jobs = fw.jobs;
  if (jobs) api.use(byFirstSegment(jobsRouter(fw, () => jobs)));
  const studio = fw.studio;
  if (studio) api.use(byFirstSegment(studioRouter(fw, () => studio)));
  api.use(byFirstSegment(viewsRouter(fw)));
  api.use(byFirstSegment(workflowRouter(fw)));
  api.use(byFirstSegment(slaRouter(fw)));
  api.use(byFirstSegment(notificationsRouter(fw)));
  api.use(byFirstSegment(catalogRouter(fw, catalog)));
  app.use('/api', api);
  // The browser app: static assets and index.html for every other page (History API routes).
  app.use(uiRouter(fw));

  app.use(notFound());
  app.use(problemHandler(fw));
  return app;
}

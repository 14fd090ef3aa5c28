/**
 * The versions API (platform/versions): thin — parse, call the service with the request's actor, respond.
 *
 *   GET /tables/:table/:id/versions                    the record's published versions, newest first (people who may
 *                                                      update the record; 403 forbidden otherwise, 404 when unreadable)
 *   GET /tables/:table/:id/versions/published          which version the person is shown, and whether they edit it
 *   GET /tables/:table/:id/versions/:n                 one version's content values
 *   GET /tables/:table/:id/versions/:n/diff?against=m  word-level difference per field (default: the version before)
 */
import { Router, type Request, type Response } from 'express';
import type { Formwork } from '../context.js';
import { recordIdOf } from '../http/paths.js';
import { fail } from '../errors.js';
import { compileQuery, NO_QUERY, param, readQuery } from '../http/input.js';
import { methodNotAllowed } from '../http/middleware/method-not-allowed.js';
import { ContentVersions } from './service.js';

const DIFF_QUERY = compileQuery<{ against?: number }>({ against: param.range(1, 999_999_999) });

/** The record id of the path (see recordIdOf). */
const idOf = (fw: Formwork, req: Request) => recordIdOf(fw.registry.current, req.params as { table: string; id: string });

/** The version number from the path; anything but a whole number from 1 names no version. */
function versionNumber(req: Request): number {
  const n = (req.params as { n: string }).n;
  if (!/^[1-9][0-9]{0,8}$/.test(n)) fail('not_found', `There is no version "${n}": versions are numbered 1, 2, 3…`);
  return Number(n);
}

/** The versions routes; mounted with the record API (platform/http/app.ts). */
export function versionsRouter(fw: Formwork): Router {
  const router = Router();
  const versions = new ContentVersions(fw);
  const actor = (res: Response) => res.locals.actor;

  router.route('/tables/:table/:id/versions')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await versions.list(req.params.table, idOf(fw, req), actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  // Before /:n: "published" is not a number.
  router.route('/tables/:table/:id/versions/published')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await versions.status(req.params.table, idOf(fw, req), actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id/versions/:n')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await versions.one(req.params.table, idOf(fw, req), versionNumber(req), actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id/versions/:n/diff')
    .get(async (req, res) => {
      const { against } = readQuery(req, DIFF_QUERY);
      res.json({ data: await versions.diff(req.params.table, idOf(fw, req), versionNumber(req), against, actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  return router;
}

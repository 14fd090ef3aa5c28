/**
 * Tag suggestions: GET /api/tables/:table/tags/:field?prefix=&limit= → `{ tags: [{ tag, count }] }`, the tags in use
 * in a tags field among the records the caller may read (the list's row conditions), most used first, then by tag.
 * Thin: the record service counts them in SQL (platform/records/tag-counts.ts).
 */
import { Router } from 'express';
import type { Formwork } from '../../context.js';
import { DEFAULT_TAG_SUGGESTIONS, MAX_TAG_SUGGESTIONS } from '../../records/index.js';
import { compileQuery, param, readQuery } from '../input.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';

const TAGS_QUERY = compileQuery<{ prefix?: string; limit: number }>({
  prefix: { type: 'string', maxLength: 50, expected: 'text of at most 50 characters' },
  limit: param.range(1, MAX_TAG_SUGGESTIONS, DEFAULT_TAG_SUGGESTIONS),
});

/** The tag suggestion route, mounted beside the record routes. */
export function tagsRouter(fw: Formwork): Router {
  const router = Router();
  router.route('/tables/:table/tags/:field')
    .get(async (req, res) => {
      const { prefix, limit } = readQuery(req, TAGS_QUERY);
      const tags = await fw.records.tagCounts(req.params.table, req.params.field, { actor: res.locals.actor, prefix, limit });
      res.json({ tags });
    })
    .all(methodNotAllowed(['GET']));
  return router;
}

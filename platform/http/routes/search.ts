/**
 * Full-text search: `GET /api/search?q=&tables=a,b&tags=x,y&limit=20&offset=0` (results across the searchable tables
 * the caller may read, grouped, counted, ranked, with match reasons and snippets) and
 * `GET /api/search/suggest?q=&limit=8` (records to open while typing). Thin: platform/search does the work.
 */
import { Router } from 'express';
import type { Formwork } from '../../context.js';
import { searchRecords, suggestRecords } from '../../search/index.js';
import { compileQuery, param, readQuery } from '../input.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';

const list = (text: string | undefined) => text?.split(',').map((s) => s.trim()).filter((s) => s !== '');

const SEARCH_QUERY = compileQuery<{ q?: string; tables?: string; tags?: string; limit: number; offset: number }>({
  q: { type: 'string', expected: 'the search text' },
  tables: { type: 'string', expected: 'a comma-separated list of table names' },
  tags: { type: 'string', expected: 'a comma-separated list of tags' },
  limit: param.range(1, 100, 20),
  offset: param.range(0, 1_000_000, 0),
});

const SUGGEST_QUERY = compileQuery<{ q?: string; limit: number }>({
  q: { type: 'string', expected: 'the search text' },
  limit: param.range(1, 20, 8),
});

/** The search routes. */
export function searchRouter(fw: Formwork): Router {
  const router = Router();
  router.route('/search')
    .get(async (req, res) => {
      const { q, tables, tags, limit, offset } = readQuery(req, SEARCH_QUERY);
      res.json(await searchRecords(fw, res.locals.actor, { q: q ?? '', tables: list(tables), tags: list(tags), limit, offset }));
    })
    .all(methodNotAllowed(['GET']));
  router.route('/search/suggest')
    .get(async (req, res) => {
      const { q, limit } = readQuery(req, SUGGEST_QUERY);
      res.json(await suggestRecords(fw, res.locals.actor, q ?? '', limit));
    })
    .all(methodNotAllowed(['GET']));
  return router;
}

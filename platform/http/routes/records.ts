/**
 * The record API: /api/tables/:table[/:id[/history|/journal]], and /api/tables/:table/export (CSV). Thin: parse
 * the request, call the record service with the request's actor (and, on create and update, the `?form=` the record
 * was edited on), respond. Versions travel as weak ETags (`W/"<version>"`): `If-None-Match`
 * gives 304 on reads, `If-Match` makes writes conditional (a stale one is 412 and changes nothing).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { accessFor } from '../../access/index.js';
import type { Formwork } from '../../context.js';
import { recordIdOf } from '../paths.js';
import { fail, FormworkError, isFormworkError } from '../../errors.js';
import { MAX_LIMIT } from '../../records/index.js';
import type { DiscardedValue, QuerySpec, RecordData, UpdateOptions } from '../../records/types.js';
import { csvChunks, csvHeader, csvRow, csvStream, readableCells } from '../../reports/csv.js';
import { compileBody, compileQuery, NO_QUERY, param, readBody, readQuery } from '../input.js';
import { DISPLAY_PARAM, displayModeOf, LIST_PARAMS, listMeta, parseNames, toQuerySpec, type ListParams } from '../list-query.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';

/** Record ids are UUIDs; anything else names no record (and must not reach a uuid column). */
const { filter, sort, fields } = LIST_PARAMS;
/**
 * Creates and updates may name the form the record was edited on (`?form=`), whose UI policies the server enforces
 * too, with those of the table's default form; the service reports an unknown form or one of another table as
 * invalid_query.
 */
const WRITE_QUERY = compileQuery<{ form?: string }>({ form: param.text });
/** `display` of lists and reads: see DISPLAY_PARAM. */
type DisplayParam = { display?: string };
const LIST_QUERY = compileQuery<ListParams & DisplayParam & { q?: string }>({
  ...LIST_PARAMS, display: DISPLAY_PARAM, q: { type: 'string', expected: 'full-text search text' },
});
// An export holds labels or stored values: `all` (value and label side by side) has no place in one cell.
const EXPORT_QUERY = compileQuery<Pick<ListParams, 'filter' | 'sort' | 'fields'> & DisplayParam>({
  filter, sort, fields, display: { ...DISPLAY_PARAM, enum: ['true', 'false'], expected: 'true or false' },
});
const ONE_QUERY = compileQuery<{ fields?: string } & DisplayParam>({ fields, display: DISPLAY_PARAM });
const JOURNAL_QUERY = compileQuery<{ field?: string }>({ field: param.text });
// Only the shape: the record service checks the records themselves (its errors name the table and each field).
const CREATE_BODY = compileBody<RecordData | RecordData[]>({ type: ['object', 'array'] }, {
  expected: 'one record (a JSON object) or an array of them', required: true, textCheckedBy: 'service',
});
const UPDATE_BODY = compileBody<RecordData>({ type: 'object' }, { expected: 'the fields to change as one JSON object', required: true, textCheckedBy: 'service' });
/**
 * The most rows one export holds (a larger one is refused, asking for a narrower filter). Mutable so tests can
 * exercise the cap without writing 100,000 records.
 */
export const EXPORT_LIMITS = { maxRows: 100_000 };

/** A request on one record: /tables/:table/:id[…]. */
type RecordRequest = Request<{ table: string; id: string }>;

export function recordsRouter(fw: Formwork): Router {
  const router = Router();
  const opts = (res: Response) => ({ actor: res.locals.actor });

  router.route('/tables/:table')
    .get(async (req, res) => {
      const { display, q, ...list } = readQuery(req, LIST_QUERY);
      const spec = toQuerySpec(list);
      if (q !== undefined && q.trim() !== '') spec.search = q;
      const result = await fw.records.query(req.params.table, spec, opts(res));
      const mode = displayModeOf(display);
      const records = mode ? await fw.records.display(req.params.table, result.records, mode, opts(res)) : result.records;
      res.json({ data: records, meta: listMeta(result) });
    })
    .post(async (req, res) => {
      const { form } = readQuery(req, WRITE_QUERY);
      const table = req.params.table;
      const body = readBody(req, CREATE_BODY);
      const discarded: DiscardedValue[] = [];
      const options = { ...opts(res), form, discarded };
      if (Array.isArray(body)) {
        const records = await fw.records.createMany(table, body, options);
        res.status(201).json({ data: records, ...discardedMeta(discarded) });
        return;
      }
      const record = await fw.records.createOne(table, body, options);
      res.status(201)
        .location(`${req.baseUrl}/tables/${encodeURIComponent(table)}/${String(record.id)}`)
        .setHeader('ETag', etag(record.version));
      res.json({ data: record, ...discardedMeta(discarded) });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  // Before /tables/:table/:id, though an id is a UUID and never "export".
  router.route('/tables/:table/export')
    .get(async (req, res) => {
      await exportCsv(fw, req, res);
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id')
    .get(async (req, res) => {
      const { fields: given, display } = readQuery(req, ONE_QUERY);
      const fields = given === undefined ? undefined : parseNames('fields', given);
      const record = await fw.records.readOne(req.params.table, recordIdOf(fw.registry.current, req.params), { ...opts(res), fields });
      const mode = displayModeOf(display);
      const tag = etag(record.version);
      res.setHeader('ETag', tag);
      // Display values follow other records too (a referenced record's title), which the version does not track.
      if (!mode && matchesAny(req.get('if-none-match'), record.version as number)) {
        res.status(304).end();
        return;
      }
      res.json({ data: mode ? (await fw.records.display(req.params.table, [record], mode, opts(res)))[0] : record });
    })
    .patch(async (req, res) => {
      const { form } = readQuery(req, WRITE_QUERY);
      const table = req.params.table;
      const body = readBody(req, UPDATE_BODY);
      const discarded: DiscardedValue[] = [];
      const record = await conditional(
        fw, req, res, (o) => fw.records.updateOne(table, recordIdOf(fw.registry.current, req.params), body, { ...o, form, discarded }),
      );
      res.setHeader('ETag', etag(record.version));
      res.json({ data: record, ...discardedMeta(discarded) });
    })
    .delete(async (req, res) => {
      readQuery(req, NO_QUERY);
      await conditional(fw, req, res, (o) => fw.records.deleteOne(req.params.table, recordIdOf(fw.registry.current, req.params), o));
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'PATCH', 'DELETE']));

  router.route('/tables/:table/:id/history')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await fw.records.history(req.params.table, recordIdOf(fw.registry.current, req.params), opts(res)) });
    })
    .all(methodNotAllowed(['GET']));

  // Journal entries are added by PATCHing a journal field; the service has no separate append.
  router.route('/tables/:table/:id/journal')
    .get(async (req, res) => {
      const { field } = readQuery(req, JOURNAL_QUERY);
      res.json({ data: await fw.records.journal(req.params.table, recordIdOf(fw.registry.current, req.params), { ...opts(res), field }) });
    })
    .all(methodNotAllowed(['GET']));

  return router;
}

/**
 * The CSV export of a list: the rows the actor may read under `filter` and `sort`, read through the
 * record service in pages of {@link MAX_LIMIT} (so row scopes and masking apply exactly as to lists), at most
 * `EXPORT_LIMITS.maxRows` (100,000). Columns: `fields`, else every readable field with a column except personal
 * data (`pii`); the header holds the field labels; cells a spreadsheet would run as formulas are neutralised. With
 * `display=true` the cells hold what people read (labels of choices and references, Yes / No, dates in words, as
 * the actor may see them) instead of the stored values.
 * The rows are streamed: one page at a time is held, and the next is read only when the client has taken the
 * last one. Errors: as for lists, and invalid_query when the export would exceed the cap — all found on the first
 * page, before a byte is sent. A failure after that (a later page) cannot become a problem document: the response
 * is cut short (so the client sees an incomplete download, not a shorter file) and the failure is logged.
 */
async function exportCsv(fw: Formwork, req: Request<{ table: string }>, res: Response): Promise<void> {
  const registry = fw.registry.current;
  const table = registry.getTable(req.params.table);
  const actor = res.locals.actor;
  const { display, ...params } = readQuery(req, EXPORT_QUERY);
  const spec = toQuerySpec(params);
  const labels = display === 'true';
  const readable = accessFor(registry, actor, table.name, 'read').readable;
  const names = spec.fields ?? [...table.fields.values()]
    .filter((f) => f.column !== null && readable.has(f.name) && !f.pii)
    .map((f) => f.name);
  const query: QuerySpec = { ...spec, fields: names, limit: MAX_LIMIT, offset: 0, withTotal: true };
  const first = await fw.records.query(table.name, query, { actor });
  if (first.total !== null && first.total > EXPORT_LIMITS.maxRows) tooMany(first.total);
  const columns = names.map((name) => ({ key: name, header: table.fields.get(name)?.label ?? name }));

  async function* rows(): AsyncGenerator<(string | number)[]> {
    yield csvHeader(columns);
    let page = first;
    let sent = 0;
    for (;;) {
      sent += page.records.length;
      if (sent > EXPORT_LIMITS.maxRows) tooMany(sent);
      const records = labels ? readableCells(table, await fw.records.display(table.name, page.records, 'true', { actor })) : page.records;
      for (const record of records) yield csvRow(record, columns);
      if (page.records.length < MAX_LIMIT) return;
      page = await fw.records.query(table.name, { ...query, offset: page.offset + MAX_LIMIT, withTotal: false }, { actor });
    }
  }

  const day = fw.clock.now().toISOString().slice(0, 10);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${table.name.replace(/[^0-9A-Za-z_-]/g, '')}-${day}.csv"`);
  try {
    await pipeline(Readable.from(rows()), csvStream(), csvChunks(), res);
  } catch (e) {
    // pipeline has destroyed the response. A client that went away, or rows added past the cap meanwhile, are no
    // server failure.
    const data = { requestId: res.locals.requestId, table: table.name, error: e instanceof Error ? e.message : String(e) };
    if ((e as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE') fw.log.info('CSV export abandoned by the client', data);
    else if (isFormworkError(e)) fw.log.warn('CSV export cut short', data);
    else fw.log.error('CSV export failed after it started', { ...data, stack: e instanceof Error ? e.stack : undefined });
  }
}

function tooMany(n: number): never {
  fail('invalid_query', `The export would hold ${n} rows; at most ${EXPORT_LIMITS.maxRows} can be exported at once. Narrow the filter.`, {
    extra: { total: n, max: EXPORT_LIMITS.maxRows },
  });
}

/** `W/"<version>"`: weak, because the representation may vary (e.g. `fields`) while the version is the same. */
export function etag(version: unknown): string {
  return `W/"${String(version)}"`;
}

/**
 * The versions named by an If-Match / If-None-Match list (`W/"3"`, `"3"`, `*`); `*` is returned as 'any'.
 * Tags that are not ours are kept as NaN so they match nothing.
 */
export function parseEntityTags(header: string | undefined): number[] | 'any' | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return 'any';
  return header.split(',').map((t) => {
    const m = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(t);
    return m ? Number(m[1]) : Number.NaN;
  });
}

function matchesAny(header: string | undefined, version: number): boolean {
  const tags = parseEntityTags(header);
  return tags === 'any' || (Array.isArray(tags) && tags.includes(version));
}

/**
 * Run a write under the request's If-Match. One tag becomes the service's `expectedVersion`; several are
 * checked against the current version first. A version mismatch the service reports as `conflict` becomes
 * `precondition_failed` (412, with currentVersion), because the client asked for a precondition.
 */
/** `meta.discarded` of a write's answer: the values a policy discarded, when there are any (see the README). */
function discardedMeta(discarded: DiscardedValue[]): { meta?: { discarded: DiscardedValue[] } } {
  return discarded.length ? { meta: { discarded } } : {};
}

async function conditional<T>(fw: Formwork, req: RecordRequest, res: Response, write: (o: UpdateOptions) => Promise<T>): Promise<T> {
  const tags = parseEntityTags(req.get('if-match'));
  const base: UpdateOptions = { actor: res.locals.actor };
  if (tags === undefined || tags === 'any') return write(base);
  let expectedVersion = tags[0]!;
  if (tags.length > 1) {
    const current = await fw.records.readOne(req.params.table, recordIdOf(fw.registry.current, req.params), { ...base, fields: ['id'] });
    const version = current.version as number;
    if (!tags.includes(version)) preconditionFailed(version, req.get('if-match')!);
    expectedVersion = version;
  }
  if (Number.isNaN(expectedVersion)) {
    // Not one of our tags: nothing can match, but the record must exist (404 beats 412).
    const current = await fw.records.readOne(req.params.table, recordIdOf(fw.registry.current, req.params), { ...base, fields: ['id'] });
    preconditionFailed(current.version as number, req.get('if-match')!);
  }
  try {
    return await write({ ...base, expectedVersion });
  } catch (e) {
    if (isFormworkError(e) && e.code === 'conflict') {
      throw new FormworkError('precondition_failed', `${e.message} (If-Match: ${req.get('if-match')})`, { extra: e.extra, cause: e });
    }
    throw e;
  }
}

function preconditionFailed(currentVersion: number, header: string): never {
  fail('precondition_failed', `The record is at version ${currentVersion}; If-Match ${header} does not match it.`, {
    extra: { currentVersion },
  });
}

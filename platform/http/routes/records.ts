/**
 * The record API: /api/tables/:table[/:id[/history|/journal]], and /api/tables/:table/export (CSV). Thin: parse
 * the request, call the record service with the request's actor (and, on create and update, the `?form=` the record
 * was edited on), respond. Versions travel as weak ETags (`W/"<version>"`): `If-None-Match`
 * gives 304 on reads, `If-Match` makes writes conditional (a stale one is 412 and changes nothing).
 */
import { Router, type Request, type Response } from 'express';
import { accessFor } from '../../access/index.js';
import type { Formwork } from '../../context.js';
import type { Condition } from '../../conditions/types.js';
import { fail, FormworkError, isFormworkError } from '../../errors.js';
import { MAX_LIMIT } from '../../records/index.js';
import type { QuerySpec, RecordData, SortSpec, UpdateOptions } from '../../records/types.js';
import { toCsv } from '../../reports/csv.js';
import { assertSafeJson, methodNotAllowed } from '../middleware.js';

/** Record ids are UUIDs; anything else names no record (and must not reach a uuid column). */
const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LIST_PARAMS = new Set(['filter', 'sort', 'limit', 'offset', 'fields', 'total']);
const ONE_PARAMS = new Set(['fields']);
const JOURNAL_PARAMS = new Set(['field']);
/** Creates and updates may name the form the record was edited on, whose UI policies the server enforces too. */
const WRITE_PARAMS = new Set(['form']);
const EXPORT_PARAMS = new Set(['filter', 'sort', 'fields']);
/**
 * The most rows one export holds (a larger one is refused, asking for a narrower filter). Mutable so tests can
 * exercise the cap without writing 100,000 records.
 */
export const EXPORT_LIMITS = { maxRows: 100_000 };
const NO_PARAMS = new Set<string>();

/** A request on one record: /tables/:table/:id[…]. */
type RecordRequest = Request<{ table: string; id: string }>;

export function recordsRouter(fw: Formwork): Router {
  const router = Router();
  const opts = (res: Response) => ({ actor: res.locals.actor });

  router.route('/tables/:table')
    .get(async (req, res) => {
      const spec = parseListQuery(req);
      const result = await fw.records.query(req.params.table, spec, opts(res));
      res.json({ data: result.records, meta: { total: result.total, limit: result.limit, offset: result.offset } });
    })
    .post(async (req, res) => {
      assertQuery(req, WRITE_PARAMS);
      const table = req.params.table;
      const body: unknown = req.body;
      const options = { ...opts(res), form: formParam(req) };
      if (Array.isArray(body)) {
        const records = await fw.records.createMany(table, body as RecordData[], options);
        res.status(201).json({ data: records });
        return;
      }
      if (!isPlainObject(body)) fail('invalid_payload', `Send one record (a JSON object) or an array of them to create in table "${table}".`);
      const record = await fw.records.createOne(table, body, options);
      res.status(201)
        .location(`${req.baseUrl}/tables/${encodeURIComponent(table)}/${String(record.id)}`)
        .setHeader('ETag', etag(record.version));
      res.json({ data: record });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  // Before /tables/:table/:id, though an id is a UUID and never "export".
  router.route('/tables/:table/export')
    .get(async (req, res) => {
      assertQuery(req, EXPORT_PARAMS);
      const csv = await exportCsv(fw, req, res);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${csv.filename}"`);
      res.send(csv.text);
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id')
    .get(async (req, res) => {
      const fields = parseList(req, 'fields', ONE_PARAMS);
      const record = await fw.records.readOne(req.params.table, recordId(fw, req), { ...opts(res), fields });
      const tag = etag(record.version);
      res.setHeader('ETag', tag);
      if (matchesAny(req.get('if-none-match'), record.version as number)) {
        res.status(304).end();
        return;
      }
      res.json({ data: record });
    })
    .patch(async (req, res) => {
      assertQuery(req, WRITE_PARAMS);
      const table = req.params.table;
      const body: unknown = req.body;
      if (!isPlainObject(body)) fail('invalid_payload', `Send the fields to change in table "${table}" as one JSON object.`);
      const form = formParam(req);
      const record = await conditional(fw, req, res, (o) => fw.records.updateOne(table, recordId(fw, req), body, { ...o, form }));
      res.setHeader('ETag', etag(record.version));
      res.json({ data: record });
    })
    .delete(async (req, res) => {
      assertQuery(req, NO_PARAMS);
      await conditional(fw, req, res, (o) => fw.records.deleteOne(req.params.table, recordId(fw, req), o));
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'PATCH', 'DELETE']));

  router.route('/tables/:table/:id/history')
    .get(async (req, res) => {
      assertQuery(req, NO_PARAMS);
      res.json({ data: await fw.records.history(req.params.table, recordId(fw, req), opts(res)) });
    })
    .all(methodNotAllowed(['GET']));

  // Journal entries are added by PATCHing a journal field; the service has no separate append.
  router.route('/tables/:table/:id/journal')
    .get(async (req, res) => {
      assertQuery(req, JOURNAL_PARAMS);
      const field = optionalString(req, 'field');
      res.json({ data: await fw.records.journal(req.params.table, recordId(fw, req), { ...opts(res), field }) });
    })
    .all(methodNotAllowed(['GET']));

  return router;
}

/**
 * The CSV export of a list (SSI-NFR-21): the rows the actor may read under `filter` and `sort`, read through the
 * record service in pages of {@link MAX_LIMIT} (so row scopes and masking apply exactly as to lists), at most
 * `EXPORT_LIMITS.maxRows` (100,000). Columns: `fields`, else every readable field with a column except personal
 * data (`pii`); the header holds the field labels; cells a spreadsheet would run as formulas are neutralised.
 * Errors: as for lists, and invalid_query when the export would exceed the cap.
 */
async function exportCsv(fw: Formwork, req: Request<{ table: string }>, res: Response): Promise<{ text: string; filename: string }> {
  const registry = fw.registry.current;
  const table = registry.getTable(req.params.table);
  const actor = res.locals.actor;
  const spec = parseListQuery(req);
  const readable = accessFor(registry, actor, table.name, 'read').readable;
  const names = spec.fields ?? [...table.fields.values()].filter((f) => f.column !== null && readable.has(f.name) && !f.pii).map((f) => f.name);
  const query: QuerySpec = { ...spec, fields: names, limit: MAX_LIMIT, offset: 0, withTotal: true };
  const rows: RecordData[] = [];
  for (;;) {
    const page = await fw.records.query(table.name, query, { actor });
    if (page.total !== null && page.total > EXPORT_LIMITS.maxRows) tooMany(page.total);
    rows.push(...page.records);
    if (rows.length > EXPORT_LIMITS.maxRows) tooMany(rows.length);
    if (page.records.length < MAX_LIMIT) break;
    query.offset = page.offset + MAX_LIMIT;
    query.withTotal = false;
  }
  const columns = names.map((name) => ({ key: name, header: table.fields.get(name)?.label ?? name }));
  const day = fw.clock.now().toISOString().slice(0, 10);
  return { text: toCsv(rows, columns), filename: `${table.name.replace(/[^0-9A-Za-z_-]/g, '')}-${day}.csv` };
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
async function conditional<T>(fw: Formwork, req: RecordRequest, res: Response, write: (o: UpdateOptions) => Promise<T>): Promise<T> {
  const tags = parseEntityTags(req.get('if-match'));
  const base: UpdateOptions = { actor: res.locals.actor };
  if (tags === undefined || tags === 'any') return write(base);
  let expectedVersion = tags[0]!;
  if (tags.length > 1) {
    const current = await fw.records.readOne(req.params.table, recordId(fw, req), { ...base, fields: ['id'] });
    const version = current.version as number;
    if (!tags.includes(version)) preconditionFailed(version, req.get('if-match')!);
    expectedVersion = version;
  }
  if (Number.isNaN(expectedVersion)) {
    // Not one of our tags: nothing can match, but the record must exist (404 beats 412).
    const current = await fw.records.readOne(req.params.table, recordId(fw, req), { ...base, fields: ['id'] });
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

/** The `:id` of the request; fails `table_not_found` / `not_found` the way the service would for a bad id. */
function recordId(fw: Formwork, req: RecordRequest): string {
  const { table, id } = req.params;
  if (!RECORD_ID.test(id)) {
    fw.registry.current.getTable(table);
    fail('not_found', `Record "${id}" of table "${table}" does not exist.`);
  }
  return id.toLowerCase();
}

function isPlainObject(v: unknown): v is RecordData {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Refuse query parameters the endpoint does not know, so a typo is an error rather than silently ignored. */
function assertQuery(req: Request, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(req.query)) {
    if (!allowed.has(key)) {
      const expected = allowed.size ? `expected ${[...allowed].join(', ')}` : 'this endpoint takes none';
      fail('invalid_query', `Unknown query parameter "${key}"; ${expected}.`);
    }
  }
}

/**
 * `?form=`: the form the client edited the record on (its UI policies are enforced as data policies, with those of
 * the table's default form). Given twice it is invalid_query rather than ignored; the service reports an unknown form
 * or one of another table as invalid_query.
 */
function formParam(req: Request): string | undefined {
  return optionalString(req, 'form');
}

function optionalString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') fail('invalid_query', `Query parameter "${name}" must be given once.`);
  return v;
}

function parseInteger(req: Request, name: string): number | undefined {
  const v = optionalString(req, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) fail('invalid_query', `Query parameter "${name}" must be a whole number of 0 or more; got "${v}".`);
  return Number(v);
}

/** A comma-separated list (`fields`), each item non-empty. */
function parseList(req: Request, name: string, allowed: ReadonlySet<string>): string[] | undefined {
  assertQuery(req, allowed);
  const v = optionalString(req, name);
  if (v === undefined) return undefined;
  const items = v.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) fail('invalid_query', `Query parameter "${name}" must be a comma-separated list of field names; got "${v}".`);
  return items;
}

/** `sort=-priority,number`: a leading `-` sorts descending (a leading `+` is allowed and means ascending). */
function parseSort(req: Request): SortSpec[] | undefined {
  const items = parseList(req, 'sort', LIST_PARAMS);
  return items?.map((item) => {
    const desc = item.startsWith('-');
    const field = desc || item.startsWith('+') ? item.slice(1) : item;
    if (!field) fail('invalid_query', `Query parameter "sort" has an empty field name in "${item}".`);
    return { field, direction: desc ? 'desc' : 'asc' };
  });
}

function parseFilter(req: Request): Condition | undefined {
  const v = optionalString(req, 'filter');
  if (v === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (e) {
    fail('invalid_query', `Query parameter "filter" must be a condition in JSON: ${(e as Error).message}.`);
  }
  if (!isPlainObject(parsed)) {
    fail('invalid_query', 'Query parameter "filter" must be a condition object ({"all": […]}, {"any": […]}, {"not": …} or {"fact", "operator", "value"}).');
  }
  assertSafeJson(parsed, 'invalid_query', 'filter');
  return parsed as unknown as Condition;
}

function parseListQuery(req: Request): QuerySpec {
  assertQuery(req, LIST_PARAMS);
  const total = optionalString(req, 'total');
  if (total !== undefined && total !== 'true' && total !== 'false') {
    fail('invalid_query', `Query parameter "total" must be true or false; got "${total}".`);
  }
  const spec: QuerySpec = { withTotal: total !== 'false' };
  const filter = parseFilter(req);
  const sort = parseSort(req);
  const limit = parseInteger(req, 'limit');
  const offset = parseInteger(req, 'offset');
  const fields = parseList(req, 'fields', LIST_PARAMS);
  if (filter) spec.filter = filter;
  if (sort) spec.sort = sort;
  if (limit !== undefined) spec.limit = limit;
  if (offset !== undefined) spec.offset = offset;
  if (fields) spec.fields = fields;
  return spec;
}

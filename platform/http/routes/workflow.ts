/**
 * The workflow API (platform/workflow): thin — parse, call the workflow service with the request's actor, respond.
 *
 *   GET    /workflows/:table                                 the table's workflow (states, transitions, fields)
 *   GET    /tables/:table/:id/transitions                    the transitions the actor may make now
 *   POST   /tables/:table/:id/transitions/:name              make one: { fields?, comment? } (409 invalid_transition
 *                                                            with `allowed`; 422 with field errors)
 *   GET    /tables/:table/:id/approvals                      the record's approval requests
 *   POST   /tables/:table/:id/approvals/:approvalId/approve  { comment? }   (…/reject likewise)
 *   GET    /approvals                                        requests the actor may decide now
 *   POST   /tables/:table/:id/assign                         { user?, queue? }  ("@me": oneself; user null: unassign)
 *   GET    /queues                                           queues the actor sees, "@me" first, with the tables they hold
 *                                                            (?counts=true: and their open records)
 *   POST   /queues                                           create one { name, label?, org?, description? } (admins)
 *   GET    /queues/:name                                     one of them (?counts=true likewise)
 *   GET    /queues/:name/items                               its records: ?table, q (text search), filter, sort, limit, offset,
 *                                                            fields, total
 *   GET    /queues/:name/members, PUT|DELETE /queues/:name/members/:username (admins)
 *   GET    /delegations, POST /delegations { delegate, from?, to?, user? }, DELETE /delegations/:id
 */
import { Router, type Request, type Response } from 'express';
import { assertCanOperate } from '../../access/index.js';
import type { Formwork } from '../../context.js';
import type { Condition } from '../../conditions/types.js';
import type { WorkflowDef } from '../../definitions/types.js';
import { fail } from '../../errors.js';
import type { QuerySpec, RecordData, SortSpec } from '../../records/types.js';
import {
  assign, createDelegation, createQueue, deleteDelegation, listDelegations, queueItems, queueMembers, queueSummaries, setQueueMember,
  workflowOf, workflowService,
} from '../../workflow/index.js';
import { assertSafeJson, methodNotAllowed } from '../middleware.js';
import { etag } from './records.js';

const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ITEM_PARAMS = new Set(['table', 'q', 'filter', 'sort', 'limit', 'offset', 'fields', 'total']);
const COUNTS = new Set(['counts']);
const NONE = new Set<string>();

function recordId(fw: Formwork, req: Request): string {
  const { table, id } = req.params as { table: string; id: string };
  if (!RECORD_ID.test(id)) {
    fw.registry.current.getTable(table);
    fail('not_found', `Record "${id}" of table "${table}" does not exist.`);
  }
  return id.toLowerCase();
}

function body(req: Request): Record<string, unknown> {
  const b: unknown = req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) fail('invalid_payload', 'Send a JSON object.');
  return b as Record<string, unknown>;
}

function assertQuery(req: Request, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(req.query)) {
    if (!allowed.has(key)) fail('invalid_query', `Unknown query parameter "${key}"; ${allowed.size ? `expected ${[...allowed].join(', ')}` : 'this endpoint takes none'}.`);
  }
}

function one(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') fail('invalid_query', `Query parameter "${name}" must be given once.`);
  return v;
}

/** The list parameters, as GET /tables/:table takes them. */
function listSpec(req: Request): QuerySpec {
  assertQuery(req, ITEM_PARAMS);
  const spec: QuerySpec = {};
  const total = one(req, 'total');
  if (total !== undefined && total !== 'true' && total !== 'false') fail('invalid_query', `Query parameter "total" must be true or false; got "${total}".`);
  spec.withTotal = total !== 'false';
  const filter = one(req, 'filter');
  if (filter !== undefined) {
    let parsed: unknown;
    try { parsed = JSON.parse(filter); } catch (e) { fail('invalid_query', `Query parameter "filter" must be a condition in JSON: ${(e as Error).message}.`); }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) fail('invalid_query', 'Query parameter "filter" must be a condition object.');
    assertSafeJson(parsed, 'invalid_query', 'filter');
    spec.filter = parsed as Condition;
  }
  for (const name of ['limit', 'offset'] as const) {
    const v = one(req, name);
    if (v === undefined) continue;
    if (!/^\d{1,9}$/.test(v)) fail('invalid_query', `Query parameter "${name}" must be a whole number of 0 or more; got "${v}".`);
    spec[name] = Number(v);
  }
  const list = (name: string) => {
    const v = one(req, name);
    if (v === undefined) return undefined;
    const items = v.split(',').map((s) => s.trim());
    if (items.some((s) => !s)) fail('invalid_query', `Query parameter "${name}" must be a comma-separated list of field names; got "${v}".`);
    return items;
  };
  const fields = list('fields');
  if (fields) spec.fields = fields;
  const sort = list('sort');
  if (sort) {
    spec.sort = sort.map((item): SortSpec => {
      const desc = item.startsWith('-');
      const field = desc || item.startsWith('+') ? item.slice(1) : item;
      if (!field) fail('invalid_query', `Query parameter "sort" has an empty field name in "${item}".`);
      return { field, direction: desc ? 'desc' : 'asc' };
    });
  }
  return spec;
}

/** `?counts=true|false` (the only parameter of the queue endpoints). */
function counts(req: Request): boolean {
  assertQuery(req, COUNTS);
  const v = one(req, 'counts');
  if (v !== undefined && v !== 'true' && v !== 'false') fail('invalid_query', `Query parameter "counts" must be true or false; got "${v}".`);
  return v === 'true';
}

/** What the browser needs of a workflow (no guards or effects). */
function workflowMeta(def: WorkflowDef) {
  return {
    name: def.name, label: def.label ?? def.name, table: def.table, stateField: def.stateField, initialState: def.initialState,
    queueField: def.queueField ?? null, assigneeField: def.assigneeField ?? null, commentField: def.commentField ?? null,
    states: Object.entries(def.states).map(([value, s]) => ({ value, label: s.label, category: s.category, queue: s.queue ?? null })),
    transitions: def.transitions.map((t) => ({
      name: t.name, label: t.label, from: Array.isArray(t.from) ? t.from : [t.from], to: t.to,
      requiredFields: t.requiredFields ?? [], comment: t.comment ?? 'optional', automatic: t.automatic === true,
    })),
  };
}

export function workflowRouter(fw: Formwork): Router {
  const router = Router();
  const service = () => workflowService(fw);
  const actor = (res: Response) => res.locals.actor;

  router.route('/workflows/:table')
    .get((req, res) => {
      assertQuery(req, NONE);
      const registry = fw.registry.current;
      const table = registry.getTable(req.params.table);
      assertCanOperate(registry, actor(res), table.name, 'read');
      const wf = workflowOf(registry, table);
      if (!wf) fail('not_found', `Table "${table.name}" has no workflow.`);
      res.json({ data: workflowMeta(wf.def) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id/transitions')
    .get(async (req, res) => {
      assertQuery(req, NONE);
      res.json({ data: await service().allowed(req.params.table, recordId(fw, req), actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id/transitions/:name')
    .post(async (req, res) => {
      assertQuery(req, NONE);
      const b = body(req);
      for (const k of Object.keys(b)) if (k !== 'fields' && k !== 'comment') fail('invalid_payload', `Unknown member "${k}"; send { "fields"?, "comment"? }.`);
      const result = await service().transition(req.params.table, recordId(fw, req), req.params.name, b as { fields?: RecordData; comment?: string }, actor(res));
      if (result.record.version !== undefined) res.setHeader('ETag', etag(result.record.version));
      res.json({ data: result.record, meta: { transition: result.transition, from: result.from, to: result.to, created: result.created } });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/tables/:table/:id/approvals')
    .get(async (req, res) => {
      assertQuery(req, NONE);
      res.json({ data: await service().approvals.list(req.params.table, recordId(fw, req), actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id/approvals/:approvalId/:decision')
    .post(async (req, res) => {
      assertQuery(req, NONE);
      const { decision, approvalId } = req.params;
      if (decision !== 'approve' && decision !== 'reject') fail('not_found', `There is no approval action "${decision}"; use approve or reject.`);
      if (!RECORD_ID.test(approvalId)) fail('not_found', `There is no approval request "${approvalId}".`);
      const b = body(req);
      for (const k of Object.keys(b)) if (k !== 'comment') fail('invalid_payload', `Unknown member "${k}"; send { "comment"? }.`);
      const result = await service().approvals.decide(req.params.table, recordId(fw, req), approvalId.toLowerCase(), decision, b.comment, actor(res));
      res.json({ data: result });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/approvals')
    .get(async (req, res) => {
      assertQuery(req, NONE);
      res.json({ data: await service().approvals.pendingFor(actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id/assign')
    .post(async (req, res) => {
      assertQuery(req, NONE);
      const record = await assign(service(), req.params.table, recordId(fw, req), body(req), actor(res));
      if (record.version !== undefined) res.setHeader('ETag', etag(record.version));
      res.json({ data: record });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/queues')
    .get(async (req, res) => {
      res.json({ data: await queueSummaries(fw, actor(res), { counts: counts(req) }) });
    })
    .post(async (req, res) => {
      assertQuery(req, NONE);
      res.status(201).json({ data: await createQueue(fw, actor(res), body(req)) });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/queues/:name')
    .get(async (req, res) => {
      const [queue] = await queueSummaries(fw, actor(res), { counts: counts(req), only: req.params.name });
      res.json({ data: queue });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/queues/:name/items')
    .get(async (req, res) => {
      const spec = listSpec(req);
      const result = await queueItems(fw, actor(res), req.params.name, spec, one(req, 'table'), one(req, 'q'));
      res.json({ data: result.records, meta: { total: result.total, limit: result.limit, offset: result.offset, table: result.table } });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/queues/:name/members')
    .get(async (req, res) => {
      assertQuery(req, NONE);
      res.json({ data: await queueMembers(fw, actor(res), req.params.name) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/queues/:name/members/:username')
    .put(async (req, res) => {
      assertQuery(req, NONE);
      await setQueueMember(fw, actor(res), req.params.name, req.params.username, true);
      res.status(204).end();
    })
    .delete(async (req, res) => {
      assertQuery(req, NONE);
      await setQueueMember(fw, actor(res), req.params.name, req.params.username, false);
      res.status(204).end();
    })
    .all(methodNotAllowed(['PUT', 'DELETE']));

  router.route('/delegations')
    .get(async (req, res) => {
      assertQuery(req, NONE);
      res.json({ data: await listDelegations(fw, actor(res)) });
    })
    .post(async (req, res) => {
      assertQuery(req, NONE);
      res.status(201).json({ data: await createDelegation(fw, actor(res), body(req)) });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/delegations/:id')
    .delete(async (req, res) => {
      assertQuery(req, NONE);
      if (!RECORD_ID.test(req.params.id)) fail('not_found', `There is no delegation "${req.params.id}".`);
      await deleteDelegation(fw, actor(res), req.params.id.toLowerCase());
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  return router;
}

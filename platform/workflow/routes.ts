/**
 * The workflow API (platform/workflow): thin — parse, call the workflow service with the request's actor, respond.
 *
 *   GET    /workflows/:table                                 the table's workflow (states, transitions, fields)
 *   GET    /tables/:table/:id/transitions                    the transitions the actor may make now
 *   GET    /tables/:table/:id/actions                        every action the actor may take on the record now
 *                                                            (record-actions.ts)
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
 *   GET    /tables/:table/:id/assignees?q=                   people the record may be assigned to (candidates.ts)
 *   GET    /delegations, POST /delegations { delegate, from?, to?, user? }, DELETE /delegations/:id
 *   GET    /delegations/candidates?q=                        people the actor may delegate to (candidates.ts)
 */
import { Router, type Request, type Response } from 'express';
import { assertCanOperate } from '../access/index.js';
import type { Formwork } from '../context.js';
import type { WorkflowDef } from './types.js';
import { fail } from '../errors.js';
import type { RecordData } from '../records/types.js';
import {
  assign, createDelegation, createQueue, deleteDelegation, listDelegations, queueItems, queueMembers, queueSummaries, setQueueMember,
  recordActions, workflowOf, workflowService,
} from './index.js';
import { assigneeCandidates, delegateCandidates } from './candidates.js';
import { compileBody, compileQuery, NO_QUERY, param, readBody, readQuery } from '../http/input.js';
import { DISPLAY_PARAM, displayModeOf, LIST_PARAMS, listMeta, toQuerySpec, type ListParams } from '../http/list-query.js';
import { methodNotAllowed } from '../http/middleware/method-not-allowed.js';
import { etag } from '../http/routes/records.js';

const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A queue's items: the list parameters, `table` (one of the tables it holds) and `q` (text search). */
const ITEMS_QUERY = compileQuery<ListParams & { table?: string; q?: string; display?: string }>({
  table: param.text, q: param.text, ...LIST_PARAMS, display: DISPLAY_PARAM,
});
/** `?q=` searching people's names and usernames (the pickers' candidates). */
const PEOPLE_QUERY = compileQuery<{ q?: string }>({ q: param.text });
/** `?counts=true|false` (the only parameter of the queue endpoints). */
const COUNTS_QUERY = compileQuery<{ counts: boolean }>({ counts: { ...param.boolean, default: false } });
/** Transition and approval bodies; the workflow service checks the values. */
const TRANSITION_BODY = compileBody<{ fields?: RecordData; comment?: string }>({ type: 'object', properties: { fields: {}, comment: {} } });
const DECISION_BODY = compileBody<{ comment?: unknown }>({ type: 'object', properties: { comment: {} } });
/** Assignments, queues and delegations: a JSON object; their services check its members. */
const SERVICE_BODY = compileBody<Record<string, unknown>>({ type: 'object' });

function recordId(fw: Formwork, req: Request): string {
  const { table, id } = req.params as { table: string; id: string };
  if (!RECORD_ID.test(id)) {
    fw.registry.current.getTable(table);
    fail('not_found', `Record "${id}" of table "${table}" does not exist.`);
  }
  return id.toLowerCase();
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
      readQuery(req, NO_QUERY);
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
      readQuery(req, NO_QUERY);
      res.json({ data: await service().allowed(req.params.table, recordId(fw, req), actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  // One answer for the record page: which transitions, assignments, moves, edits, deletes and copies would succeed.
  // Its own path, not a mode of the record's GET: it is per person and per moment, never cached with the record.
  router.route('/tables/:table/:id/actions')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await recordActions(service(), req.params.table, recordId(fw, req), actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id/assignees')
    .get(async (req, res) => {
      const { q } = readQuery(req, PEOPLE_QUERY);
      res.json({ data: await assigneeCandidates(service(), req.params.table, recordId(fw, req), q, actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id/transitions/:name')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const b = readBody(req, TRANSITION_BODY);
      const result = await service().transition(req.params.table, recordId(fw, req), req.params.name, b, actor(res));
      if (result.record.version !== undefined) res.setHeader('ETag', etag(result.record.version));
      res.json({ data: result.record, meta: { transition: result.transition, from: result.from, to: result.to, created: result.created } });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/tables/:table/:id/approvals')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await service().approvals.list(req.params.table, recordId(fw, req), actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id/approvals/:approvalId/:decision')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const { decision, approvalId } = req.params;
      if (decision !== 'approve' && decision !== 'reject') fail('not_found', `There is no approval action "${decision}"; use approve or reject.`);
      if (!RECORD_ID.test(approvalId)) fail('not_found', `There is no approval request "${approvalId}".`);
      const b = readBody(req, DECISION_BODY);
      const result = await service().approvals.decide(
        req.params.table, recordId(fw, req), approvalId.toLowerCase(), decision, b.comment, actor(res),
      );
      res.json({ data: result });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/approvals')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await service().approvals.pendingFor(actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id/assign')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const record = await assign(service(), req.params.table, recordId(fw, req), readBody(req, SERVICE_BODY), actor(res));
      if (record.version !== undefined) res.setHeader('ETag', etag(record.version));
      res.json({ data: record });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/queues')
    .get(async (req, res) => {
      res.json({ data: await queueSummaries(fw, actor(res), readQuery(req, COUNTS_QUERY)) });
    })
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.status(201).json({ data: await createQueue(fw, actor(res), readBody(req, SERVICE_BODY)) });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/queues/:name')
    .get(async (req, res) => {
      const [queue] = await queueSummaries(fw, actor(res), { ...readQuery(req, COUNTS_QUERY), only: req.params.name });
      res.json({ data: queue });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/queues/:name/items')
    .get(async (req, res) => {
      const { table, q, display, ...list } = readQuery(req, ITEMS_QUERY);
      const result = await queueItems(fw, actor(res), req.params.name, toQuerySpec(list), table, q);
      const mode = displayModeOf(display);
      const records = mode ? await fw.records.display(result.table, result.records, mode, { actor: actor(res) }) : result.records;
      res.json({ data: records, meta: { ...listMeta(result), table: result.table } });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/queues/:name/members')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await queueMembers(fw, actor(res), req.params.name) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/queues/:name/members/:username')
    .put(async (req, res) => {
      readQuery(req, NO_QUERY);
      await setQueueMember(fw, actor(res), req.params.name, req.params.username, true);
      res.status(204).end();
    })
    .delete(async (req, res) => {
      readQuery(req, NO_QUERY);
      await setQueueMember(fw, actor(res), req.params.name, req.params.username, false);
      res.status(204).end();
    })
    .all(methodNotAllowed(['PUT', 'DELETE']));

  router.route('/delegations')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await listDelegations(fw, actor(res)) });
    })
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.status(201).json({ data: await createDelegation(fw, actor(res), readBody(req, SERVICE_BODY)) });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/delegations/candidates')
    .get(async (req, res) => {
      const { q } = readQuery(req, PEOPLE_QUERY);
      res.json({ data: await delegateCandidates(fw, actor(res), q) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/delegations/:id')
    .delete(async (req, res) => {
      readQuery(req, NO_QUERY);
      if (!RECORD_ID.test(req.params.id)) fail('not_found', `There is no delegation "${req.params.id}".`);
      await deleteDelegation(fw, actor(res), req.params.id.toLowerCase());
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  return router;
}

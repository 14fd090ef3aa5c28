/**
 * Organisation administration over HTTP: /api/admin/…. Thin: parse, call the identity and sharing services with
 * the request's actor, respond. Every path needs platform.org_admin or platform.admin (403 otherwise); the
 * services then keep an organisation administrator inside their own organisation (a person of another one is 404).
 *
 *   GET  /admin/users?org&q&status&sort&limit&offset     → {data: [...], meta: {total, limit, offset}}
 *   GET  /admin/users/check?username=                    → {data: {username, available, reason?}}
 *   POST /admin/users {username, firstName, lastName, email, phone?, roles, orgs?, userIds?, org?}
 *                                                        → 201; a set-password link is mailed
 *   GET|PATCH|DELETE /admin/users/:id                    → view, edit (names, email, phone, roles, orgs, userIds,
 *                                                          status active|disabled), soft delete (204)
 *   POST /admin/users/:id/unlock | /reset-password | /revoke-sessions;  GET /admin/users/:id/sessions
 *   DELETE /admin/sessions/:id
 *   GET  /admin/roles                                    → every role, with whether the actor may assign it
 *   GET  /admin/orgs, GET /admin/org-user-ids?org=       → pickers
 *   GET|POST /admin/consents?org {side, counterparty, userIds, validFrom?, validTo?, org?}, POST /admin/consents/:id/rescind
 *   GET|POST /admin/access-grants?org {userId, userIdCode, org?}, DELETE /admin/access-grants/:id
 *   GET  /admin/access-log?from&to&org&user&limit&offset
 *   GET  /admin/access-log/report?from&to&groupBy=org|user|day[&org][&user][&format=csv]
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { accessLogEntries, accessLogReport, type AccessGroup, type AccessReportRow } from '../../access/access-log-report.js';
import {
  adminScope, assertAdministrator, assignableRoles, checkUsername, createAccount, deleteAccount, findOrg, getUser, linkBase,
  listAccountSessions, listOrgs, listOrgUserIds, listUsers, parseUserInput, resetAccountPassword, revokeAccountSessions,
  revokeOneSession, unlockAccount, updateAccount,
} from '../../access/identity/org-admin.js';
import { grantAccess, listConsents, listGrants, recordConsent, rescindConsent, revokeAccess, type ConsentSide } from '../../access/sharing.js';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { toCsv, type CsvColumn } from '../../reports/csv.js';
import { methodNotAllowed } from '../middleware.js';

/** The request body as an object; a missing body is an empty one. */
export function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('invalid_payload', 'Send a JSON object.');
  return body as Record<string, unknown>;
}

/** Refuse query parameters the endpoint does not know, so a typo is an error rather than silently ignored. */
export function assertQuery(req: Request, allowed: readonly string[]): void {
  for (const key of Object.keys(req.query)) {
    if (!allowed.includes(key)) {
      fail('invalid_query', `Unknown query parameter "${key}"; ${allowed.length ? `expected ${allowed.join(', ')}` : 'this endpoint takes none'}.`);
    }
  }
}

/** A query parameter given at most once. */
export function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') fail('invalid_query', `Query parameter "${name}" must be given once.`);
  return v;
}

export function queryInteger(req: Request, name: string): number | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) fail('invalid_query', `Query parameter "${name}" must be a whole number of 0 or more; got "${v}".`);
  return Number(v);
}

/** A string member of a body, or a 422 naming it. */
function bodyString(body: Record<string, unknown>, key: string, required: true): string;
function bodyString(body: Record<string, unknown>, key: string, required: false): string | undefined;
function bodyString(body: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) fail('validation_failed', `${key} is required.`, { fieldErrors: [{ field: key, code: 'required', message: `${key} is required.` }] });
    return undefined;
  }
  if (typeof v !== 'string' || !v) fail('validation_failed', `${key} must be text.`, { fieldErrors: [{ field: key, code: 'type', message: `${key} must be text.` }] });
  return v;
}

/** Refuse members a body may not have (mass assignment). */
function assertKeys(body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length) {
    fail('invalid_payload', `Unexpected ${extra.map((k) => `"${k}"`).join(', ')}; send only ${allowed.join(', ')}.`, {
      fieldErrors: extra.map((k) => ({ field: k, code: 'unknown_field', message: `"${k}" cannot be set here.` })),
    });
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
function bodyDate(body: Record<string, unknown>, key: string): string | undefined {
  const v = bodyString(body, key, false);
  if (v === undefined) return undefined;
  if (!ISO_DATE.test(v) || Number.isNaN(Date.parse(v))) {
    fail('validation_failed', `${key} must be a date or an ISO 8601 date-time.`, { fieldErrors: [{ field: key, code: 'invalid', message: 'Use a date (YYYY-MM-DD) or an ISO 8601 date-time.' }] });
  }
  return new Date(v).toISOString();
}

const REPORT_COLUMNS: Record<AccessGroup, CsvColumn[]> = {
  org: [{ key: 'label', header: 'Organisation' }, { key: 'key', header: 'Organisation id' }],
  user: [{ key: 'label', header: 'User' }, { key: 'key', header: 'User id' }],
  day: [{ key: 'key', header: 'Day' }],
};
const COUNT_COLUMNS: CsvColumn[] = [
  { key: 'signIns', header: 'Sign-ins' }, { key: 'distinctUsers', header: 'Distinct users' }, { key: 'pageViews', header: 'Page views' },
  { key: 'apiCalls', header: 'API calls' }, { key: 'failures', header: 'Failed sign-ins' }, { key: 'signOuts', header: 'Sign-outs' },
];

/** A value for a file name: letters, digits and hyphens only. */
const fileSafe = (s: string) => s.replace(/[^0-9A-Za-z-]/g, '');

export function adminRouter(fw: Formwork): Router {
  const router = Router();
  const actor = (res: Response) => res.locals.actor;
  const links = () => ({ baseUrl: linkBase(fw) });

  // Capability gate for every administration path, before anything is parsed.
  router.use('/admin', function requireAdministrator(_req: Request, res: Response, next: NextFunction) {
    assertAdministrator(fw, actor(res));
    next();
  });

  // --- accounts ---------------------------------------------------------------------------------------------

  router.route('/admin/users')
    .get(async (req, res) => {
      assertQuery(req, ['org', 'q', 'status', 'sort', 'limit', 'offset']);
      const result = await listUsers(fw, actor(res), {
        org: queryString(req, 'org'), q: queryString(req, 'q'), status: queryString(req, 'status'), sort: queryString(req, 'sort'),
        limit: queryInteger(req, 'limit'), offset: queryInteger(req, 'offset'),
      });
      res.json({ data: result.users, meta: { total: result.total, limit: result.limit, offset: result.offset } });
    })
    .post(async (req, res) => {
      assertQuery(req, []);
      const created = await createAccount(fw, actor(res), parseUserInput(req.body ?? {}, 'create'), links());
      res.status(201).location(`${req.baseUrl}/admin/users/${created.id}`).json({ data: created });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/admin/users/check')
    .get(async (req, res) => {
      assertQuery(req, ['username']);
      const username = queryString(req, 'username');
      if (!username) fail('invalid_query', 'Name the username to check: ?username=…');
      res.json({ data: await checkUsername(fw, actor(res), username) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/admin/users/:id')
    .get(async (req, res) => {
      assertQuery(req, []);
      res.json({ data: await getUser(fw, actor(res), req.params.id) });
    })
    .patch(async (req, res) => {
      assertQuery(req, []);
      res.json({ data: await updateAccount(fw, actor(res), req.params.id, parseUserInput(req.body ?? {}, 'update')) });
    })
    .delete(async (req, res) => {
      assertQuery(req, []);
      await deleteAccount(fw, actor(res), req.params.id);
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'PATCH', 'DELETE']));

  router.route('/admin/users/:id/unlock')
    .post(async (req, res) => {
      assertQuery(req, []);
      res.json({ data: await unlockAccount(fw, actor(res), req.params.id) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/admin/users/:id/reset-password')
    .post(async (req, res) => {
      assertQuery(req, []);
      const done = await resetAccountPassword(fw, actor(res), req.params.id, links());
      res.status(202).json({ data: { sent: true, sentTo: done.sentTo, expiresAt: done.expiresAt, sessionsEnded: done.sessionsEnded } });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/admin/users/:id/sessions')
    .get(async (req, res) => {
      assertQuery(req, []);
      res.json({ data: await listAccountSessions(fw, actor(res), req.params.id) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/admin/users/:id/revoke-sessions')
    .post(async (req, res) => {
      assertQuery(req, []);
      res.json({ data: { revoked: await revokeAccountSessions(fw, actor(res), req.params.id) } });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/admin/sessions/:id')
    .delete(async (req, res) => {
      assertQuery(req, []);
      await revokeOneSession(fw, actor(res), req.params.id);
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  router.route('/admin/roles')
    .get((req, res) => {
      assertQuery(req, []);
      res.json({ data: assignableRoles(fw, actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  // --- organisations and User IDs ---------------------------------------------------------------------------

  router.route('/admin/orgs')
    .get(async (req, res) => {
      assertQuery(req, []);
      res.json({ data: await listOrgs(fw, actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/admin/org-user-ids')
    .get(async (req, res) => {
      assertQuery(req, ['org']);
      const result = await listOrgUserIds(fw, actor(res), queryString(req, 'org'));
      res.json({ data: result.userIds, meta: { org: result.org } });
    })
    .all(methodNotAllowed(['GET']));

  // --- mutual consent and access grants ---------------------------------------------------------------------

  router.route('/admin/consents')
    .get(async (req, res) => {
      assertQuery(req, ['org']);
      const org = await adminScope(fw, actor(res), queryString(req, 'org'), { requireOne: true });
      res.json({ data: await listConsents(fw, actor(res), org!.id) });
    })
    .post(async (req, res) => {
      assertQuery(req, []);
      const body = bodyOf(req);
      assertKeys(body, ['side', 'counterparty', 'counterpartyOrgId', 'userIds', 'validFrom', 'validTo', 'org']);
      const side = bodyString(body, 'side', true);
      if (side !== 'grantor' && side !== 'grantee') {
        fail('validation_failed', 'side must be "grantor" or "grantee".', { fieldErrors: [{ field: 'side', code: 'choice', message: 'Choose grantor or grantee.' }] });
      }
      // The other organisation by id or code (`counterpartyOrgId` is the service's own name for it).
      const counterpartyRef = bodyString(body, body.counterparty === undefined ? 'counterpartyOrgId' : 'counterparty', true);
      const counterparty = await findOrg(fw.db.knex, counterpartyRef);
      if (!counterparty) fail('validation_failed', `There is no organisation "${counterpartyRef}".`, { fieldErrors: [{ field: 'counterparty', code: 'not_found', message: 'No such organisation.' }] });
      const userIds = body.userIds;
      if (!Array.isArray(userIds) || userIds.some((u) => typeof u !== 'string')) {
        fail('validation_failed', 'userIds must be a list of User ID codes.', { fieldErrors: [{ field: 'userIds', code: 'type', message: 'List the User IDs.' }] });
      }
      const orgRef = bodyString(body, 'org', false);
      const org = await adminScope(fw, actor(res), orgRef, { requireOne: true });
      const consent = await recordConsent(fw, actor(res), {
        side: side as ConsentSide, counterpartyOrgId: counterparty.id, userIds: userIds as string[], orgId: org!.id,
        validFrom: bodyDate(body, 'validFrom'), validTo: bodyDate(body, 'validTo') ?? null,
      });
      res.status(201).location(`${req.baseUrl}/admin/consents/${consent.id}`).json({ data: consent });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/admin/consents/:id/rescind')
    .post(async (req, res) => {
      assertQuery(req, []);
      res.json({ data: await rescindConsent(fw, actor(res), req.params.id) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/admin/access-grants')
    .get(async (req, res) => {
      assertQuery(req, ['org']);
      const org = await adminScope(fw, actor(res), queryString(req, 'org'), { requireOne: true });
      res.json({ data: await listGrants(fw, actor(res), org!.id) });
    })
    .post(async (req, res) => {
      assertQuery(req, []);
      const body = bodyOf(req);
      assertKeys(body, ['userId', 'userIdCode', 'org']);
      const org = await adminScope(fw, actor(res), bodyString(body, 'org', false), { requireOne: true });
      const grant = await grantAccess(fw, actor(res), {
        userId: bodyString(body, 'userId', true), userIdCode: bodyString(body, 'userIdCode', true), granteeOrgId: org!.id,
      });
      res.status(201).location(`${req.baseUrl}/admin/access-grants/${grant.id}`).json({ data: grant });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/admin/access-grants/:id')
    .delete(async (req, res) => {
      assertQuery(req, []);
      await revokeAccess(fw, actor(res), req.params.id);
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  // --- the access log (SSI-FR-61a) --------------------------------------------------------------------------

  /** The period (default: the last 30 days), organisation id and user id of an access-log request. */
  const logQuery = async (req: Request, res: Response) => {
    const now = fw.clock.now();
    const from = queryString(req, 'from') ?? new Date(now.getTime() - 30 * 86_400_000).toISOString();
    const to = queryString(req, 'to') ?? new Date(now.getTime() + 1).toISOString();
    const orgRef = queryString(req, 'org');
    const org = orgRef ? await adminScope(fw, actor(res), orgRef) : null;
    const userRef = queryString(req, 'user');
    let userId: string | undefined;
    if (userRef) {
      const u = await fw.db.knex('sys_user').where({ id: userRef }).orWhere({ username_key: userRef.toLowerCase() }).first('id');
      // An unknown user matches no entry (rather than revealing whether the name exists elsewhere).
      userId = u?.id ?? userRef;
    }
    return { from, to, orgId: org?.id, userId };
  };

  router.route('/admin/access-log')
    .get(async (req, res) => {
      assertQuery(req, ['from', 'to', 'org', 'user', 'limit', 'offset']);
      const q = await logQuery(req, res);
      const result = await accessLogEntries(fw, actor(res), { ...q, limit: queryInteger(req, 'limit'), offset: queryInteger(req, 'offset') });
      res.json({ data: result.entries, meta: { total: result.total, from: q.from, to: q.to } });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/admin/access-log/report')
    .get(async (req, res) => {
      assertQuery(req, ['from', 'to', 'org', 'user', 'groupBy', 'format']);
      const groupBy = (queryString(req, 'groupBy') ?? 'org') as AccessGroup;
      const format = queryString(req, 'format') ?? 'json';
      if (format !== 'json' && format !== 'csv') fail('invalid_query', 'format must be json or csv.');
      const q = await logQuery(req, res);
      const rows: AccessReportRow[] = await accessLogReport(fw, actor(res), { ...q, groupBy });
      if (format === 'json') {
        res.json({ data: rows, meta: { from: q.from, to: q.to, groupBy } });
        return;
      }
      const csv = toCsv(rows as unknown as Record<string, unknown>[], [...REPORT_COLUMNS[groupBy], ...COUNT_COLUMNS]);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="access-report-${fileSafe(q.from)}-${fileSafe(q.to)}.csv"`);
      res.send(csv);
    })
    .all(methodNotAllowed(['GET']));

  return router;
}

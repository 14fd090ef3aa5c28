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
 *   GET  /admin/definitions                              → {data: {version, since, rejected: {at, errors} | null}}
 *                                                          (platform administrators only)
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { accessLogEntries, accessLogReport, type AccessGroup, type AccessReportRow } from '../../access/access-log-report.js';
import {
  adminScope, assertAdministrator, assignableRoles, checkUsername, createAccount, deleteAccount, findOrg, getUser, isPlatformAdmin,
  linkBase, listAccountSessions, listOrgs, listPartyCodes, listUsers, parseUserInput, resetAccountPassword, revokeAccountSessions,
  revokeOneSession, unlockManagedAccount, updateAccount,
} from '../../access/identity/index.js';
import { grantAccess, listConsents, listGrants, recordConsent, rescindConsent, revokeAccess, type ConsentSide } from '../../access/sharing.js';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { toCsv, type CsvColumn } from '../../reports/csv.js';
import { compileBody, compileQuery, NO_QUERY, param, readBody, readQuery } from '../input.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';

/** The period (default: the last 30 days), organisation and user of the access log and its report. */
const LOG_PARAMS = { from: param.text, to: param.text, org: param.text, user: param.text };
interface LogParams { from?: string; to?: string; org?: string; user?: string }

const USERS_QUERY = compileQuery<{ org?: string; q?: string; status?: string; sort?: string; limit?: number; offset?: number }>({
  org: param.text, q: param.text, status: param.text, sort: param.text, limit: param.wholeNumber, offset: param.wholeNumber,
});
const CHECK_QUERY = compileQuery<{ username: string }>({ username: param.nonEmpty }, ['username']);
const ORG_QUERY = compileQuery<{ org?: string }>({ org: param.text });
const LOG_QUERY = compileQuery<LogParams & { limit?: number; offset?: number }>({
  ...LOG_PARAMS, limit: param.wholeNumber, offset: param.wholeNumber,
});
const REPORT_QUERY = compileQuery<LogParams & { groupBy?: string; format: 'json' | 'csv' }>({
  ...LOG_PARAMS, groupBy: param.text, format: param.oneOf(['json', 'csv'], 'json'),
});

/** Optional text members may also be null, which means absent. */
const OPTIONAL_TEXT = { type: ['string', 'null'], minLength: 1, expected: 'text' };
const OPTIONAL_DATE = { type: ['string', 'null'], format: 'iso-date-time', expected: 'a date (YYYY-MM-DD) or an ISO 8601 date-time' };
/** Accounts: parseUserInput checks the members (and refuses unknown ones). */
const ACCOUNT_BODY = compileBody<Record<string, unknown>>({ type: 'object' });
const CONSENT_BODY = compileBody<{
  side: ConsentSide; counterparty?: string | null; counterpartyOrgId?: string | null; userIds: string[];
  validFrom?: string | null; validTo?: string | null; org?: string | null;
}>({
  type: 'object',
  properties: {
    side: { type: 'string', enum: ['grantor', 'grantee'], expected: '"grantor" or "grantee"' },
    // The other organisation by id or code (`counterpartyOrgId` is the service's own name for it).
    counterparty: OPTIONAL_TEXT, counterpartyOrgId: OPTIONAL_TEXT,
    userIds: { type: 'array', items: { type: 'string' }, expected: 'a list of party codes' },
    validFrom: OPTIONAL_DATE, validTo: OPTIONAL_DATE, org: OPTIONAL_TEXT,
  },
  required: ['side', 'userIds'],
});
const GRANT_BODY = compileBody<{ userId: string; userIdCode: string; org?: string | null }>({
  type: 'object',
  properties: { userId: param.nonEmpty, userIdCode: param.nonEmpty, org: OPTIONAL_TEXT },
  required: ['userId', 'userIdCode'],
});

/** A validated date or date-time as an ISO 8601 instant. */
const instant = (v: string | null | undefined) => (v ? new Date(v).toISOString() : undefined);

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
      const result = await listUsers(fw, actor(res), readQuery(req, USERS_QUERY));
      res.json({ data: result.users, meta: { total: result.total, limit: result.limit, offset: result.offset } });
    })
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const created = await createAccount(fw, actor(res), parseUserInput(readBody(req, ACCOUNT_BODY), 'create'), links());
      res.status(201).location(`${req.baseUrl}/admin/users/${created.id}`).json({ data: created });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/admin/users/check')
    .get(async (req, res) => {
      const { username } = readQuery(req, CHECK_QUERY);
      res.json({ data: await checkUsername(fw, actor(res), username) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/admin/users/:id')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await getUser(fw, actor(res), req.params.id) });
    })
    .patch(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await updateAccount(fw, actor(res), req.params.id, parseUserInput(readBody(req, ACCOUNT_BODY), 'update')) });
    })
    .delete(async (req, res) => {
      readQuery(req, NO_QUERY);
      await deleteAccount(fw, actor(res), req.params.id);
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'PATCH', 'DELETE']));

  router.route('/admin/users/:id/unlock')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await unlockManagedAccount(fw, actor(res), req.params.id) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/admin/users/:id/reset-password')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const done = await resetAccountPassword(fw, actor(res), req.params.id, links());
      res.status(202).json({ data: { sent: true, sentTo: done.sentTo, expiresAt: done.expiresAt, sessionsEnded: done.sessionsEnded } });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/admin/users/:id/sessions')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await listAccountSessions(fw, actor(res), req.params.id) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/admin/users/:id/revoke-sessions')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: { revoked: await revokeAccountSessions(fw, actor(res), req.params.id) } });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/admin/sessions/:id')
    .delete(async (req, res) => {
      readQuery(req, NO_QUERY);
      await revokeOneSession(fw, actor(res), req.params.id);
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  router.route('/admin/roles')
    .get((req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: assignableRoles(fw, actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  // --- organisations and party codes ------------------------------------------------------------------------

  router.route('/admin/orgs')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await listOrgs(fw, actor(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/admin/org-user-ids')
    .get(async (req, res) => {
      const result = await listPartyCodes(fw, actor(res), readQuery(req, ORG_QUERY).org);
      res.json({ data: result.partyCodes, meta: { org: result.org } });
    })
    .all(methodNotAllowed(['GET']));

  // --- mutual consent and access grants ---------------------------------------------------------------------

  router.route('/admin/consents')
    .get(async (req, res) => {
      const org = await adminScope(fw, actor(res), readQuery(req, ORG_QUERY).org, { requireOne: true });
      res.json({ data: await listConsents(fw, actor(res), org!.id) });
    })
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const body = readBody(req, CONSENT_BODY);
      const counterpartyRef = body.counterparty ?? body.counterpartyOrgId;
      if (!counterpartyRef) fail('validation_failed', 'counterparty is required.', { fieldErrors: [{ field: 'counterparty', code: 'required', message: 'counterparty is required.' }] });
      const counterparty = await findOrg(fw.db.knex, counterpartyRef);
      if (!counterparty) fail('validation_failed', `There is no organisation "${counterpartyRef}".`, { fieldErrors: [{ field: 'counterparty', code: 'not_found', message: 'No such organisation.' }] });
      const org = await adminScope(fw, actor(res), body.org ?? undefined, { requireOne: true });
      const consent = await recordConsent(fw, actor(res), {
        side: body.side, counterpartyOrgId: counterparty.id, userIds: body.userIds, orgId: org!.id,
        validFrom: instant(body.validFrom), validTo: instant(body.validTo) ?? null,
      });
      res.status(201).location(`${req.baseUrl}/admin/consents/${consent.id}`).json({ data: consent });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/admin/consents/:id/rescind')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await rescindConsent(fw, actor(res), req.params.id) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/admin/access-grants')
    .get(async (req, res) => {
      const org = await adminScope(fw, actor(res), readQuery(req, ORG_QUERY).org, { requireOne: true });
      res.json({ data: await listGrants(fw, actor(res), org!.id) });
    })
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const body = readBody(req, GRANT_BODY);
      const org = await adminScope(fw, actor(res), body.org ?? undefined, { requireOne: true });
      const grant = await grantAccess(fw, actor(res), { userId: body.userId, userIdCode: body.userIdCode, granteeOrgId: org!.id });
      res.status(201).location(`${req.baseUrl}/admin/access-grants/${grant.id}`).json({ data: grant });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/admin/access-grants/:id')
    .delete(async (req, res) => {
      readQuery(req, NO_QUERY);
      await revokeAccess(fw, actor(res), req.params.id);
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  // --- the access log -------------------------------------------------------------------------------------

  /** The period (default: the last 30 days), organisation id and user id of an access-log request. */
  const logQuery = async (params: LogParams, res: Response) => {
    const now = fw.clock.now();
    const from = params.from ?? new Date(now.getTime() - 30 * 86_400_000).toISOString();
    const to = params.to ?? new Date(now.getTime() + 1).toISOString();
    const orgRef = params.org;
    const org = orgRef ? await adminScope(fw, actor(res), orgRef) : null;
    const userRef = params.user;
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
      const params = readQuery(req, LOG_QUERY);
      const q = await logQuery(params, res);
      const result = await accessLogEntries(fw, actor(res), { ...q, limit: params.limit, offset: params.offset });
      res.json({ data: result.entries, meta: { total: result.total, from: q.from, to: q.to } });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/admin/access-log/report')
    .get(async (req, res) => {
      const params = readQuery(req, REPORT_QUERY);
      // accessLogReport refuses a groupBy other than org, user or day.
      const groupBy = (params.groupBy ?? 'org') as AccessGroup;
      const format = params.format;
      const q = await logQuery(params, res);
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

  router.route('/admin/definitions')
    .get((_req, res) => {
      if (!isPlatformAdmin(fw, actor(res))) fail('forbidden', 'Only a platform administrator may see the state of the definitions.');
      const status = fw.registry.status?.() ?? { version: fw.registry.current.version, since: '', rejected: null };
      res.json({ data: status });
    })
    .all(methodNotAllowed(['GET']));

  return router;
}

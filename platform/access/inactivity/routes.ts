/**
 * Inactivity and revocation over HTTP. Thin: parse, call the service with the request's actor, respond.
 *
 *   GET|PUT /orgs/:code/inactivity                    → the organisation's settings {organisation, override, defaults,
 *                                                        effective}; PUT takes the override ({} for the defaults)
 *   POST /users/:id/revoke {reason}                    → 200 {outcome: 'revoked', …} at once (an administrator of the
 *                                                        person's organisation), or 202 {outcome: 'requested', request}
 *   POST /users/:id/enable {reason?}                   → {userId, status: 'active'}
 *   GET  /revocation-requests?status=                  → requests the caller may see, newest first
 *   GET  /revocation-requests/people?q=                → whom the caller may revoke or ask to, by name (at most 10)
 *   POST /revocation-requests/:id/approve|reject {comment?}
 */
import { Router, type Response } from 'express';
import type { Formwork } from '../../context.js';
import { compileBody, compileQuery, NO_QUERY, param, readBody, readQuery } from '../../http/input.js';
import { methodNotAllowed } from '../../http/middleware/method-not-allowed.js';
import { revocationCandidates } from './candidates.js';
import { decideRevocationRequest, enableAccount, listRevocationRequests, revokeAccount } from './manual.js';
import { getOrgInactivity, putOrgInactivity } from './org-settings.js';

const TEXT = { type: 'string', maxLength: 1000, expected: 'text of at most 1000 characters' };
const REVOKE_BODY = compileBody<{ reason: string }>({
  type: 'object', properties: { reason: { ...TEXT, minLength: 1 } }, required: ['reason'], additionalProperties: false,
});
const ENABLE_BODY = compileBody<{ reason?: string | null }>({
  type: 'object', properties: { reason: { ...TEXT, type: ['string', 'null'] } }, additionalProperties: false,
});
const DECIDE_BODY = compileBody<{ comment?: string | null }>({
  type: 'object', properties: { comment: { ...TEXT, type: ['string', 'null'] } }, additionalProperties: false,
});
/** The settings: overrideProblems checks every member and names it. */
const SETTINGS_BODY = compileBody<Record<string, unknown>>({ type: 'object' }, { required: true });
const REQUESTS_QUERY = compileQuery<{ status?: string }>({ status: param.oneOf(['pending', 'approved', 'rejected']) });
const PEOPLE_QUERY = compileQuery<{ q?: string }>({ q: param.text });

/** The inactivity and revocation routes (mounted under /api). */
export function inactivityRouter(fw: Formwork): Router {
  const router = Router();
  const actor = (res: Response) => res.locals.actor;

  router.route('/orgs/:code/inactivity')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await getOrgInactivity(fw, actor(res), req.params.code) });
    })
    .put(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await putOrgInactivity(fw, actor(res), req.params.code, readBody(req, SETTINGS_BODY)) });
    })
    .all(methodNotAllowed(['GET', 'PUT']));

  router.route('/users/:id/revoke')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const result = await revokeAccount(fw, actor(res), req.params.id, readBody(req, REVOKE_BODY).reason);
      res.status(result.outcome === 'requested' ? 202 : 200).json({ data: result });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/users/:id/enable')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await enableAccount(fw, actor(res), req.params.id, readBody(req, ENABLE_BODY).reason) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/revocation-requests')
    .get(async (req, res) => {
      const { status } = readQuery(req, REQUESTS_QUERY);
      res.json({ data: await listRevocationRequests(fw, actor(res), status) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/revocation-requests/people')
    .get(async (req, res) => {
      res.json({ data: await revocationCandidates(fw, actor(res), readQuery(req, PEOPLE_QUERY).q) });
    })
    .all(methodNotAllowed(['GET']));

  for (const [verb, decision] of [['approve', 'approved'], ['reject', 'rejected']] as const) {
    router.route(`/revocation-requests/:id/${verb}`)
      .post(async (req, res) => {
        readQuery(req, NO_QUERY);
        res.json({ data: await decideRevocationRequest(fw, actor(res), req.params.id, decision, readBody(req, DECIDE_BODY).comment) });
      })
      .all(methodNotAllowed(['POST']));
  }
  return router;
}

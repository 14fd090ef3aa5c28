/**
 * The HTTP middleware of the API, one file per concern under middleware/, each a factory returning a named
 * function. The order they run in is fixed in app.ts. None of them writes an error response: they fail with a
 * FormworkError and problem.ts turns it into application/problem+json.
 */
export { accessLogger } from './access-log.js';
export { accessRuleFor, actorMiddleware } from './actor.js';
export { byFirstSegment } from './by-first-segment.js';
export { csrfProtection } from './csrf.js';
export { inSequence } from './in-sequence.js';
export { jsonBody } from './json-body.js';
export { methodNotAllowed } from './method-not-allowed.js';
export { notFound } from './not-found.js';
export { rejectUnsafeKeys } from './reject-unsafe-keys.js';
export { requestId } from './request-id.js';
export { requireJson } from './require-json.js';
export { securityHeaders } from './security-headers.js';

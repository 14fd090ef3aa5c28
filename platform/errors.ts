/**
 * The catalogue of stable error codes. Every error the engine raises is a FormworkError with one of these
 * codes; only platform/http turns them into HTTP responses (application/problem+json, RFC 9457).
 *
 * Adding a code means raising it somewhere in platform/ and adding its row to the README's "Errors" table;
 * removing one means removing both. test/platform/errors.test.ts fails otherwise.
 */
export const ERROR_CODES = {
  validation_failed: { status: 422, title: 'The input is not valid' },
  invalid_payload: { status: 400, title: 'The request body is not acceptable' },
  invalid_query: { status: 400, title: 'The query is not valid' },
  unknown_field: { status: 400, title: 'A field does not exist' },
  unknown_operator: { status: 400, title: 'An operator does not exist' },
  unsupported_media_type: { status: 415, title: 'The content type is not supported' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  file_rejected: { status: 422, title: 'The file was refused' },
  unauthenticated: { status: 401, title: 'Sign-in is required' },
  invalid_credentials: { status: 401, title: 'The username or password is not correct' },
  mfa_failed: { status: 401, title: 'The one-time code is not valid' },
  session_expired: { status: 401, title: 'The session has expired' },
  csrf_failed: { status: 403, title: 'The CSRF token is missing or wrong' },
  forbidden: { status: 403, title: 'The operation is not allowed' },
  not_found: { status: 404, title: 'The resource does not exist' },
  table_not_found: { status: 404, title: 'The table does not exist' },
  method_not_allowed: { status: 405, title: 'The method is not allowed' },
  conflict: { status: 409, title: 'The record changed since it was read' },
  unique_violation: { status: 409, title: 'A value must be unique' },
  reference_in_use: { status: 409, title: 'The record is referenced by other records' },
  invalid_transition: { status: 409, title: 'The workflow transition is not allowed now' },
  invalid_state: { status: 409, title: 'The resource is not in a state that allows this' },
  precondition_failed: { status: 412, title: 'The If-Match precondition failed' },
  definition_invalid: { status: 422, title: 'A definition is not valid' },
  rule_aborted: { status: 422, title: 'A business rule refused the operation' },
  rule_depth_exceeded: { status: 422, title: 'Business rules re-entered each other too deeply' },
  schema_change_refused: { status: 409, title: 'A destructive schema change needs a migration' },
  rate_limited: { status: 429, title: 'Too many requests' },
  mail_unavailable: { status: 503, title: 'Mail cannot be sent' },
  scanner_unavailable: { status: 503, title: 'Files cannot be checked for viruses right now' },
  internal_error: { status: 500, title: 'Internal error' },
} as const;

/** One of the catalogue's stable codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** A per-field problem: `field` names the field, `code` is a stable sub-code, `message` is for people. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** What an error carries besides its code and message. */
export interface ErrorDetails {
  fieldErrors?: FieldError[];
  /** Extra members for the problem document (e.g. currentVersion on conflict). */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

/** An error with a catalogue code; its HTTP status comes from the catalogue. Raise it with {@link fail}. */
export class FormworkError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fieldErrors: FieldError[];
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'FormworkError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.fieldErrors = details.fieldErrors ?? [];
    this.extra = details.extra ?? {};
  }
}

/** The one factory: `fail('not_found', 'Record "x" of table "task" does not exist')`. */
export function fail(code: ErrorCode, message: string, details?: ErrorDetails): never {
  throw new FormworkError(code, message, details);
}

/** Whether `e` is a FormworkError (to branch on its `code`). */
export function isFormworkError(e: unknown): e is FormworkError {
  return e instanceof FormworkError;
}

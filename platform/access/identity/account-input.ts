/**
 * What an administrator may send for an account, checked before any service runs: unknown keys are refused, not
 * ignored, so a misspelt field never silently does nothing.
 */
import { fail, type FieldError } from '../../errors.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{1,63}$/;
const PHONE = /^\+?[0-9 ()-]{6,40}$/;

/** What an administrator may send for an account; anything else is refused. */
export interface AdminUserInput {
  username?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string | null;
  roles?: string[];
  /** Extra organisations (ids or codes). */
  orgs?: string[];
  /** Party codes the person acts under (the published field name is `userIds`). */
  userIds?: string[];
  /** On update: 'active' or 'disabled'. */
  status?: 'active' | 'disabled';
  /** On create: the home organisation (id or code; default the administrator's own). */
  org?: string;
  /** The line manager (a username or user id); null clears it. */
  manager?: string | null;
}

const CREATE_KEYS = ['username', 'firstName', 'lastName', 'email', 'phone', 'roles', 'orgs', 'userIds', 'org', 'manager'];
const UPDATE_KEYS = ['firstName', 'lastName', 'email', 'phone', 'roles', 'orgs', 'userIds', 'status', 'manager'];
const NOT_EDITABLE: Record<string, string> = {
  username: 'The username cannot be changed.',
  org: 'The home organisation cannot be changed.',
};

/**
 * Check the shape of an administrator's request body: unknown keys and keys the operation may not set (org_id,
 * status on create, password, username on update, …) are refused with `invalid_payload` (400); values of the
 * wrong type or form with `validation_failed` (422), every problem named.
 */
export function parseUserInput(body: unknown, mode: 'create' | 'update'): AdminUserInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('invalid_payload', 'Send the account as one JSON object.');
  const data = body as Record<string, unknown>;
  const allowed = mode === 'create' ? CREATE_KEYS : UPDATE_KEYS;
  const refused: FieldError[] = Object.keys(data).filter((k) => !allowed.includes(k)).map((k) => (mode === 'update' && NOT_EDITABLE[k]
    ? { field: k, code: 'read_only', message: NOT_EDITABLE[k]! }
    : { field: k, code: 'unknown_field', message: `"${k}" cannot be set here; send only ${allowed.join(', ')}.` }));
  if (refused.length) fail('invalid_payload', refused.map((e) => e.message).join(' '), { fieldErrors: refused });

  const errors: FieldError[] = [];
  const out: AdminUserInput = {};
  const text = (key: 'firstName' | 'lastName' | 'email' | 'username' | 'org', label: string, max: number, required: boolean, pattern?: RegExp) => {
    const v = data[key];
    if (v === undefined) {
      if (required) errors.push({ field: key, code: 'required', message: `Enter the ${label}.` });
      return;
    }
    if (typeof v !== 'string' || !v.trim()) {
      errors.push({ field: key, code: 'required', message: `Enter the ${label}.` });
      return;
    }
    const s = v.trim();
    if (s.length > max) errors.push({ field: key, code: 'too_long', message: `The ${label} must be at most ${max} characters.` });
    else if (pattern && !pattern.test(s)) errors.push({ field: key, code: 'pattern', message: `Enter a valid ${label}.` });
    else out[key] = s;
  };
  const creating = mode === 'create';
  if (creating) text('username', 'username', 100, true);
  text('firstName', 'first name', 100, creating);
  text('lastName', 'last name', 100, creating);
  text('email', 'email address', 254, creating, EMAIL);
  if (creating) text('org', 'organisation', 60, false);
  if (data.phone !== undefined) {
    const v = data.phone;
    if (v === null || v === '') out.phone = null;
    else if (typeof v !== 'string' || !PHONE.test(v.trim())) errors.push({ field: 'phone', code: 'pattern', message: 'Enter a valid phone number.' });
    else out.phone = v.trim();
  }
  if (data.manager !== undefined) {
    const v = data.manager;
    if (v === null || v === '') out.manager = null;
    else if (typeof v !== 'string' || !v.trim() || v.trim().length > 100) {
      errors.push({ field: 'manager', code: 'type', message: 'The line manager must be a username or user id, or null for none.' });
    } else out.manager = v.trim();
  }
  for (const key of ['roles', 'orgs', 'userIds'] as const) {
    const v = data[key];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x || x.length > 100) || v.length > 200) {
      errors.push({ field: key, code: 'type', message: `${key} must be a list of names.` });
    } else {
      out[key] = [...new Set(v as string[])];
    }
  }
  if (data.status !== undefined) {
    if (data.status !== 'active' && data.status !== 'disabled') {
      errors.push({ field: 'status', code: 'choice', message: 'status may be set to active or disabled; use unlock and delete for the rest.' });
    } else {
      out.status = data.status;
    }
  }
  if (errors.length) fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
  return out;
}

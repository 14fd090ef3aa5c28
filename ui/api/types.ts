/**
 * The shapes of the public REST API as the browser sees them (see README "The REST API" and
 * platform/http/routes/meta.ts). Definition and metadata shapes come from the engine's own type declarations
 * (type-only: platform/definitions/types.ts, platform/http/api-types.ts).
 */
import type { FieldType } from '../../platform/definitions/types.js';
import type { FormCopy, FormDef, RelatedList, UiPolicy } from '../../platform/forms/types.js';
import type { MenuDef, MenuItem } from '../../platform/menus/types.js';

import type { FieldMeta, ListMeta, TableMeta } from '../../platform/http/api-types.js';

export type { FieldType, FormCopy, FormDef, MenuDef, MenuItem, RelatedList, UiPolicy };
export type { FieldMeta, ListMeta, TableMeta };

/**
 * GET /api/meta/forms/:f: the form definition plus its table's labels and the metadata of every field it names.
 * `copies` holds only the copy actions the person may use, each with only the fields they may read and set.
 */
export interface FormMeta extends FormDef {
  tableLabel: string;
  tablePluralLabel: string;
  displayField: string;
  fields: Record<string, FieldMeta>;
  /** Set by the UI on a form it generated from a table with no default form (there is no form definition to name). */
  generated?: boolean;
}

export type RecordData = Record<string, unknown>;

export interface ListResult {
  data: RecordData[];
  meta: ListMeta;
}

export interface HistoryEntry {
  id: string;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  operation: string;
  version: number;
  /** The actor as recorded: a username, or `workflow:<transition> for <username>` for an automatic change. */
  changedBy: string | null;
  /** Who made the change, for people: a name, or "Workflow: Resolve for Alice Smith". */
  actorLabel?: string;
  /** The old and new values as labels, for choices, references, booleans and people (absent: format the value). */
  oldDisplay?: unknown;
  newDisplay?: unknown;
  changedAt: string;
}

export interface JournalEntry {
  id: string;
  field: string;
  entryType: string;
  body: string;
  /** The author as recorded: a username, or `workflow:<transition> for <username>` for an automatic entry. */
  createdBy: string | null;
  /** Who wrote it, for people: a name, or "Workflow: Resolve for Alice Smith". */
  actorLabel?: string;
  createdAt: string;
}

export type SessionStage = 'mfa' | 'mfa_enrol' | 'change_password' | 'profile' | 'active';

/** GET /api/auth/session (and the answer of every sign-in step). */
export interface SessionInfo {
  stage: SessionStage;
  expiresAt: string;
  idleExpiresAt: string;
  idleMinutes: number;
  csrfToken: string;
  user: {
    id?: string;
    username: string;
    displayName?: string | null;
    firstName?: string | null;
    lastName?: string | null;
    email?: string | null;
    phone?: string | null;
    orgId?: string | null;
    lastSignInAt?: string | null;
    /** The facts UI policies evaluate `user.*` with (the server uses the same ones). */
    roles?: string[];
    orgs?: string[];
    userIds?: string[];
    capabilities?: string[];
  };
  /** Only while MFA is pending. */
  mfa?: { totp: boolean; totpEnrolled: boolean; email: boolean };
}

/** POST /api/auth/mfa/enrol */
export interface TotpEnrolment {
  otpauthUri: string;
  /** A data: URL of a PNG QR code. */
  qr: string;
  secret: string;
}

/** One problem of an application/problem+json response. */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

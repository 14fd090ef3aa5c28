/**
 * The shapes of the public REST API as the browser sees them (see README "The REST API" and
 * platform/http/routes/meta.ts). Definition shapes come from the engine's own type declarations (type-only).
 */
import type { FieldType, FormCopy, FormDef, MenuDef, MenuItem, RelatedList, UiPolicy } from '../../platform/definitions/types.js';

export type { FieldType, FormCopy, FormDef, MenuDef, MenuItem, RelatedList, UiPolicy };

/** A field as GET /api/meta/tables/:t and /api/meta/forms/:f describe it. */
export interface FieldMeta {
  name: string;
  type: FieldType | 'uuid';
  label: string;
  help?: string;
  required: boolean;
  readOnly: boolean;
  default?: unknown;
  /** With `dependsOn`, `for` lists the controlling field's values an option applies to (absent: always). */
  choices?: { value: string; label: string; inactive?: boolean; for?: string[] }[];
  multiple?: boolean;
  /** The field controlling which choices apply (platform/records/dependent-choices.ts). */
  dependsOn?: string;
  reference?: string;
  maxLength?: number;
  minLength?: number;
  min?: number;
  max?: number;
  scale?: number;
  currency?: string;
  pattern?: string;
  patternMessage?: string;
  accept?: string[];
  maxSize?: number;
  /** `<reference field>.<field>`: filled in from the record the reference names (the server copies it too). */
  fetchFrom?: string;
  system: boolean;
  journalType?: 'comment' | 'work_note';
  /** false when lists cannot filter or sort by the field (encrypted, or readable record by record). */
  queryable?: false;
}

export interface TableMeta {
  name: string;
  label: string;
  pluralLabel: string;
  description?: string;
  extends?: string;
  ancestors: string[];
  abstract: boolean;
  numberPrefix?: string;
  displayField: string;
  fields: FieldMeta[];
  /**
   * The table's default form: named like the table, else its only form; null when there is none. The server
   * enforces its UI policies on every write (platform/rules/data-policy.ts), so the UI edits the table with it.
   */
  defaultForm?: string | null;
}

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
  meta: { total: number | null; limit: number; offset: number };
}

export interface HistoryEntry {
  id: string;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  operation: string;
  version: number;
  /** The author's username. */
  changedBy: string | null;
  changedAt: string;
}

export interface JournalEntry {
  id: string;
  field: string;
  entryType: string;
  body: string;
  /** The author's username. */
  createdBy: string | null;
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

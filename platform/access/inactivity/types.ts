/**
 * The shapes of inactivity settings and revocations as the API answers them: types only, with no runtime import, so
 * the administration pages (ui/api/inactivity.ts) use the same declarations as the server.
 */
/** What revocation does to an account (each independently). */
export interface RevocationEffects {
  /** Status becomes 'disabled': no sign-in, no token, until re-enabled. */
  disable: boolean;
  /** Every open session ends at once. */
  endSessions: boolean;
  /** Every live API token is revoked for good. */
  revokeTokens: boolean;
  /** Every role is taken away (kept in the audit entry, so it can be given back). */
  removeRoles: boolean;
}

/** A handlebars subject and plain-text body (the notification model: in-app title and body, mail subject and text). */
export interface NoticeTemplate { subject: string; body: string }

export interface InactivitySettings {
  /** Days without activity after which the account is revoked. */
  periodDays: number;
  /** Days before revocation at which a warning is sent, e.g. [14, 3]. */
  warningDays: number[];
  warning: NoticeTemplate;
  revocation: NoticeTemplate;
  effects: RevocationEffects;
}

/** An organisation's override: any member of the settings (effects member by member). */
export type InactivityOverride = Partial<Omit<InactivitySettings, 'effects' | 'warning' | 'revocation'>> & {
  effects?: Partial<RevocationEffects>;
  warning?: Partial<NoticeTemplate>;
  revocation?: Partial<NoticeTemplate>;
};

/** GET /orgs/:code/inactivity. */
export interface OrgInactivityView {
  organisation: { code: string; name: string };
  /** What the organisation sets itself (null: nothing, the defaults apply). */
  override: InactivityOverride | null;
  /** The engine's defaults, which the inactivity jobs' parameters may change for everyone. */
  defaults: InactivitySettings;
  /** The override applied to the defaults. */
  effective: InactivitySettings;
}

/** What a revocation changed (for the caller's counts and answers). */
export interface RevocationOutcome {
  disabled: boolean;
  sessionsEnded: number;
  tokensRevoked: number;
  rolesRemoved: string[];
}

export type RequestStatus = 'pending' | 'approved' | 'rejected';

/** A revocation request as the API shows it: people by name. */
export interface RevocationRequestView {
  id: string;
  /** The request record's number (RVK…). */
  number?: string | null;
  status: RequestStatus;
  userId: string;
  /** The person whose account it is about, by name and username. */
  person: string;
  username: string;
  organisation: string | null;
  reason: string;
  /** The requester's name; `requestedByUsername` their username. */
  requestedBy: string;
  requestedByUsername: string | null;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  /** Whether the reader may decide it now: it waits for their approval (or that of someone they stand in for). */
  canDecide?: boolean;
}

/** The answer of POST /users/:id/revoke: revoked at once, or a request waiting for approval. */
export type RevokeResult =
  | { outcome: 'revoked'; userId: string; effects: RevocationOutcome }
  | { outcome: 'requested'; request: RevocationRequestView };

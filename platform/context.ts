/**
 * The running engine as its parts see it. This module sits below every part of the engine and imports none of them
 * that import it: what the engine holds of a higher part (the access log, the credential cache) is declared here as
 * a narrow interface, and that part implements it.
 */
import type { KeyRing } from './access/crypto.js';
import type { Config } from './config.js';
import type { Database } from './db/connection.js';
import type { Logger } from './log.js';
import type { Mailer } from './notify/mailer.js';
import type { Actor, RecordService } from './records/types.js';
import type { JobService } from './jobs/types.js';
import type { StudioService } from './studio/types.js';

/** Time source; tests inject a fixed or stepping clock. */
export interface Clock { now(): Date }
export const systemClock: Clock = { now: () => new Date() };

export type { RegistrySource } from './definitions/registry.js';
import type { RegistrySource } from './definitions/registry.js';

/** The running engine: what every service and route is given. */
export interface Formwork {
  config: Config;
  db: Database;
  registry: RegistrySource;
  records: RecordService;
  clock: Clock;
  log: Logger;
  /** The actor for jobs, seeding and CLI work. */
  systemActor: Actor;
  /** Encryption keys for secrets at rest (MFA secrets, `encrypted` fields). */
  keys: KeyRing;
  /** Outgoing mail (SMTP). */
  mailer: Mailer;
  /** The access log (sign-ins, failures, page and API requests), written without blocking requests. */
  accessLog: AccessLog;
  /** Credential reads reused between requests while nothing they depend on has changed. */
  credentials: CredentialReads;
  /** Scheduled jobs (platform/jobs): present on a running engine; the jobs API is mounted when it is. */
  jobs?: JobService;
  /** The studio's definition layer (platform/studio): present on a running engine; the studio API is mounted when it is. */
  studio?: StudioService;
}

/** Events the access log records; reports count `sign_in` rows as sign-ins and `page` rows as page views. */
export type AccessEvent =
  | 'sign_in' | 'sign_in_failed' | 'mfa_failed' | 'sign_out' | 'session_expired' | 'api' | 'page';

/** One access-log row as the engine's parts hand it over. */
export interface AccessLogEntry {
  event: AccessEvent;
  /** True for sign-in events (successful or not). */
  signIn?: boolean;
  userId?: string | null;
  username?: string | null;
  orgId?: string | null;
  method?: string | null;
  url?: string | null;
  status?: number | null;
  description?: string | null;
  ip?: string | null;
  /** When it happened (default: the clock's now). */
  at?: Date;
}

/** The access log (implemented by platform/access/identity/access-log.ts). */
export interface AccessLog {
  /** Queue one row, or the promise of one still being worked out (flush() waits for it); returns at once. */
  record(entry: AccessLogEntry | Promise<AccessLogEntry>): void;
  /** Wait for every queued row to be written (tests, shutdown). */
  flush(): Promise<void>;
  /**
   * Flush, then write no more (the engine closes its database next): a row recorded later — a request that
   * outlived the engine — is dropped with a warning instead of waiting on a connection pool being destroyed.
   */
  close(): Promise<void>;
}

/** One membership of the identity read: a role, an organisation, an own party code or an open access grant. */
export interface Membership { k: 'role' | 'org' | 'party' | 'grant'; v: string }

/** A credential row (a session or an API token, with its user) and its user's memberships. */
export interface CredentialRead {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the columns its caller selected, read by name
  head: Readonly<Record<string, any>>;
  memberships: readonly Membership[];
}

/** Cached credential reads (implemented by platform/access/identity/credential-cache.ts). */
export interface CredentialReads {
  /** The read for `key` from the cache when it is still current, else from `load`. */
  read(key: string, load: () => Promise<CredentialRead | null>): Promise<CredentialRead | null>;
}

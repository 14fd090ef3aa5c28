import type { AccessLog } from './access/identity/access-log.js';
import type { CredentialCache } from './access/identity/credential-cache.js';
import type { CredentialRead } from './access/identity/users.js';
import type { KeyRing } from './access/crypto.js';
import type { Config } from './config.js';
import type { Database } from './db/connection.js';
import type { Registry } from './definitions/types.js';
import type { Logger } from './log.js';
import type { Mailer } from './notify/mailer.js';
import type { Actor, RecordService } from './records/types.js';

/** Time source; tests inject a fixed or stepping clock. */
export interface Clock { now(): Date }
export const systemClock: Clock = { now: () => new Date() };

/** Holds the registry snapshot in force. */
export interface RegistrySource { readonly current: Registry }

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
  credentials: CredentialCache<CredentialRead>;
}

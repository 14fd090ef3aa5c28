import { join, resolve } from 'node:path';

/** Runtime configuration, read from the environment once at start. */
export interface Config {
  /** HTTP port (PORT, default 3000). */
  port: number;
  /** HOST to bind (HOST, default 127.0.0.1). */
  host: string;
  /** DATABASE_URL: a SQLite file path (default ./data/formwork.sqlite) or a postgres:// URL. */
  databaseUrl: string;
  /** Folders holding definitions (FORMWORK_DEFINITIONS, comma-separated; default definitions,catalog). */
  definitionRoots: string[];
  /** Load demo data on first start (FORMWORK_DEMO_DATA, default true). */
  demoData: boolean;
  /** Largest JSON body accepted (FORMWORK_BODY_LIMIT, default 1mb). */
  bodyLimit: string;
  /** The URL users reach Formwork at (PUBLIC_URL), used in mailed links; https turns on Secure `__Host-` cookies. */
  publicUrl: string | null;
  /**
   * Encryption keys for `encrypted` fields and MFA secrets (FORMWORK_ENCRYPTION_KEYS): comma-separated
   * `keyId:base64key` pairs of 32-byte keys; the first encrypts, all decrypt (rotation). When unset, a key is
   * generated once into `<data dir>/encryption.key` (fine for the embedded default, not for a cluster).
   */
  encryptionKeys: string | null;
  /** Where generated secrets live when not configured (FORMWORK_DATA_DIR, default ./data). */
  dataDir: string;
  /** Outgoing mail: SMTP_URL (e.g. smtp://user:pass@host:587) and MAIL_FROM. Without SMTP_URL mail is logged only. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Session absolute lifetime after authentication (SESSION_ABSOLUTE_MINUTES, default 540 = 9 hours: a working day). */
  sessionAbsoluteMinutes: number;
  /** Idle time-out (SESSION_IDLE_MINUTES, default 15). */
  sessionIdleMinutes: number;
  /** One active session per user, the newest wins (SINGLE_SESSION, default true). */
  singleSession: boolean;
  /** Failed sign-ins before the account locks (LOCKOUT_THRESHOLD, default 5). */
  lockoutThreshold: number;
  /**
   * How long a credential read (session or API token with the user's roles, organisations and party codes) may be
   * reused, in ms (IDENTITY_CACHE_MS, default 1000; 0 = read on every request). Changes made through this process
   * apply at once regardless; the limit bounds how long another process's changes (a second instance, the CLI)
   * take to be seen.
   */
  identityCacheMs: number;
  /** scrypt cost parameter N as a power of two (PASSWORD_SCRYPT_LOG2N, default 17 = OWASP's minimum). */
  scryptLog2N: number;
  /** Sign-in attempts per IP per minute (SIGNIN_RATE_LIMIT, default 10). */
  signInRateLimit: number;
  /**
   * Where attachment content is stored (FORMWORK_FILE_STORE): 'database' (chunked rows of sys_attachment_blob) or
   * 'files' (a directory). Default: 'files' on SQLite (one machine anyway; large files stay out of the single-writer
   * database file and its one connection), 'database' on PostgreSQL (app instances stay stateless, DESIGN.md
   * "Scale-out"). Each attachment records its store, so changing this later keeps earlier files readable.
   */
  fileStore: 'database' | 'files';
  /** The directory of the 'files' store (FORMWORK_FILES_DIR, default `<data dir>/files`). */
  filesDir: string;
  /** Largest attachment for fields without `maxSize`, in bytes (FORMWORK_ATTACHMENT_MAX_SIZE, default 25 MiB). */
  attachmentMaxSize: number;
  /** A ClamAV daemon to scan uploads with (CLAMD_HOST, unset: only the built-in EICAR check runs; CLAMD_PORT 3310). */
  clamdHost: string | null;
  clamdPort: number;
  /** How long to wait for clamd to connect and answer, in milliseconds (CLAMD_TIMEOUT_MS, default 60000). */
  clamdTimeoutMs: number;
}

const int = (v: string | undefined, d: number) => (v === undefined || v === '' ? d : Number.parseInt(v, 10));

function fileStore(value: string | undefined, databaseUrl: string): Config['fileStore'] {
  if (value === 'database' || value === 'files') return value;
  if (value !== undefined && value !== '') throw new Error(`FORMWORK_FILE_STORE must be "database" or "files"; got "${value}".`);
  return /^postgres(ql)?:\/\//.test(databaseUrl) ? 'database' : 'files';
}

export function readConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const databaseUrl = env.DATABASE_URL ?? resolve(cwd, 'data', 'formwork.sqlite');
  const dataDir = resolve(cwd, env.FORMWORK_DATA_DIR ?? 'data');
  return {
    port: env.PORT ? Number(env.PORT) : 3000,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl,
    definitionRoots: (env.FORMWORK_DEFINITIONS ?? 'definitions,catalog').split(',').map((p) => resolve(cwd, p.trim())),
    demoData: env.FORMWORK_DEMO_DATA !== 'false',
    bodyLimit: env.FORMWORK_BODY_LIMIT ?? '1mb',
    publicUrl: env.PUBLIC_URL ?? null,
    encryptionKeys: env.FORMWORK_ENCRYPTION_KEYS ?? null,
    dataDir,
    smtpUrl: env.SMTP_URL ?? null,
    mailFrom: env.MAIL_FROM ?? 'Formwork <formwork@localhost>',
    sessionAbsoluteMinutes: int(env.SESSION_ABSOLUTE_MINUTES, 540),
    sessionIdleMinutes: int(env.SESSION_IDLE_MINUTES, 15),
    singleSession: env.SINGLE_SESSION !== 'false',
    lockoutThreshold: int(env.LOCKOUT_THRESHOLD, 5),
    scryptLog2N: int(env.PASSWORD_SCRYPT_LOG2N, 17),
    identityCacheMs: int(env.IDENTITY_CACHE_MS, 1000),
    signInRateLimit: int(env.SIGNIN_RATE_LIMIT, 10),
    fileStore: fileStore(env.FORMWORK_FILE_STORE, databaseUrl),
    filesDir: env.FORMWORK_FILES_DIR ? resolve(cwd, env.FORMWORK_FILES_DIR) : join(dataDir, 'files'),
    attachmentMaxSize: int(env.FORMWORK_ATTACHMENT_MAX_SIZE, 25 * 1024 * 1024),
    clamdHost: env.CLAMD_HOST || null,
    clamdPort: int(env.CLAMD_PORT, 3310),
    clamdTimeoutMs: int(env.CLAMD_TIMEOUT_MS, 60_000),
  };
}

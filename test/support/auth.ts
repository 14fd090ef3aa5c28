/**
 * Builders for identity tests: users (with a known password and an enrolled authenticator), API tokens, TOTP
 * codes computed with otpauth, an HTTP client with a cookie jar and CSRF token, and a full sign-in
 * (password + TOTP, then any forced password change and profile step).
 */
import { expect } from 'chai';
import type express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as OTPAuth from 'otpauth';
import {
  createApiToken, createOrg, createUser as createIdentityUser, fetchOrgByCode, type UserRow,
} from '../../platform/access/identity/index.js';
import { systemClock, type Formwork } from '../../platform/context.js';
import { createApp } from '../../platform/http/app.js';
import { createTestEngine, steppingClock, type TestEngine } from './engine.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUserOptions {
  username?: string;
  password?: string | null;
  roles?: string[];
  /** Home organisation code (created when missing; default TEST). */
  org?: string;
  /** Further organisations by code (created when missing). */
  orgs?: string[];
  userIds?: string[];
  /** Enrol an authenticator with a known secret (default true). */
  totp?: boolean;
  mustChangePassword?: boolean;
  profileConfirmed?: boolean;
  email?: string;
  status?: 'active' | 'locked' | 'disabled' | 'deleted';
}

export interface TestUser {
  user: UserRow;
  username: string;
  password: string;
  /** Base32 TOTP secret, when enrolled. */
  secret: string | null;
}

let counter = 0;

/** An organisation by code, created when missing. */
export async function ensureOrg(fw: Formwork, code: string, options: { mfaEmailFallback?: boolean } = {}) {
  return (await fetchOrgByCode(fw, code)) ?? createOrg(fw, { code, name: `Organisation ${code}`, mfaEmailFallback: options.mfaEmailFallback });
}

/**
 * A user who can sign in: password {@link TEST_PASSWORD}, an enrolled authenticator with a known secret, no
 * forced password change and a confirmed profile, unless the options say otherwise.
 */
export async function createUser(fw: Formwork, options: TestUserOptions = {}): Promise<TestUser> {
  counter += 1;
  const username = options.username ?? `user${counter}_${Date.now().toString(36)}`;
  const org = await ensureOrg(fw, options.org ?? 'TEST');
  const extra = [];
  for (const code of options.orgs ?? []) extra.push((await ensureOrg(fw, code)).id);
  const password = options.password === null ? undefined : options.password ?? TEST_PASSWORD;
  const user = await createIdentityUser(fw, {
    username, orgId: org.id, orgs: extra, roles: options.roles ?? [], userIds: options.userIds, password,
    mustChangePassword: options.mustChangePassword ?? false, profileConfirmed: options.profileConfirmed ?? true,
    email: options.email ?? `${username}@example.test`, firstName: 'Test', lastName: username, phone: '+44 20 7946 0000',
    status: options.status,
  });
  let secret: string | null = null;
  if (options.totp !== false) {
    secret = new OTPAuth.Secret({ size: 20 }).base32;
    const now = fw.clock.now().toISOString();
    await fw.db.knex('sys_user').where({ id: user.id }).update({ totp_secret: fw.keys.encrypt(secret), totp_enrolled_at: now, mfa_method: 'totp' });
  }
  return { user, username, password: password ?? '', secret };
}

/** An API token for the user (created through the identity service). */
export async function createToken(fw: Formwork, username: string, name = 'test'): Promise<string> {
  const row = await fw.db.knex('sys_user').where({ username_key: username.toLowerCase() }).first('id');
  if (!row) throw new Error(`no user ${username}`);
  return (await createApiToken(fw, row.id, { name })).token;
}

/** The TOTP code of `secret` at `at` (RFC 6238 via otpauth). */
export function totpCode(secret: string, at: Date, digits = 6): string {
  return OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits, period: 30, timestamp: at.getTime() });
}

/**
 * A code the server will accept now: of the steps within ±1 of the clock, the earliest after the last accepted
 * one (so repeated sign-ins at a frozen clock still work, up to three per step).
 */
export async function freshTotpCode(fw: Formwork, userId: string, secret: string): Promise<string> {
  const row = await fw.db.knex('sys_user').where({ id: userId }).first('totp_last_step');
  const last = row?.totp_last_step == null ? -Infinity : Number(row.totp_last_step);
  const step = Math.floor(fw.clock.now().getTime() / 30_000);
  // The server accepts ±1 step and each step once. Under a test clock, time moves only when the test says so: the
  // previous step's code comes first, giving three sign-ins per step. Under the real clock the current step comes
  // first: the clock could cross a boundary before the server checks the code, and the previous step's code would
  // then be two steps old and refused.
  const order = fw.clock === systemClock ? [step, step + 1] : [step - 1, step, step + 1];
  const next = order.find((s) => s > last);
  if (next === undefined) throw new Error('every TOTP step within the window is used: advance the clock');
  return totpCode(secret, new Date(next * 30_000));
}

/** An HTTP client for one browser: keeps cookies, and sends the CSRF token on unsafe requests once known. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  csrfToken: string | null = null;

  constructor(readonly base: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] ??= 'application/json';
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.csrfToken && !['GET', 'HEAD', 'OPTIONS'].includes(method) && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrfToken;
    const res = await fetch(this.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!).getTime() < Date.now()));
      if (expired || !value) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get = (path: string, headers?: Record<string, string>) => this.request('GET', path, undefined, headers);
  post = (path: string, body: unknown = {}, headers?: Record<string, string>) => this.request('POST', path, body, headers);

  /** request() that expects `status` and returns the parsed JSON body (null for an empty one). */
  async json(method: string, path: string, body: unknown, status: number): Promise<any> {
    const res = await this.request(method, path, body);
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).to.equal(status);
    const parsed = text ? JSON.parse(text) : null;
    if (parsed?.data?.csrfToken) this.csrfToken = parsed.data.csrfToken;
    return parsed;
  }

  /** The session cookie's value (whichever name it has), or undefined. */
  get sessionCookie(): string | undefined {
    return this.cookies.get('formwork_session') ?? this.cookies.get('__Host-formwork_session');
  }
}

/**
 * Sign in through the API: password, then a TOTP code, then the forced password change (to `newPassword`) and
 * the profile step when the account needs them. Returns a client with an active session and its CSRF token.
 */
export async function signIn(fw: Formwork, base: string, user: TestUser, options: { newPassword?: string } = {}): Promise<TestClient> {
  const client = new TestClient(base);
  let body = await client.json('POST', '/api/auth/sign-in', { username: user.username, password: user.password }, 200);
  expect(body.data.stage).to.equal('mfa');
  body = await client.json('POST', '/api/auth/mfa/verify', { code: await freshTotpCode(fw, user.user.id, user.secret!) }, 200);
  if (body.data.stage === 'change_password') {
    const next = options.newPassword ?? `${user.password} renewed`;
    body = await client.json('POST', '/api/auth/password', { current: user.password, new: next }, 200);
    user.password = next;
  }
  if (body.data.stage === 'profile') {
    body = await client.json('POST', '/api/auth/profile', { first_name: 'Test', last_name: 'User', email: 'test@example.test', phone: '+44 20 7946 0000' }, 200);
  }
  expect(body.data.stage).to.equal('active');
  return client;
}

export interface RunningServer { url: string; close(): Promise<void> }

/**
 * The API as `username`, with an API token: each call answers the response's `data`, expecting a 200 or 201 (the
 * assertion names the method, path and answer otherwise).
 */
export async function apiDataAs(
  fw: Formwork, server: RunningServer, username: string,
): Promise<(method: string, path: string, body?: unknown) => Promise<any>> {
  const token = await createToken(fw, username);
  return async (method, path, body) => {
    const res = await fetch(server.url + path, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = await res.json() as any;
    expect(res.status, `${method} ${path}: ${JSON.stringify(parsed)}`).to.be.oneOf([200, 201]);
    return parsed.data;
  };
}

/** Serve the engine's app on a loopback port. */
export function listen(app: express.Express): Promise<RunningServer> {
  return new Promise((resolve) => {
    const server: Server = app.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

/** createApp(fw) listening on loopback. */
export function serve(fw: Formwork): Promise<RunningServer> {
  return listen(createApp(fw));
}

/**
 * A test engine for identity work: a stepping clock, a cheap scrypt cost (N = 2^10; production uses 2^17) and a
 * sign-in rate limit high enough not to interfere unless a test lowers it.
 */
export async function createIdentityEngine(
  options: { roots?: string[] } = {},
): Promise<{ fw: TestEngine; clock: ReturnType<typeof steppingClock> }> {
  const clock = steppingClock();
  const fw = await createTestEngine({ clock, roots: options.roots });
  fw.config.scryptLog2N = 10;
  fw.config.signInRateLimit = 1000;
  return { fw, clock };
}

/**
 * API tokens for machine clients: `Authorization: Bearer fw_<43 characters>`. Stored as SHA-256 with a short
 * prefix to tell them apart, owned by a user, revocable, optionally expiring. A token acts as its owner without
 * MFA (scripts cannot answer prompts) while the owner's account is active.
 *
 * Disabling or deleting an account revokes its tokens ({@link revokeUserApiTokens}, in the transaction changing the
 * status), so enabling it again brings none back: the person makes new ones. A lockout (failed passwords or MFA
 * codes) revokes nothing: it is temporary, guards the password rather than the tokens, and anyone who knows a
 * username can cause one, so it must not cut off that person's scripts.
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import type { Actor } from '../../records/types.js';
import { randomToken, sha256 } from '../crypto.js';
import { noteActivity } from './activity.js';
import { actorFromMemberships, readCredentialWithMemberships } from './users.js';

const TOKEN = /^fw_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most this often, so a busy client does not turn every read into a write. */
const USE_WRITE_INTERVAL_MS = 60_000;

export interface ApiTokenInfo {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** A sys_api_token row as read (the hash left out). */
interface TokenRow {
  id: string; name: string; prefix: string; created_at: string;
  last_used_at?: string | null; expires_at?: string | null; revoked_at?: string | null;
}

const info = (r: TokenRow): ApiTokenInfo => ({
  id: r.id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at ?? null,
  expiresAt: r.expires_at ?? null, revokedAt: r.revoked_at ?? null,
});

/**
 * Create a token for a user; the token itself is returned here once and never again.
 * Errors: validation_failed (name), not_found (user).
 */
export async function createApiToken(
  fw: Formwork, userId: string, options: { name?: string; expiresAt?: string | null } = {},
): Promise<ApiTokenInfo & { token: string }> {
  const name = (options.name ?? 'API token').trim();
  if (!name || name.length > 100) {
    fail('validation_failed', 'A token name must be 1–100 characters.', { fieldErrors: [{ field: 'name', code: 'length', message: 'Use 1–100 characters.' }] });
  }
  if (!(await fw.db.knex('sys_user').where({ id: userId }).first('id'))) fail('not_found', `User "${userId}" does not exist.`);
  const token = `fw_${randomToken(32)}`;
  const row = {
    id: uuidv7(), user_id: userId, name, token_hash: sha256(token), prefix: token.slice(0, 11),
    created_at: fw.clock.now().toISOString(), last_used_at: null, expires_at: options.expiresAt ?? null, revoked_at: null,
  };
  await fw.db.knex('sys_api_token').insert(row);
  return { ...info(row), token };
}

/** A user's tokens, newest first (without the secret, which is not stored). */
export async function listApiTokens(fw: Formwork, userId: string): Promise<ApiTokenInfo[]> {
  const rows = await fw.db.knex('sys_api_token').where({ user_id: userId }).orderBy('created_at', 'desc').orderBy('id', 'desc');
  return rows.map(info);
}

/** Revoke one of the user's own tokens. Errors: not_found (no such open token of theirs). */
export async function revokeApiToken(fw: Formwork, userId: string, tokenId: string): Promise<void> {
  const n = await fw.db.knex('sys_api_token').where({ id: tokenId, user_id: userId }).whereNull('revoked_at')
    .update({ revoked_at: fw.clock.now().toISOString() });
  if (n !== 1) fail('not_found', `API token "${tokenId}" does not exist or is already revoked.`);
}

/**
 * Revoke every live token of a user (neither revoked nor expired) in the caller's transaction, as the account is
 * disabled or deleted. Returns how many were revoked (for the account's audit entry). The credential cache sees the
 * write: this instance refuses the tokens from the next request, others within IDENTITY_CACHE_MS.
 */
export async function revokeUserApiTokens(trx: Knex | Knex.Transaction, userId: string, at: string): Promise<number> {
  return liveApiTokens(trx, userId, at).update({ revoked_at: at });
}

/** The query of a user's tokens in use at `at`: neither revoked nor expired. */
export function liveApiTokens(knex: Knex | Knex.Transaction, userId: string, at: string): Knex.QueryBuilder {
  return knex('sys_api_token').where({ user_id: userId }).whereNull('revoked_at')
    .where((q) => q.whereNull('expires_at').orWhere('expires_at', '>', at));
}

const TOKEN_HEAD = {
  sql: `select t.id as token_id, t.user_id, t.revoked_at, t.expires_at, t.last_used_at, u.username, u.org_id, u.status,
        u.last_active_at from sys_api_token t join sys_user u on u.id = t.user_id where t.token_hash = ?`,
  columns: ['token_id', 'user_id', 'revoked_at', 'expires_at', 'last_used_at', 'username', 'org_id', 'status', 'last_active_at'],
} as const;

/**
 * The token, its owner and the Actor the owner acts as for a bearer value — one statement (plus, at most once a
 * minute, the last-used write) — or null when it is malformed, unknown, revoked, expired, or its owner is not
 * active. The read may come from fw.credentials, which drops it as soon as anything it depends on is written: a
 * revocation, a role change or a rescinded consent applies to the very next request.
 */
export async function resolveApiToken(
  fw: Formwork, bearer: string,
): Promise<{ tokenId: string; user: { id: string; username: string; org_id: string | null }; actor: Actor } | null> {
  if (!TOKEN.test(bearer)) return null;
  const hash = sha256(bearer);
  const read = await fw.credentials.read(`token:${hash}`, () => readCredentialWithMemberships(fw.db.knex, { ...TOKEN_HEAD, bindings: [hash] }));
  const now = fw.clock.now();
  const row = read?.head;
  if (!read || !row || row.revoked_at || row.status !== 'active') return null;
  if (row.expires_at && new Date(row.expires_at).getTime() <= now.getTime()) return null;
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() >= USE_WRITE_INTERVAL_MS) {
    await fw.db.knex('sys_api_token').where({ id: row.token_id }).update({ last_used_at: now.toISOString() });
  }
  await noteActivity(fw, row.user_id as string, row.last_active_at as string | null);
  const user = { id: row.user_id as string, username: row.username as string, org_id: (row.org_id ?? null) as string | null };
  const actor = await actorFromMemberships(fw, user, read.memberships, { sessionId: row.token_id, via: 'token' });
  return { tokenId: row.token_id, user, actor };
}

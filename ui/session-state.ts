/**
 * What components read from the session (`sessionContext`, provided by the app shell): how to name an author and
 * the `user` fact of UI policy conditions.
 */
import type { SessionInfo } from './api/types.js';

/** How to name the author of a change or entry (history and journal name them by username): "you", or the username. */
export function authorName(session: SessionInfo | null, username: string | null): string {
  if (!username) return 'the system';
  if (session?.user.username === username) return 'you';
  return username;
}

/** The `user` fact of UI policy conditions. */
export function userFacts(session: SessionInfo | null): Record<string, unknown> {
  const u = session?.user;
  if (!u) return {};
  return {
    id: u.id ?? null, username: u.username, orgId: u.orgId ?? null, roles: u.roles ?? [], orgs: u.orgs ?? [], userIds: u.userIds ?? [],
    capabilities: u.capabilities ?? [],
  };
}

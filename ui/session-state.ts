/**
 * The session the page holds, for components that need the signed-in user (authorship, policy facts). The app
 * shell is its only writer.
 */
import type { SessionInfo } from './api/types.js';

let current: SessionInfo | null = null;

export function currentSession(): SessionInfo | null {
  return current;
}

export function setCurrentSession(session: SessionInfo | null): void {
  current = session;
}

/** How to name the author of a change or entry (history and journal name them by username): "you", or the username. */
export function authorName(username: string | null): string {
  if (!username) return 'the system';
  if (current?.user.username === username) return 'you';
  return username;
}

/** The `user` fact of UI policy conditions. */
export function userFacts(): Record<string, unknown> {
  const u = current?.user;
  if (!u) return {};
  return { id: u.id ?? null, username: u.username, orgId: u.orgId ?? null, roles: u.roles ?? [], orgs: u.orgs ?? [], userIds: u.userIds ?? [], capabilities: u.capabilities ?? [] };
}

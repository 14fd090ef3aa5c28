/**
 * Where a definition or a field is used (GET /api/studio/uses): every definition referring to it, each in words.
 */
import type { ApiClient } from './client.js';
import type { DefinitionUse, UsesView } from '../../platform/studio/types.js';

export type { DefinitionUse, UsesView };

/** GET /api/studio/uses for a definition, or for a field of a table (`field`). */
export async function fetchUses(
  api: ApiClient, target: { kind: string; name: string; field?: string }, signal?: AbortSignal,
): Promise<UsesView> {
  const query = { kind: target.kind, name: target.name, field: target.field || undefined };
  return (await api.get<UsesView>('/studio/uses', { query, signal })).data;
}

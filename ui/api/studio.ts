/**
 * The studio as the browser sees it (platform/studio/routes.ts): definitions of the running registry, change sets
 * and their edits (saved under the edit's revision, sent as If-Match), checks, publishing, versions, their diffs and
 * rollbacks. The server decides who may; the pages are offered to people holding {@link STUDIO_CAPABILITY}.
 */
import type { ApiClient } from './client.js';
import type { SessionInfo } from './types.js';
import type {
  ChangeSetItemView, ChangeSetView, DefinitionDiff, DefinitionListEntry, DiffView, PointerChange, ValidationView, VersionView,
} from '../../platform/studio/types.js';

export type { ChangeSetItemView, ChangeSetView, DefinitionDiff, DefinitionListEntry, DiffView, PointerChange, ValidationView, VersionView };

/** One problem of a definition: the file-equivalent name, the JSON pointer, the message and what was expected. */
export type DefinitionError = ValidationView['errors'][number];

/** Capability of configurators. */
export const STUDIO_CAPABILITY = 'platform.studio';

/** A version or change set with its author's name as people read it (the API adds it next to the username). */
export type Named<T> = T & { authorName?: string };

/** Whether the session's user may use the studio pages (the server checks again on every request). */
export function canUseStudio(session: SessionInfo | null): boolean {
  return (session?.user.capabilities ?? []).includes(STUDIO_CAPABILITY);
}

/** The studio's pages. */
export const studioUrl = '/studio';
export const changeSetsUrl = '/studio/changesets';
export const versionsUrl = '/studio/versions';
export const changeSetUrl = (id: string) => `/studio/changesets/${encodeURIComponent(id)}`;
export const studioDefinitionUrl = (cs: string, kind: string, name: string, isNew = false) =>
  `${changeSetUrl(cs)}/definitions/${encodeURIComponent(kind)}/${encodeURIComponent(name)}${isNew ? '?new=1' : ''}`;
export const versionUrl = (n: number, against?: number) => `/studio/versions/${n}${against === undefined ? '' : `?against=${against}`}`;

const csPath = (id: string) => `/studio/changesets/${encodeURIComponent(id)}`;
const itemPath = (cs: string, kind: string, name: string) => `${csPath(cs)}/definitions/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`;

/** GET /api/studio/definitions: the running definitions, filtered by kind, pack and a search of names and labels. */
export async function fetchStudioDefinitions(
  api: ApiClient, filter: { kind?: string; pack?: string; q?: string }, signal?: AbortSignal,
): Promise<DefinitionListEntry[]> {
  const query = { kind: filter.kind || undefined, pack: filter.pack || undefined, q: filter.q || undefined };
  return (await api.get<DefinitionListEntry[]>('/studio/definitions', { query, signal })).data;
}

/** The definition schema as JSON Schema 2020-12 (`$defs` by shape name, `$defs.<kind>` per kind). */
export type DefinitionSchema = { $defs: Record<string, Record<string, unknown>> } & Record<string, unknown>;

let schemaOnce: Promise<DefinitionSchema> | null = null;

/**
 * GET /api/studio/schema, once per page load (it changes only with a new release): the shapes and help texts every
 * editor is generated from. A failed fetch is not remembered.
 */
export function fetchDefinitionSchema(api: ApiClient): Promise<DefinitionSchema> {
  schemaOnce ??= api.get<DefinitionSchema>('/studio/schema').then((r) => r.data, (e: unknown) => {
    schemaOnce = null;
    throw e;
  });
  return schemaOnce;
}

/** GET /api/studio/changesets, newest first as the server orders them. */
export async function fetchChangeSets(api: ApiClient, signal?: AbortSignal): Promise<Named<ChangeSetView>[]> {
  return (await api.get<Named<ChangeSetView>[]>('/studio/changesets', { signal })).data;
}

/** POST /api/studio/changesets: 422 validation_failed names a missing or too long name. */
export async function createChangeSet(api: ApiClient, input: { name: string; comment?: string }): Promise<ChangeSetView> {
  return (await api.post<ChangeSetView>('/studio/changesets', input)).data;
}

/** GET /api/studio/changesets/:cs, with its edits. */
export async function fetchChangeSet(api: ApiClient, id: string, signal?: AbortSignal): Promise<Named<ChangeSetView>> {
  return (await api.get<Named<ChangeSetView>>(csPath(id), { signal })).data;
}

/** GET …/definitions/:kind/:name: the change set's edit, or the running definition (revision 0). 404 not_found. */
export async function fetchStudioDefinition(
  api: ApiClient, cs: string, kind: string, name: string, signal?: AbortSignal,
): Promise<ChangeSetItemView> {
  return (await api.get<ChangeSetItemView>(itemPath(cs, kind, name), { signal })).data;
}

/**
 * PUT …/definitions/:kind/:name under `revision` (If-Match): the saved edit with this definition's errors. Rejects
 * with 412 precondition_failed (someone saved meanwhile), 409 conflict, 422 validation_failed (kind or name differ
 * from the address), 409 invalid_state (the change set is no longer a draft).
 */
export async function saveStudioDefinition(
  api: ApiClient, cs: string, kind: string, name: string, definition: unknown, revision: number,
): Promise<ChangeSetItemView> {
  return (await api.request<ChangeSetItemView>('PUT', itemPath(cs, kind, name), {
    body: definition, headers: { 'if-match': `"${revision}"` },
  })).data;
}

/**
 * DELETE …/definitions/:kind/:name under `revision` (If-Match): the deletion as the change set now holds it, or null
 * when the draft's own new definition was simply dropped (204). Rejects with 412 precondition_failed, 409 conflict,
 * 422 validation_failed (a definition from a file cannot be deleted), 404 not_found, 409 invalid_state.
 */
export async function deleteStudioDefinition(
  api: ApiClient, cs: string, kind: string, name: string, revision: number,
): Promise<ChangeSetItemView | null> {
  const res = await api.request<ChangeSetItemView | undefined>('DELETE', itemPath(cs, kind, name), { headers: { 'if-match': `"${revision}"` } });
  return res.status === 204 ? null : res.data ?? null;
}

/** POST …/validate: the change set's errors, and the schema changes publishing would make or refuse. */
export async function validateChangeSet(api: ApiClient, cs: string): Promise<ValidationView> {
  return (await api.post<ValidationView>(`${csPath(cs)}/validate`)).data;
}

/**
 * POST …/publish: the new version. Rejects with 422 definition_invalid (`body.definitionErrors`), 409
 * schema_change_refused, 409 conflict (`body.conflicts`), 409 invalid_state.
 */
export async function publishChangeSet(api: ApiClient, cs: string, comment?: string): Promise<VersionView> {
  return (await api.post<VersionView>(`${csPath(cs)}/publish`, comment ? { comment } : {})).data;
}

/** GET /api/studio/versions, newest first. */
export async function fetchVersions(api: ApiClient, signal?: AbortSignal): Promise<Named<VersionView>[]> {
  return (await api.get<Named<VersionView>[]>('/studio/versions', { signal })).data;
}

/** GET /api/studio/versions/:from/diff?to=: what changed from one version to another, per definition. */
export async function fetchDiff(api: ApiClient, from: number, to: number, signal?: AbortSignal): Promise<DiffView> {
  return (await api.get<DiffView>(`/studio/versions/${from}/diff`, { query: { to }, signal })).data;
}

/** POST /api/studio/versions/:v/rollback: publishes version `v`'s layer again, as a new version. */
export async function rollbackTo(api: ApiClient, version: number, comment?: string): Promise<VersionView> {
  return (await api.post<VersionView>(`/studio/versions/${version}/rollback`, comment ? { comment } : {})).data;
}

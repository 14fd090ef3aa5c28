/**
 * The studio's previews (platform/studio/preview.ts): a change set's form, table or catalogue item as people holding
 * chosen roles would get it, and "try this record". They read the change set as last saved; nothing they do writes.
 */
import type { ApiClient } from './client.js';
import type { CatalogItem } from './catalog.js';
import type { FormMeta, TableMeta } from './types.js';
import type { ActionWords, RuleTrial, TryInput, TryView } from '../../platform/studio/types.js';

export type { ActionWords, RuleTrial, TryInput, TryView };

/** A table as previewed: its metadata, its default form (null: the page generates one) and whether a workflow runs it. */
export type PreviewTable = TableMeta & { defaultForm: string | null; workflow: boolean };

/** A catalogue item as previewed, with whether people holding the roles could order it. */
export type PreviewItem = CatalogItem & { orderable: boolean };

/** A preview and the `user` facts of the person it is for (their UI policies' `user.*`). */
export interface Previewed<T> { view: T; person: Record<string, unknown> }

async function getPreview<T>(api: ApiClient, path: string, signal?: AbortSignal): Promise<Previewed<T>> {
  const res = await api.get<T>(path, { signal });
  return { view: res.data, person: (res.body.person ?? {}) as Record<string, unknown> };
}

const previewPath = (cs: string, what: string, name: string, roles: readonly string[]) => {
  const query = new URLSearchParams(roles.map((r) => ['role', r]));
  const q = query.toString();
  return `/studio/changesets/${encodeURIComponent(cs)}/preview/${what}/${encodeURIComponent(name)}${q ? `?${q}` : ''}`;
};

/** GET …/preview/forms/:form?role=…: the form as GET /api/meta/forms would give it to a person holding `roles`. */
export async function fetchPreviewForm(api: ApiClient, cs: string, form: string, roles: readonly string[], signal?: AbortSignal) {
  return getPreview<FormMeta>(api, previewPath(cs, 'forms', form, roles), signal);
}

/** GET …/preview/tables/:table?role=…. */
export async function fetchPreviewTable(api: ApiClient, cs: string, table: string, roles: readonly string[], signal?: AbortSignal) {
  return getPreview<PreviewTable>(api, previewPath(cs, 'tables', table, roles), signal);
}

/** GET …/preview/catalog-items/:item?role=…. */
export async function fetchPreviewItem(api: ApiClient, cs: string, item: string, roles: readonly string[], signal?: AbortSignal) {
  return getPreview<PreviewItem>(api, previewPath(cs, 'catalog-items', item, roles), signal);
}

/** POST …/preview/try: which rules would run for the record, and the form's policies for it. Writes nothing. */
export async function tryPreviewRecord(api: ApiClient, cs: string, input: TryInput) {
  return (await api.post<TryView>(`/studio/changesets/${encodeURIComponent(cs)}/preview/try`, input)).data;
}

/**
 * A record's display values as its page reads them: once per version of the record (`?display=all`), handed through
 * @lit/context to everything on the page that names something — the header's queue and assignee
 * (fw-workflow-actions) and the form's read-only `names` fields (fw-named-field) — so a record page asks for them
 * once, not once per part that shows them.
 */
import { createContext } from '@lit/context';
import { tablePath, type ApiClient } from '../api/client.js';
import type { RecordData } from '../api/types.js';

/** What the page read for one version of a record. */
export interface RecordDisplay {
  /** Per labelled field, `{ value, display, link? }`: the stored value and what people read for it. */
  values: RecordData;
  /** Whether the read is still under way (parts then say "Loading…" rather than show a stored key). */
  loading: boolean;
}

/** The display values of the record the page shows; provided by fw-record, absent (undefined) anywhere else. */
export const recordDisplayContext = createContext<RecordDisplay | undefined>(Symbol('fw-record-display'));

/** Every labelled field of the record with what people read for it (one request). */
export const fetchRecordDisplay = (api: ApiClient, table: string, id: string, signal?: AbortSignal): Promise<RecordData> =>
  api.get<RecordData>(tablePath(table, id), { query: { display: 'all' }, signal }).then((r) => r.data);

/**
 * What people read for `value` of `field`: its display value, while it was read for that same value (the record shown
 * may be newer than the display values read, and then hold another assignee); else null.
 */
export function displayOf(values: RecordData | undefined, field: string, value: unknown): string | null {
  const read = values?.[field];
  if (!read || typeof read !== 'object' || !('display' in read)) return null;
  const { value: was, display } = read as { value?: unknown; display?: unknown };
  return was === value && typeof display === 'string' && display ? display : null;
}

/**
 * The versions API's shapes (platform/versions/routes.ts), shared with the browser as types only.
 */

/** A run of text in a difference: unchanged, or only in the newer version (`added`) or only in the older (`removed`). */
export interface DiffSegment {
  text: string;
  added?: true;
  removed?: true;
}

/** A field named for people: its name (for scripts) and label. */
export interface FieldName { field: string; label: string }

/** One version in a record's list of versions (GET …/versions). */
export interface VersionSummary {
  number: number;
  publishedAt: string;
  /** Who published it: their display name, else username ("System" for the system). */
  publishedBy: string;
  /** The content fields that differ from the version before (every field with a value, for the first). */
  changed: FieldName[];
}

/** One field of a difference between two versions. */
export interface FieldDiff extends FieldName {
  changed: boolean;
  segments: DiffSegment[];
}

/** GET …/versions/:n/diff: from version `against` (null: nothing before it) to version `number`. */
export interface VersionDiff {
  number: number;
  against: number | null;
  fields: FieldDiff[];
}

/** What a person is shown of a record's versions (GET …/versions/published). */
export interface VersionStatus {
  /** Whether they may update the record, and so see the working copy and the list of versions. */
  editor: boolean;
  /** The latest published version, if any. */
  published: { number: number; publishedAt: string } | null;
}

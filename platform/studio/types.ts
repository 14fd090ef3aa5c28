/**
 * What the studio's API answers (platform/studio/routes.ts) and the service behind it. Types only: the engine's
 * context names the service without importing the studio's runtime.
 */
import type { DefinitionError } from '../definitions/model.js';
import type { Actor } from '../records/types.js';
import type { ExportBundle } from './export.js';
import type { PreviewService } from './preview-types.js';

export type * from './preview-types.js';

/** A change set: a named draft of definition edits, published as one registry version. */
export interface ChangeSetView {
  id: string;
  name: string;
  status: 'draft' | 'published' | 'discarded';
  comment: string | null;
  author: string;
  createdAt: string;
  updatedAt: string;
  /** The version it was published as (null until then). */
  publishedVersion: number | null;
  /** Its edits, when asked for one change set. */
  definitions?: ChangeSetItemView[];
}

/** One definition as a change set holds it (or as it runs, when the change set has not touched it). */
export interface ChangeSetItemView {
  kind: string;
  name: string;
  /** The whole definition; null for a deletion. */
  definition: unknown;
  deleted: boolean;
  /** The edit's revision, sent back as If-Match on the next save; 0 when the change set has not touched it. */
  revision: number;
  /** The published version the edit started from. */
  baseVersion: number;
  /** Where the definition comes from now: `file`, `studio` (the published layer) or `draft` (this change set). */
  origin: 'file' | 'studio' | 'draft';
  updatedBy: string | null;
  updatedAt: string | null;
  /** This definition's errors in the change set as it stands (empty when valid); answers to a save. */
  errors?: DefinitionError[];
}

/** A definition of the running registry, as the studio lists them. */
export interface DefinitionListEntry {
  kind: string;
  name: string;
  label: string | null;
  /** The pack folder of a file definition (`core`, …), `catalog` for catalogue files, `studio` for studio-created. */
  pack: string;
  origin: 'file' | 'studio';
  /** The file (or file-equivalent studio name) it comes from. */
  file: string;
}

/** A published registry version. */
export interface VersionView {
  number: number;
  author: string;
  createdAt: string;
  comment: string | null;
  changeSet: { id: string; name: string } | null;
  /** The version whose layer this one republished (a rollback), else null. */
  rollbackOf: number | null;
  /** How many definitions its layer holds. */
  definitions: number;
  /** Whether it is the version in force on this instance. */
  current: boolean;
}

/** A change set's check: definition errors, the schema changes publishing would make, and those it would refuse. */
export interface ValidationView {
  valid: boolean;
  errors: DefinitionError[];
  schemaChanges: { kind: string; table: string; field: string | null }[];
  refused: string[];
}

/** One changed place inside a definition. */
export interface PointerChange {
  pointer: string;
  op: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** One definition's difference between two versions. */
export interface DefinitionDiff {
  kind: string;
  name: string;
  status: 'added' | 'removed' | 'changed';
  changes: PointerChange[];
}

export interface DiffView {
  from: number;
  to: number;
  definitions: DefinitionDiff[];
}

/** One definition an import adds, changes or removes. */
export interface ImportItem {
  kind: string;
  name: string;
  /** What changes inside it (for a change), readable as the version diff is. */
  changes?: PointerChange[];
  /** A removal that leaves the definition file's own version in force. */
  toFile?: boolean;
}

/** A definition this database changed since the export's base: importing would overwrite that change. */
export interface ImportConflict {
  kind: string;
  name: string;
  /** The version of this database that last changed it (null: not found in the layer's history). */
  changedIn: { version: number; author: string; at: string } | null;
}

/** What an import would change, and whether it can. */
export interface ImportPlanView {
  /** The export's own version, base and time (null for a bundle without a manifest). */
  source: { version: number; base: number; exportedAt: string } | null;
  added: ImportItem[];
  changed: ImportItem[];
  removed: ImportItem[];
  /** Definitions of the bundle this database already has as they are. */
  unchanged: number;
  conflicts: ImportConflict[];
  /** Definition errors of the registry the import would make (empty when valid). */
  errors: DefinitionError[];
  schemaChanges: { kind: string; table: string; field: string | null }[];
  /** Tables the import takes out, kept hidden with their data. */
  hidden: string[];
  /** Schema changes the import would need and that are refused, with the reason. */
  refused: string[];
}

/** An applied import: its plan, and the version it published (null when there was nothing to change). */
export interface ImportResultView {
  plan: ImportPlanView;
  version: VersionView | null;
}

/** The studio as the API uses it; every method checks nothing about the actor (the routes hold the capability). */
export interface StudioService {
  listDefinitions(filter: { kind?: string; pack?: string; q?: string }): DefinitionListEntry[];
  createChangeSet(actor: Actor, input: { name: string; comment?: string }): Promise<ChangeSetView>;
  listChangeSets(): Promise<ChangeSetView[]>;
  getChangeSet(id: string): Promise<ChangeSetView>;
  getDefinition(cs: string, kind: string, name: string): Promise<ChangeSetItemView>;
  /** `expectedRevision`: the If-Match revision (undefined when none was sent). */
  saveDefinition(
    actor: Actor, cs: string, kind: string, name: string, definition: unknown, expectedRevision?: number,
  ): Promise<ChangeSetItemView>;
  deleteDefinition(actor: Actor, cs: string, kind: string, name: string, expectedRevision?: number): Promise<ChangeSetItemView | null>;
  validate(cs: string): Promise<ValidationView>;
  publish(actor: Actor, cs: string, comment?: string): Promise<VersionView>;
  listVersions(): Promise<VersionView[]>;
  diff(from: number, to: number): Promise<DiffView>;
  rollback(actor: Actor, version: number, comment?: string): Promise<VersionView>;
  /** Stop a draft change set: it stays listed as discarded, its edits unpublished. */
  discardChangeSet(actor: Actor, cs: string, comment?: string): Promise<ChangeSetView>;
  /** The published layer (or its changes since `since`) as an export bundle (platform/studio/export.ts). */
  exportLayer(since?: number): Promise<ExportBundle>;
  planImport(bundle: unknown): Promise<ImportPlanView>;
  applyImport(actor: Actor, bundle: unknown, options: { force?: boolean; comment?: string }): Promise<ImportResultView>;
  /** Previews of a change set's candidate registry (platform/studio/preview.ts): never in force, never writing. */
  readonly preview: PreviewService;
}

/* Where used (platform/studio/uses.ts, GET /api/studio/uses). */

/** One reference to the definition or field asked about. */
export interface DefinitionUse {
  /** The definition that refers to it. */
  kind: string;
  name: string;
  /** Its label (its name in words when it has none). */
  label: string;
  /** Where in that definition (RFC 6901). */
  pointer: string;
  /** The reference in words: "Form 'Contact' shows it in section 'Details'". */
  description: string;
}

/** What `findUses` answers: the thing asked about, in words, and every use of it. */
export interface UsesView {
  kind: string;
  name: string;
  field: string | null;
  /** "Table 'Gadget'", "Field 'Title' of table 'Gadget'". */
  title: string;
  uses: DefinitionUse[];
  /** For a table asked about as a whole: its fields, each to ask about in turn (system fields left out). */
  fields?: { name: string; label: string }[];
}

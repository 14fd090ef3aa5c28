/**
 * The definition kinds Formwork runs: one line per kind. A kind's schema part, type, lint and runtime live in its
 * own folder (see platform/definitions/kinds.ts); a document of a kind not listed here is refused by validation.
 * This list sits at the top of platform/ because it names every kind's home, which platform/definitions may not
 * import.
 */
import { join } from 'node:path';
import { ACCESS_LOG_JOBS } from './access/access-log-retention.js';
import { IDENTITY_EXPIRY_JOBS } from './access/identity/expiry-job.js';
import { ACCOUNT_ACTIONS, INACTIVITY_JOBS } from './access/inactivity/index.js';
import { roleKind } from './access/roles/kind.js';
import { CATALOG_KINDS } from './catalog/kind.js';
import { STAGED_FILE_JOBS } from './catalog/staged-files-job.js';
import { dataKind } from './data/kind.js';
import type { AnyKindModule } from './definitions/kinds.js';
import { ATTACHMENT_JOBS } from './files/purge-job.js';
import {
  buildRegistry as build, loadRegistry as load, RegistryHolder, validateDefinitions as validate, type BuildResult,
} from './definitions/registry.js';
import { assembleSchema, schemaFileText } from './definitions/schema.js';
import type { LoadedDocument } from './definitions/loader.js';
import type { DefinitionError } from './definitions/types.js';
import { formKind } from './forms/kind.js';
import { jobKind } from './jobs/kind.js';
import { registerPlatformJob } from './jobs/platform-jobs.js';
import { RUN_HISTORY_JOBS } from './jobs/run-retention.js';
import { menuKind } from './menus/kind.js';
import { notificationKind } from './notify/kind.js';
import { choiceListKind } from './records/choice-lists/kind.js';
import { PACKAGE_ROOT } from './package-root.js';
import { tableKind } from './records/kind.js';
import { ruleKind } from './rules/kind.js';
import { registerPlatformAction } from './rules/platform-actions.js';
import { workflowKind } from './workflow/kind.js';
import { holidaySetKind, scheduleKind, slaKind } from './workflow/sla/kind.js';

/**
 * The jobs the engine's parts contribute, which `job` definitions name by `platform`: registered with the kinds, so
 * the job kind's lint knows them whenever definitions are validated.
 */
for (const job of INACTIVITY_JOBS) registerPlatformJob(job);
for (const job of [...ATTACHMENT_JOBS, ...STAGED_FILE_JOBS, ...IDENTITY_EXPIRY_JOBS, ...ACCESS_LOG_JOBS, ...RUN_HISTORY_JOBS]) {
  registerPlatformJob(job);
}
/** The platform actions the engine's parts contribute, which transitions name by `action` (see platform/rules/platform-actions.ts). */
for (const action of ACCOUNT_ACTIONS) registerPlatformAction(action);

export const KINDS: readonly AnyKindModule[] = Object.freeze([
  tableKind,
  choiceListKind,
  formKind,
  menuKind,
  roleKind,
  dataKind,
  ruleKind,
  workflowKind,
  slaKind,
  scheduleKind,
  holidaySetKind,
  notificationKind,
  jobKind,
  ...CATALOG_KINDS,
]);

/** Validate and resolve documents with every kind Formwork runs. */
export function buildRegistry(documents: LoadedDocument[], priorErrors: DefinitionError[] = []): BuildResult {
  return build(KINDS, documents, priorErrors);
}

/** Load, validate and build from definition folders. */
export function loadRegistry(roots: string[]): Promise<BuildResult> {
  return load(KINDS, roots);
}

/** Every definition error under the roots (empty when valid). */
export function validateDefinitions(roots: string[]): Promise<DefinitionError[]> {
  return validate(KINDS, roots);
}

/** A registry holder for the running system. */
export function createRegistryHolder(): RegistryHolder {
  return new RegistryHolder(KINDS);
}

/** The whole definition schema of every kind (what the designer shows as help texts). */
export function definitionSchema(): Record<string, unknown> {
  return assembleSchema(KINDS);
}

/** Where the assembled schema is written for editors (`npm run build:schema`): the package root. */
export const SCHEMA_PATH = join(PACKAGE_ROOT, 'definitions.schema.json');

/** The whole definition schema, as written to definitions.schema.json. */
export function definitionSchemaText(): string {
  return schemaFileText(KINDS);
}

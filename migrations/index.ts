import type { Knex } from 'knex';
import * as core from './20261122_001_core.js';
import * as identity from './20261123_002_identity.js';
import * as identityKeys from './20261123_003_identity_keys.js';
import * as events from './20261123_004_events.js';
import * as attachments from './20261123_005_attachments.js';
import * as views from './20261123_006_views.js';
import * as workflow from './20261123_007_workflow.js';
import * as sla from './20261123_008_sla.js';
import * as notify from './20261123_009_notify.js';
import * as partyCodes from './20261207_010_party_codes.js';
import * as catalog from './20261207_011_catalog.js';
import * as userManager from './20261207_012_user_manager.js';
import * as auditActor from './20261207_013_audit_actor.js';
import * as jobs from './20261207_014_jobs.js';
import * as inactivity from './20261207_015_inactivity.js';
import * as inactivityDue from './20261207_016_inactivity_due.js';
import * as accessLogAt from './20261207_017_access_log_at.js';
import * as studio from './20261207_020_studio.js';
import * as outboxCancelKey from './20261207_021_outbox_cancel_key.js';
import * as inactivityFirstWarning from './20261207_023_inactivity_first_warning.js';
import * as ratings from './20261207_024_ratings.js';
import * as contentVersions from './20261207_025_content_versions.js';

/**
 * The platform's knex migrations, in order. A static list (rather than a folder scan) keeps migrations working
 * the same under tsx, a bundler or compiled output.
 */
const MIGRATIONS: Record<string, { up(k: Knex): Promise<void>; down(k: Knex): Promise<void> }> = {
  '20261122_001_core': core,
  '20261123_002_identity': identity,
  '20261123_003_identity_keys': identityKeys,
  '20261123_004_events': events,
  '20261123_005_attachments': attachments,
  '20261123_006_views': views,
  '20261123_007_workflow': workflow,
  '20261123_008_sla': sla,
  '20261123_009_notify': notify,
  '20261207_010_party_codes': partyCodes,
  '20261207_011_catalog': catalog,
  '20261207_012_user_manager': userManager,
  '20261207_013_audit_actor': auditActor,
  '20261207_014_jobs': jobs,
  '20261207_015_inactivity': inactivity,
  '20261207_016_inactivity_due': inactivityDue,
  '20261207_017_access_log_at': accessLogAt,
  '20261207_020_studio': studio,
  '20261207_021_outbox_cancel_key': outboxCancelKey,
  '20261207_023_inactivity_first_warning': inactivityFirstWarning,
  '20261207_024_ratings': ratings,
  '20261207_025_content_versions': contentVersions,
};

export const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() { return Object.keys(MIGRATIONS); },
  getMigrationName(name) { return name; },
  async getMigration(name) { return MIGRATIONS[name]!; },
};

/** The data kind's shapes (schema part: data.schema.json). */
import type { InactivityOverride } from '../access/inactivity/types.js';

/**
 * Demo / seed data shipped in a pack's data/ folder: records of one table (`table` + `records`), and/or the
 * organisations, people and work queues of the platform's identity layer. Seeding applies, in this order,
 * organisations, queues, people (with their queue memberships), then records.
 */
export interface DataFile {
  kind: 'data';
  name: string;
  /** The table `records` go into (with `records`). */
  table?: string;
  /** Demo data: loaded only when demo data is enabled (FORMWORK_DEMO_DATA). People are demo data only. */
  demo?: boolean;
  /** Records to insert once, on first start; `key` fields identify a record already present. */
  key?: string[];
  records?: Record<string, unknown>[];
  /** Create `records` as this declared person (their organisation owns them) instead of the system. */
  as?: string;
  organisations?: DataOrganisation[];
  /**
   * Inactivity settings of every organisation this file declares that has no `inactivity` of its own (the members
   * of PUT /api/orgs/:code/inactivity), applied as for {@link DataOrganisation.inactivity}.
   */
  inactivity?: InactivityOverride;
  people?: DataPerson[];
  queues?: DataQueue[];
}

/** An organisation a data file declares (matched by code: an existing one is left alone). */
export interface DataOrganisation {
  code: string;
  name: string;
  /** Members may receive a one-time sign-in code by email instead of using an authenticator app. */
  mfaEmailFallback?: boolean;
  /** Party codes the organisation holds (matched by code: an existing one is left alone). */
  partyCodes?: DataPartyCode[];
  /**
   * The organisation's own inactivity settings (the members of PUT /api/orgs/:code/inactivity), applied once at
   * seeding when the organisation has none: what an administrator sets later is never overwritten.
   */
  inactivity?: InactivityOverride;
}

/** A party code an organisation holds, which its people may act under. */
export interface DataPartyCode {
  code: string;
  name?: string;
}

/** A demo person (matched by username: an existing user is left alone). */
export interface DataPerson {
  username: string;
  displayName?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  /** Home organisation (code). */
  org: string;
  /** Further organisations (codes). */
  orgs?: string[];
  /** Role definitions held. */
  roles?: string[];
  /** Work queues (declared in data files) the person is a member of. */
  queues?: string[];
  /** Their line manager: the username of a person (declared in a data file, or already a user). */
  manager?: string;
  /** Party codes of their organisations they act under (declared under the organisations' `partyCodes`). */
  partyCodes?: string[];
}

/** A work queue (matched by name: an existing queue is left alone). */
export interface DataQueue {
  name: string;
  label: string;
  description?: string;
  /** Owning organisation (code): only its members (and administrators) see the queue. Omitted: every organisation. */
  org?: string;
  /** Members (usernames of declared people; demo files only). */
  members?: string[];
}

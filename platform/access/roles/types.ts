/** The role kind's shapes (schema part: role.schema.json). */
import type { Condition } from '../../conditions/types.js';

/**
 * The `table` of a grant reaching every declared table, whatever pack declares it (an administrator's grant). Such a
 * grant names no fields and no condition: field lists and conditions belong to one table.
 */
export const EVERY_TABLE = '*';

export type TableOperation = 'create' | 'read' | 'update' | 'delete';

/**
 * Which rows a grant covers before its `condition`: 'org' (default) — shared records (no owning organisation),
 * records of the actor's organisations, and records of a party code the actor may act for (tables with
 * `userIdField`); 'own' — records the actor created; 'all' — every record (e.g. a central service desk).
 */
export type GrantScope = 'org' | 'own' | 'all';

export interface TableGrant {
  /** A table (the grant also covers the tables extending it), or {@link EVERY_TABLE}: every table of every pack. */
  table: string;
  operations: TableOperation[];
  /** Row scope (default 'org'); `condition` is ANDed with it. */
  scope?: GrantScope;
  condition?: Condition;
  /**
   * Fields readable (default all) and writable (default all readable) under this grant. As written, an entry may be
   * `@<set>`, a field set of the table (`fieldSets`); the registry's roles hold field names only.
   */
  readFields?: string[];
  writeFields?: string[];
  deniedFields?: string[];
}

/** A part of the home page (see the role schema's `home`). */
export type HomePart = 'assigned' | 'approvals' | 'slas' | 'queues' | 'recent' | 'bookmarks';

/** Every part, in the order a person whose roles declare none sees them. */
export const HOME_PARTS: readonly HomePart[] = ['assigned', 'approvals', 'slas', 'queues', 'recent', 'bookmarks'];

export interface RoleDef {
  kind: 'role';
  name: string;
  label?: string;
  description?: string;
  /** Roles whose grants this role also has. */
  includes?: string[];
  capabilities?: string[];
  tables?: TableGrant[];
  /** The home page's parts for people holding the role, in order. */
  home?: HomePart[];
}

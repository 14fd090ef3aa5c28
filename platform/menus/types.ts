/** The menu kind's shapes (schema part: menu.schema.json). */
import type { Condition } from '../conditions/types.js';

export interface MenuItem {
  label: string;
  /** A table list, a form, or a plain path. */
  table?: string;
  form?: string;
  path?: string;
  filter?: Condition;
  /** A shared list view: the columns shown and the sort (`-field` descending). */
  columns?: string[];
  sort?: string;
  capability?: string;
  items?: MenuItem[];
}

export interface MenuDef {
  kind: 'menu';
  name: string;
  label: string;
  order?: number;
  items: MenuItem[];
}

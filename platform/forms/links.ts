/** The links of a form as one person may use them (the form's `links`: a new record elsewhere prefilled from this one). */
import { accessFor, expandRoles } from '../access/policy.js';
import type { Registry } from '../definitions/types.js';
import type { Actor } from '../records/types.js';
import type { FormDef, FormLink } from './types.js';

/** The table a link's target creates records in, or null for a catalogue item. */
export function linkTable(registry: Registry, link: FormLink): string | null {
  if ('form' in link.to) return registry.forms.get(link.to.form)?.table ?? null;
  if ('table' in link.to) return link.to.table;
  return null;
}

/**
 * The links an actor may use: they hold one of the link's roles (when it names any) and may create records of the
 * target table; each keeps only the values they may both read here (`readable`) and set on the target's create.
 * Catalogue item targets are kept when the item is active; whether the person may order it is the catalogue's
 * question (orderableLinks, platform/catalog/form-links.ts). The record's `condition` is the page's to evaluate.
 */
export function linksFor(registry: Registry, form: FormDef, actor: Actor, readable: ReadonlySet<string>): FormLink[] {
  const held = new Set(expandRoles(registry, actor.roles).map((r) => r.name));
  const out: FormLink[] = [];
  for (const link of form.links ?? []) {
    if (link.roles?.length && !link.roles.some((r) => held.has(r))) continue;
    let settable: (key: string) => boolean = () => true;
    const table = linkTable(registry, link);
    if (table !== null) {
      const create = accessFor(registry, actor, table, 'create');
      if (!create.allowed || registry.getTable(table).def.abstract) continue;
      settable = (key) => create.writable.has(key);
    } else if (!('catalogItem' in link.to) || registry.catalogItems.get(link.to.catalogItem)?.active === false) continue;
    const set = Object.fromEntries(Object.entries(link.set).filter(([key, source]) =>
      settable(key) && (source === 'record' || readable.has(source.slice('record.'.length)))));
    out.push({ ...link, set });
  }
  return out;
}

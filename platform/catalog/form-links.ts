/** Form links to catalogue items (platform/forms/links.ts), kept only for people who may order the item. */
import type { Formwork } from '../context.js';
import type { FormLink } from '../forms/types.js';
import type { Actor } from '../records/types.js';
import { audienceOf } from './order-service.js';
import { mayOrder, visibleCategories } from './visibility.js';

/**
 * The links whose catalogue item the actor may order (as the item's page decides); links to forms and tables pass
 * unchanged. The audience is built only when a link names an item.
 */
export async function orderableLinks(fw: Formwork, actor: Actor, links: FormLink[]): Promise<FormLink[]> {
  if (!links.some((l) => 'catalogItem' in l.to)) return links;
  const audience = await audienceOf(fw, actor);
  const categories = await visibleCategories(audience);
  const out: FormLink[] = [];
  for (const link of links) {
    const item = 'catalogItem' in link.to ? audience.registry.catalogItems.get(link.to.catalogItem) : undefined;
    if ('catalogItem' in link.to && !(item && await mayOrder(audience, item, categories))) continue;
    out.push(link);
  }
  return out;
}

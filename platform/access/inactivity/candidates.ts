/**
 * Whom the caller may ask to revoke, found by name: the people search of the revocation requests page. Someone who
 * may only ask for revocations (REVOCATION_REQUEST) cannot open the administration pages, so without this they
 * could not name a person at all. Holders of that capability and platform administrators search every active
 * account; an organisation administrator searches their own organisation's.
 */
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import type { Actor } from '../../records/types.js';
import { isPlatformAdmin, personName } from '../identity/index.js';
import { hasCapability } from '../policy.js';
import { ORG_ADMIN } from '../sharing.js';
import { REVOCATION_REQUEST } from './manual.js';

/** A person whose account may be revoked (or its revocation asked for), by name. */
export interface RevocationCandidate {
  id: string;
  /** Their name (the username when they have none). */
  name: string;
  username: string;
  organisation: string | null;
}

const MAX_RESULTS = 10;

/**
 * Active accounts other than the caller's whose username or names contain `q` (2–100 characters), by name, at most
 * ten. Errors: forbidden (neither an administrator nor a requester), invalid_query (q).
 */
export async function revocationCandidates(fw: Formwork, actor: Actor, q: string | undefined): Promise<RevocationCandidate[]> {
  const platform = isPlatformAdmin(fw, actor);
  const requester = hasCapability(fw.registry.current, actor, REVOCATION_REQUEST);
  const orgAdmin = !!actor.orgId && hasCapability(fw.registry.current, actor, ORG_ADMIN);
  if (!platform && !requester && !orgAdmin) {
    fail('forbidden', 'Only organisation administrators and those who may ask for revocations may search for people to revoke.');
  }
  const text = (q ?? '').trim();
  if (text.length < 2 || text.length > 100) fail('invalid_query', 'Type 2 to 100 characters of the person\'s name or username.');
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const query = fw.db.knex('sys_user as u').leftJoin('sys_org as o', 'o.id', 'u.org_id')
    .where('u.status', 'active').whereNot('u.id', actor.id ?? '')
    .where((w) => {
      w.whereRaw("u.username_key like ? escape '\\'", [pattern]);
      for (const col of ['display_name', 'first_name', 'last_name']) w.orWhereRaw(`lower(u.${col}) like ? escape '\\'`, [pattern]);
    });
  if (!platform && !requester) query.where('u.org_id', actor.orgId!);
  const rows = await query.orderByRaw('lower(coalesce(u.display_name, u.username_key))').orderBy('u.id').limit(MAX_RESULTS)
    .select('u.id', 'u.username', 'u.display_name', 'o.name as org_name');
  return rows.map((r: { id: string; username: string; display_name: string | null; org_name: string | null }) => ({
    id: r.id, name: personName(r), username: r.username, organisation: r.org_name ?? null,
  }));
}

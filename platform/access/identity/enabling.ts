/**
 * Who may enable a disabled account again. When some role declares the capability {@link ACCOUNT_ENABLE}, only
 * people holding it may, and only for their own home organisation; while no role
 * declares it, every administrator of the person's organisation may, as before. Platform administrators always may.
 * Enabling through the account edit (account-changes.ts) and POST /users/:id/enable (inactivity/manual.ts) both ask here.
 */
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import type { Actor } from '../../records/types.js';
import { capabilitiesOf, hasCapability } from '../policy.js';
import { isPlatformAdmin, manages } from './admin-scope.js';

/** The capability of enabling disabled accounts of one's own organisation. */
export const ACCOUNT_ENABLE = 'platform.account_enable';

/** Whether the actor may enable accounts of organisation `orgId`. */
export function mayEnable(fw: Formwork, actor: Actor, orgId: string | null): boolean {
  if (isPlatformAdmin(fw, actor)) return true;
  const registry = fw.registry.current;
  if (!capabilitiesOf(registry, [...registry.roles.keys()]).includes(ACCOUNT_ENABLE)) return manages(fw, actor, orgId);
  return !!orgId && orgId === actor.orgId && hasCapability(registry, actor, ACCOUNT_ENABLE);
}

/** Throws `forbidden` unless the actor may enable accounts of organisation `orgId`. */
export function assertMayEnable(fw: Formwork, actor: Actor, orgId: string | null): void {
  if (!mayEnable(fw, actor, orgId)) {
    fail('forbidden', 'Only someone entitled to enable the accounts of the person\'s organisation (or a platform administrator) may enable it.');
  }
}

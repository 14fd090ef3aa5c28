/**
 * The platform actions on accounts that workflows may name (platform/rules/platform-actions.ts). `account.revoke`
 * is what an approved revocation request does (the core pack's `revocation_request` workflow): the same revocation
 * as an organisation administrator's own (disabled, sessions ended, API tokens revoked, roles per the organisation's
 * settings, an audit entry on the account, notices), in the transaction of the approval's decision.
 *
 * It acts as the person whose decision made the transition and checks that they administer the person's
 * organisation, exactly as revoking at once does: naming the action in a definition grants nothing.
 */
import { fail } from '../../errors.js';
import type { PlatformAction } from '../../rules/platform-actions.js';
import { manages } from '../identity/index.js';
import { assertManageable } from '../identity/managed-account.js';
import { noticePerson } from './notices.js';
import { fetchAccountByUsername, nameOf, revokeNow } from './revoke-by-hand.js';

const accountRevoke: PlatformAction = {
  name: 'account.revoke',
  label: 'Revoke access',
  description: 'Disables the person\'s account, ends their sessions and revokes their API tokens at once (and removes their roles when '
    + 'their organisation\'s settings say so), with an audit entry on the account and notices to them and their organisation\'s '
    + 'administrators. Only an administrator of the person\'s organisation (or a platform administrator) may make the transition '
    + 'that runs it.',
  parameters: {
    person: { type: 'string', names: 'user', label: 'Person', required: true, maxLength: 100, help: 'The person whose access is revoked (a username).' },
    reason: { type: 'text', label: 'Reason', required: true, maxLength: 1000, help: 'Why, in words: written to the account\'s audit trail and the notices.' },
    requested_by: {
      type: 'string', names: 'user', label: 'Requested by', maxLength: 100,
      help: 'Who asked for it (a username), named in the audit entry and told of the revocation.',
    },
  },
  async run(ctx, params, trx) {
    const { fw, person } = ctx;
    const username = String(params.person);
    const account = await fetchAccountByUsername(trx, username);
    if (!account || account.status === 'deleted') fail('not_found', `There is no account "${username}" to revoke.`);
    if (!manages(fw, person, account.org_id)) {
      fail('forbidden', `${ctx.who} revokes access, which only an administrator of the person's organisation may do.`);
    }
    if (account.id === person.id) fail('conflict', 'You cannot revoke your own account.');
    await assertManageable(fw, person, account.id, trx);
    const requester = params.requested_by ? await fetchAccountByUsername(trx, String(params.requested_by)) : null;
    const reason = requester
      ? `Revoked on the request of ${requester.username}, approved by ${nameOf(person)}: ${String(params.reason)}`
      : `Revoked by ${nameOf(person)}: ${String(params.reason)}`;
    await revokeNow(fw, trx, person, account, reason, requester ? [noticePerson(requester)] : []);
  },
};

/** The account actions, registered with the kinds (platform/kinds.ts) so lint knows them. */
export const ACCOUNT_ACTIONS: readonly PlatformAction[] = [accountRevoke];

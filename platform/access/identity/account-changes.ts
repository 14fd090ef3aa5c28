/**
 * Changing accounts as an administrator: create (the person gets a set-password link), edit, lift a lockout,
 * reset the password and delete. Each change runs in one transaction with its audit entry; the account must be
 * one the administrator manages (managed-account.ts) and every role given or taken one they may assign.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import type { Changes } from '../../records/audit.js';
import type { Actor } from '../../records/types.js';
import type { AdminUserInput } from './account-input.js';
import { getUser, type AdminUser } from './account-view.js';
import { activityColumns } from './activity.js';
import { adminScope, findOrg, manages, type OrgRef } from './admin-scope.js';
import { assertMayEnable } from './enabling.js';
import { assertManageable, auditAccount, extraOrgsOf, managedRow } from './managed-account.js';
import { managerOf, resolveManager } from './managers.js';
import { reassignPartyCodes } from './party-codes.js';
import { issueLink, linkBase, mailLink, passwordLinkUrl, type LinkOptions } from './password-links.js';
import { assertAssignable } from './role-assignment.js';
import { revokeUserSessions } from './sessions.js';
import { revokeUserApiTokens } from './tokens.js';
import { createUser } from './users.js';

/** Resolve organisation refs (ids or codes) the actor administers. Errors: validation_failed (unknown), forbidden. */
async function resolveOrgs(fw: Formwork, actor: Actor, refs: readonly string[], trx?: Knex.Transaction): Promise<OrgRef[]> {
  const out: OrgRef[] = [];
  const unknown: string[] = [];
  for (const ref of refs) {
    const org = await findOrg(trx ?? fw.db.knex, ref);
    if (!org) unknown.push(ref);
    else out.push(org);
  }
  if (unknown.length) {
    fail('validation_failed', `Organisations ${unknown.map((o) => `"${o}"`).join(', ')} do not exist.`, {
      fieldErrors: unknown.map((o) => ({ field: 'orgs', code: 'unknown_org', message: `Organisation "${o}" does not exist.` })),
    });
  }
  const foreign = out.filter((o) => !manages(fw, actor, o.id));
  if (foreign.length) {
    fail('forbidden', `You do not administer ${foreign.map((o) => o.code).join(', ')}.`, {
      fieldErrors: foreign.map((o) => ({ field: 'orgs', code: 'not_administered', message: `You do not administer ${o.code}.` })),
    });
  }
  return out;
}

/**
 * Create an account in the administrator's organisation with no password and
 * must_change_password (and the line manager `input.manager` names, checked as in managers.ts), and mail the person a
 * one-time link to choose their password. Errors: forbidden,
 * invalid_payload, validation_failed, unique_violation (username), mail_unavailable (account created, link not
 * mailed; extra.userId).
 */
export async function createAccount(
  fw: Formwork, actor: Actor, input: AdminUserInput, options: LinkOptions = { baseUrl: linkBase(fw) },
): Promise<AdminUser> {
  const home = await adminScope(fw, actor, input.org, { requireOne: true });
  const username = input.username!;
  const roles = input.roles ?? [];
  assertAssignable(fw, actor, roles);
  const extra = (await resolveOrgs(fw, actor, input.orgs ?? [])).filter((o) => o.id !== home!.id);
  const manager = input.manager ? await resolveManager(fw, fw.db.knex, null, input.manager, { actor }) : null;
  const created = await createUser(fw, {
    username, firstName: input.firstName, lastName: input.lastName, email: input.email, phone: input.phone ?? undefined,
    orgId: home!.id, roles, orgs: extra.map((o) => o.id), userIds: input.userIds, mustChangePassword: true, profileConfirmed: false,
    managerId: manager?.id ?? null,
  });
  const now = fw.clock.now();
  const link = await fw.db.knex.transaction(async (trx) => {
    await auditAccount(trx, actor, created.id, 'insert', {
      username: [null, created.username], first_name: [null, created.first_name], last_name: [null, created.last_name],
      email: [null, created.email], phone: [null, created.phone], org_id: [null, home!.id], status: [null, created.status],
      roles: [null, [...roles].sort()], orgs: [null, extra.map((o) => o.id)], party_codes: [null, [...(input.userIds ?? [])].sort()],
      ...(manager ? { manager: [null, manager.username] } : {}),
    }, now.toISOString());
    const issued = await issueLink(fw, actor, created.id, trx, now);
    await auditAccount(trx, actor, created.id, 'update', { password_link: [null, `mailed, valid until ${issued.expiresAt}`] }, now.toISOString());
    return issued;
  });
  await mailLink(fw, created.email!, created.username, passwordLinkUrl(options.baseUrl, link.token), 'welcome', created.id);
  return getUser(fw, actor, created.id);
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

/**
 * Edit an account: names, email, phone, roles, extra organisations, party codes, line manager (null clears it;
 * see managers.ts for who may be one), and status
 * active / disabled (disabling ends the person's sessions and revokes their API tokens — enabling the account again
 * revives neither). Username and home organisation are not editable.
 * Errors: forbidden, not_found, invalid_payload, validation_failed, conflict (deleted account; disabling oneself).
 */
export async function updateAccount(fw: Formwork, actor: Actor, id: string, input: AdminUserInput): Promise<AdminUser> {
  const now = fw.clock.now().toISOString();
  await fw.db.knex.transaction(async (trx) => {
    const row = await managedRow(fw, actor, id, trx);
    if (row.status === 'deleted') fail('conflict', 'This account is deleted and cannot be changed.');
    const oldRoles = await assertManageable(fw, actor, row.id, trx);
    const changes: Changes = {};
    const patch: Record<string, unknown> = {};
    const setText = (key: 'firstName' | 'lastName' | 'email' | 'phone', column: string) => {
      const v = input[key];
      if (v === undefined || v === row[column]) return;
      patch[column] = v;
      changes[column] = [row[column] ?? null, v];
    };
    setText('firstName', 'first_name');
    setText('lastName', 'last_name');
    setText('email', 'email');
    setText('phone', 'phone');
    if (patch.first_name !== undefined || patch.last_name !== undefined) {
      const display = [patch.first_name ?? row.first_name, patch.last_name ?? row.last_name].filter(Boolean).join(' ') || null;
      if (display !== row.display_name) { patch.display_name = display; changes.display_name = [row.display_name ?? null, display]; }
    }
    if (input.status !== undefined && input.status !== row.status) {
      if (input.status === 'disabled' && row.id === actor.id) fail('conflict', 'You cannot disable your own account.');
      if (input.status === 'active' && row.status === 'disabled') {
        assertMayEnable(fw, actor, row.org_id);
        // A fresh spell: without it the next inactivity run would disable the account again at once.
        Object.assign(patch, activityColumns(fw, now));
      }
      patch.status = input.status;
      changes.status = [row.status, input.status];
    }

    if (input.roles !== undefined && !same(input.roles, oldRoles)) {
      const added = input.roles.filter((r) => !oldRoles.includes(r));
      const removed = oldRoles.filter((r) => !input.roles!.includes(r));
      assertAssignable(fw, actor, added);
      // Removing a role is as much an assignment as adding it (stale roles no longer defined may always go).
      assertAssignable(fw, actor, removed.filter((r) => fw.registry.current.roles.has(r)));
      await trx('sys_user_role').where({ user_id: row.id }).delete();
      if (input.roles.length) await trx('sys_user_role').insert(input.roles.map((role) => ({ user_id: row.id, role })));
      changes.roles = [oldRoles, [...input.roles].sort()];
    }

    const oldOrgs = (await extraOrgsOf(trx, row.id)).map((o) => o.id);
    let orgIds = oldOrgs;
    if (input.orgs !== undefined) {
      const wanted = (await resolveOrgs(fw, actor, input.orgs, trx)).map((o) => o.id).filter((o) => o !== row.org_id);
      if (!same(wanted, oldOrgs)) {
        const removed = oldOrgs.filter((o) => !wanted.includes(o));
        const foreign = removed.filter((o) => !manages(fw, actor, o));
        if (foreign.length) fail('forbidden', 'You may not remove the person from an organisation you do not administer.', { fieldErrors: [{ field: 'orgs', code: 'not_administered', message: 'You do not administer that organisation.' }] });
        await trx('sys_user_org').where({ user_id: row.id }).delete();
        if (wanted.length) await trx('sys_user_org').insert(wanted.map((org_id) => ({ user_id: row.id, org_id })));
        changes.orgs = [oldOrgs, wanted];
        orgIds = wanted;
      }
    }

    const codes = await reassignPartyCodes(fw, actor, trx, row.id, [row.org_id, ...orgIds], input.userIds);
    if (codes) changes.party_codes = codes;

    if (input.manager !== undefined) {
      const before = await managerOf(trx, row.id);
      const ref = input.manager?.toLowerCase() ?? null;
      // Sending the manager the person has is no change: it is not checked again (a platform administrator may have
      // picked someone of another organisation, and the form sends the manager back with every edit).
      const same = ref === null ? before === null : !!before && (before.id === ref || before.username.toLowerCase() === ref);
      if (!same) {
        const next = input.manager === null ? null : await resolveManager(fw, trx, row.id, input.manager, { actor });
        patch.manager_id = next?.id ?? null;
        // The audit trail names people by username, as the history shows them.
        changes.manager = [before?.username ?? null, next?.username ?? null];
      }
    }

    if (!Object.keys(changes).length) return;
    patch.updated_at = now;
    await trx('sys_user').where({ id: row.id }).update(patch);
    if (patch.status === 'disabled') {
      const n = await revokeUserSessions(fw, row.id, 'revoked', { trx });
      if (n) changes.sessions_revoked = [null, n];
      // For good: enabling the account again revives none of them.
      const tokens = await revokeUserApiTokens(trx, row.id, now);
      if (tokens) changes.api_tokens_revoked = [null, tokens];
    }
    await auditAccount(trx, actor, row.id, 'update', changes, now);
  });
  return getUser(fw, actor, id);
}

/**
 * An administrator lifts the lockout of an account they manage (the API's unlock), audited; the CLI's operator
 * unlock is {@link unlockUserByOperator}. Errors: forbidden, not_found, conflict (deleted).
 */
export async function unlockManagedAccount(fw: Formwork, actor: Actor, id: string): Promise<AdminUser> {
  const now = fw.clock.now().toISOString();
  await fw.db.knex.transaction(async (trx) => {
    const row = await managedRow(fw, actor, id, trx);
    if (row.status === 'deleted') fail('conflict', 'This account is deleted and cannot be unlocked.');
    await assertManageable(fw, actor, row.id, trx);
    const status = row.status === 'locked' ? 'active' : row.status;
    await trx('sys_user').where({ id: row.id }).update({ locked_at: null, failed_attempts: 0, status, updated_at: now });
    await auditAccount(trx, actor, row.id, 'update', {
      locked_at: [row.locked_at ?? null, null], failed_attempts: [Number(row.failed_attempts ?? 0), 0],
      ...(status !== row.status ? { status: [row.status, status] } : {}),
    }, now);
  });
  return getUser(fw, actor, id);
}

/**
 * An administrator's password reset: the current password stops working, the person's sessions end, and a new
 * one-time link is mailed (the administrator never sees a password or the link). Errors: forbidden, not_found,
 * conflict (deleted), validation_failed (no email address), mail_unavailable.
 */
export async function resetAccountPassword(
  fw: Formwork, actor: Actor, id: string, options: LinkOptions = { baseUrl: linkBase(fw) },
): Promise<{ sentTo: string; expiresAt: string; sessionsEnded: number }> {
  const now = fw.clock.now();
  const done = await fw.db.knex.transaction(async (trx) => {
    const row = await managedRow(fw, actor, id, trx);
    if (row.status === 'deleted') fail('conflict', 'This account is deleted.');
    await assertManageable(fw, actor, row.id, trx);
    const email = row.email;
    if (!email) {
      fail('validation_failed', 'The account has no email address to send the link to; add one first.', {
        fieldErrors: [{ field: 'email', code: 'required', message: 'Add an email address first.' }],
      });
    }
    await trx('sys_user').where({ id: row.id }).update({ password_hash: null, must_change_password: true, updated_at: now.toISOString() });
    const ended = await revokeUserSessions(fw, row.id, 'password_reset', { trx });
    const link = await issueLink(fw, actor, row.id, trx, now);
    await auditAccount(trx, actor, row.id, 'update', {
      password: ['(set)', '(cleared by an administrator)'], password_link: [null, `mailed, valid until ${link.expiresAt}`],
      ...(ended ? { sessions_revoked: [null, ended] } : {}),
    }, now.toISOString());
    return { row, email, link, ended };
  });
  await mailLink(fw, done.email, done.row.username, passwordLinkUrl(options.baseUrl, done.link.token), 'reset', done.row.id);
  return { sentTo: done.email, expiresAt: done.link.expiresAt, sessionsEnded: done.ended };
}

/**
 * Delete an account: soft — status 'deleted' and deleted_at, the username stays taken — ending its
 * sessions, revoking its API tokens, open links and access grants. Errors: forbidden, not_found, conflict
 * (already deleted; one's own account).
 */
export async function deleteAccount(fw: Formwork, actor: Actor, id: string): Promise<void> {
  const now = fw.clock.now().toISOString();
  await fw.db.knex.transaction(async (trx) => {
    const row = await managedRow(fw, actor, id, trx);
    if (row.status === 'deleted') fail('conflict', 'This account is already deleted.');
    if (row.id === actor.id) fail('conflict', 'You cannot delete your own account.');
    await assertManageable(fw, actor, row.id, trx);
    await trx('sys_user').where({ id: row.id }).update({ status: 'deleted', deleted_at: now, updated_at: now });
    const sessions = await revokeUserSessions(fw, row.id, 'revoked', { trx });
    const tokens = await revokeUserApiTokens(trx, row.id, now);
    await trx('sys_password_reset').where({ user_id: row.id }).whereNull('used_at').where('expires_at', '>', now).update({ expires_at: now });
    const grants = await trx('sys_access_grant').where({ user_id: row.id }).whereNull('revoked_at').update({ revoked_at: now, revoked_by: actor.id ?? 'system' });
    await auditAccount(trx, actor, row.id, 'delete', {
      status: [row.status, 'deleted'], deleted_at: [null, now],
      ...(sessions ? { sessions_revoked: [null, sessions] } : {}),
      ...(tokens ? { api_tokens_revoked: [null, tokens] } : {}),
      ...(grants ? { access_grants_revoked: [null, grants] } : {}),
    }, now);
  });
}

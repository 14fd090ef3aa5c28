/**
 * Telling people about their account: a notice (a handlebars subject and body, see settings.ts) rendered for the
 * person and for their organisation's administrators, written as in-app notifications (sys_notification) and mail
 * (sys_outbox) in the caller's transaction — the notification model's own tables, so the notification centre shows
 * them and the mail sender (platform/notify/sender.ts) delivers them after commit, never for a rolled-back change.
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../../context.js';
import type { Registry } from '../../definitions/types.js';
import { insertRows } from '../../db/insert.js';
import { compileNotificationTemplate } from '../../notify/index.js';
import type { NotificationTemplate } from '../../notify/templates.js';
import { capabilitiesOf } from '../policy.js';
import { ORG_ADMIN } from '../sharing.js';
import type { NoticeTemplate } from './settings.js';
import { personName } from '../identity/index.js';

/** A person as notices name them. */
export interface NoticePerson { id: string; username: string; displayName: string; email: string | null; orgId: string | null }

/** A compiled notice. */
export interface CompiledNotice { subject: NotificationTemplate; body: NotificationTemplate }

/** Compile a notice's templates (checked when the settings were saved or the job's parameters read). */
export function compileNotice(t: NoticeTemplate): CompiledNotice {
  return { subject: compileNotificationTemplate(t.subject, 'text'), body: compileNotificationTemplate(t.body, 'text') };
}

const PERSON_COLUMNS = ['u.id', 'u.username', 'u.display_name', 'u.email', 'u.org_id'];

/** A sys_user row (id, username, display_name, email, org_id) as a notice names it. */
export function noticePerson(
  r: { id: string; username: string; display_name?: string | null; email?: string | null; org_id?: string | null },
): NoticePerson {
  return { id: r.id, username: r.username, displayName: personName(r), email: r.email ?? null, orgId: r.org_id ?? null };
}

/** Roles granting the organisation administrator's capability (per registry snapshot). */
export function orgAdminRoles(registry: Registry): string[] {
  return registry.memo('inactivity.orgAdminRoles', (r) => [...r.roles.keys()].filter((name) => capabilitiesOf(r, [name]).includes(ORG_ADMIN)));
}

/**
 * The administrators of organisation `orgId`: people of that home organisation, active or locked (a lockout does
 * not stop mail), holding a role that grants platform.org_admin. Cached in `cache` for the rest of a run.
 */
export async function orgAdministrators(
  fw: Formwork, knex: Knex | Knex.Transaction, orgId: string | null, cache?: Map<string, NoticePerson[]>,
): Promise<NoticePerson[]> {
  if (!orgId) return [];
  const hit = cache?.get(orgId);
  if (hit) return hit;
  const roles = orgAdminRoles(fw.registry.current);
  const rows = roles.length
    ? await knex('sys_user as u').join('sys_user_role as r', 'r.user_id', 'u.id').whereIn('r.role', roles).where('u.org_id', orgId)
        .whereIn('u.status', ['active', 'locked']).distinct(PERSON_COLUMNS).orderBy('u.username')
    : [];
  const people = rows.map(noticePerson);
  cache?.set(orgId, people);
  return people;
}

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

/** A date as people read it ("7 December 2026"). */
export const dateInWords = (d: Date | string) => DATE.format(typeof d === 'string' ? new Date(d) : d);

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 300);

/**
 * Write the notice about `person` to the person (unless `toPerson` is false) and to `administrators` (the person
 * left out), in-app and, for those with an address, by mail. `values` are the template's values besides
 * `person`, `recipient`, `forAdministrator` and `now`. `cancelKey`: the outbox cancel key of every mail of the notice
 * (platform/notify/outbox.ts), for a notice that a later event makes moot before it leaves. Returns how many people
 * it went to.
 */
export async function writeNotice(
  trx: Knex.Transaction, options: {
    name: string; notice: CompiledNotice; person: NoticePerson; administrators: readonly NoticePerson[]; values: Record<string, unknown>;
    at: string; toPerson?: boolean; sourceId?: string | null; adminUrl?: string | null; cancelKey?: string | null;
  },
): Promise<number> {
  const { person, at } = options;
  const targets: { who: NoticePerson; forAdministrator: boolean }[] = [];
  if (options.toPerson !== false) targets.push({ who: person, forAdministrator: false });
  for (const a of options.administrators) if (a.id !== person.id) targets.push({ who: a, forAdministrator: true });
  const notifications: Record<string, unknown>[] = [];
  const mails: Record<string, unknown>[] = [];
  for (const { who, forAdministrator } of targets) {
    const context = {
      ...options.values, person, forAdministrator, now: at,
      recipient: { id: who.id, username: who.username, displayName: who.displayName },
    };
    const title = oneLine(options.notice.subject(context)) || options.name;
    const body = options.notice.body(context);
    const url = forAdministrator ? options.adminUrl ?? null : null;
    notifications.push({
      id: uuidv7(), user_id: who.id, notification: options.name, source_id: options.sourceId ?? null, title, body,
      table_name: null, record_id: null, url, created_at: at, read_at: null,
    });
    if (who.email) {
      mails.push({
        id: uuidv7(), notification: options.name, source_id: options.sourceId ?? null, user_id: who.id, to_address: who.email,
        subject: title, text: body, html: null, status: 'pending', attempts: 0, next_attempt_at: at,
        claim_token: null, claimed_until: null, last_error: null, created_at: at, sent_at: null, cancel_key: options.cancelKey ?? null,
      });
    }
  }
  await insertRows(trx, 'sys_notification', notifications, 50);
  await insertRows(trx, 'sys_outbox', mails, 50);
  return targets.length;
}

/**
 * Finding the accounts an inactivity job acts on, set-based: one query per page of up to {@link PAGE_SIZE} accounts
 * (never one per person), read in the order of an index — (status, last_active_at) for revocation, (status,
 * inactivity_warn_at) for warnings (due.ts) — with a keyset cursor, so a page costs the same at the millionth
 * account as at the first.
 *
 * People are grouped by the settings in force: each organisation with its own settings is a group, and everyone
 * else (people of other organisations and of none) is the default group. Platform administrators are never
 * selected: revoking the last of them would leave nobody to re-enable anyone.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { capabilitiesOf } from '../policy.js';
import { PLATFORM_ADMIN } from '../sharing.js';
import { applyOverride, fetchOverrides, type InactivitySettings } from './settings.js';

/** Accounts read per page. */
export const PAGE_SIZE = 500;
/** The statuses of accounts still in use: a lockout is temporary, so a locked account counts as in use. */
export const IN_USE: readonly string[] = ['active', 'locked'];
export const DAY_MS = 86_400_000;

/** People who share settings: one organisation (`orgId`), or the default group (everyone but `excluded`). */
export interface SettingsGroup {
  orgId: string | null;
  /** The default group: organisations with their own settings, left out. */
  excluded: string[];
  settings: InactivitySettings;
}

/** An account as a page lists it. */
export interface DueAccount {
  id: string; username: string; display_name: string | null; email: string | null; org_id: string | null;
  status: string; last_active_at: string;
  /** The warning already sent in this spell (null: none) and when the next is due (due.ts). */
  inactivity_warned_days: number | null; inactivity_warn_at: string | null;
}

/** The column a selection is bounded and ordered by. */
export type DueColumn = 'last_active_at' | 'inactivity_warn_at';

/** The groups, the default first. */
export async function settingsGroups(fw: Formwork, global: InactivitySettings): Promise<SettingsGroup[]> {
  const overrides = await fetchOverrides(fw.db.knex);
  const excluded = [...overrides.keys()];
  return [
    { orgId: null, excluded, settings: global },
    ...[...overrides].map(([orgId, o]) => ({ orgId, excluded: [], settings: applyOverride(global, o) })),
  ];
}

/**
 * Everyone whose activity was never recorded (accounts created by means that skip identity/users.ts) gets a
 * clock: their last sign-in, else their creation. One statement per run.
 */
export async function startMissingClocks(knex: Knex): Promise<number> {
  // By status first, so the (status, last_active_at) index finds them without reading every account.
  return knex('sys_user').whereIn('status', IN_USE).whereNull('last_active_at')
    .update({ last_active_at: knex.raw('coalesce(last_sign_in_at, created_at)') });
}

/** Roles granting platform.admin (never selected). */
function exemptRoles(fw: Formwork): string[] {
  return fw.registry.current.memo('inactivity.exemptRoles', (r) => [...r.roles.keys()].filter((n) => capabilitiesOf(r, [n]).includes(PLATFORM_ADMIN)));
}

/** What a selection asks for. */
export interface DueQuery {
  group: SettingsGroup;
  /** One status, or several (read in one pass of the index). */
  status: string | readonly string[];
  /** The column bounded by upTo and after, and read in order (default last_active_at). */
  by?: DueColumn;
  /** That column at or before this (ISO). */
  upTo: string;
  /** and after this (ISO), when given. */
  after?: string | null;
  /** Further conditions on `u`. */
  where?: (q: Knex.QueryBuilder) => void;
}

/** The base query of a selection (without order or page). */
export function dueAccounts(fw: Formwork, knex: Knex | Knex.Transaction, d: DueQuery): Knex.QueryBuilder {
  const by = `u.${d.by ?? 'last_active_at'}`;
  const q = knex('sys_user as u').where(by, '<=', d.upTo);
  if (typeof d.status === 'string') q.where('u.status', d.status);
  // Several statuses go with the warning time's index (due.ts), which has no status: as an expression, so that no
  // planner prefers the (status, last_active_at) index and reads every account in use.
  else q.whereRaw(`(u.status || '') in (${d.status.map(() => '?').join(', ')})`, [...d.status]);
  if (d.after) q.where(by, '>', d.after);
  if (d.group.orgId) q.where('u.org_id', d.group.orgId);
  else if (d.group.excluded.length) q.where((w) => w.whereNull('u.org_id').orWhereNotIn('u.org_id', d.group.excluded));
  // The caller's conditions before the exemption: the correlated look-up then runs only for rows they keep.
  d.where?.(q);
  const exempt = exemptRoles(fw);
  if (exempt.length) {
    q.whereNotExists((s) => s.select(knex.raw('1')).from('sys_user_role as r').whereRaw('r.user_id = u.id').whereIn('r.role', exempt));
  }
  return q;
}

/** How many accounts a selection holds now (for the progress bar's total). */
export async function countDue(fw: Formwork, d: DueQuery): Promise<number> {
  const row = await dueAccounts(fw, fw.db.knex, d).count({ n: '*' }).first();
  return Number((row as { n: unknown } | undefined)?.n ?? 0);
}

/**
 * The selection's accounts page by page, oldest activity first. The cursor moves past every account handed out,
 * so one that could not be acted on is not handed out again in this run. Stops early when `signal` is aborted
 * (checked between pages).
 */
export async function* pagesOfDue(fw: Formwork, d: DueQuery, signal: AbortSignal, pageSize = PAGE_SIZE): AsyncGenerator<DueAccount[]> {
  const column = d.by ?? 'last_active_at';
  const by = `u.${column}`;
  let cursor: { at: string; id: string } | null = null;
  while (!signal.aborted) {
    const q = dueAccounts(fw, fw.db.knex, d)
      .select('u.id', 'u.username', 'u.display_name', 'u.email', 'u.org_id', 'u.status', 'u.last_active_at', 'u.inactivity_warned_days',
        'u.inactivity_warn_at')
      .orderBy([{ column: by }, { column: 'u.id' }]).limit(pageSize);
    if (cursor) {
      const c: { at: string; id: string } = cursor;
      // The plain bound lets the index start at the cursor; the pair decides ties on the same time.
      q.where(by, '>=', c.at).where((w) => w.where(by, '>', c.at).orWhere('u.id', '>', c.id));
    }
    const rows = (await q) as DueAccount[];
    if (!rows.length) return;
    yield rows;
    const last = rows[rows.length - 1]!;
    cursor = { at: last[column]!, id: last.id };
    if (rows.length < pageSize) return;
  }
}

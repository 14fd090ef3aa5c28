/**
 * Audit data analysis over the access log: counts of sign-ins, failures, distinct users, page views
 * and API calls per organisation, user or day, over a period. An organisation administrator sees only their own
 * organisation; a platform administrator any or all.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../context.js';
import { fail } from '../errors.js';
import type { Actor } from '../records/types.js';
import { administers, PLATFORM_ADMIN } from './sharing.js';

export type AccessGroup = 'org' | 'user' | 'day';

export interface AccessReportQuery {
  from: string;
  to: string;
  groupBy: AccessGroup;
  orgId?: string;
  userId?: string;
}

export interface AccessReportRow {
  key: string;
  label: string;
  signIns: number;
  failures: number;
  signOuts: number;
  distinctUsers: number;
  pageViews: number;
  apiCalls: number;
}

export interface AccessLogEntry {
  id: string; at: string; userId: string | null; username: string | null; orgId: string | null; event: string;
  signIn: boolean; method: string | null; url: string | null; status: number | null; description: string | null;
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function checkPeriod(q: { from: string; to: string }): { from: string; to: string } {
  const errors: { field: string; code: string; message: string }[] = [];
  for (const k of ['from', 'to'] as const) {
    if (typeof q[k] !== 'string' || !ISO.test(q[k]) || Number.isNaN(Date.parse(q[k]))) {
      errors.push({ field: k, code: 'invalid', message: `${k} must be a date (YYYY-MM-DD) or an ISO 8601 date-time.` });
    }
  }
  if (errors.length) fail('invalid_query', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
  const from = new Date(q.from).toISOString();
  // A bare date as the end means the whole of that day.
  const to = /^\d{4}-\d{2}-\d{2}$/.test(q.to) ? new Date(Date.parse(q.to) + 86_400_000).toISOString() : new Date(q.to).toISOString();
  if (to <= from) fail('invalid_query', 'The end of the period must be after its start.', { fieldErrors: [{ field: 'to', code: 'invalid', message: 'Must be after from.' }] });
  return { from, to };
}

/** The organisation the actor may report on: forced to their own unless they are a platform administrator. */
function scopeOrg(actor: Actor, orgId: string | undefined): string | null {
  const platform = actor.kind === 'system' || (actor.capabilities ?? []).includes(PLATFORM_ADMIN);
  if (platform) return orgId ?? null;
  const own = actor.orgId ?? null;
  if (!own || !administers(actor, own)) fail('forbidden', 'Only an organisation administrator may analyse the access log.');
  if (orgId && orgId !== own) fail('forbidden', 'You may only analyse the access log of your own organisation.');
  return own;
}

function base(knex: Knex, actor: Actor, q: { from: string; to: string; orgId?: string; userId?: string }) {
  const period = checkPeriod(q);
  const org = scopeOrg(actor, q.orgId);
  const qb = knex('sys_access_log as l').where('l.at', '>=', period.from).andWhere('l.at', '<', period.to);
  if (org) qb.andWhere('l.org_id', org);
  if (q.userId) qb.andWhere('l.user_id', q.userId);
  return qb;
}

/** Counts per organisation, user or day over a period. */
export async function accessLogReport(fw: Formwork, actor: Actor, q: AccessReportQuery): Promise<AccessReportRow[]> {
  if (!['org', 'user', 'day'].includes(q.groupBy)) {
    fail('invalid_query', 'groupBy must be org, user or day.', { fieldErrors: [{ field: 'groupBy', code: 'invalid', message: 'Choose org, user or day.' }] });
  }
  const knex = fw.db.knex;
  const qb = base(knex, actor, q);
  const count = (event: string | string[]) => {
    const events = Array.isArray(event) ? event : [event];
    return knex.raw(`sum(case when l.event in (${events.map(() => '?').join(', ')}) then 1 else 0 end)`, events);
  };
  const keyExpr = q.groupBy === 'org' ? knex.raw('coalesce(l.org_id, ?)', ['']) : q.groupBy === 'user' ? knex.raw('coalesce(l.user_id, ?)', ['']) : knex.raw('substr(l.at, 1, 10)');
  const rows: Record<string, unknown>[] = await qb
    .select({ key: keyExpr })
    .select({ sign_ins: count('sign_in'), failures: count(['sign_in_failed', 'mfa_failed']), sign_outs: count('sign_out') })
    .select({ page_views: count('page'), api_calls: count('api') })
    .countDistinct({ distinct_users: 'l.user_id' })
    .groupByRaw('1')
    .orderByRaw('1');
  const keys = rows.map((r) => r.key as string).filter(Boolean);
  const labels = new Map<string, string>();
  if (q.groupBy === 'org' && keys.length) {
    for (const o of await knex('sys_org').whereIn('id', keys).select('id', 'name')) labels.set(o.id, o.name);
  } else if (q.groupBy === 'user' && keys.length) {
    for (const u of await knex('sys_user').whereIn('id', keys).select('id', 'username')) labels.set(u.id, u.username);
  }
  return rows.map((r) => ({
    key: String(r.key ?? ''),
    label: labels.get(String(r.key)) ?? (r.key ? String(r.key) : '(anonymous)'),
    signIns: Number(r.sign_ins ?? 0), failures: Number(r.failures ?? 0), signOuts: Number(r.sign_outs ?? 0),
    distinctUsers: Number(r.distinct_users ?? 0), pageViews: Number(r.page_views ?? 0), apiCalls: Number(r.api_calls ?? 0),
  }));
}

/** The log entries themselves, newest first, paged. */
export async function accessLogEntries(
  fw: Formwork, actor: Actor, q: { from: string; to: string; orgId?: string; userId?: string; limit?: number; offset?: number },
): Promise<{ entries: AccessLogEntry[]; total: number }> {
  const limit = q.limit ?? 50;
  const offset = q.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || !Number.isInteger(offset) || offset < 0) {
    fail('invalid_query', 'limit must be 1 to 1000 and offset 0 or more.');
  }
  const qb = base(fw.db.knex, actor, q);
  const [rows, total] = await Promise.all([
    qb.clone().select('l.*').orderBy([{ column: 'l.at', order: 'desc' }, { column: 'l.id', order: 'desc' }]).limit(limit).offset(offset),
    qb.clone().count({ n: '*' }).first().then((r) => Number((r as { n: unknown }).n)),
  ]);
  return {
    total,
    entries: rows.map((r: Record<string, unknown>) => ({
      id: r.id as string, at: r.at as string, userId: (r.user_id as string) ?? null, username: (r.username as string) ?? null,
      orgId: (r.org_id as string) ?? null, event: r.event as string, signIn: r.sign_in === true || r.sign_in === 1,
      method: (r.method as string) ?? null, url: (r.url as string) ?? null, status: r.status === null ? null : Number(r.status),
      description: (r.description as string) ?? null,
    })),
  };
}

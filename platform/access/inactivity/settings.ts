/**
 * Inactivity settings: how long a person may stay inactive, when they are warned, what they are told, and what
 * revocation does. The global default is the jobs' parameters; an organisation may override any member of it
 * (sys_inactivity_setting, one JSON document per organisation, holding only the members it overrides).
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { fail, type FieldError } from '../../errors.js';
import type { FieldDef } from '../../definitions/model.js';
// The templates module, not notify's face: the data kind's lint checks packs' settings here, and the face would
// pull the dispatcher into the definitions' import graph.
import { checkNotificationTemplate, templatePaths } from '../../notify/templates.js';
import type { InactivityOverride, InactivitySettings } from './types.js';
export type { InactivityOverride, InactivitySettings, NoticeTemplate, RevocationEffects } from './types.js';

export const BUILT_IN_SETTINGS: InactivitySettings = {
  periodDays: 90,
  warningDays: [14, 3],
  warning: {
    subject: '{{#if forAdministrator}}The account of {{person.displayName}} will be disabled in {{daysLeft}} days'
      + '{{else}}Your account will be disabled in {{daysLeft}} days{{/if}}',
    body: '{{#if forAdministrator}}{{person.displayName}} ({{person.username}}) has not used their account since {{lastActive}}. '
      + 'Unless they sign in before {{revokeOn}}, it will be disabled.'
      + '{{else}}Hello {{person.displayName}},\n\nYou have not used your account ({{person.username}}) since {{lastActive}}. '
      + 'Unless you sign in before {{revokeOn}}, it will be disabled after {{periodDays}} days without use.{{/if}}',
  },
  revocation: {
    subject: 'Account {{person.username}} has been disabled',
    body: 'The account of {{person.displayName}} ({{person.username}}) has been disabled: {{reason}}.',
  },
  effects: { disable: true, endSessions: true, revokeTokens: true, removeRoles: false },
};

/** The values a notice template may use (each is checked to exist when settings are saved). */
export const NOTICE_VALUES = [
  'person', 'daysLeft', 'lastActive', 'revokeOn', 'periodDays', 'reason', 'recipient', 'forAdministrator', 'now',
];

/** The jobs' parameters: the global default of every setting (typed with the field model). */
export const SETTINGS_PARAMETERS: Record<string, FieldDef> = {
  periodDays: { type: 'integer', label: 'Inactivity period (days)', min: 1, max: 3650, default: BUILT_IN_SETTINGS.periodDays },
  warningDays: {
    type: 'json', label: 'Warnings (days before)', help: 'Days before the account is revoked at which its holder is warned, e.g. [14, 3].',
    default: BUILT_IN_SETTINGS.warningDays,
  },
  warningSubject: { type: 'string', label: 'Warning subject', maxLength: 300, default: BUILT_IN_SETTINGS.warning.subject },
  warningBody: { type: 'text', label: 'Warning message', default: BUILT_IN_SETTINGS.warning.body },
  revocationSubject: { type: 'string', label: 'Revocation subject', maxLength: 300, default: BUILT_IN_SETTINGS.revocation.subject },
  revocationBody: { type: 'text', label: 'Revocation message', default: BUILT_IN_SETTINGS.revocation.body },
  disable: { type: 'boolean', label: 'Disable the account', default: true },
  endSessions: { type: 'boolean', label: 'End its sessions', default: true },
  revokeTokens: { type: 'boolean', label: 'Revoke its API tokens', default: true },
  removeRoles: { type: 'boolean', label: 'Remove its roles', default: false },
};

/** The first value a (valid) template uses that notices do not offer, as a problem, or null. */
function unknownValue(source: string): string | null {
  const bad = templatePaths(source).find((parts) => !NOTICE_VALUES.includes(parts[0]!));
  return bad ? `uses {{${bad.join('.')}}}, which is not offered; use ${NOTICE_VALUES.join(', ')}` : null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems of an override (or of the global settings, `complete`), as field errors named by API member. */
export function overrideProblems(value: unknown): FieldError[] {
  if (!isObject(value)) return [{ field: '', code: 'type', message: 'Send a JSON object of settings.' }];
  const out: FieldError[] = [];
  const known = ['periodDays', 'warningDays', 'warning', 'revocation', 'effects'];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) out.push({ field: key, code: 'unknown', message: `"${key}" is not a setting; use ${known.join(', ')}.` });
  }
  const days = value.periodDays;
  if (days !== undefined && !(Number.isInteger(days) && (days as number) >= 1 && (days as number) <= 3650)) {
    out.push({ field: 'periodDays', code: 'range', message: `The inactivity period must be a whole number of days from 1 to 3650; got ${JSON.stringify(days)}.` });
  }
  const warn = value.warningDays;
  if (warn !== undefined && !(Array.isArray(warn) && warn.length <= 10 && warn.every((d) => Number.isInteger(d) && d >= 1 && d <= 3650)
    && new Set(warn).size === warn.length)) {
    out.push({ field: 'warningDays', code: 'type', message: `Warnings must be a list of up to 10 different whole numbers of days (1–3650); got ${JSON.stringify(warn)}.` });
  }
  const period = typeof days === 'number' && !out.some((e) => e.field === 'periodDays' || e.field === 'warningDays') ? days : null;
  if (period !== null && Array.isArray(warn) && warn.some((d) => typeof d === 'number' && d >= period)) {
    out.push({ field: 'warningDays', code: 'range', message: `Each warning must come before the end of the ${period}-day period.` });
  }
  for (const name of ['warning', 'revocation'] as const) {
    const t = value[name];
    if (t === undefined) continue;
    if (!isObject(t)) { out.push({ field: name, code: 'type', message: `"${name}" must be an object with subject and body.` }); continue; }
    for (const [k, v] of Object.entries(t)) {
      if (k !== 'subject' && k !== 'body') { out.push({ field: `${name}.${k}`, code: 'unknown', message: `"${name}" has only subject and body.` }); continue; }
      const problem = typeof v !== 'string' || !v.trim() || (k === 'subject' && v.length > 300) ? 'must be non-empty text (a subject at most 300 characters)'
        : checkNotificationTemplate(v, 'text') ?? unknownValue(v);
      if (problem) out.push({ field: `${name}.${k}`, code: 'template', message: `The ${name} ${k} ${problem}.` });
    }
  }
  const effects = value.effects;
  if (effects !== undefined) {
    if (!isObject(effects)) out.push({ field: 'effects', code: 'type', message: '"effects" must be an object of booleans.' });
    else {
      for (const [k, v] of Object.entries(effects)) {
        if (!(k in BUILT_IN_SETTINGS.effects)) out.push({ field: `effects.${k}`, code: 'unknown', message: `"${k}" is not an effect; use ${Object.keys(BUILT_IN_SETTINGS.effects).join(', ')}.` });
        else if (typeof v !== 'boolean') out.push({ field: `effects.${k}`, code: 'type', message: `"effects.${k}" must be true or false.` });
      }
    }
  }
  return out;
}

/**
 * Problems of an organisation's own settings (`{}`: none), as the settings API and packs' data files check them:
 * {@link overrideProblems}, then the warnings against the period they end up with over the built-in defaults.
 */
export function orgOverrideProblems(value: unknown): FieldError[] {
  const problems = overrideProblems(value);
  const merged = problems.length ? null : applyOverride(BUILT_IN_SETTINGS, value as InactivityOverride);
  if (merged && merged.warningDays.some((d) => d >= merged.periodDays)) {
    problems.push({ field: 'warningDays', code: 'range', message: `Each warning must come before the end of the ${merged.periodDays}-day period.` });
  }
  return problems;
}

/** `base` with an override applied. */
export function applyOverride(base: InactivitySettings, override: InactivityOverride | null): InactivitySettings {
  if (!override) return base;
  return {
    periodDays: override.periodDays ?? base.periodDays,
    warningDays: override.warningDays ?? base.warningDays,
    warning: { ...base.warning, ...override.warning },
    revocation: { ...base.revocation, ...override.revocation },
    effects: { ...base.effects, ...override.effects },
  };
}

/**
 * The global settings from a job's parameter values (missing ones take the built-in defaults).
 * Errors: validation_failed (a value of the wrong shape, named by parameter).
 */
export function settingsFromParameters(parameters: Record<string, unknown>): InactivitySettings {
  const p = parameters;
  const pick = <T>(key: string, fallback: T): T => (p[key] === undefined || p[key] === null ? fallback : p[key] as T);
  const b = BUILT_IN_SETTINGS;
  let warningDays = pick<unknown>('warningDays', b.warningDays);
  if (typeof warningDays === 'string') {
    try { warningDays = JSON.parse(warningDays); } catch { /* reported below as the wrong shape */ }
  }
  const candidate = {
    periodDays: pick('periodDays', b.periodDays),
    warningDays,
    warning: { subject: pick('warningSubject', b.warning.subject), body: pick('warningBody', b.warning.body) },
    revocation: { subject: pick('revocationSubject', b.revocation.subject), body: pick('revocationBody', b.revocation.body) },
    effects: {
      disable: pick('disable', b.effects.disable), endSessions: pick('endSessions', b.effects.endSessions),
      revokeTokens: pick('revokeTokens', b.effects.revokeTokens), removeRoles: pick('removeRoles', b.effects.removeRoles),
    },
  };
  const problems = overrideProblems(candidate);
  if (problems.length) fail('validation_failed', `The inactivity job's parameters are not valid: ${problems.map((e) => e.message).join(' ')}`, { fieldErrors: problems });
  return candidate as InactivitySettings;
}

/** Every organisation's override, by organisation id. */
export async function fetchOverrides(knex: Knex | Knex.Transaction): Promise<Map<string, InactivityOverride>> {
  const rows = await knex('sys_inactivity_setting').select('org_id', 'settings');
  return new Map(rows.map((r: { org_id: string; settings: string }) => [r.org_id, JSON.parse(r.settings) as InactivityOverride]));
}

/** The override of one organisation, or null. */
export async function fetchOverride(knex: Knex | Knex.Transaction, orgId: string): Promise<InactivityOverride | null> {
  const row = await knex('sys_inactivity_setting').where({ org_id: orgId }).first('settings');
  return row ? JSON.parse(row.settings) as InactivityOverride : null;
}

/** The settings in force for people of organisation `orgId` (null: of none), given the global settings. */
export async function settingsFor(
  fw: Formwork, global: InactivitySettings, orgId: string | null, trx?: Knex.Transaction,
): Promise<InactivitySettings> {
  return orgId ? applyOverride(global, await fetchOverride(trx ?? fw.db.knex, orgId)) : global;
}

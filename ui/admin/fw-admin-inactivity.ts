import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { consume } from '@lit/context';
import { customElement, state } from 'lit/decorators.js';
import { DirtyFlag } from '../form/dirty.js';
import { LightElement } from '../light-element.js';
import { isPlatformAdministrator, type OrgRef } from '../api/admin.js';
import { ApiError, type ApiClient } from '../api/client.js';
import {
  fetchOrgInactivity, saveOrgInactivity, type InactivityOverride, type InactivitySettings, type OrgInactivityView, type RevocationEffects,
} from '../api/inactivity.js';
import type { SessionInfo } from '../api/types.js';
import { apiContext, sessionContext } from '../contexts.js';
import { PageEvent } from '../events.js';
import { checkboxGroup, selectInput, textInput } from '../fields/field-parts.js';
import { FormProblems, noProblems, problemsOf, type Problems } from '../form-problems.js';
import { adminCrumbs, problemBanner, successBanner, tag } from './admin-parts.js';
import { reasonField } from './revocation-parts.js';

const TITLE = 'Inactivity settings';
const PREFIX = 'inactivity';
const FIELDS = ['periodDays', 'warningDays', 'warningSubject', 'warningBody', 'revocationSubject', 'revocationBody', 'effects'] as const;
type Field = (typeof FIELDS)[number];
/** The form's values, as typed. */
type Values = Record<Exclude<Field, 'effects'>, string> & { effects: RevocationEffects };

const EFFECTS: { value: keyof RevocationEffects; label: string; hint: string }[] = [
  { value: 'disable', label: 'Disable the account', hint: 'They cannot sign in until someone entitled enables it again.' },
  { value: 'endSessions', label: 'End its sessions', hint: 'They are signed out everywhere at once.' },
  { value: 'revokeTokens', label: 'Revoke its API tokens', hint: 'Tokens stop working for good.' },
  { value: 'removeRoles', label: 'Remove its roles', hint: 'Kept in the audit history, so they can be given back.' },
];

/** The API's member names ("warning.subject", "effects.disable") as the form's fields. */
function fieldOf(member: string): Field | null {
  const m = member.replace(/^\//, '').replace(/\//g, '.');
  if (m === 'periodDays' || m === 'warningDays') return m;
  const [head, tail] = m.split('.');
  if ((head === 'warning' || head === 'revocation') && (tail === 'subject' || tail === 'body')) {
    return `${head}${tail === 'subject' ? 'Subject' : 'Body'}` as Field;
  }
  return head === 'effects' ? 'effects' : null;
}

const valuesOf = (s: InactivitySettings): Values => ({
  periodDays: String(s.periodDays), warningDays: s.warningDays.join(', '),
  warningSubject: s.warning.subject, warningBody: s.warning.body,
  revocationSubject: s.revocation.subject, revocationBody: s.revocation.body,
  effects: { ...s.effects },
});

/**
 * Administration: an organisation's inactivity settings — how many days without use before access is revoked, when
 * people are warned, the warning and revocation messages, and what revocation does. Each value says whether the
 * organisation set it or it comes from the default; only values that differ from the default are saved as
 * the organisation's own, and "Use the defaults" drops them all. Organisation administrators see their own
 * organisation; platform administrators choose one.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 * @fires fw-dirty - edits not yet saved
 */
@customElement('fw-admin-inactivity')
export class FwAdminInactivity extends LightElement {
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor orgs: OrgRef[] = [];
  /** The organisation shown (a code or id, as GET /api/orgs/:code/inactivity takes). */
  @state() private accessor org = '';
  @state() private accessor view: OrgInactivityView | null = null;
  @state() private accessor values: Values | null = null;
  @state() private accessor loadError = '';
  @state() private accessor saved = '';

  #form = new FormProblems(this, { fields: FIELDS, prefix: PREFIX });
  #dirty = new DirtyFlag(this);

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent(TITLE, adminCrumbs({ label: TITLE })));
    void this.#start();
  }

  protected override updated(changed: PropertyValues) {
    if (changed.has('saved') && this.saved) this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
  }

  async #start() {
    if (isPlatformAdministrator(this.session)) {
      this.orgs = await this.api.get<OrgRef[]>('/admin/orgs').then((r) => r.data, () => []);
      const own = this.orgs.find((o) => o.id === this.session?.user.orgId);
      this.org = own?.code ?? this.orgs[0]?.code ?? '';
    } else {
      this.org = this.session?.user.orgId ?? '';
    }
    if (this.org) await this.#load();
    else this.loadError = 'You do not belong to an organisation whose settings you could change.';
  }

  async #load() {
    try {
      this.view = await fetchOrgInactivity(this.api, this.org);
      this.values = valuesOf(this.view.effective);
      this.loadError = '';
      this.#dirty.set(false);
    } catch (e) {
      this.view = null;
      this.loadError = e instanceof ApiError && (e.status === 404 || e.status === 403)
        ? 'You cannot change the inactivity settings of this organisation.'
        : e instanceof Error ? e.message : 'The inactivity settings cannot be shown.';
    }
  }

  override render() {
    const v = this.view;
    return html`
      ${this.saved ? successBanner(this.saved) : nothing}
      <fw-error-summary .items=${this.#form.items}></fw-error-summary>
      <h1 class="fw-heading-l">${v ? html`<span class="fw-caption-l">${v.organisation.name}</span>` : nothing}${TITLE}</h1>
      <p class="fw-body">Accounts not used for a while are warned, then their access is revoked. Activity means signing in or using the service;
        any activity starts the count again.</p>
      ${this.orgs.length ? selectInput({
        id: `${PREFIX}-org`, name: 'org', label: 'Organisation', value: this.org, error: null,
        options: this.orgs.map((o) => ({ value: o.code, label: o.name })), onChange: (code) => void this.#choose(code),
      }) : nothing}
      ${this.loadError ? problemBanner(this.loadError) : nothing}
      ${!v && !this.loadError ? html`<p class="fw-body" role="status">Loading…</p>` : nothing}
      ${v && this.values ? this.#settingsForm(v, this.values) : nothing}`;
  }

  async #choose(code: string) {
    this.org = code;
    this.saved = '';
    this.#form.clear();
    this.view = null;
    await this.#load();
  }

  /** "Set by this organisation" or "Default", for a value of the organisation's own override or not. */
  #origin(own: boolean): TemplateResult {
    return own ? tag('Set by this organisation', 'blue') : tag('Default', 'grey');
  }

  #settingsForm(v: OrgInactivityView, values: Values) {
    const o = v.override ?? {};
    const err = (f: Field) => this.#form.error(f);
    const set = (patch: Partial<Values>) => { this.values = { ...this.values!, ...patch }; this.saved = ''; this.#dirty.set(true); };
    const text = (f: 'periodDays' | 'warningDays' | 'warningSubject' | 'revocationSubject', name: string, own: boolean, hint: string, width?: string) =>
      html`<div class="fw-inactivity-field">${textInput({
        id: `${PREFIX}-${f}`, name: f, label: name, value: values[f], error: err(f), hint, widthClass: width,
        onInput: (x) => set({ [f]: x }),
        // fieldFrame reads labelExtra from the options textInput passes on.
        ...{ labelExtra: html` ${this.#origin(own)}` },
      })}</div>`;
    const body = (f: 'warningBody' | 'revocationBody', name: string, own: boolean) => reasonField({
      id: `${PREFIX}-${f}`, label: name, value: values[f], error: err(f), onInput: (x) => set({ [f]: x }),
      labelExtra: html` ${this.#origin(own)}`, rows: 6, maxlength: 10_000,
    });
    const values_ = 'Values you can use: {{person.displayName}}, {{person.username}}, {{daysLeft}}, {{lastActive}}, {{revokeOn}}, {{periodDays}}, {{reason}}.';
    return html`<form class="fw-form" novalidate @submit=${this.#save}>
      ${text('periodDays', 'Days without use before access is revoked', o.periodDays !== undefined, `Default: ${v.defaults.periodDays} days.`, 'fw-input--width-5')}
      ${text('warningDays', 'Warn this many days before', o.warningDays !== undefined,
        `Whole numbers separated by commas. Default: ${v.defaults.warningDays.join(', ')}.`, 'fw-input--width-10')}
      <h2 class="fw-heading-m">Warning message ${this.#origin(o.warning !== undefined)}</h2>
      <p class="fw-body">${values_}</p>
      ${text('warningSubject', 'Subject', o.warning?.subject !== undefined, 'Also the title of the notification in the service.')}
      ${body('warningBody', 'Message', o.warning?.body !== undefined)}
      <h2 class="fw-heading-m">Revocation message ${this.#origin(o.revocation !== undefined)}</h2>
      ${text('revocationSubject', 'Subject', o.revocation?.subject !== undefined, 'Also the title of the notification in the service.')}
      ${body('revocationBody', 'Message', o.revocation?.body !== undefined)}
      ${checkboxGroup({
        id: `${PREFIX}-effects`, name: 'effects', legend: 'When access is revoked', boldLegend: true, error: err('effects'),
        hint: `Default: ${EFFECTS.filter((e) => v.defaults.effects[e.value]).map((e) => e.label.toLowerCase()).join(', ') || 'nothing'}.`,
        checked: new Set(EFFECTS.filter((e) => values.effects[e.value]).map((e) => e.value)),
        options: EFFECTS.map((e) => ({ value: e.value, label: e.label, hint: `${e.hint}${o.effects?.[e.value] !== undefined ? ' Set by this organisation.' : ''}` })),
        onToggle: (key, on) => set({ effects: { ...values.effects, [key]: on } }),
      })}
      <p class="fw-body">Values marked "Default" follow the service's defaults and change with them; values marked "Set by this organisation"
        are this organisation's own. Setting a value back to the default makes it follow the default again.</p>
      <div class="fw-button-group">
        <button type="submit" class="fw-button" ?disabled=${this.#form.busy}>Save settings</button>
        ${v.override ? html`<button type="button" class="fw-button fw-button--secondary" ?disabled=${this.#form.busy}
          @click=${this.#reset}>Use the defaults for everything</button>` : nothing}
      </div>
    </form>`;
  }

  /** The override the form says: every value that differs from the default (one equal to it follows the default again). */
  #override(values: Values, problems: Problems): InactivityOverride {
    const d = this.view!.defaults;
    const out: InactivityOverride = {};
    const period = values.periodDays.trim();
    if (!/^\d+$/.test(period)) problems.fields.set('periodDays', 'Enter the number of days as a whole number, like 90');
    else if (Number(period) !== d.periodDays) out.periodDays = Number(period);
    const parts = values.warningDays.split(',').map((p) => p.trim()).filter(Boolean);
    if (parts.some((p) => !/^\d+$/.test(p))) problems.fields.set('warningDays', 'Enter whole numbers of days separated by commas, like 14, 3');
    else {
      const days = parts.map(Number);
      if (days.join(',') !== d.warningDays.join(',')) out.warningDays = days;
    }
    for (const kind of ['warning', 'revocation'] as const) {
      const t: { subject?: string; body?: string } = {};
      for (const part of ['subject', 'body'] as const) {
        const value = values[`${kind}${part === 'subject' ? 'Subject' : 'Body'}`];
        if (value !== d[kind][part]) t[part] = value;
      }
      if (Object.keys(t).length) out[kind] = t;
    }
    const effects: Partial<RevocationEffects> = {};
    for (const e of EFFECTS) if (values.effects[e.value] !== d.effects[e.value]) effects[e.value] = values.effects[e.value];
    if (Object.keys(effects).length) out.effects = effects;
    return out;
  }

  #save = async (e: Event) => {
    e.preventDefault();
    this.saved = '';
    const problems = noProblems();
    const override = this.#override(this.values!, problems);
    if (await this.#form.check(problems)) return;
    await this.#put(override, 'The inactivity settings have been saved.');
  };

  #reset = async () => {
    this.saved = '';
    await this.#put({}, 'The organisation now uses the default inactivity settings.');
  };

  async #put(override: InactivityOverride, done: string) {
    await this.#form.submit(async () => {
      this.view = await saveOrgInactivity(this.api, this.org, override);
      this.values = valuesOf(this.view.effective);
      this.#form.clear();
      this.#dirty.set(false);
      this.saved = done;
    }, (err) => {
      if (!(err instanceof ApiError)) return undefined;
      // The API names members ("warning.subject"); the form knows them as its fields.
      const errors = err.errors.map((p) => ({ ...p, field: fieldOf(p.field) ?? p.field }));
      const mapped = new ApiError(err.status, err.code, err.message, errors, err.body, err.headers);
      return problemsOf(mapped, FIELDS);
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-admin-inactivity': FwAdminInactivity;
  }
}

import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { Consent, ConsentSide, OrgRef, OrgUserId } from '../api/admin.js';

import { PageEvent } from '../events.js';
import { checkboxGroup, radioGroup, selectInput, textInput } from '../fields/field-parts.js';
import { FormProblems, noProblems, problemsOf } from '../form-problems.js';
import { formatDate } from '../format.js';
import { adminCrumbs, confirmation, problemBanner, successBanner, tag } from './admin-parts.js';
import type { ApiClient } from '../api/client.js';
import type { SessionInfo } from '../api/types.js';
import { apiContext, sessionContext } from '../contexts.js';

const TITLE = 'Consents';
const FIELDS = ['side', 'counterparty', 'userIds', 'validFrom', 'validTo'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

interface Draft { side: ConsentSide | ''; counterparty: string; userIds: Set<string>; typedUserIds: string; validFrom: string; validTo: string }
const emptyDraft = (): Draft => ({ side: '', counterparty: '', userIds: new Set(), typedUserIds: '', validFrom: '', validTo: '' });

/**
 * Organisation administration: mutual consent. Record this organisation's side of a consent —
 * as grantor (sharing its own party codes with another organisation) or as grantee (receiving the other's) — naming
 * the counterparty and the User IDs; see every consent the organisation is party to with its status; rescind one
 * of its own after a confirmation. Sharing starts only when both sides' consents are in force.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 */
@customElement('fw-admin-consents')
export class FwAdminConsents extends LightElement {
  /** The signed-in person's session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor consents: Consent[] = [];
  @state() private accessor orgs: OrgRef[] = [];
  @state() private accessor ownIds: OrgUserId[] = [];
  @state() private accessor draft: Draft = emptyDraft();
  @state() private accessor notice: { kind: 'success' | 'problem'; text: string } | null = null;
  @state() private accessor loading = true;
  @state() private accessor rescinding: Consent | null = null;

  #form = new FormProblems(this, { fields: FIELDS, prefix: 'consent' });

  /**
   * The User IDs the chosen counterparty offers us, when receiving (only after it consented as grantor); null
   * otherwise, and when it offers nothing yet (403: the codes are typed instead).
   */
  #offers = new Task(this, {
    args: () => [this.api, this.draft.side, this.draft.counterparty] as const,
    task: async ([api, side, counterparty], { signal }) => {
      if (side !== 'grantee' || !counterparty) return null;
      try {
        return (await api.get<OrgUserId[]>('/admin/org-user-ids', { query: { org: counterparty }, signal })).data;
      } catch (e) {
        if (signal.aborted) throw e;
        return null;
      }
    },
  });

  /** User IDs the chosen counterparty offers us (when it has consented as grantor), else null (also while asking). */
  get #offered(): OrgUserId[] | null {
    return this.#offers.status === TaskStatus.COMPLETE ? this.#offers.value ?? null : null;
  }

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent(TITLE, adminCrumbs({ label: TITLE })));
    void this.#load();
  }

  protected override updated(changed: PropertyValues) {
    if (changed.has('notice') && this.notice) this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
    if (changed.has('rescinding') && this.rescinding) this.querySelector<HTMLElement>('.fw-confirm__title')?.focus();
  }

  get #own(): string {
    return this.session?.user.orgId ?? '';
  }

  async #load() {
    try {
      const [consents, orgs, ids] = await Promise.all([
        this.api.get<Consent[]>('/admin/consents'), this.api.get<OrgRef[]>('/admin/orgs'), this.api.get<OrgUserId[]>('/admin/org-user-ids'),
      ]);
      this.consents = consents.data;
      this.orgs = orgs.data;
      this.ownIds = ids.data.filter((u) => u.status === 'active' || !u.status);
    } catch (e) {
      this.notice = { kind: 'problem', text: e instanceof Error ? e.message : 'The consents cannot be shown.' };
    } finally {
      this.loading = false;
    }
  }

  #orgName(id: string): string {
    const o = this.orgs.find((x) => x.id === id);
    return o ? `${o.name} (${o.code})` : id;
  }

  override render() {
    return html`
      ${this.notice ? (this.notice.kind === 'success' ? successBanner(this.notice.text) : problemBanner(this.notice.text)) : nothing}
      <fw-error-summary .items=${this.#form.items}></fw-error-summary>
      <h1 class="fw-heading-l">${TITLE}</h1>
      <p class="fw-body">Organisations share User IDs only by mutual consent: the organisation holding the User IDs consents to share them, and the other organisation consents to receive them. Once both consents are in force, administrators of the receiving organisation can give their people access. If either side rescinds its consent, that access ends at once.</p>
      ${this.rescinding ? confirmation({
        title: `Rescind the consent with ${this.#orgName(this.#counterparty(this.rescinding))}?`,
        body: `Sharing of ${this.rescinding.userIds.join(', ')} under this consent ends at once, and so does every access granted to it.`,
        confirmLabel: 'Yes, rescind the consent', busy: this.#form.busy,
        onConfirm: () => void this.#rescind(), onCancel: () => void this.#cancelRescind(),
      }) : nothing}
      <section class="fw-section" aria-labelledby="consents-list-heading">
        <h2 class="fw-heading-m" id="consents-list-heading">Consents of your organisation</h2>
        ${this.loading ? html`<p class="fw-body">Loading…</p>` : this.consents.length ? this.#table() : html`<p class="fw-body">Your organisation has no consents yet.</p>`}
      </section>
      <section class="fw-section" aria-labelledby="consent-form-heading">
        <h2 class="fw-heading-m" id="consent-form-heading">Record a consent</h2>
        ${this.#consentForm()}
      </section>`;
  }

  #counterparty(c: Consent): string {
    return c.grantorOrgId === this.#own ? c.granteeOrgId : c.grantorOrgId;
  }

  /** Whether this organisation recorded the consent (only then may its administrators rescind it). */
  #ours(c: Consent): boolean {
    return (c.side === 'grantor' && c.grantorOrgId === this.#own) || (c.side === 'grantee' && c.granteeOrgId === this.#own);
  }

  #status(c: Consent) {
    if (c.rescindedAt) return tag('Rescinded', 'grey');
    if (c.active) return tag('In force', 'green');
    if (c.validTo && c.validTo <= new Date().toISOString()) return tag('Expired', 'grey');
    return tag('Not yet in force', 'blue');
  }

  #table() {
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby="consents-list-heading" tabindex="0">
      <table class="fw-table">
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Other organisation</th>
          <th scope="col" class="fw-table__header">Consent</th>
          <th scope="col" class="fw-table__header">User IDs</th>
          <th scope="col" class="fw-table__header">Valid</th>
          <th scope="col" class="fw-table__header">Status</th>
          <th scope="col" class="fw-table__header"><span class="fw-visually-hidden">Actions</span></th>
        </tr></thead>
        <tbody class="fw-table__body">
          ${this.consents.map((c) => {
            const other = this.#orgName(this.#counterparty(c));
            const sharing = c.grantorOrgId === this.#own;
            const what = `${this.#ours(c) ? 'Ours' : 'Theirs'}: ${sharing ? 'we share with them' : 'we receive from them'}`;
            return html`<tr class="fw-table__row">
              <th scope="row" class="fw-table__cell">${other}</th>
              <td class="fw-table__cell">${what}</td>
              <td class="fw-table__cell">${c.userIds.join(', ')}</td>
              <td class="fw-table__cell">${formatDate(c.validFrom.slice(0, 10))} to ${c.validTo ? formatDate(c.validTo.slice(0, 10)) : 'no end date'}</td>
              <td class="fw-table__cell">${this.#status(c)}</td>
              <td class="fw-table__cell">${this.#ours(c) && !c.rescindedAt
                ? html`<button type="button" class="fw-link-button" data-consent=${c.id} @click=${() => { this.notice = null; this.rescinding = c; }}>Rescind<span class="fw-visually-hidden"> the consent with ${other}</span></button>`
                : nothing}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }

  #consentForm() {
    const d = this.draft;
    const f = this.#form.problems.fields;
    const others = this.orgs.filter((o) => o.id !== this.#own);
    const set = (patch: Partial<Draft>) => { this.draft = { ...this.draft, ...patch }; };
    return html`<form class="fw-form fw-form--narrow" novalidate @submit=${this.#submit}>
      ${radioGroup({
        id: 'consent-side', name: 'side', legend: 'What does your organisation consent to?', boldLegend: true, value: d.side, error: f.get('side') ?? null,
        options: [
          { value: 'grantor', label: 'Sharing our User IDs with another organisation' },
          { value: 'grantee', label: 'Receiving User IDs from another organisation' },
        ],
        onChange: (v) => { set({ side: v as ConsentSide, userIds: new Set(), typedUserIds: '' }); },
      })}
      ${selectInput({
        id: 'consent-counterparty', name: 'counterparty', label: 'Other organisation', value: d.counterparty, placeholder: 'Choose an organisation',
        options: others.map((o) => ({ value: o.id, label: `${o.name} (${o.code})` })), error: f.get('counterparty') ?? null,
        onChange: (v) => { set({ counterparty: v, userIds: new Set(), typedUserIds: '' }); },
      })}
      ${this.#userIdField()}
      ${textInput({ id: 'consent-validFrom', name: 'validFrom', label: 'Valid from (optional)', type: 'date', value: d.validFrom,
        hint: 'Leave empty to start now.', error: f.get('validFrom') ?? null, widthClass: 'fw-input--width-10', onInput: (v) => set({ validFrom: v }) })}
      ${textInput({ id: 'consent-validTo', name: 'validTo', label: 'Valid until (optional)', type: 'date', value: d.validTo,
        hint: 'Leave empty for no end date.', error: f.get('validTo') ?? null, widthClass: 'fw-input--width-10', onInput: (v) => set({ validTo: v }) })}
      <button type="submit" class="fw-button" ?disabled=${this.#form.busy}>Record consent</button>
    </form>`;
  }

  #userIdField() {
    const d = this.draft;
    const error = this.#form.error('userIds');
    const toggle = (code: string, checked: boolean) => {
      const next = new Set(d.userIds);
      if (checked) next.add(code);
      else next.delete(code);
      this.draft = { ...d, userIds: next };
    };
    const list = d.side === 'grantor' ? this.ownIds : d.side === 'grantee' ? this.#offered : null;
    if (list && list.length) {
      return checkboxGroup({
        id: 'consent-userIds', name: 'userIds', legend: d.side === 'grantor' ? 'Which of your User IDs?' : 'Which of their User IDs?', boldLegend: true,
        checked: d.userIds, error, options: list.map((u) => ({ value: u.code, label: u.name ? `${u.code} – ${u.name}` : u.code })), onToggle: toggle,
      });
    }
    if (d.side === 'grantor') {
      return html`<h3 class="fw-heading-s">Which of your User IDs?</h3><p class="fw-body fw-secondary-text" id="consent-userIds">Your organisation has no User IDs to share.</p>`;
    }
    return textInput({
      id: 'consent-userIds', name: 'userIds', label: 'Which of their User IDs?', value: d.typedUserIds, error, spellcheck: false,
      hint: 'The other organisation’s User IDs, separated by commas. They are listed here to choose from once the other organisation has consented to share them.',
      onInput: (v) => { this.draft = { ...this.draft, typedUserIds: v }; },
    });
  }

  #submit = async (e: Event) => {
    e.preventDefault();
    this.notice = null;
    const d = this.draft;
    const problems = noProblems();
    const codes = this.#offered?.length || d.side === 'grantor'
      ? [...d.userIds]
      : d.typedUserIds.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
    if (!d.side) problems.fields.set('side', 'Select what your organisation consents to');
    if (!d.counterparty) problems.fields.set('counterparty', 'Choose the other organisation');
    if (d.side && !codes.length) problems.fields.set('userIds', d.side === 'grantor' ? 'Select at least one User ID' : 'Enter at least one User ID');
    if (d.validFrom && !DAY.test(d.validFrom)) problems.fields.set('validFrom', 'Enter a real date for the start');
    if (d.validTo && !DAY.test(d.validTo)) problems.fields.set('validTo', 'Enter a real date for the end');
    else if (d.validTo && d.validFrom && d.validTo <= d.validFrom) problems.fields.set('validTo', 'The end must be after the start');
    if (await this.#form.check(problems)) return;
    await this.#form.submit(async () => {
      await this.api.post('/admin/consents', {
        side: d.side, counterparty: d.counterparty, userIds: codes,
        ...(d.validFrom ? { validFrom: d.validFrom } : {}), ...(d.validTo ? { validTo: d.validTo } : {}),
      });
      this.draft = emptyDraft();
      this.#form.clear();
      await this.#load();
      this.notice = { kind: 'success', text: `Your consent with ${this.#orgName(d.counterparty)} has been recorded.` };
    }, (err) => {
      const p = problemsOf(err, [...FIELDS, 'counterpartyOrgId']);
      const cp = p.fields.get('counterpartyOrgId');
      if (cp) { p.fields.delete('counterpartyOrgId'); p.fields.set('counterparty', cp); }
      return p;
    });
  };

  async #rescind() {
    const c = this.rescinding!;
    await this.#form.submit(async () => {
      await this.api.post(`/admin/consents/${encodeURIComponent(c.id)}/rescind`);
      this.rescinding = null;
      await this.#load();
      this.notice = { kind: 'success', text: `The consent with ${this.#orgName(this.#counterparty(c))} has been rescinded.` };
    }, (e) => {
      this.rescinding = null;
      this.notice = { kind: 'problem', text: e instanceof Error ? e.message : 'The consent could not be rescinded.' };
      return null;
    });
  }

  async #cancelRescind() {
    const id = this.rescinding?.id;
    this.rescinding = null;
    await this.updateComplete;
    this.querySelector<HTMLElement>(`[data-consent="${id}"]`)?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-admin-consents': FwAdminConsents;
  }
}

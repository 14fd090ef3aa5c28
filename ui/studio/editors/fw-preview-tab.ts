import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { consume, provide } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../../light-element.js';
import { ApiError, type ApiClient } from '../../api/client.js';
import { generatedForm } from '../../api/meta.js';
import { fetchChangeSet, fetchStudioDefinition, fetchStudioDefinitions } from '../../api/studio.js';
import {
  fetchPreviewForm, fetchPreviewItem, fetchPreviewTable, tryPreviewRecord, type PreviewItem, type TryView,
} from '../../api/studio-preview.js';
import type { FormMeta, RecordData, SessionInfo } from '../../api/types.js';
import type { OrderAction } from '../../catalog/fw-order-form.js';
import '../../catalog/fw-order-form.js';
import { apiContext, sessionContext } from '../../contexts.js';
import type { SummaryItem } from '../../fw-error-summary.js';
import '../../fw-error-summary.js';
import type { FwForm } from '../../fw-form.js';
import '../../fw-form.js';
import type { Definition, EditorTab } from './contract.js';
import { trialResults } from './preview-parts.js';

/** The kinds the tab previews; rules get "try this record" only. */
const PREVIEW_KINDS = new Set(['form', 'table', 'catalogItem', 'rule']);
const NOT_SAVED = 'This is a preview: nothing was saved.';
const ITEM_ACTIONS: OrderAction[] = [{ intent: 'order', label: 'Submit' }];
const RECORD_BOX = 'preview-record';

interface RoleOption { name: string; label: string }

/** Keys sorted at every depth, so two definitions compare equal whatever order their members were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The definition page's "Preview" tab: a form, a table (through its default form, or the form the list pages
 * generate when it has none) or a catalogue item, as people holding the chosen roles would see it from the change
 * set as last saved — the real form element with its policies running in the browser, but a submit never writes.
 * "Try this record" sends the values in the form (for a rule, a JSON record) to the server, which says which
 * business rules would run, in order, what they would do, and why the others would not.
 */
@customElement('fw-preview-tab')
export class FwPreviewTab extends LightElement {
  /** The change set previewed. */
  @property() accessor changeSetId = '';
  @property() accessor kind = '';
  @property() accessor name = '';
  /** The definition as the page holds it now (compared with the saved one to say the preview is behind). */
  @property({ attribute: false }) accessor definition: Definition = {};

  @consume({ context: apiContext }) private accessor api!: ApiClient;
  /** The configurator's session, from the page. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  /**
   * The session the previewed form sees: the configurator's, with the preview person's roles and capabilities, so
   * policies naming `user.roles` act as they would for that person (a provider does not answer its own host's request).
   */
  @provide({ context: sessionContext }) private accessor previewSession: SessionInfo | null = null;

  @state() private accessor roles: RoleOption[] = [];
  @state() private accessor chosen: string[] = [];
  @state() private accessor saved: string | null = null;
  @state() private accessor form: FormMeta | null = null;
  @state() private accessor item: PreviewItem | null = null;
  @state() private accessor shownFor: string[] | null = null;
  @state() private accessor notice = '';
  @state() private accessor problems: SummaryItem[] = [];
  @state() private accessor busy = false;
  @state() private accessor trial: TryView | null = null;
  @state() private accessor operation: 'create' | 'update' = 'create';
  @state() private accessor recordText = '{}';

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('changeSetId') || changed.has('kind') || changed.has('name')) void this.#loadRoles();
  }

  override render() {
    const behind = this.saved !== null && this.saved !== canonical(this.definition);
    return html`<div class="fw-preview">
      <fw-error-summary .items=${this.problems}></fw-error-summary>
      <h2 class="fw-heading-m">Preview</h2>
      <p class="fw-body">See this ${this.#what()} as the people holding some roles would, with its rules and policies from this change
        set. Nothing you do here is saved, and nothing is live until the change set is published.</p>
      ${behind ? html`<div class="fw-inset-text" data-behind><p class="fw-body">The preview shows the change set as last saved.
        Save to see your latest changes in the preview.</p></div>` : nothing}
      ${this.kind === 'rule' ? nothing : this.#rolePicker()}
      ${this.notice ? html`<p class="fw-inset-text" role="status" data-preview-notice>${this.notice}</p>` : nothing}
      ${this.#preview()}
      ${this.kind === 'catalogItem' ? nothing : this.#trySection()}
      ${this.trial ? trialResults(this.trial) : nothing}
    </div>`;
  }

  #what(): string {
    return { form: 'form', table: 'table', catalogItem: 'catalogue item', rule: 'rule' }[this.kind] ?? 'definition';
  }

  #rolePicker(): TemplateResult {
    return html`<form class="fw-form" novalidate @submit=${this.#onShow}>
      <div class="fw-form-group"><fieldset class="fw-fieldset" aria-describedby="preview-roles-hint">
        <legend class="fw-fieldset__legend fw-fieldset__legend--s">Preview as someone with these roles</legend>
        <div class="fw-hint" id="preview-roles-hint">Choose one or more. With none chosen, you see it with your own roles.</div>
        <div class="fw-checkboxes">${this.roles.map((r, i) => html`<div class="fw-checkboxes__item">
          <input class="fw-checkboxes__input" type="checkbox" id=${`preview-role-${i}`} .checked=${this.chosen.includes(r.name)}
            data-role=${r.name} @change=${(e: Event) => this.#toggle(r.name, (e.target as HTMLInputElement).checked)}>
          <label class="fw-label fw-checkboxes__label" for=${`preview-role-${i}`}>${r.label}</label></div>`)}</div>
      </fieldset></div>
      <div class="fw-button-group"><button type="submit" class="fw-button" ?disabled=${this.busy}>Show the preview</button></div>
    </form>`;
  }

  #preview(): TemplateResult | typeof nothing {
    const who = this.shownFor === null ? '' : this.shownFor.length
      ? this.shownFor.map((n) => this.roles.find((r) => r.name === n)?.label ?? n).join(', ') : 'your own roles';
    if (this.form) {
      return html`<section class="fw-preview__frame" aria-labelledby="preview-frame-heading">
        <h3 class="fw-heading-s" id="preview-frame-heading" tabindex="-1">${this.form.label ?? this.form.tableLabel}, as someone with ${who}</h3>
        <fw-form .form=${this.form} preview idPrefix="preview"></fw-form>
      </section>`;
    }
    if (this.item) {
      return html`<section class="fw-preview__frame" aria-labelledby="preview-frame-heading">
        <h3 class="fw-heading-s" id="preview-frame-heading" tabindex="-1">${this.item.title}, as someone with ${who}</h3>
        ${this.item.orderable ? nothing : html`<p class="fw-inset-text" data-not-orderable>Someone with ${who} may not order this item: the
          catalogue would tell them it is not found.</p>`}
        <fw-order-form .item=${this.item} .actions=${ITEM_ACTIONS} .action=${this.#order} idPrefix="preview"></fw-order-form>
      </section>`;
    }
    return nothing;
  }

  #trySection(): TemplateResult {
    const rule = this.kind === 'rule';
    if (!rule && !this.form) return html``;
    return html`<form class="fw-form" novalidate @submit=${this.#onTry} aria-labelledby="preview-try-heading">
      <h3 class="fw-heading-s" id="preview-try-heading">Try this record</h3>
      <p class="fw-body">${rule
        ? 'Write the record as field names and values, then try it: you see whether this rule and the others of its table would run.'
        : 'Fill in the form above, then try it: you see which business rules would run when it is saved, in order, and what they would do.'}</p>
      ${rule ? this.#recordBox() : nothing}
      <div class="fw-form-group"><fieldset class="fw-fieldset">
        <legend class="fw-fieldset__legend fw-fieldset__legend--s">When the record is</legend>
        <div class="fw-radios fw-radios--inline">${(['create', 'update'] as const).map((op) => html`<div class="fw-radios__item">
          <input class="fw-radios__input" type="radio" name="preview-operation" id=${`preview-op-${op}`} .checked=${this.operation === op}
            @change=${() => { this.operation = op; }}>
          <label class="fw-label fw-radios__label" for=${`preview-op-${op}`}>${op === 'create' ? 'Created' : 'Updated'}</label></div>`)}</div>
      </fieldset></div>
      <div class="fw-button-group"><button type="submit" class="fw-button fw-button--secondary" ?disabled=${this.busy}>Try</button></div>
    </form>`;
  }

  /** The rule's record as JSON, with its error inline (GOV.UK: the message between the hint and the control). */
  #recordBox(): TemplateResult {
    const error = this.problems.find((p) => p.target === RECORD_BOX)?.text;
    return html`<div class="fw-form-group ${error ? 'fw-form-group--error' : ''}">
      <label class="fw-label" for=${RECORD_BOX}>Record (JSON)</label>
      <div class="fw-hint" id="preview-record-hint">Field names and values, for example {"title": "Printer"}. The table is the rule's own.</div>
      ${error ? html`<p class="fw-error-message" id="preview-record-error"><span class="fw-visually-hidden">Error:</span> ${error}</p>` : nothing}
      <textarea class="fw-textarea fw-textarea--code" id=${RECORD_BOX} rows="6" spellcheck="false"
        aria-describedby=${error ? 'preview-record-hint preview-record-error' : 'preview-record-hint'}
        .value=${this.recordText} @input=${(e: Event) => { this.recordText = (e.target as HTMLTextAreaElement).value; }}></textarea>
    </div>`;
  }

  #toggle(name: string, on: boolean) {
    this.chosen = on ? [...this.chosen, name] : this.chosen.filter((n) => n !== name);
  }

  async #loadRoles() {
    const cs = this.changeSetId;
    try {
      const [running, set, saved] = await Promise.all([
        fetchStudioDefinitions(this.api, { kind: 'role' }), fetchChangeSet(this.api, cs),
        fetchStudioDefinition(this.api, cs, this.kind, this.name).catch(() => null),
      ]);
      const roles = new Map<string, string>(running.map((r) => [r.name, r.label ?? r.name]));
      for (const d of set.definitions ?? []) {
        if (d.kind !== 'role') continue;
        if (d.deleted) roles.delete(d.name);
        else roles.set(d.name, String((d.definition as { label?: unknown } | null)?.label ?? d.name));
      }
      this.roles = [...roles].map(([name, label]) => ({ name, label })).sort((a, b) => a.label.localeCompare(b.label));
      this.saved = saved?.definition ? canonical(saved.definition) : null;
    } catch (e) {
      this.#fail(e, 'The roles cannot be listed.');
    }
  }

  #onShow = async (e: Event) => {
    e.preventDefault();
    await this.#run(async () => {
      const roles = [...this.chosen];
      this.form = null;
      this.item = null;
      this.trial = null;
      let person: Record<string, unknown>;
      if (this.kind === 'catalogItem') {
        const item = await fetchPreviewItem(this.api, this.changeSetId, this.name, roles);
        person = item.person;
        this.#actAs(person);
        this.item = item.view;
      } else {
        let form: FormMeta;
        if (this.kind === 'form') {
          ({ view: form, person } = await fetchPreviewForm(this.api, this.changeSetId, this.name, roles));
        } else {
          const table = await fetchPreviewTable(this.api, this.changeSetId, this.name, roles);
          person = table.person;
          form = table.view.defaultForm
            ? (await fetchPreviewForm(this.api, this.changeSetId, table.view.defaultForm, roles)).view : generatedForm(table.view);
        }
        this.#actAs(person);
        this.form = form;
      }
      this.shownFor = roles;
      this.notice = '';
      await this.updateComplete;
      this.querySelector<HTMLElement>('#preview-frame-heading')?.focus();
    });
  };

  /** Give the previewed form the preview person's facts (before it renders, so its first evaluation uses them). */
  #actAs(person: Record<string, unknown>) {
    const session = this.session;
    if (!session) return;
    const list = (key: string) => (Array.isArray(person[key]) ? (person[key] as string[]) : []);
    this.previewSession = {
      ...session,
      user: { ...session.user, roles: list('roles'), capabilities: list('capabilities'), orgs: list('orgs'), userIds: list('userIds') },
    };
  }

  #order = async () => ({ notice: NOT_SAVED });

  #onTry = async (e: Event) => {
    e.preventDefault();
    let record: RecordData;
    let table: string;
    if (this.kind === 'rule') {
      table = String(this.definition.table ?? '');
      try {
        const parsed: unknown = JSON.parse(this.recordText);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('it must be one JSON object');
        record = parsed as RecordData;
      } catch (err) {
        this.problems = [{ text: `The record cannot be read: ${(err as Error).message}.`, target: RECORD_BOX }];
        return;
      }
    } else {
      const form = this.querySelector<FwForm>('fw-form');
      if (!form || !this.form) return;
      table = this.form.table;
      const fields = this.form.fields;
      record = Object.fromEntries(Object.entries(form.currentValues).filter(([n, v]) => fields[n] && !fields[n].system && v !== undefined));
    }
    await this.#run(async () => {
      const named = this.form && !this.form.generated ? { form: this.form.name } : {};
      const roles = this.shownFor ?? [];
      this.trial = await tryPreviewRecord(this.api, this.changeSetId, {
        table, record, operation: this.operation, ...(roles.length ? { role: roles } : {}), ...named,
      });
      await this.updateComplete;
      this.querySelector<HTMLElement>('#preview-results-heading')?.focus();
    });
  };

  async #run(work: () => Promise<void>) {
    this.busy = true;
    this.problems = [];
    try {
      await work();
    } catch (e) {
      this.#fail(e, 'The preview cannot be shown.');
    } finally {
      this.busy = false;
    }
  }

  #fail(e: unknown, fallback: string) {
    if (e instanceof ApiError && e.code === 'definition_invalid') {
      this.problems = [{ text: 'This change set has problems, so it cannot be previewed. Save and check it, then fix what the check lists.' }];
    } else if (e instanceof ApiError && e.errors.length) {
      this.problems = e.errors.map((p) => ({ text: p.message, ...(this.kind === 'rule' && p.field.startsWith('record') ? { target: RECORD_BOX } : {}) }));
    } else {
      this.problems = [{ text: e instanceof Error && e.message ? e.message : fallback }];
    }
  }
}

/** The "Preview" tab of forms, tables, catalogue items and rules. */
export const previewTab: EditorTab = {
  id: 'preview',
  label: 'Preview',
  appliesTo: (kind) => PREVIEW_KINDS.has(kind),
  render: (ctx) => html`<fw-preview-tab .changeSetId=${ctx.changeSetId} .kind=${ctx.kind} .name=${ctx.name} .definition=${ctx.definition}></fw-preview-tab>`,
};

declare global {
  interface HTMLElementTagNameMap {
    'fw-preview-tab': FwPreviewTab;
  }
}

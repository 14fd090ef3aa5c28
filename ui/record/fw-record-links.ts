import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { evaluateCondition } from '../../platform/conditions/browser.js';
import type { FormLink } from '../../platform/forms/types.js';
import type { RecordData, SessionInfo } from '../api/types.js';
import { sessionContext } from '../contexts.js';
import { catalogItemUrl, formUrl, newRecordUrl } from '../router.js';
import { userFacts } from '../session-state.js';

/** The query a link's target page starts from: each set target given the record's value (empty values left out). */
export function linkParams(link: FormLink, record: RecordData): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, source] of Object.entries(link.set)) {
    const v = source === 'record' ? record.id : record[source.slice('record.'.length)];
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) continue;
    params.set(key, Array.isArray(v) ? v.map(String).join(',') : String(v));
  }
  return params;
}

/** Where a link leads: the target form's or table's new-record page, or the catalogue item's order page, prefilled. */
export function linkUrl(link: FormLink, record: RecordData): string {
  const params = linkParams(link, record);
  const q = params.toString();
  if ('table' in link.to) return newRecordUrl(link.to.table, params);
  const path = 'form' in link.to ? formUrl(link.to.form) : catalogItemUrl(link.to.catalogItem);
  return q ? `${path}?${q}` : path;
}

/**
 * A record's links to other tables and catalogue items (the form's `links`, as the server lists them for the person):
 * one link-styled button each, shown while the link's condition holds of the record as the person reads it.
 */
@customElement('fw-record-links')
export class FwRecordLinks extends LightElement {
  /** The links the person may use (from the form metadata). */
  @property({ attribute: false }) accessor links: FormLink[] = [];
  /** The record shown. */
  @property({ attribute: false }) accessor record: RecordData = {};

  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;

  /** The links whose condition holds now. */
  @state() private accessor shown: FormLink[] = [];
  #run = 0;

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('links') || changed.has('record') || changed.has('session')) void this.#decide();
  }

  override render() {
    if (!this.shown.length) return nothing;
    return html`<div class="fw-button-group fw-record-links" role="group" aria-label="Start from this record">
      ${this.shown.map((l) => html`<a class="fw-button fw-button--secondary" data-link=${l.name} href=${linkUrl(l, this.record)}>${l.label}</a>`)}
    </div>`;
  }

  async #decide() {
    const run = ++this.#run;
    const facts = { record: this.record, previous: null, user: userFacts(this.session), now: new Date().toISOString() };
    const kept: FormLink[] = [];
    for (const link of this.links) {
      // A condition that cannot be evaluated here (a fact the person cannot read) hides the link rather than breaking the page.
      const ok = link.condition === undefined || await evaluateCondition(link.condition, facts).catch(() => false);
      if (ok) kept.push(link);
    }
    if (run === this.#run) this.shown = kept;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-record-links': FwRecordLinks;
  }
}

/**
 * The preview tab's result views: the rules a tried record would set off, in the order they run, with what each
 * does in words; the values the record would be written with; the form's policies for it. Words for people only:
 * rules and fields by label, machine names as secondary text.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { RuleTrial, TryView } from '../../api/studio-preview.js';

const WHEN_WORDS = { before: 'Before saving', after: 'After saving' } as const;

function outcomeCell(rule: RuleTrial): TemplateResult {
  if (rule.runs && rule.stops) return html`<strong class="fw-tag fw-tag--red">Stops the save</strong>`;
  if (rule.runs) return html`<strong class="fw-tag fw-tag--green">${rule.branch === 'else' ? 'Runs (otherwise)' : 'Runs'}</strong>`;
  return html`<strong class="fw-tag fw-tag--grey">Does not run</strong>`;
}

function actionsCell(rule: RuleTrial): TemplateResult {
  const lead = rule.runs ? '' : 'When it runs: ';
  const reason = rule.reasonText ? html`<p class="fw-body" data-reason=${rule.reason ?? ''}>${rule.reasonText}</p>` : nothing;
  if (!rule.actions.length) return html`${reason}`;
  return html`${reason}<ul class="fw-list fw-preview__actions">${rule.actions.map((a) => html`<li data-action=${a.type}>${lead}${a.text}</li>`)}</ul>`;
}

/** The rules' table (an accessible table with a caption), the resulting values and the policies. */
export function trialResults(view: TryView): TemplateResult {
  return html`<section class="fw-preview__results" aria-labelledby="preview-results-heading">
    <h3 class="fw-heading-s" id="preview-results-heading" tabindex="-1">What would happen</h3>
    ${view.aborted
      ? html`<div class="fw-inset-text" data-aborted><p class="fw-body">The save would be refused by "${view.aborted.rule}": ${view.aborted.message}</p></div>`
      : html`<p class="fw-body">The record would be ${view.operation === 'create' ? 'created' : 'saved'}. Nothing has been written: this is a preview.</p>`}
    ${view.rules.length ? html`<div class="fw-table-wrapper" role="region" aria-labelledby="preview-rules-caption" tabindex="0">
      <table class="fw-table" data-rules>
        <caption class="fw-table__caption" id="preview-rules-caption">Business rules of ${view.tableLabel}, in the order they run</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Rule</th>
          <th scope="col" class="fw-table__header">When</th>
          <th scope="col" class="fw-table__header">Outcome</th>
          <th scope="col" class="fw-table__header">Why, and what it does</th>
        </tr></thead>
        <tbody class="fw-table__body">${view.rules.map((r) => html`<tr class="fw-table__row" data-rule=${r.name}>
          <th scope="row" class="fw-table__cell">${r.label}${r.label !== r.name ? html`<span class="fw-hint fw-preview__machine">${r.name}</span>` : nothing}</th>
          <td class="fw-table__cell">${WHEN_WORDS[r.when]} (order ${r.order})</td>
          <td class="fw-table__cell">${outcomeCell(r)}</td>
          <td class="fw-table__cell">${actionsCell(r)}</td>
        </tr>`)}</tbody>
      </table>
    </div>` : html`<p class="fw-body">${view.tableLabel} has no business rules.</p>`}
    <h4 class="fw-heading-s">The record as it would be saved</h4>
    ${view.values.length ? html`<dl class="fw-summary-list" data-record>${view.values.map((v) => html`<div class="fw-summary-list__row">
      <dt class="fw-summary-list__key">${v.label}</dt>
      <dd class="fw-summary-list__value">${v.text}${v.setByRule ? html` <strong class="fw-tag fw-tag--blue">Set by a rule</strong>` : nothing}</dd>
    </div>`)}</dl>` : html`<p class="fw-body">No field has a value.</p>`}
    ${view.policies ? policyResults(view.policies) : nothing}
  </section>`;
}

function policyResults(p: NonNullable<TryView['policies']>): TemplateResult {
  const states = p.fields.filter((f) => !f.visible || f.mandatory || f.readOnly);
  return html`<h4 class="fw-heading-s">Policies of the form ${p.formLabel}</h4>
    ${p.policies.length ? html`<ul class="fw-list" data-policies>${p.policies.map((x, i) => html`<li>
      <strong>${x.failed ? 'Cannot be evaluated' : x.holds ? 'Applies' : 'Does not apply'}</strong>: ${x.description ?? x.name ?? `policy ${i + 1}`}</li>`)}</ul>`
      : html`<p class="fw-body">The form has no policies.</p>`}
    ${states.length ? html`<p class="fw-body">${states.map((f) => `${f.label}: ${[
      f.visible ? '' : 'hidden', f.mandatory ? 'must be filled in' : '', f.readOnly ? 'cannot be changed' : '',
    ].filter(Boolean).join(', ')}`).join('; ')}.</p>` : nothing}`;
}

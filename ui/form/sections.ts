/**
 * A form definition's sections as the page shows them — headed regions, their columns as a CSS grid — shared by
 * record forms and the catalogue's order form, so both lay questions out alike.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { FormMeta } from '../api/types.js';

/** How the sections are drawn: which fields are on screen, and each field's widget. */
export interface SectionsOptions {
  /** Prefix of the section headings' ids (unique per page). */
  idPrefix: string;
  isShown: (name: string) => boolean;
  renderField: (name: string) => unknown;
}

/** The grid class for `n` columns (one to three: wider forms wrap). */
const columnsClass = (n: number) => `fw-form-columns fw-form-columns--${Math.min(Math.max(n, 1), 3)}`;

/** Every section with a field on screen, in order: its title as a heading naming the region, then its columns. */
export function renderSections(form: Pick<FormMeta, 'sections'>, o: SectionsOptions): Array<TemplateResult | typeof nothing> {
  return form.sections.map((section, i) => {
    if (!section.columns.some((c) => c.some((name) => o.isShown(name)))) return nothing;
    const headingId = `${o.idPrefix}-section-${i}`;
    return html`<section class="fw-form-section" aria-labelledby=${section.title ? headingId : nothing}>
      ${section.title ? html`<h2 class="fw-heading-m" id=${headingId}>${section.title}</h2>` : nothing}
      ${section.description ? html`<p class="fw-body">${section.description}</p>` : nothing}
      <div class=${columnsClass(section.columns.length)}>
        ${section.columns.map((col) => html`<div class="fw-form-column">${col.map((name) => o.renderField(name))}</div>`)}
      </div>
    </section>`;
  });
}

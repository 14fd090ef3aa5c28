/**
 * A form definition's sections as the page shows them — headed regions, their columns as a CSS grid — shared by
 * record forms and the catalogue's order form, so both lay questions out alike. A long record form may show its
 * titled sections as tabs instead, so the page stays a few screens high (see {@link SectionTabs}).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { FormMeta } from '../api/types.js';
import { renderTabs } from '../record/tabs.js';

/**
 * Sections as tabs, when the form is long ({@link isLongForm}): the sections before the first titled one stay on
 * screen above the tabs (they hold what the record is), each later section is a tab named by its title.
 */
export interface SectionTabs {
  /** The selected section's key ({@link sectionKey}); the first tab when it names none. */
  selected: string;
  select: (key: string) => void;
  /** The problems shown in a section's fields, said on its tab ("2 errors"). */
  problems: (names: string[]) => number;
}

/** How the sections are drawn: which fields are on screen, and each field's widget. */
export interface SectionsOptions {
  /** Prefix of the section headings' ids (unique per page). */
  idPrefix: string;
  isShown: (name: string) => boolean;
  renderField: (name: string) => unknown;
  /** Long forms' titled sections as tabs; omitted, every section is on screen. */
  tabs?: SectionTabs;
}

type Section = FormMeta['sections'][number];

/**
 * More field rows than this on screen make a form long: two columns of them no longer fit in three screens. A field
 * counts by the room it takes: a one-line control one row, a text area two, a journal (its box and its thread) or an
 * attachment list four.
 */
export const LONG_FORM_FIELDS = 20;

type FormFields = Pick<FormMeta, 'sections' | 'fields'>;

/** The rows a field takes, for {@link isLongForm}. */
function rowsOf(form: FormFields, name: string): number {
  const type = form.fields[name]?.type;
  return type === 'journal' || type === 'attachment' ? 4 : type === 'text' || type === 'json' ? 2 : 1;
}

/** A section's key as a tab: its position in the form definition. */
export const sectionKey = (index: number) => `section-${index}`;

/** The grid class for `n` columns (one to three: wider forms wrap). */
const columnsClass = (n: number) => `fw-form-columns fw-form-columns--${Math.min(Math.max(n, 1), 3)}`;

const namesOf = (section: Section) => section.columns.flat();

/** Whether the form shows more than {@link LONG_FORM_FIELDS} rows of fields in at least two titled sections. */
export function isLongForm(form: FormFields, isShown: (name: string) => boolean): boolean {
  const shown = form.sections.map((s) => namesOf(s).filter(isShown).reduce((n, name) => n + rowsOf(form, name), 0));
  const titled = form.sections.filter((s, i) => s.title && shown[i]! > 0).length;
  return titled >= 2 && shown.reduce((a, b) => a + b, 0) > LONG_FORM_FIELDS;
}

/** Every section with a field on screen, in order: its title as a heading naming the region, then its columns. */
export function renderSections(form: FormFields, o: SectionsOptions): Array<TemplateResult | typeof nothing> {
  const shown = form.sections.map((s) => namesOf(s).some((name) => o.isShown(name)));
  const firstTitled = form.sections.findIndex((s, i) => shown[i] && s.title);
  if (!o.tabs || firstTitled < 0 || !isLongForm(form, o.isShown)) {
    return form.sections.map((s, i) => (shown[i] ? renderSection(s, i, o) : nothing));
  }
  const tabbed = form.sections.map((s, i) => ({ s, i })).filter(({ i }) => i >= firstTitled && shown[i]);
  const tabs = o.tabs;
  return [
    ...form.sections.slice(0, firstTitled).map((s, i) => (shown[i] ? renderSection(s, i, o) : nothing)),
    renderTabs(tabbed.map(({ s, i }) => {
      const errors = tabs.problems(namesOf(s).filter((n) => o.isShown(n)));
      return {
        key: sectionKey(i), label: s.title || 'More', content: renderBody(s, o),
        note: errors ? `${errors} ${errors === 1 ? 'error' : 'errors'}` : undefined,
      };
    }), { idPrefix: `${o.idPrefix}-sections`, label: 'Form sections', selected: tabs.selected, select: tabs.select }),
  ];
}

function renderSection(section: Section, i: number, o: SectionsOptions): TemplateResult {
  const headingId = `${o.idPrefix}-section-${i}`;
  return html`<section class="fw-form-section" aria-labelledby=${section.title ? headingId : nothing}>
    ${section.title ? html`<h2 class="fw-heading-m" id=${headingId}>${section.title}</h2>` : nothing}
    ${renderBody(section, o)}
  </section>`;
}

/** A section's description and columns (a tab's panel is named by its tab, so it needs no heading of its own). */
function renderBody(section: Section, o: SectionsOptions): TemplateResult {
  return html`${section.description ? html`<p class="fw-body">${section.description}</p>` : nothing}
    <div class=${columnsClass(section.columns.length)}>
      ${section.columns.map((col) => html`<div class="fw-form-column">${col.map((name) => o.renderField(name))}</div>`)}
    </div>`;
}

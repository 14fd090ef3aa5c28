/**
 * The form designer's lists under the sections: related lists (reordered or removed here) and UI policies, shown
 * as they are with their conditions in words; conditions are edited in the Conditions tab, not here.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Definition } from './contract.js';
import { conditionWords } from './form-model.js';
import { choiceLabel, factLabel, fieldLabel } from './designer-words.js';
import type { FieldDef } from './table-model.js';

type Emit = (definition: Definition, announcement: string) => void;

const listOf = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);

/** Item `index` of `key` moved `delta` places, or removed when `delta` is 0. */
function changeList(def: Definition, key: string, index: number, delta: number): Definition {
  const items = [...listOf(def[key])];
  if (delta === 0) items.splice(index, 1);
  else {
    const to = index + delta;
    if (to < 0 || to >= items.length) return def;
    const [moved] = items.splice(index, 1);
    items.splice(to, 0, moved!);
  }
  const next: Definition = { ...def, [key]: items };
  if (!items.length) delete next[key];
  return next;
}

/** What one UI policy action does, in words ("Priority: required, read-only"). */
function actionWords(a: Record<string, unknown>, fields: Map<string, FieldDef>): string {
  const names = Array.isArray(a.fields) ? (a.fields as string[]) : typeof a.field === 'string' ? [a.field] : [];
  const does: string[] = [];
  if (a.visible !== undefined) does.push(a.visible ? 'shown' : 'hidden');
  if (a.mandatory !== undefined) does.push(a.mandatory ? 'required' : 'optional');
  if (a.readOnly !== undefined) does.push(a.readOnly ? 'read-only' : 'editable');
  if (a.value !== undefined) does.push(`set to ${JSON.stringify(a.value)}`);
  return `${names.map((n) => fieldLabel(n, fields.get(n))).join(', ')}: ${does.join(', ')}`;
}

/** The related lists and UI policies of the form. */
export function formRules(def: Definition, fields: Map<string, FieldDef>, off: boolean, emit: Emit): TemplateResult {
  const related = listOf(def.relatedLists);
  const policies = listOf(def.uiPolicies);
  const label = (f: string) => factLabel(f, fields);
  const choice = (f: string, v: string) => choiceLabel(f, v, fields);
  return html`
    ${related.length ? html`<h2 class="fw-heading-m">Related lists</h2>
      <ol class="fw-designer__list">
        ${related.map((r, i) => {
          const name = typeof r.label === 'string' ? r.label : `Records of ${String(r.table)} through ${String(r.field)}`;
          return html`<li class="fw-designer__entry" data-related=${i}>
            <span class="fw-designer__entry-label">${name}</span>
            ${off ? nothing : html`<span class="fw-designer__actions">
              <button type="button" class="fw-link-button" ?disabled=${i === 0}
                @click=${() => emit(changeList(def, 'relatedLists', i, -1), `${name} moved up.`)}>Move up<span class="fw-visually-hidden">: ${name}</span></button>
              <button type="button" class="fw-link-button" ?disabled=${i === related.length - 1}
                @click=${() => emit(changeList(def, 'relatedLists', i, 1), `${name} moved down.`)}>Move down<span class="fw-visually-hidden">: ${name}</span></button>
              <button type="button" class="fw-link-button"
                @click=${() => emit(changeList(def, 'relatedLists', i, 0), `${name} removed.`)}>Remove<span class="fw-visually-hidden">: ${name}</span></button>
            </span>`}
          </li>`;
        })}
      </ol>` : nothing}
    ${policies.length ? html`<h2 class="fw-heading-m">UI policies</h2>
      <p class="fw-inset-text">These change fields while the record is edited. Edit them in the Conditions tab.</p>
      <ul class="fw-list">
        ${policies.map((p, i) => html`<li data-policy=${i}>
          <span class="fw-designer__entry-label">${typeof p.description === 'string' ? p.description : `UI policy ${i + 1}`}</span>
          <span class="fw-secondary-text fw-designer__rule">Applies when: ${conditionWords(p.condition, label, choice)}</span>
          ${listOf(p.actions).map((a) => html`<span class="fw-secondary-text fw-designer__rule">${actionWords(a, fields)}</span>`)}
        </li>`)}
      </ul>` : nothing}`;
}

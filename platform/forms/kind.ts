/**
 * The `form` kind: how a table's records are laid out for people (sections and columns), related lists, UI
 * policies (applied in the browser and enforced by the server as data policies, platform/rules), copy actions and
 * links to other tables and catalogue items (link-lint.ts, links.ts).
 * Lint reads the form as written (`FormSource`, with its sugar); `normalise` (normalise.ts) expands the sugar.
 */
import { defineKind, type LintContext } from '../definitions/kinds.js';
import { readSchemaPart } from '../definitions/schema.js';
import { checkFieldValue } from '../records/field-values.js';
import { lintLinks } from './link-lint.js';
import { entryField, FIELD_CONDITIONS, normaliseForm, placedFields } from './normalise.js';
import type { FormDef, FormSource } from './types.js';

declare module '../definitions/kinds.js' {
  interface KindTypes { form: { def: FormDef; map: 'forms' } }
}

function lintForm(form: FormSource, ctx: LintContext): void {
  const table = ctx.tableRef('/table', form.table);
  const seen = new Map<string, string>();
  form.sections.forEach((s, i) => s.columns.forEach((col, j) => col.forEach((entry, k) => {
    const at = `/sections/${i}/columns/${j}/${k}`;
    const f = entryField(entry);
    ctx.fieldRef(typeof entry === 'string' ? at : `${at}/field`, table, f);
    if (seen.has(f)) ctx.report(at, `Field "${f}" is already placed on the form at ${seen.get(f)}.`);
    if (table?.fields.get(f)?.hidden) ctx.report(at, `Field "${f}" is hidden (kept off forms and lists): remove it from the form, or drop "hidden" from the field.`, { value: f });
    seen.set(f, at);
    // The conditions become UI policies: checked as theirs are.
    if (typeof entry !== 'string') {
      for (const { key } of FIELD_CONDITIONS) {
        if (entry[key] !== undefined) ctx.condition(`${at}/${key}`, table, entry[key], { compilable: false, allowPrevious: false });
      }
    }
  })));
  form.relatedLists?.forEach((r, i) => {
    const related = ctx.tableRef(`/relatedLists/${i}/table`, r.table);
    ctx.fieldRef(`/relatedLists/${i}/field`, related, r.field);
    const f = related?.fields.get(r.field);
    if (f && table && (f.type !== 'reference' || (f.reference !== table.name && !table.ancestors.includes(f.reference!)))) {
      ctx.report(`/relatedLists/${i}/field`, `Field "${r.field}" of "${r.table}" does not refer to "${table.name}".`);
    }
    r.columns?.forEach((c, j) => ctx.fieldRef(`/relatedLists/${i}/columns/${j}`, related, c));
  });
  const copyNames = new Set<string>();
  form.copies?.forEach((c, i) => {
    const at = `/copies/${i}`;
    if (copyNames.has(c.name)) ctx.report(`${at}/name`, `The form already has a copy action "${c.name}".`, { value: c.name });
    copyNames.add(c.name);
    // Other forms are seen as written too (lint runs before normalise).
    const other: FormSource | undefined = c.form === undefined ? undefined : ctx.defs('form').get(c.form);
    const target = c.form === undefined ? form : other;
    const known = c.form === undefined || ctx.ref('form', `${at}/form`, c.form);
    if (known && target && target.table !== form.table) {
      ctx.report(`${at}/form`, `Form "${c.form}" is a form of table "${target.table}", not "${form.table}".`, { value: c.form });
    }
    c.roles?.forEach((r, j) => ctx.ref('role', `${at}/roles/${j}`, r));
    const placed = new Set(target ? placedFields(target) : []);
    c.fields.forEach((name, j) => {
      const fat = `${at}/fields/${j}`;
      ctx.fieldRef(fat, table, name);
      const f = table?.fields.get(name);
      if (!f) return;
      // The copy travels as the new-record form's initial values: only fields a person can give a create.
      if (f.system || f.protected || f.readOnly) ctx.report(fat, `Field "${name}" is ${f.system ? 'set by the system' : f.protected ? 'protected' : 'read-only'}: a new record cannot be given its value.`, { value: name });
      else if (f.type === 'journal' || f.type === 'attachment' || f.type === 'json') ctx.report(fat, `Field "${name}" is of type ${f.type}: its value cannot be copied into a new-record form.`, { value: name });
      else if (target && !placed.has(name)) ctx.report(fat, `Field "${name}" is not on form "${target.name}", so the new record's form would drop its value.`, { value: name });
    });
  });
  lintLinks(form, table, ctx);
  form.uiPolicies?.forEach((p, i) => {
    ctx.condition(`/uiPolicies/${i}/condition`, table, p.condition, { compilable: false, allowPrevious: false });
    p.actions.forEach((a, j) => {
      const at = `/uiPolicies/${i}/actions/${j}`;
      if (a.field !== undefined && a.fields !== undefined) {
        ctx.report(`${at}/fields`, 'An action names its fields once: give "field" or "fields", not both.');
        return;
      }
      const named = a.fields ? a.fields.map((name, k) => ({ name, pointer: `${at}/fields/${k}` })) : [{ name: a.field!, pointer: `${at}/field` }];
      for (const { name, pointer } of named) {
        ctx.fieldRef(pointer, table, name);
        const f = table?.fields.get(name);
        if (!f || a.value === undefined) continue;
        // The server enforces value actions as data policies: a value the field cannot hold would refuse every save.
        if (f.system) ctx.report(pointer, `Field "${name}" is set by the system; a policy cannot give it a value.`, { value: name });
        else if (f.type === 'journal' || f.type === 'attachment') ctx.report(`${at}/value`, `A policy cannot give the ${f.type} field "${name}" a value.`);
        else {
          const checked = checkFieldValue(f, a.value);
          if (!checked.ok) ctx.report(`${at}/value`, checked.message, { value: a.value });
        }
      }
    });
  });
}

export const formKind = defineKind({
  kind: 'form',
  map: 'forms',
  summary: 'how records of a table are laid out and behave on screen',
  schema: readSchemaPart(new URL('./form.schema.json', import.meta.url)),
  lint: lintForm,
  normalise: normaliseForm,
});

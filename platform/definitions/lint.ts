/**
 * Cross-reference lint: what the schema cannot see. Unknown tables, fields, forms and roles; conditions whose
 * facts or operators do not exist (or cannot compile where they must); data records naming unknown fields.
 */
import { checkCondition, factRef, isLeaf, parseFact } from '../conditions/facts.js';
import type { Condition } from '../conditions/types.js';
import { checkFieldValue } from '../records/field-values.js';
import { checkNotificationTemplate, templatePaths, TEMPLATE_ROOTS } from '../notify/templates.js';
import { checkTemplate, isTemplate } from '../rules/templates.js';
import { lintDependentChoices } from './lint-choices.js';
import { lintDataIdentities } from './lint-data.js';
import { lintHolidaySet, lintSchedule, lintSla, type WorkingTimeLint } from './lint-sla.js';
import { lintWorkflow } from './lint-workflow.js';
import { ALWAYS_READABLE, type WorkflowDef } from './types.js';
import type {
  DataFile, DefinitionError, DefinitionSource, FormDef, GenericDef, HolidaySetDef, ScheduleDef, SlaDef, MenuDef, MenuItem, NotificationDef, ResolvedTable, RoleDef,
  RuleDef,
} from './types.js';

export interface LintInput {
  tables: Map<string, ResolvedTable>;
  /** Names of every table declared, valid or not (a form on a broken table is not also "unknown table"). */
  declaredTables: Set<string>;
  forms: Map<string, FormDef>;
  declaredForms: Set<string>;
  menus: Map<string, MenuDef>;
  roles: Map<string, RoleDef>;
  declaredRoles: Set<string>;
  others: Map<string, GenericDef>;
  data: { def: DataFile; source: DefinitionSource }[];
  sources: Map<string, DefinitionSource>;
}

/** The record fields a (structurally valid) condition refers to, with their JSON pointers. */
function recordFields(cond: unknown, pointer: string): { field: string; at: string }[] {
  const out: { field: string; at: string }[] = [];
  const walk = (c: Condition, at: string) => {
    if ('all' in c) c.all.forEach((x, i) => walk(x, `${at}/all/${i}`));
    else if ('any' in c) c.any.forEach((x, i) => walk(x, `${at}/any/${i}`));
    else if ('not' in c) walk(c.not, `${at}/not`);
    else if (isLeaf(c)) {
      const fact = parseFact(c.fact);
      if (fact && (fact.root === 'record' || fact.root === 'previous')) out.push({ field: fact.path[0]!, at: `${at}/fact` });
      const ref = factRef(c.value);
      if (ref && (ref.root === 'record' || ref.root === 'previous')) out.push({ field: ref.path[0]!, at: `${at}/value/fact` });
    }
  };
  walk(cond as Condition, pointer);
  return out;
}

const list = (names: Iterable<string>) => `one of: ${[...names].join(', ')}`;

/** Keys of generic kinds whose objects map field (or parameter) names to values or field definitions: their
 * keys are names, never `table` / `condition` / `filter` to lint. */
const VALUE_MAPS = new Set(['set', 'fields', 'values', 'mapping', 'payload', 'parameters', 'variables']);

export function lintDefinitions(input: LintInput): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const { tables } = input;

  const reporter = (source: DefinitionSource) => (pointer: string, message: string, extra: Partial<DefinitionError> = {}) => {
    errors.push({ file: source.file, pointer: source.pointer + pointer, message, ...extra });
  };

  /** Report an unknown table; returns the resolved table when it exists and is valid. */
  const tableRef = (report: ReturnType<typeof reporter>, pointer: string, name: string): ResolvedTable | undefined => {
    if (!input.declaredTables.has(name)) {
      report(pointer, `Table "${name}" is not declared.`, { expected: list(input.declaredTables), value: name });
    }
    return tables.get(name);
  };
  const fieldRef = (report: ReturnType<typeof reporter>, pointer: string, table: ResolvedTable | undefined, field: string) => {
    if (table && !table.fields.has(field)) {
      report(pointer, `Field "${field}" is not a field of table "${table.name}".`, { expected: list(table.fields.keys()), value: field });
    }
  };
  const condition = (
    report: ReturnType<typeof reporter>, pointer: string, table: ResolvedTable | undefined, cond: unknown,
    mode: { compilable?: boolean; allowPrevious?: boolean },
  ) => {
    const problems = checkCondition(cond, {
      hasField: (name) => !table || table.fields.has(name),
      compilable: mode.compilable,
      allowPrevious: mode.allowPrevious,
    }, pointer);
    for (const p of problems) report(p.pointer, p.message, p.expected ? { expected: p.expected } : {});
    // Compiled to SQL: an encrypted column holds ciphertext, so comparing it would silently match nothing.
    if (mode.compilable && table && !problems.length) {
      for (const { field, at } of recordFields(cond, pointer)) {
        if (table.fields.get(field)?.encrypted) report(at, `Field "${field}" is encrypted at rest and cannot be used in a query condition.`, { value: field });
      }
    }
  };

  for (const table of tables.values()) {
    const source = input.sources.get(`table:${table.name}`);
    if (!source) continue;
    for (const [name, f] of Object.entries(table.def.fields)) {
      if (f.readableWhen !== undefined) condition(reporter(source), `/fields/${name}/readableWhen`, table, f.readableWhen, { compilable: false, allowPrevious: false });
    }
    lintDependentChoices(table, reporter(source));
  }

  for (const form of input.forms.values()) {
    const report = reporter(input.sources.get(`form:${form.name}`)!);
    const table = tableRef(report, '/table', form.table);
    const seen = new Map<string, string>();
    form.sections.forEach((s, i) => s.columns.forEach((col, j) => col.forEach((f, k) => {
      const at = `/sections/${i}/columns/${j}/${k}`;
      fieldRef(report, at, table, f);
      if (seen.has(f)) report(at, `Field "${f}" is already placed on the form at ${seen.get(f)}.`);
      seen.set(f, at);
    })));
    form.relatedLists?.forEach((r, i) => {
      const related = tableRef(report, `/relatedLists/${i}/table`, r.table);
      fieldRef(report, `/relatedLists/${i}/field`, related, r.field);
      const f = related?.fields.get(r.field);
      if (f && table && (f.type !== 'reference' || (f.reference !== table.name && !table.ancestors.includes(f.reference!)))) {
        report(`/relatedLists/${i}/field`, `Field "${r.field}" of "${r.table}" does not refer to "${table.name}".`);
      }
      r.columns?.forEach((c, j) => fieldRef(report, `/relatedLists/${i}/columns/${j}`, related, c));
    });
    const copyNames = new Set<string>();
    form.copies?.forEach((c, i) => {
      const at = `/copies/${i}`;
      if (copyNames.has(c.name)) report(`${at}/name`, `The form already has a copy action "${c.name}".`, { value: c.name });
      copyNames.add(c.name);
      const target = c.form === undefined ? form : input.forms.get(c.form);
      if (c.form !== undefined && !input.declaredForms.has(c.form)) report(`${at}/form`, `Form "${c.form}" is not declared.`, { expected: list(input.declaredForms), value: c.form });
      else if (target && target.table !== form.table) report(`${at}/form`, `Form "${c.form}" is a form of table "${target.table}", not "${form.table}".`, { value: c.form });
      c.roles?.forEach((r, j) => {
        if (!input.declaredRoles.has(r)) report(`${at}/roles/${j}`, `Role "${r}" is not declared.`, { expected: list(input.declaredRoles), value: r });
      });
      const placed = new Set(target?.sections.flatMap((s) => s.columns.flat()) ?? []);
      c.fields.forEach((name, j) => {
        const fat = `${at}/fields/${j}`;
        fieldRef(report, fat, table, name);
        const f = table?.fields.get(name);
        if (!f) return;
        // The copy travels as the new-record form's initial values: only fields a person can give a create.
        if (f.system || f.protected || f.readOnly) report(fat, `Field "${name}" is ${f.system ? 'set by the system' : f.protected ? 'protected' : 'read-only'}: a new record cannot be given its value.`, { value: name });
        else if (f.type === 'journal' || f.type === 'attachment' || f.type === 'json') report(fat, `Field "${name}" is of type ${f.type}: its value cannot be copied into a new-record form.`, { value: name });
        else if (target && !placed.has(name)) report(fat, `Field "${name}" is not on form "${target.name}", so the new record's form would drop its value.`, { value: name });
      });
    });
    form.uiPolicies?.forEach((p, i) => {
      condition(report, `/uiPolicies/${i}/condition`, table, p.condition, { compilable: false, allowPrevious: false });
      p.actions.forEach((a, j) => {
        const at = `/uiPolicies/${i}/actions/${j}`;
        fieldRef(report, `${at}/field`, table, a.field);
        const f = table?.fields.get(a.field);
        if (f && a.value !== undefined) {
          // The server enforces value actions as data policies: a value the field cannot hold would refuse every save.
          if (f.system) report(`${at}/field`, `Field "${a.field}" is set by the system; a policy cannot give it a value.`, { value: a.field });
          else if (f.type === 'journal' || f.type === 'attachment') report(`${at}/value`, `A policy cannot give the ${f.type} field "${a.field}" a value.`);
          else {
            const checked = checkFieldValue(f, a.value);
            if (!checked.ok) report(`${at}/value`, checked.message, { value: a.value });
          }
        }
      });
    });
  }

  for (const menu of input.menus.values()) {
    const report = reporter(input.sources.get(`menu:${menu.name}`)!);
    const walk = (items: MenuItem[], at: string) => items.forEach((item, i) => {
      const p = `${at}/${i}`;
      const table = item.table ? tableRef(report, `${p}/table`, item.table) : undefined;
      if (item.form && !input.declaredForms.has(item.form)) report(`${p}/form`, `Form "${item.form}" is not declared.`, { expected: list(input.declaredForms), value: item.form });
      if (item.filter) {
        if (!item.table) report(`${p}/filter`, 'A filter needs the item to name a table.');
        else condition(report, `${p}/filter`, table, item.filter, { compilable: true });
      }
      item.columns?.forEach((c, j) => fieldRef(report, `${p}/columns/${j}`, table, c));
      if (item.sort) fieldRef(report, `${p}/sort`, table, item.sort.replace(/^-/, ''));
      if ((item.columns || item.sort) && !item.table) report(`${p}/table`, 'Columns and sort need the item to name a table.');
      if (item.items) walk(item.items, `${p}/items`);
    });
    walk(menu.items, '/items');
  }

  for (const role of input.roles.values()) {
    const report = reporter(input.sources.get(`role:${role.name}`)!);
    role.includes?.forEach((r, i) => {
      if (!input.declaredRoles.has(r)) report(`/includes/${i}`, `Role "${r}" is not declared.`, { expected: list(input.declaredRoles), value: r });
    });
    // Cycles through includes.
    const visit = (name: string, path: string[]): string[] | null => {
      const r = input.roles.get(name);
      for (const inc of r?.includes ?? []) {
        if (inc === role.name) return [...path, inc];
        if (path.includes(inc)) continue;
        const found = visit(inc, [...path, inc]);
        if (found) return found;
      }
      return null;
    };
    const cycle = visit(role.name, [role.name]);
    if (cycle) report('/includes', `Role "${role.name}" includes itself: ${cycle.join(' → ')}.`);
    role.tables?.forEach((g, i) => {
      const table = tableRef(report, `/tables/${i}/table`, g.table);
      if (g.condition) condition(report, `/tables/${i}/condition`, table, g.condition, { compilable: true });
      for (const key of ['readFields', 'writeFields', 'deniedFields'] as const) {
        g[key]?.forEach((f, j) => fieldRef(report, `/tables/${i}/${key}/${j}`, table, f));
      }
      g.writeFields?.forEach((f, j) => {
        const field = table?.fields.get(f);
        if (field?.system) report(`/tables/${i}/writeFields/${j}`, `Field "${f}" is set by the system and is never writable.`, { value: f });
        else if (field?.protected || field?.readOnly) report(`/tables/${i}/writeFields/${j}`, `Field "${f}" is ${field.protected ? 'protected' : 'read-only'}: only the system, rules and workflows set it.`, { value: f });
      });
      g.deniedFields?.forEach((f, j) => {
        if (ALWAYS_READABLE.includes(f)) report(`/tables/${i}/deniedFields/${j}`, `Field "${f}" identifies the record and is always readable.`, { value: f });
      });
    });
  }

  errors.push(...lintDataIdentities({ data: input.data, declaredRoles: input.declaredRoles }));
  for (const { def, source } of input.data) {
    if (def.table === undefined) continue;
    const report = reporter(source);
    const table = tableRef(report, '/table', def.table);
    def.key?.forEach((k, i) => fieldRef(report, `/key/${i}`, table, k));
    if (!table) continue;
    (def.records ?? []).forEach((r, i) => {
      for (const k of Object.keys(r)) {
        const f = table.fields.get(k);
        if (!f) report(`/records/${i}/${k}`, `Field "${k}" is not a field of table "${table.name}".`, { expected: list([...table.fields.values()].filter((x) => !x.system).map((x) => x.name)) });
        else if (f.system) report(`/records/${i}/${k}`, `Field "${k}" is set by the system.`);
      }
    });
    if (table.def.abstract) report('/table', `Table "${table.name}" is abstract: data goes into a table that extends it.`);
  }

  // Business rules: table, condition (with previous.* and the change operators), fields, targets and templates.
  const lintRule = (def: RuleDef) => {
    const report = reporter(input.sources.get(`rule:${def.name}`)!);
    const table = tableRef(report, '/table', def.table);
    if (def.condition !== undefined) condition(report, '/condition', table, def.condition, { compilable: false, allowPrevious: true });
    const template = (at: string, v: unknown) => {
      if (!isTemplate(v)) return;
      const problem = checkTemplate(v);
      if (problem) report(at, `The template does not compile: ${problem}`, { value: v });
    };
    /** A field a rule gives a value: it exists, is not a system field, and a literal value fits it. */
    const valueFor = (target: ResolvedTable | undefined, name: string, v: unknown, fieldAt: string, valueAt: string) => {
      fieldRef(report, fieldAt, target, name);
      const f = target?.fields.get(name);
      if (f?.system) report(fieldAt, `Field "${name}" is set by the system; a rule cannot set it.`, { value: name });
      else if (f && !isTemplate(v) && f.type !== 'journal') {
        const checked = checkFieldValue(f, v);
        if (!checked.ok) report(valueAt, checked.message, { value: v });
      }
      template(valueAt, v);
    };
    const onlyDelete = def.operations.every((o) => o === 'delete');
    def.actions.forEach((a, i) => {
      const at = `/actions/${i}`;
      switch (a.type) {
        case 'set':
          if (onlyDelete) report(`${at}/type`, 'A "set" action has no effect in a rule that runs only on delete.');
          for (const [name, v] of Object.entries(a.fields)) valueFor(table, name, v, `${at}/fields/${name}`, `${at}/fields/${name}`);
          break;
        case 'assign':
          if (onlyDelete) report(`${at}/type`, 'An "assign" action has no effect in a rule that runs only on delete.');
          valueFor(table, a.field, a.value, `${at}/field`, `${at}/value`);
          break;
        case 'journal': {
          fieldRef(report, `${at}/field`, table, a.field);
          const f = table?.fields.get(a.field);
          if (f && f.type !== 'journal') report(`${at}/field`, `Field "${a.field}" is not a journal field (it is ${f.type}).`, { expected: list([...table!.fields.values()].filter((x) => x.type === 'journal').map((x) => x.name)), value: a.field });
          template(`${at}/body`, a.body);
          break;
        }
        case 'abort':
          template(`${at}/message`, a.message);
          break;
        case 'createRecord': {
          const target = tableRef(report, `${at}/table`, a.table);
          if (target?.def.abstract) report(`${at}/table`, `Table "${target.name}" is abstract: create records in a table that extends it.`);
          for (const [name, v] of Object.entries(a.values)) valueFor(target, name, v, `${at}/values/${name}`, `${at}/values/${name}`);
          break;
        }
        case 'emitEvent':
          for (const [name, v] of Object.entries(a.payload ?? {})) template(`${at}/payload/${name}`, v);
          break;
        default:
      }
    });
  };

  // Notifications: table, trigger field and transition, condition, recipients, and what the templates read.
  const lintNotification = (def: NotificationDef) => {
    const report = reporter(input.sources.get(`notification:${def.name}`)!);
    const table = def.table ? tableRef(report, '/table', def.table) : undefined;
    const { trigger } = def;
    if (trigger.type === 'fieldChange' && trigger.field) {
      fieldRef(report, '/trigger/field', table, trigger.field);
      const f = table?.fields.get(trigger.field);
      if (f && f.column === null) report('/trigger/field', `Field "${trigger.field}" is a journal: adding an entry does not change it. Use an "updated" trigger with a condition instead.`, { value: trigger.field });
    }
    if (trigger.type === 'transition' && trigger.transition && table) {
      // Only when a workflow of the table (or a table it extends) declares transitions: packs may ship them apart.
      const names = new Set<string>();
      let declared = false;
      for (const other of input.others.values()) {
        if (other.kind !== 'workflow' || typeof other.table !== 'string' || !Array.isArray(other.transitions)) continue;
        if (other.table !== table.name && !table.ancestors.includes(other.table)) continue;
        declared = true;
        for (const t of other.transitions as { name?: unknown }[]) if (typeof t?.name === 'string') names.add(t.name);
      }
      if (declared && !names.has(trigger.transition)) {
        report('/trigger/transition', `No workflow of table "${table.name}" has a transition "${trigger.transition}".`, { expected: list(names), value: trigger.transition });
      }
    }
    if (def.condition !== undefined) condition(report, '/condition', table, def.condition, { compilable: false, allowPrevious: true });
    const fromEvent = !['created', 'updated', 'fieldChange'].includes(trigger.type);
    def.recipients.forEach((r, i) => {
      const at = `/recipients/${i}`;
      if (r.role !== undefined && !input.declaredRoles.has(r.role)) {
        report(`${at}/role`, `Role "${r.role}" is not declared.`, { expected: list(input.declaredRoles), value: r.role });
      }
      if (r.event !== undefined && !fromEvent) {
        report(`${at}/event`, `A "${trigger.type}" notification comes from a change of the record, which has no event payload to name people.`, { value: r.event });
      }
      if (r.orgAdmins && !def.table) report(`${at}/orgAdmins`, 'Organisation administrators are those of the record\'s organisation: name the notification\'s table.');
      if (r.field !== undefined && table) {
        // Dot-walk through reference fields; the last field must be able to name a person.
        let cur: ResolvedTable | undefined = table;
        const parts = r.field.split('.');
        parts.forEach((part, j) => {
          if (!cur) return;
          const f = cur.fields.get(part);
          if (!f) { fieldRef(report, `${at}/field`, cur, part); cur = undefined; return; }
          if (j < parts.length - 1) {
            if (f.type !== 'reference' || !f.reference) {
              report(`${at}/field`, `Field "${part}" of table "${cur.name}" is not a reference, so "${r.field}" cannot follow it.`, { value: r.field });
              cur = undefined;
            } else cur = tables.get(f.reference);
            return;
          }
          if (!['string', 'email', 'uuid'].includes(f.type) || f.multiple) {
            report(`${at}/field`, `Field "${part}" of table "${cur.name}" is ${f.type}: a recipient field holds a user id, username or e-mail address (a string or email field, or created_by / updated_by).`, { value: r.field });
          }
        });
      }
    });
    const roots = new Set<string>(TEMPLATE_ROOTS);
    for (const [key, kind] of [['subject', 'text'], ['body', 'text'], ['html', 'html']] as const) {
      const source = def[key];
      if (typeof source !== 'string') continue;
      const problem = checkNotificationTemplate(source, kind);
      if (problem) { report(`/${key}`, `The template does not compile: ${problem}`, { value: source }); continue; }
      if (!table) continue;
      const seen = new Set<string>();
      for (const parts of templatePaths(source)) {
        const [head, next] = parts;
        const field = head === 'record' || head === 'previous' ? next : roots.has(head!) ? undefined : head;
        if (field === undefined || seen.has(field)) continue;
        seen.add(field);
        if (!table.fields.has(field)) {
          report(`/${key}`, `The template reads "${parts.join('.')}", but "${field}" is not a field of table "${table.name}" (nor one of ${[...roots].join(', ')}).`, { expected: list(table.fields.keys()), value: parts.join('.') });
        }
      }
    }
  };

  // Working time: schedules, holiday sets and SLAs (lint-sla.ts).
  const workingTime = (def: GenericDef): WorkingTimeLint => {
    const report = reporter(input.sources.get(`${def.kind}:${def.name}`)!);
    const names = (kind: string) => [...input.sources.keys()].filter((k) => k.startsWith(`${kind}:`)).map((k) => k.slice(kind.length + 1));
    return {
      others: input.others, report, names,
      declared: (kind, name) => input.sources.has(`${kind}:${name}`),
      tableRef: (pointer, name) => tableRef(report, pointer, name),
      fieldRef: (pointer, table, field) => fieldRef(report, pointer, table, field),
      condition: (pointer, table, cond, mode) => condition(report, pointer, table, cond, mode),
    };
  };

  // Kinds implemented by later issues: their table and every condition in them.
  for (const def of input.others.values()) {
    if (def.kind === 'sla') { lintSla(def as unknown as SlaDef, workingTime(def)); continue; }
    if (def.kind === 'schedule') { lintSchedule(def as unknown as ScheduleDef, workingTime(def)); continue; }
    if (def.kind === 'holidaySet') { lintHolidaySet(def as unknown as HolidaySetDef, workingTime(def)); continue; }
    if (def.kind === 'rule') { lintRule(def as unknown as RuleDef); continue; }
    if (def.kind === 'workflow') {
      const report = reporter(input.sources.get(`workflow:${def.name}`)!);
      lintWorkflow(def as unknown as WorkflowDef, {
        others: input.others, tables, declaredRoles: input.declaredRoles, report,
        tableRef: (pointer, name) => tableRef(report, pointer, name),
        fieldRef: (pointer, table, field) => fieldRef(report, pointer, table, field),
        condition: (pointer, table, cond, mode) => condition(report, pointer, table, cond, mode),
      });
      continue;
    }
    if (def.kind === 'notification') { lintNotification(def as unknown as NotificationDef); continue; }
    const report = reporter(input.sources.get(`${def.kind}:${def.name}`)!);
    const table = typeof def.table === 'string' ? tableRef(report, '/table', def.table) : undefined;
    // Workflows, rules and notifications (the kinds whose conditions see `previous`) have their own lint above.
    const allowPrevious = false;
    const walk = (v: unknown, at: string, table: ResolvedTable | undefined) => {
      if (!v || typeof v !== 'object') return;
      if (Array.isArray(v)) { v.forEach((x, i) => walk(x, `${at}/${i}`, table)); return; }
      // A nested object naming its own table (page widgets and links, createRecord actions and effects, a
      // catalogue item's `creates`): that table must exist and scopes the conditions inside the object.
      const own = (v as { table?: unknown }).table;
      if (at !== '' && typeof own === 'string') table = tableRef(report, `${at}/table`, own);
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'condition' || k === 'filter') && x && typeof x === 'object' && !Array.isArray(x) && ('all' in x || 'any' in x || 'not' in x || 'fact' in x)) {
          condition(report, `${at}/${k}`, table, x, { compilable: k === 'filter' || def.kind === 'report', allowPrevious: k === 'filter' ? false : allowPrevious });
        } else if (!VALUE_MAPS.has(k)) {
          walk(x, `${at}/${k}`, table);
        }
      }
    };
    walk(def, '', table);
  }

  return errors;
}

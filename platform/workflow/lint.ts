/**
 * Cross-reference lint of workflows: the table and its state field, states that are values of that field, one
 * workflow per table, transitions whose states, roles, required fields, conditions and actions exist (actions through
 * the shared lintActions of platform/rules/kind.ts), automatic transitions that nobody is asked anything for, approvals and
 * timers whose states and transitions fit together, and the queue / assignee / comment fields they need.
 * Run by the workflow kind (kind.ts) with the shared lint context, so errors read like every other definition error.
 */
import type { LintContext } from '../definitions/kinds.js';
import { lintActions } from '../rules/kind.js';
import { TRANSITION_ACTION_TYPES } from '../rules/types.js';
import type { ResolvedTable } from '../definitions/types.js';
import type { TransitionDef, WorkflowDef } from './types.js';

const list = (names: Iterable<string>) => `one of: ${[...names].join(', ')}`;
const TEXT_TYPES = new Set(['string', 'choice']);
const TIME_TYPES = new Set(['date', 'datetime']);

/** The `from` of a transition as a list ('*' stays '*'). */
const fromList = (t: TransitionDef): string[] => (Array.isArray(t.from) ? t.from : [t.from]);
const startsFrom = (t: TransitionDef, state: string) => fromList(t).some((f) => f === '*' || f === state);

export function lintWorkflow(def: WorkflowDef, l: LintContext): void {
  const table = l.tableRef('/table', def.table);
  const states = new Set(Object.keys(def.states));
  const stateList = () => list(states);

  // One workflow per table: the first by name keeps it.
  if (table) {
    const rivals = [...l.defs('workflow').values()]
      .filter((o) => o.table === def.table && o.name !== def.name)
      .map((o) => o.name).sort();
    if (rivals.length && rivals[0]! < def.name) {
      l.report('/table', `Table "${def.table}" already follows workflow "${rivals[0]}": a table has one workflow.`, { value: def.table });
    }
  }

  // The fields the workflow runs on.
  const fieldOf = (pointer: string, name: string | undefined, what: string, types: Set<string> | null) => {
    if (name === undefined || !table) return undefined;
    l.fieldRef(pointer, table, name);
    const f = table.fields.get(name);
    if (!f) return undefined;
    if (f.system) l.report(pointer, `Field "${name}" is set by the system; it cannot be the ${what}.`, { value: name });
    else if (types && (!types.has(f.type) || f.multiple)) {
      l.report(pointer, `Field "${name}" is ${f.multiple ? `a multiple ${f.type}` : f.type}; the ${what} must be a single ${[...types].join(' or ')} field.`, { value: name });
    }
    return f;
  };
  const stateField = fieldOf('/stateField', def.stateField, 'state field', TEXT_TYPES);
  // What the field names decides how people read it (the queue's label, the person's name) and that it is checked.
  for (const [pointer, name, what, kind] of [
    ['/queueField', def.queueField, 'queue field', 'queue'], ['/assigneeField', def.assigneeField, 'assignee field', 'user'],
  ] as const) {
    const f = fieldOf(pointer, name, what, new Set(['string']));
    if (f && f.type === 'string' && f.names !== kind) {
      l.report(pointer, `Field "${name}" is the ${what}: declare it with "names": "${kind}" so people see ${kind === 'queue' ? 'the queue\'s label' : 'the person\'s name'}.`, {
        expected: `"names": "${kind}" on field "${name}"`, value: name,
      });
    }
  }
  fieldOf('/commentField', def.commentField, 'comment field', new Set(['journal']));
  for (const [key, other] of [['queueField', def.queueField], ['assigneeField', def.assigneeField]] as const) {
    if (other !== undefined && other === def.stateField) l.report(`/${key}`, `The ${key} cannot be the state field "${def.stateField}".`, { value: other });
  }
  if (def.queueField !== undefined && def.queueField === def.assigneeField) {
    l.report('/assigneeField', `The assignee field cannot also be the queue field "${def.queueField}".`, { value: def.assigneeField });
  }

  // States: values of the state field; the initial one declared.
  if (stateField?.type === 'choice' && stateField.choices) {
    const values = new Set(stateField.choices.map((c) => c.value));
    for (const s of states) {
      if (!values.has(s)) l.report(`/states/${s}`, `State "${s}" is not a value of the choice field "${def.stateField}".`, { expected: list(values), value: s });
    }
  }
  if (!states.has(def.initialState)) l.report('/initialState', `State "${def.initialState}" is not one of the workflow's states.`, { expected: stateList(), value: def.initialState });
  const needsQueueField = (pointer: string) => {
    if (def.queueField === undefined) l.report(pointer, 'A queue needs the workflow to name its "queueField" (the field that holds the queue).');
  };
  for (const [s, state] of Object.entries(def.states)) if (state.queue !== undefined) needsQueueField(`/states/${s}/queue`);

  const stateRef = (pointer: string, s: string) => {
    if (!states.has(s)) l.report(pointer, `State "${s}" is not one of the workflow's states.`, { expected: stateList(), value: s });
  };
  // Transitions.
  const byName = new Map<string, TransitionDef>();
  def.transitions.forEach((t, i) => {
    const at = `/transitions/${i}`;
    if (byName.has(t.name)) l.report(`${at}/name`, `Transition "${t.name}" is declared twice.`, { value: t.name });
    else byName.set(t.name, t);
    if (Array.isArray(t.from)) t.from.forEach((s, j) => stateRef(`${at}/from/${j}`, s));
    else if (t.from !== '*') stateRef(`${at}/from`, t.from);
    stateRef(`${at}/to`, t.to);
    t.roles?.forEach((r, j) => {
      l.ref('role', `${at}/roles/${j}`, r);
    });
    // A capability no role grants would offer the transition to nobody, without a word.
    t.capabilities?.forEach((c, j) => l.capabilityRef(`${at}/capabilities/${j}`, c));
    t.requiredFields?.forEach((f, j) => {
      l.fieldRef(`${at}/requiredFields/${j}`, table, f);
      const field = table?.fields.get(f);
      if (field?.system) l.report(`${at}/requiredFields/${j}`, `Field "${f}" is set by the system; nobody can fill it in.`, { value: f });
      else if (f === def.stateField) l.report(`${at}/requiredFields/${j}`, `The state field "${f}" is set by the transition itself.`, { value: f });
    });
    if (t.condition !== undefined) l.condition(`${at}/condition`, table, t.condition, { compilable: false, allowPrevious: true });
    lintActions(l, table, t.actions, `${at}/actions`, {
      who: 'a transition', allowed: TRANSITION_ACTION_TYPES, stateField: def.stateField, queueField: def.queueField, link: true,
    });
    if (t.when !== undefined) lintAutomatic(l, table, t, at);
  });
  const transitionNames = () => list(byName.keys());
  /** A transition an approval or timer makes from `state`: declared, and starting from that state. */
  const transitionFrom = (pointer: string, name: string, state: string) => {
    const t = byName.get(name);
    if (!t) l.report(pointer, `Transition "${name}" is not declared in the workflow.`, { expected: transitionNames(), value: name });
    else if (states.has(state) && !startsFrom(t, state)) l.report(pointer, `Transition "${name}" does not start from state "${state}".`, { value: name });
  };

  // Approvals.
  const approvalNames = new Set<string>();
  def.approvals?.forEach((a, i) => {
    const at = `/approvals/${i}`;
    if (approvalNames.has(a.name)) l.report(`${at}/name`, `Approval "${a.name}" is declared twice.`, { value: a.name });
    approvalNames.add(a.name);
    stateRef(`${at}/state`, a.state);
    transitionFrom(`${at}/onApprove`, a.onApprove, a.state);
    transitionFrom(`${at}/onReject`, a.onReject, a.state);
    if (a.quorum !== undefined && a.mode !== 'quorum') l.report(`${at}/quorum`, `A quorum applies to mode "quorum" only (this approval's mode is "${a.mode}").`, { value: a.quorum });
    if (a.condition !== undefined) l.condition(`${at}/condition`, table, a.condition, { compilable: false, allowPrevious: true });
    a.approvers.forEach((p, j) => {
      const pa = `${at}/approvers/${j}`;
      if (p.role !== undefined) l.ref('role', `${pa}/role`, p.role);
      const key = p.field !== undefined ? 'field' : p.managerOf !== undefined ? 'managerOf' : undefined;
      const path = p.field ?? p.managerOf;
      if (key && path !== undefined && table) {
        // Dot-walk through reference fields; the last one holds a username or user id.
        let cur: ResolvedTable | undefined = table;
        const parts = path.split('.');
        parts.forEach((part, k) => {
          if (!cur) return;
          const f = cur.fields.get(part);
          if (!f) { l.fieldRef(`${pa}/${key}`, cur, part); cur = undefined; return; }
          if (k < parts.length - 1) {
            if (f.type !== 'reference' || !f.reference) {
              l.report(`${pa}/${key}`, `Field "${part}" of table "${cur.name}" is not a reference, so "${path}" cannot follow it.`, { value: path });
              cur = undefined;
            } else cur = l.tables.get(f.reference);
          } else if (!['string', 'uuid'].includes(f.type) || f.multiple) {
            const what = key === 'field' ? 'an approver field holds' : '"managerOf" names a field holding';
            l.report(`${pa}/${key}`, `Field "${part}" of table "${cur.name}" is ${f.type}: ${what} a username or a user id.`, { value: path });
          }
        });
      }
    });
  });

  // Timers.
  const timerNames = new Set<string>();
  def.timers?.forEach((t, i) => {
    const at = `/timers/${i}`;
    if (timerNames.has(t.name)) l.report(`${at}/name`, `Timer "${t.name}" is declared twice.`, { value: t.name });
    timerNames.add(t.name);
    stateRef(`${at}/from`, t.from);
    transitionFrom(`${at}/transition`, t.transition, t.from);
    if (t.field !== undefined && table) {
      l.fieldRef(`${at}/field`, table, t.field);
      const f = table.fields.get(t.field);
      if (f && !TIME_TYPES.has(f.type)) l.report(`${at}/field`, `Field "${t.field}" is ${f.type}: a timer counts from a date or date-time field.`, { value: t.field });
    }
    if (t.condition !== undefined) l.condition(`${at}/condition`, table, t.condition, { compilable: false, allowPrevious: true });
  });

  // Assignment rules.
  def.assignmentRules?.forEach((r, i) => {
    needsQueueField(`/assignmentRules/${i}/queue`);
    l.condition(`/assignmentRules/${i}/condition`, table, r.condition, { compilable: false, allowPrevious: true });
  });
}

/**
 * A transition with `when` is made by itself after a write: nobody is asked for fields, a comment or a role, and its
 * condition is `when` (a separate `condition` would be a second, silent guard).
 */
function lintAutomatic(l: LintContext, table: ResolvedTable | undefined, t: TransitionDef, at: string): void {
  l.condition(`${at}/when`, table, t.when, { compilable: false, allowPrevious: true });
  const refuse = (key: string, why: string) => l.report(`${at}/${key}`, `Transition "${t.name}" is made by itself when its "when" condition holds, so ${why}.`);
  if (t.roles?.length) refuse('roles', 'no role is asked for: remove "roles"');
  if (t.capabilities?.length) refuse('capabilities', 'no capability is asked for: remove "capabilities"');
  if (t.requiredFields?.length) refuse('requiredFields', 'nobody can fill in required fields: remove "requiredFields" (or make them part of "when")');
  if (t.comment === 'required') refuse('comment', 'nobody can write the required comment');
  if (t.condition !== undefined) refuse('condition', 'its condition is "when": move this condition into "when"');
  if (t.from === '*') refuse('from', 'it needs the states it starts from: "*" would make it from any state, including its own "to"');
  else if ((Array.isArray(t.from) ? t.from : [t.from]).includes(t.to)) refuse('to', `it cannot lead back to a state it starts from ("${t.to}"): it would be made again after its own write`);
}

/**
 * A workflow's conditions and permissions in words for the read-only parts of the workflow editor: "Priority is 1
 * and Assigned to is not empty", "Agent or Resolver". The Conditions tab edits conditions; this only reads them.
 */
import { OPERATOR_LABELS } from '../../list/filter-model.js';
import { joinAnd, nameInWords, type TransitionView, type WorkflowView } from './workflow-model.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Operators the filter builder does not offer, in words. */
const MORE_OPERATORS: Record<string, string> = {
  in: 'is one of',
  notIn: 'is not one of',
  changes: 'changes',
  changesTo: 'changes to',
  changesFrom: 'changes from',
  matches: 'matches',
  containsAny: 'contains any of',
  doesNotContainAny: 'contains none of',
};
const VALUELESS = new Set(['isEmpty', 'isNotEmpty', 'changes']);

/** "record.assigned_to" → "Assigned to"; "previous.state" → "Previous state"; "user.roles" → "The person's roles". */
export function factInWords(fact: string): string {
  const [head, ...rest] = fact.split('.');
  const tail = nameInWords(rest.join(' '));
  if (head === 'record' && rest.length) return tail;
  if (head === 'previous' && rest.length) return `Previous ${tail.toLowerCase()}`;
  if (head === 'user' && rest.length) return `The person's ${tail.toLowerCase()}`;
  if (fact === 'now') return 'Now';
  return nameInWords(fact);
}

function valueInWords(value: unknown, stateValue: (v: string) => string): string {
  if (Array.isArray(value)) return value.map((v) => valueInWords(v, stateValue)).join(' or ');
  if (typeof value === 'string') return stateValue(value);
  if (isObj(value) && typeof value.amount === 'number') return `${value.amount} ${String(value.unit ?? 'days')}`;
  if (isObj(value) && typeof value.fact === 'string') return factInWords(value.fact);
  return JSON.stringify(value);
}

/**
 * A condition in words. Values of the workflow's state field read as the states' labels. A shape it does not know
 * reads as "a condition written as JSON" rather than being guessed at.
 */
export function conditionInWords(condition: unknown, view?: WorkflowView): string {
  const labels = new Map((view?.states ?? []).map((s) => [s.value, s.label]));
  const stateFacts = view?.stateField ? new Set([`record.${view.stateField}`, `previous.${view.stateField}`]) : new Set<string>();
  const walk = (c: unknown, nested: boolean): string => {
    if (!isObj(c)) return 'a condition written as JSON';
    const group = (items: unknown, word: string) => {
      const parts = Array.isArray(items) ? items.map((x) => walk(x, true)) : [];
      if (!parts.length) return word === 'and' ? 'always' : 'never';
      const text = parts.join(` ${word} `);
      return nested && parts.length > 1 ? `(${text})` : text;
    };
    if ('all' in c) return group(c.all, 'and');
    if ('any' in c) return group(c.any, 'or');
    if ('not' in c) return `not ${walk(c.not, true)}`;
    if (typeof c.fact !== 'string' || typeof c.operator !== 'string') return 'a condition written as JSON';
    const fact = c.path === undefined ? c.fact : `${c.fact}.${String(c.path).replace(/^\$\.?/, '')}`;
    const op = OPERATOR_LABELS[c.operator] ?? MORE_OPERATORS[c.operator] ?? nameInWords(c.operator).toLowerCase();
    if (VALUELESS.has(c.operator) || c.value === undefined) return `${factInWords(fact)} ${op}`;
    const asState = (v: string) => (stateFacts.has(c.fact as string) ? labels.get(v) ?? v : v);
    return `${factInWords(fact)} ${op} ${valueInWords(c.value, asState)}`;
  };
  return walk(condition, false);
}

/** Who may make a transition, in words: role labels (from `roleLabels`), capabilities, or the system alone. */
export function whoMayText(t: TransitionView, roleLabels: ReadonlyMap<string, string>): string {
  if (t.automatic) return 'Nobody: it is made automatically';
  const roles = t.roles.map((r) => roleLabels.get(r) ?? nameInWords(r));
  const caps = t.capabilities.map((c) => `the capability "${c}"`);
  if (!roles.length && !caps.length) return 'Anyone who may change the record';
  const parts: string[] = [];
  if (roles.length) parts.push(`${roles.length === 1 ? 'Role' : 'Roles'} ${roles.join(' or ')}`);
  if (caps.length) parts.push(`${parts.length ? 'or people holding' : 'People holding'} ${caps.join(' or ')}`);
  return parts.join(', ');
}

/** What else is attached to a transition, one line each: its condition, automatic rule, required fields, approvals, timers. */
export function attachedLines(t: TransitionView, view: WorkflowView): string[] {
  const lines: string[] = [];
  if (t.condition !== undefined) lines.push(`Shown when: ${conditionInWords(t.condition, view)}`);
  if (t.when !== undefined) lines.push(`Made by itself when: ${conditionInWords(t.when, view)}`);
  if (t.requiredFields.length) lines.push(`Needs a value in: ${joinAnd(t.requiredFields.map(nameInWords))}`);
  if (t.comment === 'required') lines.push('A comment is required');
  for (const trigger of t.triggers) lines.push(trigger.text);
  return lines;
}

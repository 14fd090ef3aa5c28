/**
 * The workflow editor's model: a workflow definition read as states and transitions for people, and the edits the
 * editor makes to it. Every edit returns a new definition and leaves whatever it does not understand (unknown
 * properties, conditions, actions, approvals, timers) exactly as it found it. An edit that would leave the workflow
 * pointing at something missing is refused with a {@link WorkflowEditError} that says why.
 */
import type { Definition } from './contract.js';

/** A state's category, as the schema names them. */
export const STATE_CATEGORIES = ['open', 'pending', 'closed'] as const;

/** One state as the editor shows it. */
export interface StateView {
  /** The value stored in the state field (the key of `states`). */
  value: string;
  label: string;
  category: string;
  /** Where new records start. */
  initial: boolean;
  /** A finished state (category "closed"). */
  final: boolean;
}

/** One approval or timer that makes a transition, in words. */
export interface TransitionTrigger { kind: 'approval' | 'timer'; text: string }

/** One transition as the editor shows it. */
export interface TransitionView {
  /** Its place in `transitions`: the handle the edits take. */
  index: number;
  name: string;
  label: string;
  /** The states it starts from (empty when it starts from any state). */
  from: string[];
  anyState: boolean;
  to: string;
  roles: string[];
  capabilities: string[];
  condition: unknown;
  when: unknown;
  automatic: boolean;
  requiredFields: string[];
  comment: string | null;
  /** Approvals and timers that make it. */
  triggers: TransitionTrigger[];
}

/** A workflow read for the editor. */
export interface WorkflowView {
  stateField: string;
  initialState: string;
  states: StateView[];
  transitions: TransitionView[];
}

/** An edit refused: `field` names the input to fix ("label", "value", "from", "to", "state", "transition"). */
export class WorkflowEditError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'WorkflowEditError';
  }
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const STATE_VALUE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const MACHINE_NAME = /^[a-z][a-z0-9_]*$/;

/** "in_progress" or "autoClose" in words ("In progress", "Auto close"), for names that have no label. */
export function nameInWords(name: string): string {
  const spaced = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_.-]+/g, ' ').trim().toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function statesOf(def: Definition): Obj {
  return isObj(def.states) ? def.states : {};
}

function transitionsOf(def: Definition): unknown[] {
  return Array.isArray(def.transitions) ? def.transitions : [];
}

function listOf(def: Definition, key: 'approvals' | 'timers'): Obj[] {
  return Array.isArray(def[key]) ? (def[key] as unknown[]).filter(isObj) : [];
}

/** A transition's `from` as a list; "*" (any state) as null. */
function fromList(from: unknown): string[] | null {
  if (from === '*') return null;
  if (typeof from === 'string') return [from];
  return strings(from);
}

function stateLabel(def: Definition, value: string): string {
  const s = statesOf(def)[value];
  return isObj(s) && typeof s.label === 'string' && s.label ? s.label : nameInWords(value);
}

function transitionLabel(t: unknown): string {
  if (!isObj(t)) return 'a transition';
  return str(t.label) || nameInWords(str(t.name));
}

/** "a", "a and b", "a, b and c". */
export function joinAnd(parts: string[]): string {
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

const quoted = (parts: string[]) => parts.map((p) => `"${p}"`);

function afterText(after: unknown): string {
  if (!isObj(after)) return '';
  const amount = typeof after.amount === 'number' ? after.amount : 0;
  const unit = str(after.unit) || 'days';
  const units = amount === 1 ? unit.replace(/s$/, '') : unit;
  return `${amount} ${after.businessHours === true ? `working ${units}` : units}`;
}

/** Read a workflow definition for the editor; a half-written one reads as far as it goes. */
export function readWorkflow(def: Definition): WorkflowView {
  const initialState = str(def.initialState);
  const states: StateView[] = Object.entries(statesOf(def)).map(([value, s]) => {
    const category = isObj(s) ? str(s.category) : '';
    return { value, label: stateLabel(def, value), category, initial: value === initialState, final: category === 'closed' };
  });
  const approvals = listOf(def, 'approvals');
  const timers = listOf(def, 'timers');
  const transitions: TransitionView[] = transitionsOf(def).map((raw, index) => {
    const t = isObj(raw) ? raw : {};
    const name = str(t.name);
    const from = fromList(t.from);
    const triggers: TransitionTrigger[] = [];
    for (const a of approvals) {
      const label = str(a.label) || nameInWords(str(a.name));
      if (a.onApprove === name && name) triggers.push({ kind: 'approval', text: `Made when the approval "${label}" is approved` });
      if (a.onReject === name && name) triggers.push({ kind: 'approval', text: `Made when the approval "${label}" is rejected` });
    }
    for (const tm of timers) {
      if (tm.transition === name && name) {
        triggers.push({ kind: 'timer', text: `Made by a timer after ${afterText(tm.after)} in ${stateLabel(def, str(tm.from))}` });
      }
    }
    const comment = typeof t.comment === 'string' ? t.comment : null;
    return {
      index, name, label: transitionLabel(t), from: from ?? [], anyState: from === null, to: str(t.to),
      roles: strings(t.roles), capabilities: strings(t.capabilities), condition: t.condition, when: t.when,
      automatic: t.automatic === true || t.when !== undefined, requiredFields: strings(t.requiredFields), comment, triggers,
    };
  });
  return { stateField: str(def.stateField), initialState, states, transitions };
}

/** A machine name made from a label ("Put on hold" → "put_on_hold"), unique among `taken` (a number added). */
export function machineNameFrom(label: string, taken: ReadonlySet<string>): string {
  let base = label.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(base)) base = `s_${base}`.replace(/_+$/, '');
  base = base.slice(0, 55);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
  }
}

function checkLabel(label: string, field = 'label'): string {
  const trimmed = label.trim();
  if (!trimmed) throw new WorkflowEditError(field, 'Enter a label');
  if (trimmed.length > 200) throw new WorkflowEditError(field, 'The label must be 200 characters or fewer');
  return trimmed;
}

/** A new state: `value` (the stored value) is made from the label when not given. */
export function addState(def: Definition, input: { label: string; value?: string; category: string }): Definition {
  const label = checkLabel(input.label);
  const states = statesOf(def);
  const value = input.value?.trim() || machineNameFrom(label, new Set(Object.keys(states)));
  if (value.length > 100 || !STATE_VALUE.test(value)) {
    throw new WorkflowEditError('value', 'The stored value must be letters, digits and _ . - only, starting with a letter, digit or _');
  }
  if (value in states) throw new WorkflowEditError('value', `There is already a state with the stored value "${value}"`);
  if (!(STATE_CATEGORIES as readonly string[]).includes(input.category)) throw new WorkflowEditError('category', 'Select a category');
  const next: Definition = { ...def, states: { ...states, [value]: { label, category: input.category } } };
  if (!str(def.initialState) || !(str(def.initialState) in states)) next.initialState = value;
  return next;
}

/** A state's label changed; its stored value, and everything referring to it, stay. */
export function relabelState(def: Definition, value: string, label: string): Definition {
  const states = statesOf(def);
  const s = states[value];
  if (!isObj(s)) throw new WorkflowEditError('state', `There is no state "${value}"`);
  return { ...def, states: { ...states, [value]: { ...s, label: checkLabel(label) } } };
}

/** Why a state cannot go: what uses it, in words; null when nothing does. */
export function stateInUse(def: Definition, value: string): string | null {
  const reasons: string[] = [];
  if (str(def.initialState) === value) reasons.push('new records start in it');
  const using = transitionsOf(def).filter((t) => isObj(t) && (t.to === value || (fromList(t.from) ?? []).includes(value)));
  if (using.length) {
    const names = joinAnd(quoted(using.map(transitionLabel)));
    reasons.push(using.length === 1 ? `the transition ${names} uses it` : `the transitions ${names} use it`);
  }
  const approvals = listOf(def, 'approvals').filter((a) => a.state === value);
  if (approvals.length) reasons.push(`entering it asks for ${joinAnd(quoted(approvals.map((a) => str(a.label) || nameInWords(str(a.name)))))}`);
  const timers = listOf(def, 'timers').filter((t) => t.from === value);
  if (timers.length) reasons.push(`${timers.length === 1 ? 'a timer waits' : 'timers wait'} in it`);
  return reasons.length ? joinAnd(reasons) : null;
}

/** A state removed; refused (field "state") while anything uses it. */
export function removeState(def: Definition, value: string): Definition {
  const states = statesOf(def);
  if (!(value in states)) throw new WorkflowEditError('state', `There is no state "${value}"`);
  const reason = stateInUse(def, value);
  if (reason) throw new WorkflowEditError('state', `The state "${stateLabel(def, value)}" cannot be removed: ${reason}`);
  const rest = Object.fromEntries(Object.entries(states).filter(([k]) => k !== value));
  return { ...def, states: rest };
}

/** What a new transition is made of. `from`: the states it starts from, or "*" for any state. */
export interface NewTransition { label: string; from: string[] | '*'; to: string; roles: string[]; name?: string }

/** A new transition at the end of the list; its machine name is made from its label unless given. */
export function addTransition(def: Definition, input: NewTransition): Definition {
  const label = checkLabel(input.label);
  const states = statesOf(def);
  const transitions = transitionsOf(def);
  const taken = new Set(transitions.map((t) => (isObj(t) ? str(t.name) : '')));
  const name = input.name?.trim() || machineNameFrom(label, taken);
  if (!MACHINE_NAME.test(name) || name.length > 63) {
    throw new WorkflowEditError('name', 'The machine name must be lower-case letters, digits and underscores, starting with a letter');
  }
  if (taken.has(name)) throw new WorkflowEditError('name', `There is already a transition with the machine name "${name}"`);
  if (input.from !== '*') {
    if (!input.from.length) throw new WorkflowEditError('from', 'Select the state or states the transition starts from');
    const unknown = input.from.filter((s) => !(s in states));
    if (unknown.length) throw new WorkflowEditError('from', `There is no state "${unknown[0]}"`);
  }
  if (!input.to) throw new WorkflowEditError('to', 'Select the state the transition moves to');
  if (!(input.to in states)) throw new WorkflowEditError('to', `There is no state "${input.to}"`);
  const from = input.from === '*' ? '*' : input.from.length === 1 ? input.from[0] : [...new Set(input.from)];
  const t: Obj = { name, from, to: input.to, label };
  if (input.roles.length) t.roles = [...new Set(input.roles)];
  return { ...def, transitions: [...transitions, t] };
}

/** Why a transition cannot go: the approvals and timers that make it, in words; null when none does. */
export function transitionInUse(def: Definition, index: number): string | null {
  const t = transitionsOf(def)[index];
  const name = isObj(t) ? str(t.name) : '';
  if (!name) return null;
  const approvals = listOf(def, 'approvals').filter((a) => a.onApprove === name || a.onReject === name);
  const timers = listOf(def, 'timers').filter((tm) => tm.transition === name);
  const reasons: string[] = [];
  if (approvals.length) reasons.push(`the approval ${joinAnd(quoted(approvals.map((a) => str(a.label) || nameInWords(str(a.name)))))} makes it`);
  if (timers.length) reasons.push(`${timers.length === 1 ? 'a timer makes' : 'timers make'} it`);
  return reasons.length ? joinAnd(reasons) : null;
}

/** The transition at `index` removed; refused (field "transition") while an approval or timer makes it. */
export function removeTransition(def: Definition, index: number): Definition {
  const transitions = transitionsOf(def);
  if (index < 0 || index >= transitions.length) throw new WorkflowEditError('transition', 'There is no such transition');
  const reason = transitionInUse(def, index);
  if (reason) throw new WorkflowEditError('transition', `The transition "${transitionLabel(transitions[index])}" cannot be removed: ${reason}`);
  return { ...def, transitions: transitions.filter((_, i) => i !== index) };
}

/** The workflow kind's shapes (schema part: workflow.schema.json). */
import type { Condition } from '../conditions/types.js';
import type { Action } from '../rules/types.js';

/** A workflow state's category: "open" (being worked), "pending" (waiting on someone else), "closed" (finished). */
export type StateCategory = 'open' | 'pending' | 'closed';

export interface WorkflowStateDef {
  label: string;
  category: StateCategory;
  /** The queue owning records in this state (needs the workflow's `queueField`). */
  queue?: string;
}

export interface TransitionDef {
  name: string;
  /** A state, several, or "*" for any. */
  from: string | string[];
  to: string;
  label: string;
  description?: string;
  /** The actor must hold one of these roles (directly or through includes)… */
  roles?: string[];
  /** …and one of these capabilities, when given. */
  capabilities?: string[];
  /** Facts record (with the fields the request sets), previous (the stored record), user, now. */
  condition?: Condition;
  requiredFields?: string[];
  /** Set, journal, createRecord (with `link`), emitEvent, assign, queue, notify. */
  actions?: Action[];
  /** Default 'optional'. */
  comment?: 'none' | 'optional' | 'required';
  /** Only approvals, timers and `when` make it. */
  automatic?: boolean;
  /** Made by itself right after a write that leaves the record in a `from` state with this condition true. */
  when?: Condition;
}

/** Who approves: exactly one member. */
export interface ApproverDef {
  role?: string;
  /** The members of this work queue. */
  queue?: string;
  /** A field (dot-walking references) holding a username or user id. */
  field?: string;
  /** The line manager of the person such a field names (sys_user.manager_id). */
  managerOf?: string;
}

export interface ApprovalDef {
  name: string;
  /** What people read it as (its name in words without it). */
  label?: string;
  stage: number;
  state: string;
  approvers: ApproverDef[];
  mode: 'any' | 'all' | 'quorum';
  quorum?: number;
  condition?: Condition;
  onApprove: string;
  onReject: string;
}

export interface TimerDef {
  name: string;
  from: string;
  after: { amount: number; unit: 'minutes' | 'hours' | 'days' | 'weeks'; businessHours?: boolean };
  /** The date(-time) field the wait counts from; omitted: the time the record entered the state. */
  field?: string;
  transition: string;
  condition?: Condition;
}

export interface AssignmentRuleDef {
  name?: string;
  condition: Condition;
  queue: string;
}

/** A workflow (kind `workflow`, `registry.workflows`), run by platform/workflow. */
export interface WorkflowDef {
  kind: 'workflow';
  name: string;
  /** The table; tables extending it follow it too unless they have a workflow of their own. */
  table: string;
  label?: string;
  description?: string;
  stateField: string;
  initialState: string;
  states: Record<string, WorkflowStateDef>;
  transitions: TransitionDef[];
  approvals?: ApprovalDef[];
  timers?: TimerDef[];
  queueField?: string;
  assigneeField?: string;
  commentField?: string;
  assignmentRules?: AssignmentRuleDef[];
}

/**
 * The workflow engine: state machines, approvals, timers and work queues, declared as
 * `workflow` definitions and run inside the record pipeline through a record hook. SLAs live in ./sla.
 *
 *   service.ts      transitions, the state-field guard, queue routing, the record hook
 *   approvals.ts    approval rounds, stages, decisions, outcomes
 *   delegations.ts  standing in for someone while they are away
 *   timers.ts       durable timers and the polling runner
 *   queues.ts       organisation and personal queues, queue views, assignment
 *   queue-fields.ts the one check of a queue field's value: the queue exists and serves the record's table
 *   record-actions.ts the actions a person may take on a record now, from the checks the actions refuse with
 *   candidates.ts   the people pickers offer (assignees, delegates), from the same checks
 */
import { namedValuesHook } from './named-values.js';
import type { Formwork } from '../context.js';
import type { RecordHooks } from '../records/hooks.js';
import { workflowService, type WorkflowService } from './service.js';
import { DEFAULT_POLL_MS, TimerRunner } from './timers.js';

export { workflowService, WorkflowService, type TransitionSummary, type TransitionInput, type TransitionResult } from './service.js';
export { TimerRunner, DEFAULT_POLL_MS, MAX_ATTEMPTS, CLAIM_LEASE_MS, type TimerRunResult } from './timers.js';
export {
  assign, listQueues, queueItems, queueSummaries, createQueue, insertQueue, addQueueMember, setQueueMember, queueMembers, PERSONAL_QUEUE,
  type QueueView, type QueueSummary, type QueueTableView,
} from './queues.js';
export { assertQueueFor } from './queue-fields.js';
export { recordActions, type RecordActions, type AssignActions, type QueueChoice } from './record-actions.js';
export { createDelegation, listDelegations, deleteDelegation } from './delegations.js';
export type { ApprovalView, Decision } from './approvals.js';
export { workflowOf, allWorkflows } from './definitions.js';

export interface WorkflowRuntime {
  service: WorkflowService;
  timers: TimerRunner;
}

/**
 * Join the workflow engine to a running engine: its record hook goes into the pipeline and the timer runner polls
 * every `pollMs` (WORKFLOW_TIMER_POLL_MS, default 30 s; 0 does not poll — call `timers.runOnce()` yourself).
 */
export function startWorkflow(fw: Formwork, hooks: RecordHooks, pollMs = DEFAULT_POLL_MS): WorkflowRuntime {
  const service = workflowService(fw);
  hooks.register(service.hook);
  hooks.register(namedValuesHook());
  const timers = new TimerRunner(service);
  timers.start(pollMs);
  return { service, timers };
}

/** The poll interval from the environment (WORKFLOW_TIMER_POLL_MS), else the default. */
export function timerPollMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.WORKFLOW_TIMER_POLL_MS;
  if (v === undefined || v === '') return DEFAULT_POLL_MS;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`WORKFLOW_TIMER_POLL_MS must be a number of milliseconds (0: do not poll); got "${v}".`);
  return n;
}

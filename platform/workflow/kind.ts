/**
 * The `workflow` kind: a table's state machine — states with their category and owning queue, guarded transitions
 * with effects, approvals, timers and assignment rules (run by platform/workflow/service.ts).
 */
import { defineKind } from '../definitions/kinds.js';
import { readSchemaPart } from '../definitions/schema.js';
import { lintWorkflow } from './lint.js';
import type { WorkflowDef } from './types.js';

declare module '../definitions/kinds.js' {
  interface KindTypes { workflow: { def: WorkflowDef; map: 'workflows' } }
}

export const workflowKind = defineKind({
  kind: 'workflow',
  map: 'workflows',
  summary: "a table's states, transitions, approvals and timers",
  schema: readSchemaPart(new URL('./workflow.schema.json', import.meta.url)),
  lint: lintWorkflow,
});

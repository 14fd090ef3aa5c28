/**
 * The `workflow` kind: a table's state machine — states with their category and owning queue, guarded transitions
 * with actions (some made by themselves on a condition), approvals, timers and assignment rules (run by platform/workflow/service.ts).
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
  replaced: [
    { at: '/transitions/*/effects', use: 'write "actions": [{ "type": "set", "fields": {…} }, { "type": "queue", "queue": "…" }, { "type": "notify", "notification": "…" }, { "type": "createRecord", "table": "…", "values": {…}, "link": "…" }] (the action shape rules and SLAs use).' },
    { at: '/approvals/*/approvers/*/group', use: 'write "queue": "<name>" (a group is a work queue).' },
  ],
});

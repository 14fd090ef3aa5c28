import type { RecordData } from '../api/types.js';

/**
 * A workflow action (a transition, an approval decision, an assignment) changed the record: the record page shows
 * it (new version, ETag) and `message` as a success banner.
 */
export class WorkflowChangedEvent extends Event {
  static readonly eventName = 'fw-workflow-changed' as const;
  constructor(readonly record: RecordData, readonly etag: string | null, readonly message: string) {
    super(WorkflowChangedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'fw-workflow-changed': WorkflowChangedEvent;
  }
}

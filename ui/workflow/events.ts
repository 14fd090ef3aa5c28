import type { RecordData } from '../api/types.js';

/** A record a workflow action created, as the success banner links to it. */
export interface WorkflowLink {
  href: string;
  text: string;
}

/**
 * A workflow action (a transition, an approval decision, an assignment) changed the record: the record page shows
 * it (new version, ETag) and `message` as a success banner, with a link to each record the action created.
 */
export class WorkflowChangedEvent extends Event {
  static readonly eventName = 'fw-workflow-changed' as const;
  constructor(readonly record: RecordData, readonly etag: string | null, readonly message: string, readonly links: WorkflowLink[] = []) {
    super(WorkflowChangedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'fw-workflow-changed': WorkflowChangedEvent;
  }
}

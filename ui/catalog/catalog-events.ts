/**
 * Events of the catalogue's order form parts (typed, bubbling, crossing shadow roots like ui/events.ts's).
 */
import type { RecordData } from '../api/types.js';
import type { StagedAttachment } from '../api/catalog.js';

const OPTIONS = { bubbles: true, composed: true } as const;

/** A multi-row set's rows changed (a cell, or a row added or removed). */
export class RowsChangeEvent extends Event {
  static readonly eventName = 'fw-rows-change' as const;
  constructor(readonly set: string, readonly rows: RecordData[], readonly problems: ReadonlyMap<string, string>) {
    super(RowsChangeEvent.eventName, OPTIONS);
  }
}

/** The files staged for an order changed (one uploaded, or one taken off). */
export class StagedChangeEvent extends Event {
  static readonly eventName = 'fw-staged-change' as const;
  constructor(readonly files: StagedAttachment[]) {
    super(StagedChangeEvent.eventName, OPTIONS);
  }
}

declare global {
  interface HTMLElementEventMap {
    'fw-rows-change': RowsChangeEvent;
    'fw-staged-change': StagedChangeEvent;
  }
}

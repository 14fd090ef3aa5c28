/**
 * The application's events. Each is a class that bubbles and crosses shadow roots, registered in
 * HTMLElementEventMap so listeners are typed. Data flows down through properties; changes flow up through these.
 */
import type { Condition } from '../platform/conditions/browser.js';
import type { RecordData, SessionInfo } from './api/types.js';

const OPTIONS = { bubbles: true, composed: true } as const;

/** Ask the app shell to go to an in-app URL (through the unsaved-changes guard). */
export class NavigateEvent extends Event {
  static readonly eventName = 'fw-navigate' as const;
  constructor(readonly url: string, readonly replace = false) {
    super(NavigateEvent.eventName, OPTIONS);
  }
}

/** One breadcrumb: the last one is the current page (no href). */
export interface Crumb { label: string; href?: string }

/** A page tells the shell its title and breadcrumb once it knows them. */
export class PageEvent extends Event {
  static readonly eventName = 'fw-page' as const;
  constructor(readonly title: string, readonly crumbs: Crumb[]) {
    super(PageEvent.eventName, OPTIONS);
  }
}

/** A page shows (or no longer shows) an error summary: the shell prefixes the title with "Error: " (GOV.UK). */
export class ErrorStateEvent extends Event {
  static readonly eventName = 'fw-error-state' as const;
  constructor(readonly hasErrors: boolean) {
    super(ErrorStateEvent.eventName, OPTIONS);
  }
}

/** A sign-in step (or the time-out dialog) has a new session; `navigate` sends the user to its stage's page. */
export class SessionEvent extends Event {
  static readonly eventName = 'fw-session' as const;
  constructor(readonly session: SessionInfo, readonly navigate = true) {
    super(SessionEvent.eventName, OPTIONS);
  }
}

/** The session ended: signed out by the user, or timed out. */
export class SignedOutEvent extends Event {
  static readonly eventName = 'fw-signed-out' as const;
  constructor(readonly reason: 'signed_out' | 'expired') {
    super(SignedOutEvent.eventName, OPTIONS);
  }
}

/** A form gained or lost unsaved changes. */
export class DirtyEvent extends Event {
  static readonly eventName = 'fw-dirty' as const;
  constructor(readonly dirty: boolean) {
    super(DirtyEvent.eventName, OPTIONS);
  }
}

/**
 * A field widget's value changed. `problem` is set when the text typed cannot become a value (e.g. "12x" in a
 * number field); the form reports it at submit.
 */
export class FieldChangeEvent extends Event {
  static readonly eventName = 'fw-field-change' as const;
  constructor(readonly field: string, readonly value: unknown, readonly problem: string | null = null) {
    super(FieldChangeEvent.eventName, OPTIONS);
  }
}

/** A form created or updated its record, or reloaded it after a conflict. */
export class RecordChangedEvent extends Event {
  static readonly eventName = 'fw-record-changed' as const;
  constructor(readonly table: string, readonly record: RecordData, readonly kind: 'created' | 'updated' | 'reloaded') {
    super(RecordChangedEvent.eventName, OPTIONS);
  }
}

/**
 * An attachment widget stored or removed a file: the record's attachment `field` now holds `value`, and the record
 * moved on to the version `etag` names (so the form's next save sends the right If-Match).
 */
export class AttachmentsChangedEvent extends Event {
  static readonly eventName = 'fw-attachments-changed' as const;
  constructor(readonly field: string, readonly value: unknown[] | null, readonly etag: string | null) {
    super(AttachmentsChangedEvent.eventName, OPTIONS);
  }
}

/** A widget found a problem outside a submit (a refused upload): the form shows it inline and in its error summary. */
export class FieldProblemEvent extends Event {
  static readonly eventName = 'fw-field-problem' as const;
  constructor(readonly field: string, readonly problem: string) {
    super(FieldProblemEvent.eventName, OPTIONS);
  }
}

/** The filter builder's condition was applied (null: no filter). */
export class FilterEvent extends Event {
  static readonly eventName = 'fw-filter' as const;
  constructor(readonly condition: Condition | null) {
    super(FilterEvent.eventName, OPTIONS);
  }
}

/** The person's bookmarks changed (added or removed): the shell reloads them for the header and the home page. */
export class BookmarksChangedEvent extends Event {
  static readonly eventName = 'fw-bookmarks-changed' as const;
  constructor() {
    super(BookmarksChangedEvent.eventName, OPTIONS);
  }
}

declare global {
  interface HTMLElementEventMap {
    'fw-navigate': NavigateEvent;
    'fw-page': PageEvent;
    'fw-error-state': ErrorStateEvent;
    'fw-session': SessionEvent;
    'fw-signed-out': SignedOutEvent;
    'fw-dirty': DirtyEvent;
    'fw-field-change': FieldChangeEvent;
    'fw-record-changed': RecordChangedEvent;
    'fw-filter': FilterEvent;
    'fw-attachments-changed': AttachmentsChangedEvent;
    'fw-field-problem': FieldProblemEvent;
  }
}

/** The notification kind's shapes (schema part: notification.schema.json). */
import type { Condition } from '../conditions/types.js';

/** What sends a notification (see `definitions.schema.json` $defs/notificationTrigger). */
export type NotificationTriggerType =
  | 'create' | 'update' | 'transition' | 'fieldChange' | 'slaWarning' | 'slaBreach' | 'approvalRequested' | 'event';

export interface NotificationTrigger {
  type: NotificationTriggerType;
  /** type 'event': the event name. */
  event?: string;
  /** type 'transition': the workflow transition's name. */
  transition?: string;
  /** type 'fieldChange': the field whose change sends it. */
  field?: string;
}

/** Who receives a notification: exactly one of the members. */
export interface NotificationRecipient {
  /** The person named by this field of the record (user id, username or e-mail address), dot-walking references. */
  field?: string;
  /** Everyone holding this role (directly or through a role that includes it). */
  role?: string;
  /** The members of this work queue. */
  queue?: string;
  /** The organisation administrators (capability platform.org_admin) of the record's owning organisation. */
  orgAdmins?: true;
  /** A fixed e-mail address (e-mail channel only). */
  email?: string;
  /** The person (or people) named by this member of the event's payload, e.g. "approver". */
  event?: string;
}

export type NotificationChannel = 'inApp' | 'email';

/** A notification (kind `notification`, `registry.notifications`), run by platform/notify. */
export interface NotificationDef {
  kind: 'notification';
  name: string;
  label?: string;
  description?: string;
  /** Required except for 'event' triggers. */
  table?: string;
  trigger: NotificationTrigger;
  /** Facts `record`, `previous`, `user` (who caused it), `now`. */
  condition?: Condition;
  recipients: NotificationRecipient[];
  channels: NotificationChannel[];
  /** Handlebars templates: `subject` and `body` are plain text (never HTML-escaped, shown and mailed as text). */
  subject: string;
  body: string;
  /** An HTML body for e-mail, a Handlebars template whose every value is HTML-escaped; sent next to the text body. */
  html?: string;
  /** Default true. */
  active?: boolean;
}

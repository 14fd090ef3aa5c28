/**
 * Notifications: definitions compiled per registry snapshot, the dispatcher (events and record changes → in-app
 * notifications and mail in the outbox, in one transaction), the mail sender (outbox → SMTP, after commit), the
 * notification centre, and the runners that poll them. Other folders import this face.
 */
export {
  notificationIndex, appliesTo, NOTIFY_EVENT, TRANSITION_EVENT, SLA_WARNING_EVENT, SLA_BREACH_EVENT, APPROVAL_REQUESTED_EVENT,
  type CompiledNotification, type NotificationIndex,
} from './definitions.js';
export { dispatchNotifications, recordHistoryPath, type DispatchOptions, type DispatchResult } from './dispatcher.js';
export { claimMail, sendPendingMail, type ClaimedMail, type SendOptions, type SendResult } from './sender.js';
export { cancelPendingMail, CANCELLED } from './outbox.js';
export {
  listNotifications, unreadCount, markNotificationRead, markAllNotificationsRead, MAX_NOTIFICATION_PAGE,
  type InAppNotification, type NotificationPage,
} from './centre.js';
export { startNotificationRunners, type RunnerOptions } from './runners.js';
export { checkNotificationTemplate, compileNotificationTemplate, templatePaths } from './templates.js';
export { createMailer, type Mailer, type MailMessage } from './mailer.js';

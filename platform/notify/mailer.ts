/**
 * Outgoing mail over SMTP (nodemailer). Configured by SMTP_URL (`smtp://user:pass@host:587`, `smtps://…:465`) and
 * MAIL_FROM. Without SMTP_URL nothing is sent: the mailer logs that mail is not configured, naming neither the
 * recipient nor the body (one-time codes and links must not end up in logs).
 */
import type { Config } from '../config.js';
import { fail } from '../errors.js';
import type { Transporter } from 'nodemailer';
import type { Logger } from '../log.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** A stable Message-ID (`<unique@domain>`), so a message sent twice (outbox retry) can be recognised. */
  messageId?: string;
}

export interface Mailer {
  /** Whether SMTP is configured (messages can actually leave). */
  readonly configured: boolean;
  /**
   * Send one message now. Throws `mail_unavailable` when mail is not configured or the SMTP server refused it
   * (the cause is logged, not shown).
   */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** The mailer for `config.smtpUrl`, or one that only logs when it is unset. */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, log: Logger): Mailer {
  if (!config.smtpUrl) {
    return {
      configured: false,
      async send(message) {
        log.warn('mail is not configured (SMTP_URL is unset); a message was not sent', { subject: message.subject });
        fail('mail_unavailable', 'Mail is not configured on this server, so the message could not be sent.');
      },
      close() {},
    };
  }
  // Loaded on first use, not at start: a server that sends no mail keeps nodemailer out of memory.
  let transport: Promise<Transporter> | null = null;
  const open = () => (transport ??= import('nodemailer').then((m) => m.default.createTransport(config.smtpUrl!)));
  return {
    configured: true,
    async send(message) {
      try {
        await (await open()).sendMail({ from: config.mailFrom, ...message });
      } catch (e) {
        log.error('sending mail failed', { subject: message.subject, error: (e as Error)?.message ?? String(e) });
        fail('mail_unavailable', 'The mail server did not accept the message; try again later.', { cause: e });
      }
    },
    close() { void transport?.then((t) => t.close()); },
  };
}

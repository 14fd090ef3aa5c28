import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import type { SessionInfo } from '../api/types.js';
import { apiContext, sessionContext } from '../contexts.js';
import { SessionEvent, SignedOutEvent } from '../events.js';
import { formatTime } from '../format.js';

/** setTimeout's largest delay. */
const MAX_DELAY = 2 ** 31 - 1;

function spell(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(s / 60);
  const r = s % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  return m ? `${part(m, 'minute')}${r ? ` ${part(r, 'second')}` : ''}` : part(r, 'second');
}

/**
 * The session time-out warning (GOV.UK timeout warning pattern). From the session's idle and absolute expiry it
 * schedules a check `warnBeforeMs` before the earlier one; the check reads the session again (GET
 * /api/auth/session does not count as activity, other requests do) and, when the end is still that close, opens
 * a modal dialog (role=alertdialog, focus on "Stay signed in"). "Stay signed in" (or Escape) extends the session
 * (POST /api/auth/session/extend); "Sign out" signs out; at the end the user is signed out. Near the absolute
 * expiry the session cannot be extended: the dialog says when it ends.
 *
 * @fires fw-session - the session was read again or extended (no navigation)
 * @fires fw-signed-out - the user signed out here, or the session ended
 */
@customElement('fw-timeout-dialog')
export class FwTimeoutDialog extends LightElement {
  /** How long before the end to warn (GOV.UK: 2 minutes). */
  @property({ type: Number }) accessor warnBeforeMs = 120_000;

  /** The session (null when signed out); the warning runs only while it is active. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor open = false;
  @state() private accessor endsAt = 0;
  @state() private accessor extendable = true;
  @state() private accessor now = Date.now();
  @state() private accessor busy = false;

  #timer: number | undefined;
  #ticker: number | undefined;
  /** The end the user already acknowledged (an absolute expiry cannot be extended; warn about it once). */
  #dismissedFor = 0;

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#stop();
  }

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('session')) this.#schedule();
  }

  protected override updated(changed: PropertyValues) {
    if (!changed.has('open')) return;
    const dialog = this.querySelector('dialog');
    if (!dialog) return;
    if (this.open && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>('.fw-button')?.focus();
    } else if (!this.open && dialog.open) {
      dialog.close();
    }
  }

  override render() {
    if (!this.session || this.session.stage !== 'active') return nothing;
    const left = this.endsAt - this.now;
    return html`<dialog class="fw-dialog" role="alertdialog" aria-modal="true" aria-labelledby="fw-timeout-title"
      aria-describedby="fw-timeout-text" @cancel=${this.#onCancel}>
      ${this.open ? html`
        <h2 class="fw-heading-m" id="fw-timeout-title">You’re about to be signed out</h2>
        <p class="fw-body" id="fw-timeout-text">${this.extendable
          ? `For your security, we will sign you out at ${formatTime(this.#local(this.endsAt))} because you have not done anything for a while.`
          : `Your session ends at ${formatTime(this.#local(this.endsAt))}. Save your work now: you will need to sign in again.`}</p>
        <p class="fw-body fw-dialog__countdown" aria-hidden="true">Time left: <strong>${spell(left)}</strong></p>
        <div class="fw-button-group">
          ${this.extendable
            ? html`<button type="button" class="fw-button" ?disabled=${this.busy} @click=${this.#extend}>Stay signed in</button>
              <button type="button" class="fw-link-button" ?disabled=${this.busy} @click=${this.#signOut}>Sign out</button>`
            : html`<button type="button" class="fw-button" @click=${this.#dismiss}>Continue</button>`}
        </div>` : nothing}
    </dialog>`;
  }

  /** A server instant as a browser timestamp. */
  #local(serverMs: number): number {
    return serverMs - this.api.serverOffsetMs;
  }

  #stop() {
    clearTimeout(this.#timer);
    clearInterval(this.#ticker);
    this.#timer = undefined;
    this.#ticker = undefined;
  }

  /** From the session in hand: open the warning when it is due, and check the session again at the next moment that matters. */
  #schedule() {
    this.#stop();
    const s = this.session;
    if (!s || s.stage !== 'active') {
      this.open = false;
      return;
    }
    const idle = Date.parse(s.idleExpiresAt);
    const absolute = Date.parse(s.expiresAt);
    this.endsAt = Math.min(idle, absolute);
    this.extendable = idle < absolute;
    const now = this.api.serverNow();
    const warnAt = this.endsAt - this.warnBeforeMs;
    this.open = now >= warnAt && this.#dismissedFor !== this.endsAt;
    if (this.open) {
      this.now = now;
      this.#ticker = window.setInterval(() => { this.now = this.api.serverNow(); }, 1000);
    }
    const next = now < warnAt ? warnAt : this.endsAt;
    this.#timer = window.setTimeout(() => void this.#check(), Math.min(Math.max(next - now + 500, 0), MAX_DELAY));
  }

  /** Read the session again (not counted as activity): other requests may have moved the idle expiry on. */
  async #check() {
    try {
      const { data } = await this.api.get<SessionInfo>('/auth/session');
      this.dispatchEvent(new SessionEvent(data, false));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.#expire();
      else this.#timer = window.setTimeout(() => void this.#check(), 30_000);
    }
  }

  #expire() {
    this.#stop();
    this.open = false;
    this.dispatchEvent(new SignedOutEvent('expired'));
  }

  #dismiss = () => {
    this.#dismissedFor = this.endsAt;
    clearInterval(this.#ticker);
    this.open = false;
  };

  #extend = async () => {
    this.busy = true;
    try {
      const { data } = await this.api.post<SessionInfo>('/auth/session/extend');
      this.dispatchEvent(new SessionEvent(data, false));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.#expire();
    } finally {
      this.busy = false;
    }
  };

  #signOut = async () => {
    this.busy = true;
    try {
      await this.api.post('/auth/sign-out');
    } catch {
      // Signed out either way: the session is gone or about to be.
    } finally {
      this.busy = false;
      this.#stop();
      this.open = false;
      this.dispatchEvent(new SignedOutEvent('signed_out'));
    }
  };

  #onCancel = (e: Event) => {
    e.preventDefault();
    if (this.extendable) void this.#extend();
    else this.#dismiss();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-timeout-dialog': FwTimeoutDialog;
  }
}

import { html } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, state } from 'lit/decorators.js';
import { DirtyFlag } from '../form/dirty.js';
import { LightElement } from '../light-element.js';
import type { AdminRole, AdminUser, OrgUserId, UsernameCheck } from '../api/admin.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { NavigateEvent, PageEvent } from '../events.js';
import { textInput } from '../fields/field-parts.js';
import { setFlash } from '../flash.js';
import { FormProblems, noProblems, problemsOf } from '../form-problems.js';
import { adminUserUrl } from '../router.js';
import { ACCOUNT_FIELDS, accountBody, accountFields, checkAccount, emptyAccount, type AccountValues } from './account-fields.js';
import { adminCrumbs } from './admin-parts.js';
import { apiContext } from '../contexts.js';

const TITLE = 'Create a user';
/** Wait this long after the last keystroke before asking whether the username is free. */
const CHECK_DELAY_MS = 300;

type Availability = { state: 'idle' | 'checking' | 'available' | 'unavailable'; message: string };
const IDLE: Availability = { state: 'idle', message: '' };

/**
 * Organisation administration: create an account. The username is checked for availability as
 * it is typed (GET /api/admin/users/check, announced politely); then names, email, phone, roles (GET
 * /api/admin/roles says which the administrator may assign), the line manager (picked by name among the
 * organisation's people) and User IDs. The server creates the account without
 * a password and mails the person a one-time link to choose one.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 * @fires fw-dirty - typed values not yet saved
 * @fires fw-navigate - to the new account's page
 */
@customElement('fw-admin-user-new')
export class FwAdminUserNew extends LightElement {
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor username = '';
  @state() private accessor values: AccountValues = emptyAccount();
  @state() private accessor roles: AdminRole[] = [];
  @state() private accessor userIds: OrgUserId[] = [];
  /** The username whose availability is asked, set once typing pauses. */
  @state() private accessor toCheck = '';

  #form = new FormProblems(this, { fields: ACCOUNT_FIELDS, prefix: 'new-user' });

  /** Whether `toCheck` is free (the answer for an older name, arriving late, is dropped by the task). */
  #check = new Task(this, {
    args: () => [this.api, this.toCheck] as const,
    task: async ([api, name], { signal }): Promise<Availability> => {
      if (!name) return IDLE;
      try {
        const { data } = await api.get<UsernameCheck>('/admin/users/check', { query: { username: name }, signal });
        return data.available
          ? { state: 'available', message: `The username ${data.username} is available.` }
          : { state: 'unavailable', message: data.reason === 'taken' ? `The username ${data.username} is already taken. Choose another.` : data.message ?? 'This username cannot be used.' };
      } catch (e) {
        if (signal.aborted) throw e;
        return IDLE;
      }
    },
  });

  #timer: ReturnType<typeof setTimeout> | undefined;
  #dirty = new DirtyFlag(this);

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent(TITLE, adminCrumbs({ label: 'Users', href: '/admin/users' }, { label: TITLE })));
    void this.#loadChoices();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  async #loadChoices() {
    try {
      const [roles, ids] = await Promise.all([this.api.get<AdminRole[]>('/admin/roles'), this.api.get<OrgUserId[]>('/admin/org-user-ids')]);
      this.roles = roles.data;
      this.userIds = ids.data.filter((u) => u.status === 'active' || !u.status);
    } catch (e) {
      void this.#form.show(problemsOf(e, []), { focus: false });
    }
  }

  override render() {
    const form = this.#form;
    return html`
      <fw-error-summary .items=${form.items}></fw-error-summary>
      <h1 class="fw-heading-l">${TITLE}</h1>
      <p class="fw-body">The person will get an email with a link to choose their password. The link works once, for 24 hours.</p>
      <form class="fw-form fw-form--narrow" novalidate @submit=${this.#submit}>
        ${textInput({ id: 'new-user-username', name: 'username', label: 'Username', value: this.username, error: form.error('username'),
          hint: 'Letters, digits and . _ @ + - only. Usernames are unique across the whole platform and cannot be changed later.',
          autocomplete: 'off', spellcheck: false, widthClass: 'fw-input--width-20', maxlength: 100, status: this.#availability.message,
          onInput: (v) => this.#onUsername(v) })}
        ${accountFields({ prefix: 'new-user', values: this.values, problems: form.problems, roles: this.roles, userIds: this.userIds,
          onChange: (patch) => { this.values = { ...this.values, ...patch }; this.#dirty.set(true); } })}
        <div class="fw-button-group">
          <button type="submit" class="fw-button" ?disabled=${form.busy}>Create user</button>
          <a class="fw-link" href="/admin/users">Cancel</a>
        </div>
      </form>`;
  }

  #onUsername(value: string) {
    this.username = value;
    this.#dirty.set(true);
    clearTimeout(this.#timer);
    const name = value.trim();
    if (!name) {
      this.toCheck = '';
      return;
    }
    this.#timer = setTimeout(() => { this.toCheck = name; }, CHECK_DELAY_MS);
  }

  /** What is known of the username's availability: the last answer, said to be checked again while a check runs. */
  get #availability(): Availability {
    const last = this.#check.value ?? IDLE;
    return this.#check.status === TaskStatus.PENDING ? { state: 'checking', message: last.message } : last;
  }

  #submit = async (e: Event) => {
    e.preventDefault();
    const problems = noProblems();
    const username = this.username.trim();
    if (!username) problems.fields.set('username', 'Enter a username');
    else if (this.#availability.state === 'unavailable') problems.fields.set('username', this.#availability.message);
    checkAccount(this.values, problems);
    if (await this.#form.check(problems)) return;
    await this.#form.submit(async () => {
      const { data } = await this.api.post<AdminUser>('/admin/users', { username, ...accountBody(this.values) });
      this.#done(data.id, `The user ${data.username} has been created. We have sent an email to ${data.email ?? 'them'} with a link to choose a password.`);
    }, (err) => {
      if (!(err instanceof ApiError && err.code === 'mail_unavailable' && typeof err.body.userId === 'string')) return undefined;
      // The account exists; only the mail failed. Its page offers "Reset password" to send a new link.
      this.#done(err.body.userId, `The user ${username} has been created, but the email could not be sent. Use “Reset password” to send a new link once mail works.`);
      return null;
    });
  };

  #done(id: string, message: string) {
    this.#dirty.set(false);
    this.#form.clear();
    setFlash(message);
    this.dispatchEvent(new NavigateEvent(adminUserUrl(id)));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-admin-user-new': FwAdminUserNew;
  }
}

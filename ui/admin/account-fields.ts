/**
 * The fields of an account that creating and editing share — names, email, phone, line manager, roles and User IDs —
 * their checks in the browser (the server checks again), and the request body they become.
 */
import { html, type TemplateResult } from 'lit';
import type { AdminRole, OrgUserId } from '../api/admin.js';
import type { Problems } from '../form-problems.js';
import { checkboxGroup, textInput } from '../fields/field-parts.js';
import './fw-user-picker.js';
import type { PickedUser, UserPickEvent } from './fw-user-picker.js';

export interface AccountValues {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  /** The line manager chosen, or null. */
  manager: PickedUser | null;
  roles: Set<string>;
  userIds: Set<string>;
}

/** Field names as the API names them, in the order of the form (the error summary follows it). */
export const ACCOUNT_FIELDS = ['username', 'firstName', 'lastName', 'email', 'phone', 'manager', 'roles', 'userIds'] as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{6,40}$/;

export const emptyAccount = (): AccountValues => ({
  firstName: '', lastName: '', email: '', phone: '', manager: null, roles: new Set(), userIds: new Set(),
});

/** The browser's checks of the shared fields, added to `problems`. */
export function checkAccount(v: AccountValues, problems: Problems): void {
  if (!v.firstName.trim()) problems.fields.set('firstName', 'Enter a first name');
  if (!v.lastName.trim()) problems.fields.set('lastName', 'Enter a last name');
  if (!v.email.trim()) problems.fields.set('email', 'Enter an email address');
  else if (!EMAIL.test(v.email.trim())) problems.fields.set('email', 'Enter an email address in the correct format, like name@example.com');
  if (v.phone.trim() && !PHONE.test(v.phone.trim())) problems.fields.set('phone', 'Enter a phone number, like 01632 960 001 or +44 808 157 0192');
}

/** The request body of the shared fields. */
export function accountBody(v: AccountValues): Record<string, unknown> {
  return {
    firstName: v.firstName.trim(), lastName: v.lastName.trim(), email: v.email.trim(), phone: v.phone.trim() || null,
    manager: v.manager?.id ?? null, roles: [...v.roles].sort(), userIds: [...v.userIds].sort(),
  };
}

/**
 * The shared fields. Roles the administrator may not assign are shown but cannot be changed (with the server's
 * reason as their hint); `prefix` makes the ids (`${prefix}-${field}`, the error summary's targets). The line
 * manager is picked among the active people of `org` (an id; empty: the administrator's own organisation), never
 * the account itself (`self`).
 */
export function accountFields(o: {
  prefix: string; values: AccountValues; problems: Problems; roles: AdminRole[]; userIds: OrgUserId[];
  org?: string; self?: string;
  onChange: (patch: Partial<AccountValues>) => void;
}): TemplateResult {
  const v = o.values;
  const f = o.problems.fields;
  const err = (k: string) => f.get(k) ?? null;
  const toggle = (set: Set<string>, value: string, checked: boolean) => {
    const next = new Set(set);
    if (checked) next.add(value);
    else next.delete(value);
    return next;
  };
  return html`
    ${textInput({ id: `${o.prefix}-firstName`, name: 'firstName', label: 'First name', value: v.firstName, error: err('firstName'),
      autocomplete: 'off', spellcheck: false, widthClass: 'fw-input--width-20', onInput: (x) => o.onChange({ firstName: x }) })}
    ${textInput({ id: `${o.prefix}-lastName`, name: 'lastName', label: 'Last name', value: v.lastName, error: err('lastName'),
      autocomplete: 'off', spellcheck: false, widthClass: 'fw-input--width-20', onInput: (x) => o.onChange({ lastName: x }) })}
    ${textInput({ id: `${o.prefix}-email`, name: 'email', label: 'Email address', type: 'email', value: v.email, error: err('email'),
      hint: 'The link to choose a password is sent here.', autocomplete: 'off', spellcheck: false,
      onInput: (x) => o.onChange({ email: x }) })}
    ${textInput({ id: `${o.prefix}-phone`, name: 'phone', label: 'Phone number (optional)', type: 'tel', value: v.phone, error: err('phone'),
      hint: 'For international numbers include the country code, like +44.', autocomplete: 'off', widthClass: 'fw-input--width-20',
      onInput: (x) => o.onChange({ phone: x }) })}
    <fw-user-picker inputId=${`${o.prefix}-manager`} name="manager" label="Line manager (optional)" org=${o.org ?? ''} excludeId=${o.self ?? ''}
      hint="Start typing their name, then choose from the list. Approvals that go to a person's manager are sent to them."
      .error=${err('manager')} .value=${v.manager} @fw-user-pick=${(e: UserPickEvent) => o.onChange({ manager: e.user })}></fw-user-picker>
    ${o.roles.length ? checkboxGroup({
      id: `${o.prefix}-roles`, name: 'roles', legend: 'Roles', boldLegend: true, error: err('roles'), checked: v.roles,
      hint: 'Roles decide what the person can see and do. You can assign only roles that give nothing beyond your own access.',
      options: o.roles.map((r) => ({ value: r.name, label: r.label, disabled: !r.assignable, hint: r.assignable ? undefined : `You cannot assign this role. ${r.reason ?? ''}`.trim() })),
      onToggle: (value, checked) => o.onChange({ roles: toggle(v.roles, value, checked) }),
    }) : html`<p class="fw-body">There are no roles to assign.</p>`}
    ${o.userIds.length ? checkboxGroup({
      id: `${o.prefix}-userIds`, name: 'userIds', legend: 'User IDs', boldLegend: true, error: err('userIds'), checked: v.userIds,
      hint: 'The User IDs of the organisation the person acts for.',
      options: o.userIds.map((u) => ({ value: u.code, label: u.name ? `${u.code} – ${u.name}` : u.code })),
      onToggle: (value, checked) => o.onChange({ userIds: toggle(v.userIds, value, checked) }),
    }) : html`<h2 class="fw-heading-s">User IDs</h2><p class="fw-body fw-secondary-text">The organisation has no User IDs.</p>`}`;
}

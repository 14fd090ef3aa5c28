/**
 * Defaults from facts: a field or variable default `{ "fact": "user.email" }` takes the value of a fact of the
 * person creating the record (or ordering the item), so forms do not ask for what the system knows. One list of
 * facts and one reading of them serve table fields (platform/records) and catalogue variables (platform/catalog).
 * No imports: the catalogue's question model, which the browser may import, uses it.
 */

/** The person as defaults (and catalogue audiences) see them: access facts plus contact details and organisation. */
export interface UserFacts {
  id?: string | null;
  username?: string;
  roles?: string[];
  orgs?: string[];
  orgId?: string | null;
  userIds?: string[];
  capabilities?: string[];
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  displayName?: string | null;
  phone?: string | null;
  orgCode?: string | null;
  orgName?: string | null;
  /** The party code they act under, when they act under exactly one of their own organisations' codes. */
  partyCode?: string | null;
  [k: string]: unknown;
}

/** A default naming a fact of the person: `{ "fact": "user.<name>" }`. */
export interface FactDefault { fact: string }

/** The facts a default may take (`{ "fact": "user.<name>" }`). */
export const DEFAULT_FACTS = [
  'id', 'username', 'email', 'firstName', 'lastName', 'displayName', 'phone', 'orgId', 'orgCode', 'orgName', 'partyCode',
] as const;

/** Facts every actor carries; the rest come from the person's profile, read only when a default needs them. */
const ACCESS_FACTS: ReadonlySet<string> = new Set(['id', 'username', 'orgId']);

/** Field types each fact's value fits (every fact fits string and text fields). */
const FACT_TYPES: Readonly<Record<string, readonly string[]>> = {
  id: ['uuid'], orgId: ['uuid'], email: ['email'], phone: ['phone'],
};

/** A default naming a fact (an object with a string `fact`). */
export function isFactDefault(value: unknown): value is FactDefault {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { fact?: unknown }).fact === 'string';
}

/** The fact's name without its `user.` prefix, or null when it is not one of {@link DEFAULT_FACTS}. */
export function defaultFactName(fact: string): string | null {
  const name = fact.startsWith('user.') ? fact.slice(5) : null;
  return name !== null && (DEFAULT_FACTS as readonly string[]).includes(name) ? name : null;
}

/** Whether the fact needs the person's profile read (their contact details or organisation's code and name). */
export function factNeedsProfile(fact: string): boolean {
  return !ACCESS_FACTS.has(fact.replace(/^user\./, ''));
}

/** The field types a fact's value fits, for lint messages and checks. */
export function factFieldTypes(fact: string): string[] {
  return ['string', 'text', ...(FACT_TYPES[fact.replace(/^user\./, '')] ?? [])];
}

/** The value of `fact` for the person: null when they have none (an empty value gives no default). */
export function factValue(user: UserFacts, fact: string): unknown {
  const key = fact.startsWith('user.') ? fact.slice(5) : fact;
  const v = Object.prototype.hasOwnProperty.call(user, key) ? user[key] : undefined;
  return v === undefined || v === '' ? null : v;
}

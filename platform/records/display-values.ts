/**
 * Display values: what people read in place of stored values (the API's `display=true|all`, CSV exports with labels,
 * labelled history). A reference shows its referenced record's display value (the target table's `displayField`,
 * else its number), a choice its option label (a list of labels for a multiple choice), a boolean "Yes" / "No", the
 * people and organisation system fields a name, `class` its table's label. Dates and date-times stay ISO 8601 here:
 * the reader (UI, spreadsheet export) formats them for its audience.
 *
 * Display values respect access as the values themselves do: a referenced record the reader may not read (no grant
 * on its table, or outside the grant's rows) shows as {@link NO_ACCESS}, never its display value, and its display
 * field is read only when the reader may read that field (per-record masking included; else its number shows).
 * Values are looked up in batches — one query per referenced table, one for people, one for organisations — for a
 * whole page of records, never one per row.
 */
import type { Knex } from 'knex';
import { accessFor } from '../access/index.js';
import { personName } from '../access/identity/index.js';
import type { FactContext } from '../conditions/index.js';
import type { Registry, ResolvedField, ResolvedTable } from '../definitions/types.js';
import type { RecordReader } from './record-reader.js';
import type { Actor, DisplayMode, RecordData } from './types.js';

export type { DisplayMode } from './types.js';

/**
 * A key in words, for a thing with no label of its own: "service_desk" reads "Service desk", "cdsp-agents"
 * "Cdsp agents".
 */
export function humanise(key: string): string {
  const words = key.replace(/[_\-.]+/g, ' ').replace(/\s+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}

/** What a referenced record the reader may not read shows as. */
export const NO_ACCESS = '(no access)';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PEOPLE_FIELDS = new Set(['created_by', 'updated_by']);

/** Who reads, through what: the reader's access decides which referenced records show their display value. */
export interface DisplayContext {
  knex: Knex | Knex.Transaction;
  registry: Registry;
  reader: RecordReader;
  actor: Actor;
  /** The reader's access facts (row conditions of the referenced tables are bound to them). */
  facts: FactContext;
}

/** Where a field's display value comes from; null for fields shown as stored. */
export type DisplayKind = 'reference' | 'choice' | 'boolean' | 'date' | 'person' | 'org' | 'class' | 'named';

/** How `field` is displayed, or null when its value is its display value. */
export function displayKindOf(field: ResolvedField): DisplayKind | null {
  if (field.type === 'reference') return field.reference ? 'reference' : null;
  if (field.type === 'choice') return 'choice';
  if (field.type === 'boolean') return 'boolean';
  if (field.type === 'date' || field.type === 'datetime') return 'date';
  if (field.names) return 'named';
  if (!field.system) return null;
  if (PEOPLE_FIELDS.has(field.name)) return 'person';
  if (field.name === 'org_id') return 'org';
  if (field.name === 'class') return 'class';
  return null;
}

/** The label of a choice, boolean or other plain value, needing no look-up (a list of labels for a multiple choice). */
export function plainDisplay(field: ResolvedField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.type === 'boolean') return value ? 'Yes' : 'No';
  if (field.type === 'choice') {
    const label = (v: unknown) => field.choices?.find((c) => c.value === v)?.label ?? String(v);
    return Array.isArray(value) ? value.map(label) : label(value);
  }
  return value;
}

/** One resolved reference: its display value, and whether the reader may follow it. */
interface RefLabel { display: string; readable: boolean }

/**
 * The look-ups of one batch: collect every value first ({@link want}), then {@link load} them with one query per
 * referenced table (and one for people, one for organisations), then read the labels.
 */
export class DisplayLookups {
  readonly #refs = new Map<string, Set<string>>();
  readonly #people = new Set<string>();
  readonly #orgs = new Set<string>();
  readonly #refLabels = new Map<string, Map<string, RefLabel>>();
  readonly #peopleNames = new Map<string, string>();
  readonly #orgNames = new Map<string, string>();
  /** Keys of `names` fields wanted, and their labels once loaded: usernames, queue names, organisation codes. */
  readonly #keys = { user: new Set<string>(), queue: new Set<string>(), org: new Set<string>() };
  readonly #keyLabels = { user: new Map<string, string>(), queue: new Map<string, string>(), org: new Map<string, string>() };

  /** Note the value of `field` for look-up (values that need none are ignored). */
  want(field: ResolvedField, value: unknown): void {
    if (typeof value !== 'string') return;
    if (field.names && field.names !== 'role' && value) {
      this.#keys[field.names].add(value);
      return;
    }
    if (!UUID.test(value)) return;
    const kind = displayKindOf(field);
    if (kind === 'reference') {
      let ids = this.#refs.get(field.reference!);
      if (!ids) { ids = new Set(); this.#refs.set(field.reference!, ids); }
      ids.add(value.toLowerCase());
    } else if (kind === 'person') {
      this.wantPerson(value);
    } else if (kind === 'org') {
      this.#orgs.add(value.toLowerCase());
    }
  }

  /** Note a person (sys_user id) whose name is wanted. */
  wantPerson(id: string | null | undefined): void {
    if (typeof id === 'string' && UUID.test(id)) this.#people.add(id.toLowerCase());
  }

  /** Run the look-ups, one after the other (a transaction is one connection). */
  async load(ctx: DisplayContext): Promise<void> {
    for (const [target, ids] of this.#refs) this.#refLabels.set(target, await referenceLabels(ctx, target, [...ids]));
    if (this.#people.size) {
      const rows = await ctx.knex('sys_user').whereIn('id', [...this.#people]).select('id', 'username', 'display_name');
      for (const r of rows as { id: string; username: string; display_name: string | null }[]) {
        this.#peopleNames.set(r.id.toLowerCase(), personName(r));
      }
    }
    if (this.#orgs.size) {
      const rows = await ctx.knex('sys_org').whereIn('id', [...this.#orgs]).select('id', 'name');
      for (const r of rows as { id: string; name: string }[]) this.#orgNames.set(r.id.toLowerCase(), r.name);
    }
    const { user, queue, org } = this.#keys;
    if (user.size) {
      const rows = await ctx.knex('sys_user').whereIn('username', [...user]).select('username', 'display_name');
      for (const r of rows as { username: string; display_name: string | null }[]) this.#keyLabels.user.set(r.username, personName(r));
    }
    if (queue.size) {
      const rows = await ctx.knex('sys_queue').whereIn('name', [...queue]).select('name', 'label');
      for (const r of rows as { name: string; label: string }[]) this.#keyLabels.queue.set(r.name, r.label);
    }
    if (org.size) {
      const rows = await ctx.knex('sys_org').whereIn('code', [...org]).select('code', 'name');
      for (const r of rows as { code: string; name: string }[]) this.#keyLabels.org.set(r.code, r.name);
    }
  }

  /** A loaded person's name (display name, else username), or null when there is no such person. */
  person(id: unknown): string | null {
    return typeof id === 'string' ? this.#peopleNames.get(id.toLowerCase()) ?? null : null;
  }

  /**
   * The display value of `value` of `field` and, for a reference the reader may follow, the API path of the
   * referenced record. Call after {@link load}.
   */
  display(registry: Registry, field: ResolvedField, value: unknown): { display: unknown; link?: string } {
    if (value === null || value === undefined) return { display: null };
    switch (displayKindOf(field)) {
      case 'reference': {
        const id = String(value).toLowerCase();
        const found = this.#refLabels.get(field.reference!)?.get(id);
        if (!found) return { display: NO_ACCESS };
        return found.readable
          ? { display: found.display, link: `/api/tables/${encodeURIComponent(field.reference!)}/${id}` }
          : { display: found.display };
      }
      case 'person': return { display: this.person(value) ?? 'Unknown person' };
      case 'org': return { display: this.#orgNames.get(String(value).toLowerCase()) ?? 'Unknown organisation' };
      case 'class': {
        const t = registry.tables.get(String(value));
        return { display: t?.def.label ?? String(value) };
      }
      case 'named': {
        const key = String(value);
        if (field.names === 'role') return { display: registry.roles.get(key)?.label ?? humanise(key) };
        // A queue the workflows name without a stored row reads as its name in words; an unknown person or
        // organisation (removed since) keeps the stored key, which is all that is known of them.
        return { display: this.#keyLabels[field.names!].get(key) ?? (field.names === 'queue' ? humanise(key) : key) };
      }
      default: return { display: plainDisplay(field, value) };
    }
  }
}

/**
 * The display values of records of the referenced table `target`, as the reader may see them: one read through the
 * record reader (the reader's row condition and field access in the statement). Records it does not return are
 * absent from the answer ({@link NO_ACCESS}).
 */
async function referenceLabels(ctx: DisplayContext, targetName: string, ids: string[]): Promise<Map<string, RefLabel>> {
  const out = new Map<string, RefLabel>();
  const target = ctx.registry.tables.get(targetName);
  if (!target || !ids.length) return out;
  const access = accessFor(ctx.registry, ctx.actor, target.name, 'read');
  if (!access.allowed) return out;
  const readable = (name: string) => {
    const f = target.fields.get(name);
    return f !== undefined && f.column !== null && (access.unrestricted || access.readable.has(name));
  };
  const shown = displayFieldOf(target);
  const columns = [...new Set(['number', shown].filter((n) => n !== 'id' && readable(n)))];
  // No columns at all would read every readable one: the id alone says the record is there.
  const rows = await ctx.reader.readMany(ctx.knex, target, ids, { access, facts: ctx.facts }, { columns: columns.length ? columns : ['id'] });
  for (const r of rows) {
    const field = target.fields.get(shown);
    const own = field ? plainDisplay(field, r[shown]) : null;
    const text = Array.isArray(own) ? own.join(', ') : own === null || own === undefined || own === '' ? null : String(own);
    const number = typeof r.number === 'string' && r.number ? r.number : null;
    out.set(String(r.id).toLowerCase(), { display: text ?? number ?? `${target.def.label ?? target.name} record`, readable: true });
  }
  return out;
}

/** The field a table's records are known by: its display field, else its number, else its id. */
function displayFieldOf(table: ResolvedTable): string {
  return table.fields.has(table.displayField) ? table.displayField : table.fields.has('number') ? 'number' : 'id';
}

/**
 * `records` of `table` with display values (see the module comment): `true` replaces each labelled field's value by
 * its display value; `all` makes it `{ value, display, link? }`. Other fields, and fields a record does not carry
 * (not asked for, not readable, masked), are left as they are. Returns new records.
 */
export async function displayRecords(
  ctx: DisplayContext, table: ResolvedTable, records: RecordData[], mode: DisplayMode,
): Promise<RecordData[]> {
  const fields = [...table.fields.values()].filter((f) => displayKindOf(f) !== null);
  const lookups = new DisplayLookups();
  for (const r of records) for (const f of fields) if (f.name in r) lookups.want(f, r[f.name]);
  await lookups.load(ctx);
  return records.map((r) => {
    const out: RecordData = { ...r };
    for (const f of fields) {
      if (!(f.name in r)) continue;
      const value = r[f.name];
      const shown = lookups.display(ctx.registry, f, value);
      out[f.name] = mode === 'true' ? shown.display : { value: value ?? null, display: shown.display, ...(shown.link ? { link: shown.link } : {}) };
    }
    return out;
  });
}

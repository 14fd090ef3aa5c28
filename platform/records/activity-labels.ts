/**
 * Labels for a record's history and journal, for people: old and new values as display values
 * (platform/records/display-values.ts), authors as names, and the actor of an automatic change as a phrase —
 * "Workflow: Resolve for Alice Smith", "Rule: Resolution note required for Alice Smith". The raw members stay as
 * they were (`changedBy` / `createdBy` hold the actor name the audit recorded, e.g. `workflow:resolve for alice`), so
 * scripts keep working; the labels are added beside them.
 *
 * Automatic actors are recorded as `<kind>:<what> for <username>` (platform/rules/chain.ts): `rule:<rule>`,
 * `workflow:<transition>` (also `when.<transition>`, `timer.<timer>`, `approval.<approval>`, `assign`) and
 * `catalog:<step>`. The phrase names the rule's label (else its description), the transition's label, or the step in
 * words; the person is the one the change was made for (the audit row's actor id), by display name.
 */
import type { Registry, ResolvedTable } from '../definitions/types.js';
import { DisplayLookups, displayKindOf, humanise, type DisplayContext } from './display-values.js';
import type { HistoryEntry, JournalEntry } from './types.js';

const AUTOMATIC = /^(rule|workflow|catalog):(\S+) for (.*)$/s;

/** The tables whose workflows may have acted on records of `table` (its own, its ancestors' and its classes'). */
function relatedTables(table: ResolvedTable): Set<string> {
  return new Set([table.name, ...table.ancestors, ...table.classes]);
}

/** What a workflow step (`<transition>`, `when.<t>`, `timer.<timer>`, `approval.<a>`, `assign`) is called. */
function workflowStep(registry: Registry, table: ResolvedTable, what: string): string {
  if (what === 'assign') return 'Assign';
  const [prefix, rest] = what.includes('.') ? [what.slice(0, what.indexOf('.')), what.slice(what.indexOf('.') + 1)] : ['', what];
  const tables = relatedTables(table);
  const workflows = [...registry.workflows.values()].filter((w) => tables.has(w.table));
  if (prefix === 'approval') {
    const words = humanise(rest);
    return /approval$/i.test(words) ? words : `${words} approval`;
  }
  let transition = rest;
  if (prefix === 'timer') {
    const timer = workflows.flatMap((w) => w.timers ?? []).find((t) => t.name === rest);
    if (!timer) return humanise(rest);
    transition = timer.transition;
  }
  const t = workflows.flatMap((w) => w.transitions).find((x) => x.name === transition);
  return t?.label ?? humanise(transition);
}

/**
 * The phrase for an actor as recorded (`actorName`), given the name of the person behind it (null for the system).
 * A person's own change is their name; an automatic one names the rule, workflow step or catalogue step and the
 * person it acted for.
 */
export function actorPhrase(registry: Registry, table: ResolvedTable, actorName: string | null, person: string | null): string {
  const m = actorName ? AUTOMATIC.exec(actorName) : null;
  if (!m) return person ?? (actorName && actorName !== 'system' ? actorName : 'System');
  const [, kind, what] = m as unknown as [string, string, string];
  let step: string;
  if (kind === 'rule') {
    const rule = registry.rules.get(what);
    step = `Rule: ${rule?.label ?? rule?.description ?? humanise(what)}`;
  } else if (kind === 'workflow') {
    step = `Workflow: ${workflowStep(registry, table, what)}`;
  } else {
    step = `Catalogue: ${humanise(what)}`;
  }
  return person ? `${step} for ${person}` : step;
}

/**
 * `entries` of one record of `table` with `oldDisplay` / `newDisplay` (for fields shown by label: choices,
 * references, booleans, people, organisation, class), `changedByName` and `actorLabel`. One batch of look-ups for all.
 */
export async function labelHistory(ctx: DisplayContext, table: ResolvedTable, entries: HistoryEntry[]): Promise<HistoryEntry[]> {
  const lookups = new DisplayLookups();
  for (const e of entries) {
    lookups.wantPerson(e.changedById);
    const field = table.fields.get(e.field);
    if (!field) continue;
    lookups.want(field, e.oldValue);
    lookups.want(field, e.newValue);
  }
  await lookups.load(ctx);
  return entries.map((e) => {
    const field = table.fields.get(e.field);
    const person = lookups.person(e.changedById);
    const out: HistoryEntry = { ...e, changedByName: person, actorLabel: actorPhrase(ctx.registry, table, e.changedBy, person) };
    const kind = field ? displayKindOf(field) : null;
    if (field && kind && kind !== 'date') {
      out.oldDisplay = lookups.display(ctx.registry, field, e.oldValue).display;
      out.newDisplay = lookups.display(ctx.registry, field, e.newValue).display;
    }
    return out;
  });
}

/** Journal `entries` of one record of `table` with `createdByName` and `actorLabel`. */
export async function labelJournal(ctx: DisplayContext, table: ResolvedTable, entries: JournalEntry[]): Promise<JournalEntry[]> {
  const lookups = new DisplayLookups();
  for (const e of entries) lookups.wantPerson(e.createdById);
  await lookups.load(ctx);
  return entries.map((e) => {
    const person = lookups.person(e.createdById);
    return { ...e, createdByName: person, actorLabel: actorPhrase(ctx.registry, table, e.createdBy, person) };
  });
}

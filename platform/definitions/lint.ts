/**
 * Cross-reference lint: what the schema cannot see. This file gives each kind's lint (in the kind's own folder) a
 * context of shared checks — tables, fields, conditions, references to other definitions, capabilities — whose
 * errors all read alike, and runs every kind's lint over its valid definitions.
 */
import { capabilityNames, checkCondition, factRef, isLeaf, parseFact } from '../conditions/facts.js';
import type { Condition } from '../conditions/types.js';
import type { AnyKindModule, ConditionMode, LintContext } from './kinds.js';
import { expectedNames } from './suggest.js';
import type { DefinitionBase, DefinitionError, DefinitionSource, ResolvedTable } from './types.js';

export interface LintInput {
  kinds: readonly AnyKindModule[];
  tables: ReadonlyMap<string, ResolvedTable>;
  /** The valid definitions of each kind, by name. */
  defs: ReadonlyMap<string, ReadonlyMap<string, DefinitionBase>>;
  /** Every definition declared (valid or not), keyed `${kind}:${name}`. */
  sources: ReadonlyMap<string, DefinitionSource>;
}

/** The record fields a (structurally valid) condition refers to, with their JSON pointers. */
function recordFields(cond: unknown, pointer: string): { field: string; at: string }[] {
  const out: { field: string; at: string }[] = [];
  const walk = (c: Condition, at: string) => {
    if ('all' in c) c.all.forEach((x, i) => walk(x, `${at}/all/${i}`));
    else if ('any' in c) c.any.forEach((x, i) => walk(x, `${at}/any/${i}`));
    else if ('not' in c) walk(c.not, `${at}/not`);
    else if (isLeaf(c)) {
      const fact = parseFact(c.fact);
      if (fact && (fact.root === 'record' || fact.root === 'previous')) out.push({ field: fact.path[0]!, at: `${at}/fact` });
      const ref = factRef(c.value);
      if (ref && (ref.root === 'record' || ref.root === 'previous')) out.push({ field: ref.path[0]!, at: `${at}/value/fact` });
    }
  };
  walk(cond as Condition, pointer);
  return out;
}

/** Run every kind's lint over its valid definitions. */
export function lintDefinitions(input: LintInput): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const names = new Map<string, string[]>();
  for (const key of input.sources.keys()) {
    const i = key.indexOf(':');
    const kind = key.slice(0, i);
    if (!names.has(kind)) names.set(kind, []);
    names.get(kind)!.push(key.slice(i + 1));
  }
  for (const list of names.values()) list.sort();
  const namesOf = (kind: string) => names.get(kind) ?? [];
  const empty = new Map<string, never>();

  let capabilities: Set<string> | undefined;
  const knownCapabilities = () => {
    if (!capabilities) {
      capabilities = new Set();
      for (const k of input.kinds) {
        for (const c of k.capabilities?.(input.defs.get(k.kind) ?? empty) ?? []) capabilities.add(c);
      }
    }
    return capabilities;
  };

  const contextFor = (source: DefinitionSource): LintContext => {
    const ctx: LintContext = {
      source,
      tables: input.tables,
      report(pointer, message, extra = {}) {
        errors.push({ file: source.file, pointer: source.pointer + pointer, message, ...extra });
      },
      declared: (kind, name) => input.sources.has(`${kind}:${name}`),
      names: namesOf,
      defs: ((kind: string) => input.defs.get(kind) ?? empty) as LintContext['defs'],
      expected: (list, value) => expectedNames(list, value),
      ref(kind, pointer, name) {
        if (input.sources.has(`${kind}:${name}`)) return true;
        const words = kind.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
        const label = words[0]!.toUpperCase() + words.slice(1);
        ctx.report(pointer, `${label} "${name}" is not declared.`, { expected: expectedNames(namesOf(kind), name), value: name });
        return false;
      },
      tableRef(pointer, name) {
        ctx.ref('table', pointer, name);
        return input.tables.get(name);
      },
      fieldRef(pointer, table, field) {
        if (table && !table.fields.has(field)) {
          ctx.report(pointer, `Field "${field}" is not a field of table "${table.name}".`, { expected: expectedNames(table.fields.keys(), field), value: field });
        }
      },
      condition(pointer, table, cond, mode: ConditionMode) {
        const problems = checkCondition(cond, {
          hasField: (name) => !table || table.fields.has(name),
          compilable: mode.compilable,
          allowPrevious: mode.allowPrevious,
        }, pointer);
        for (const p of problems) ctx.report(p.pointer, p.message, p.expected ? { expected: p.expected } : {});
        for (const { name, at } of capabilityNames(cond, pointer)) ctx.capabilityRef(at, name);
        // Compiled to SQL: an encrypted column holds ciphertext, so comparing it would silently match nothing.
        if (mode.compilable && table && !problems.length) {
          for (const { field, at } of recordFields(cond, pointer)) {
            if (table.fields.get(field)?.encrypted) ctx.report(at, `Field "${field}" is encrypted at rest and cannot be used in a query condition.`, { value: field });
          }
        }
      },
      capabilityRef(pointer, capability) {
        const known = knownCapabilities();
        if (known.has(capability)) return;
        ctx.report(pointer, `No role grants capability "${capability}", so nobody would ever have it.`, { expected: expectedNames(known, capability), value: capability });
      },
    };
    return ctx;
  };

  for (const kind of input.kinds) {
    const defs = input.defs.get(kind.kind) ?? empty;
    const ctxOf = (def: DefinitionBase) => contextFor(input.sources.get(`${kind.kind}:${def.name}`)!);
    if (kind.lint) for (const def of defs.values()) kind.lint(def, ctxOf(def));
    const more = kind.lintAll?.(defs, ctxOf as (def: unknown) => LintContext);
    if (more) errors.push(...more);
  }
  return errors;
}

/**
 * The contract of a definition kind. A kind is a module: its part of the schema, its TypeScript type, its lint and
 * its runtime live together in the folder of the code that runs it (platform/rules for `rule`, platform/workflow for
 * `workflow`…), and the list of registered kinds is written once, in platform/kinds.ts. This folder only knows the
 * contract, so it imports nothing above it: a kind tells the registry its type by declaration merging —
 *
 *   declare module '../definitions/kinds.js' {
 *     interface KindTypes { rule: { def: RuleDef; map: 'rules' } }
 *   }
 *
 * which gives every registry snapshot a typed `registry.rules: ReadonlyMap<string, RuleDef>`. A kind that is not
 * registered is refused by validation ("kind X is not supported yet"), never carried silently.
 */
import type { Condition } from '../conditions/types.js';
import type { DefinitionError, DefinitionSource, ResolvedTable, TableDef } from './model.js';

/**
 * Every registered kind: its definition type and the name of the registry property holding its definitions by
 * name. Kind modules add their entry (see the file comment); `table` is declared here because the field model and
 * resolved tables, which every kind refers to, are this folder's own.
 */
export interface KindTypes {
  table: { def: TableDef; map: 'tableDefs' };
}

export type KindName = keyof KindTypes & string;
export type DefOf<K extends KindName> = KindTypes[K] extends { def: infer D } ? D : never;
type MapKey<K extends KindName> = KindTypes[K] extends { map: infer M extends string } ? M : never;

/** The named, typed maps of a registry snapshot: `rules`, `workflows`, `forms`… one per registered kind. */
export type KindMaps = { readonly [K in KindName as MapKey<K>]: ReadonlyMap<string, DefOf<K>> };

/** A JSON Schema fragment: this kind's `$defs`, of which `$defs[kind]` is the definition's own shape. */
export interface SchemaPart {
  $defs: Record<string, unknown>;
}

/** How a condition is used, which decides the facts and operators it may use. */
export interface ConditionMode {
  /** Compiled to SQL (lists, grants, sweeps): only operators and facts that compile. */
  compilable?: boolean;
  /** May read `previous.*` and the change operators (rules, transitions, notifications). */
  allowPrevious?: boolean;
}

/** A renamed or removed form of a definition: the loader says what replaced it. */
export interface ReplacedForm {
  /** JSON pointer pattern inside the definition; `*` matches one segment (e.g. `/actions/*\/type`). */
  at: string;
  /** When given, only this value at that place is the old form. */
  value?: unknown;
  /** What to write instead, said to the configurator. */
  use: string;
}

/**
 * What a kind's lint is given: every check it needs against the rest of the definitions, each reporting at a JSON
 * pointer inside the definition being linted (the registry prefixes its file and place).
 */
export interface LintContext {
  /** Where the definition being linted was declared. */
  readonly source: DefinitionSource;
  /** Every resolved (valid) table. */
  readonly tables: ReadonlyMap<string, ResolvedTable>;
  /** Report a problem at a pointer inside the definition. */
  report(pointer: string, message: string, extra?: Partial<DefinitionError>): void;
  /** Whether a definition of that kind and name is declared (valid or not). */
  declared(kind: string, name: string): boolean;
  /** Names declared of a kind (valid or not), sorted. */
  names(kind: string): string[];
  /** The valid definitions of a kind, by name. */
  defs<K extends KindName>(kind: K): ReadonlyMap<string, DefOf<K>>;
  /** A reference to a definition of another kind: reported (with the closest names) when not declared. */
  ref(kind: string, pointer: string, name: string): boolean;
  /** A table reference: reported when undeclared; the resolved table when it exists and is valid. */
  tableRef(pointer: string, name: string): ResolvedTable | undefined;
  /** A field reference on a (valid) table: reported when the table has no such field. */
  fieldRef(pointer: string, table: ResolvedTable | undefined, field: string): void;
  /** A condition: structure, facts and operators, and fields of the table. */
  condition(pointer: string, table: ResolvedTable | undefined, cond: Condition | unknown, mode: ConditionMode): void;
  /** A capability named by a definition: reported when no role grants it and the platform does not define it. */
  capabilityRef(pointer: string, capability: string): void;
  /** "one of: a, b, c" listing the names closest to `value` first (a few), for `expected`. */
  expected(names: Iterable<string>, value?: string): string;
}

/** What a kind's `normalise` may read besides the definition: sugar naming parts of tables (field sets…). */
export interface NormaliseContext {
  /** Every resolved table. */
  readonly tables: ReadonlyMap<string, ResolvedTable>;
}

/** One definition kind. */
export interface KindModule<K extends KindName = KindName> {
  readonly kind: K;
  /** The registry property holding this kind's definitions by name (as declared in `KindTypes`). */
  readonly map: MapKey<K>;
  /** This kind's part of the schema (several kinds of one folder may share one part). */
  readonly schema: SchemaPart;
  /** One line for the schema's help text: what a document of this kind declares. */
  readonly summary: string;
  /** Cross-reference lint of one valid definition. */
  lint?(def: DefOf<K>, ctx: LintContext): void;
  /** Lint across every valid definition of the kind at once (names unique across files…); `ctx` is per definition. */
  lintAll?(defs: ReadonlyMap<string, DefOf<K>>, ctx: (def: DefOf<K>) => LintContext): DefinitionError[] | void;
  /** Capabilities this kind's definitions grant (capability names elsewhere are checked against them). */
  capabilities?(defs: ReadonlyMap<string, DefOf<K>>): Iterable<string>;
  /** The order of the registry's map (default: by name). */
  compare?(a: DefOf<K>, b: DefOf<K>): number;
  /** Forms this kind no longer accepts and what replaced them (checked before the schema, so the message is clear). */
  readonly replaced?: readonly ReplacedForm[];
  /**
   * Turn the stored definition into the one the runtime uses (sugar expanded); default: as written. Runs after lint,
   * on valid definitions only, so it may rely on every reference being resolvable.
   */
  normalise?(def: DefOf<K>, ctx: NormaliseContext): DefOf<K>;
}

/** Any kind module (the registered list mixes kinds). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a heterogeneous list; each module is typed at its home
export type AnyKindModule = KindModule<any>;

/** Define a kind module with its types checked against `KindTypes`. */
export function defineKind<K extends KindName>(module: KindModule<K>): KindModule<K> {
  return module;
}

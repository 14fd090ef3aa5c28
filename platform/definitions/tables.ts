/**
 * Resolve table definitions: `extends` chains (one physical table per hierarchy, with a class column), system
 * fields, number prefixes and indexes, shared choice lists (`choiceList`), field sets and a child table's overrides
 * of inherited fields. Reports unknown parents, cycles and field collisions as definition errors.
 *
 * An override changes the field's metadata on the child only: the child's resolved field carries it, the parent's
 * does not, and the column (declared by the parent) is unchanged — so records of the child written through the
 * child get its default, required and choices, while lists of the parent read the same column as before.
 */
import { storageTypeOf } from '../db/storage-types.js';
import { expectedNames } from './suggest.js';
import { lintContentVersions } from './versions-lint.js';
import { lintRatingsFeedback } from './table-ratings.js';
import {
  COUNTER_FIELDS, SYSTEM_FIELDS, type ChoiceOption, type DefinitionError, type DefinitionSource, type FieldDef, type FieldOverride,
  type PhysicalTable, type ResolvedField, type ResolvedTable, type SharedChoiceList, type TableDef,
} from './types.js';

/** Field types full-text search can read (kept equal to SEARCHABLE_TYPES in platform/search/fields.ts, a layer above). */
const SEARCHABLE_FIELD_TYPES: ReadonlySet<string> = new Set([
  'string', 'text', 'email', 'phone', 'postcode', 'url', 'richtext', 'tags', 'choice', 'attachment',
]);

const SYSTEM_FIELD_DEFS: Record<string, Pick<ResolvedField, 'type' | 'label'>> = {
  id: { type: 'uuid', label: 'Id' },
  number: { type: 'string', label: 'Number' },
  class: { type: 'string', label: 'Class' },
  version: { type: 'integer', label: 'Version' },
  org_id: { type: 'uuid', label: 'Organisation' },
  created_at: { type: 'datetime', label: 'Created' },
  created_by: { type: 'uuid', label: 'Created by' },
  updated_at: { type: 'datetime', label: 'Updated' },
  updated_by: { type: 'uuid', label: 'Updated by' },
};

/**
 * The counters of `countViews` and `ratings`. New records start at 0 (their `default`; see record-service.ts); the
 * average stays empty until the first rating. Four decimals keep a share such as 2 of 3 exact to a tenth of a percent.
 */
const COUNTER_FIELD_DEFS: Record<string, Pick<ResolvedField, 'type' | 'label' | 'default' | 'scale'>> = {
  view_count: { type: 'integer', label: 'Views', default: 0 },
  rating_count: { type: 'integer', label: 'Ratings', default: 0 },
  rating_average: { type: 'decimal', label: 'Average rating', scale: 4 },
};

/** The counter fields a table has: its own or inherited `countViews` and `ratings` switch them on. */
function counterFields(defs: Map<string, TableDef>, tables: string[]): ResolvedField[] {
  const ratings = tables.map((t) => defs.get(t)!.ratings).find(Boolean);
  const views = tables.some((t) => defs.get(t)!.countViews === true);
  const out: ResolvedField[] = [];
  if (views) out.push({ ...COUNTER_FIELD_DEFS.view_count!, name: 'view_count', column: 'view_count', declaredBy: '', system: true });
  if (ratings) {
    for (const name of ['rating_count', 'rating_average']) out.push({ ...COUNTER_FIELD_DEFS[name]!, name, column: name, declaredBy: '', system: true });
    // A share of "yes" reads better under its own name than as an average.
    if (ratings.scale === 'useful') out[out.length - 1]!.label = 'Found useful';
  }
  return out;
}

/** Field types whose values can be stored encrypted (they are stored as text and never compared in SQL). */
const ENCRYPTABLE = new Set(['string', 'text', 'email', 'phone', 'url', 'postcode', 'journal']);

/** Text-like field types: a `fetchFrom` field may copy any of them into any other. */
const FETCH_TEXT = new Set(['string', 'text', 'email', 'phone', 'url', 'postcode', 'choice']);

function systemField(name: string): ResolvedField {
  const d = SYSTEM_FIELD_DEFS[name]!;
  return { ...d, name, column: name, declaredBy: '', system: true };
}

function resolveField(name: string, def: FieldDef, declaredBy: string, shared?: SharedChoiceList): ResolvedField {
  const field: ResolvedField = { ...def, name, column: def.type === 'journal' ? null : name, declaredBy, system: false };
  if (shared) field.choices = shared.choices.map((c) => ({ ...c }));
  return field;
}

/** The inherited field with a child's override applied (the override's keys replace the inherited ones). */
function overrideField(inherited: ResolvedField, o: FieldOverride, by: string): ResolvedField {
  return { ...inherited, ...o, overriddenBy: by };
}

export interface TableResolution {
  tables: Map<string, ResolvedTable>;
  physical: Map<string, PhysicalTable>;
  errors: DefinitionError[];
}

/**
 * @param defs valid table definitions by name
 * @param sources where each came from (for error messages)
 * @param choiceLists valid shared choice lists by name (the `choiceList` kind)
 */
export function resolveTables(
  defs: Map<string, TableDef>, sources: Map<string, DefinitionSource>, choiceLists: ReadonlyMap<string, SharedChoiceList> = new Map(),
): TableResolution {
  const errors: DefinitionError[] = [];
  const at = (table: string, pointer: string, message: string, extra: Partial<DefinitionError> = {}) => {
    const src = sources.get(`table:${table}`)!;
    errors.push({ file: src.file, pointer: src.pointer + pointer, message, ...extra });
  };

  // Ancestor chains, with unknown parents and cycles reported once per table.
  const chains = new Map<string, string[] | null>();
  for (const [name, def] of defs) {
    const chain: string[] = [];
    const seen = new Set([name]);
    let parent = def.extends;
    let ok = true;
    while (parent) {
      if (!defs.has(parent)) {
        // A parent that is declared but invalid has its own errors: do not also call it undeclared.
        if (parent === def.extends && !sources.has(`table:${parent}`)) at(name, '/extends', `Table "${name}" extends "${parent}", which is not declared.`, { expected: `one of: ${[...defs.keys()].join(', ')}`, value: parent });
        ok = false;
        break;
      }
      if (seen.has(parent)) {
        at(name, '/extends', `Table "${name}" is part of an extends cycle: ${[name, ...chain, parent].join(' → ')}.`, { value: def.extends });
        ok = false;
        break;
      }
      seen.add(parent);
      chain.push(parent);
      parent = defs.get(parent)!.extends;
    }
    chains.set(name, ok ? chain : null);
  }

  /** The shared list a choice field names, reported when it is missing or cannot apply. */
  const sharedChoices = (table: string, fname: string, f: FieldDef): SharedChoiceList | undefined => {
    if (f.choiceList === undefined) return undefined;
    const pointer = `/fields/${fname}/choiceList`;
    if (f.type !== 'choice') { at(table, pointer, `Field "${fname}" is ${f.type}: only choice fields take a choice list.`, { value: f.choiceList }); return undefined; }
    if (f.choices) { at(table, pointer, `Field "${fname}" gives both "choices" and "choiceList"; keep one.`, { value: f.choiceList }); return undefined; }
    const list = choiceLists.get(f.choiceList);
    // A list that is declared but invalid has its own errors: do not also call it undeclared.
    if (!list && !sources.has(`choiceList:${f.choiceList}`)) {
      at(table, pointer, `Field "${fname}" names choice list "${f.choiceList}", which is not declared.`, { expected: expectedNames(choiceLists.keys(), f.choiceList), value: f.choiceList });
    }
    return list;
  };

  /**
   * An override's choices may narrow and relabel the inherited field's options, never add values: the column is
   * shared, and a value only the child allows would be invalid when the record is read or written as its parent.
   */
  const checkOverrideChoices = (table: string, fname: string, field: ResolvedField, choices: ChoiceOption[]): boolean => {
    const pointer = `/overrides/${fname}/choices`;
    if (field.type !== 'choice') {
      at(table, pointer, `Field "${fname}" is ${field.type}: only a choice field's options can be overridden.`);
      return false;
    }
    const allowed = new Set((field.choices ?? []).map((c) => c.value));
    let ok = true;
    choices.forEach((c, i) => {
      if (allowed.has(c.value)) return;
      ok = false;
      at(table, `${pointer}/${i}/value`, `Option "${c.value}" is not an option of inherited field "${fname}": an override may only keep or relabel the parent's options, since both tables store the same column.`, { expected: expectedNames(allowed, c.value), value: c.value });
    });
    return ok;
  };

  const tables = new Map<string, ResolvedTable>();
  const resolve = (name: string): ResolvedTable | null => {
    if (tables.has(name)) return tables.get(name)!;
    const chain = chains.get(name);
    if (!chain) return null;
    const def = defs.get(name)!;
    const root = chain.length ? chain[chain.length - 1]! : name;
    const prefixOwner = [name, ...chain].find((t) => defs.get(t)!.numberPrefix);
    const fields = new Map<string, ResolvedField>();
    const fieldSets = new Map<string, readonly string[]>();
    for (const s of SYSTEM_FIELDS) if (s !== 'number' || prefixOwner) fields.set(s, systemField(s));
    for (const f of counterFields(defs, [name, ...chain])) fields.set(f.name, f);
    // Inherited fields and field sets first (from the parent, which holds its own ancestors' and overrides), then own.
    if (chain.length) {
      const parent = resolve(chain[0]!);
      if (!parent) return null;
      for (const [fname, f] of parent.fields) if (!f.system) fields.set(fname, f);
      for (const [set, list] of parent.fieldSets) fieldSets.set(set, list);
    }
    const inherited = new Set([...fields.values()].filter((f) => !f.system).map((f) => f.name));
    for (const [fname, f] of Object.entries(def.fields)) {
      if ((SYSTEM_FIELDS as readonly string[]).includes(fname)) {
        at(name, `/fields/${fname}`, `Field "${fname}" is a system field and cannot be declared.`, { expected: `a name other than ${SYSTEM_FIELDS.join(', ')}` });
        continue;
      }
      if ((COUNTER_FIELDS as readonly string[]).includes(fname) && fields.get(fname)?.system) {
        at(name, `/fields/${fname}`, `Field "${fname}" is a system field of tables with ratings or view counts and cannot be declared.`, { expected: `a name other than ${COUNTER_FIELDS.join(', ')}` });
        continue;
      }
      if (fields.has(fname)) {
        at(name, `/fields/${fname}`, `Field "${fname}" is already declared by "${fields.get(fname)!.declaredBy}", which "${name}" extends.`);
        continue;
      }
      if (f.names !== undefined && f.type !== 'string') {
        at(name, `/fields/${fname}/names`, `Field "${fname}" is ${f.type}: only a string field holds the name of a ${f.names}.`, { expected: 'type "string"', value: f.names });
      }
      fields.set(fname, resolveField(fname, f, name, sharedChoices(name, fname, f)));
    }
    for (const [fname, o] of Object.entries(def.overrides ?? {})) {
      const field = inherited.has(fname) ? fields.get(fname)! : undefined;
      if (!field) {
        at(name, `/overrides/${fname}`, chain.length
          ? `Field "${fname}" is not inherited by "${name}": only fields of the tables it extends can be overridden.`
          : `Table "${name}" extends no table, so it has no inherited field "${fname}" to override; change the field itself.`,
        { expected: chain.length ? expectedNames(inherited, fname) : 'a table with "extends"', value: fname });
        continue;
      }
      if (!o.choices || checkOverrideChoices(name, fname, field, o.choices)) fields.set(fname, overrideField(field, o, name));
    }
    for (const [set, list] of Object.entries(def.fieldSets ?? {})) {
      if (fieldSets.has(set)) {
        at(name, `/fieldSets/${set}`, `Field set "${set}" is already declared by a table "${name}" extends; choose another name.`, { value: set });
        continue;
      }
      fieldSets.set(set, list);
    }
    const resolved: ResolvedTable = {
      name, def, physical: root, ancestors: chain, classes: [name],
      fields, fieldSets,
      numberPrefix: prefixOwner ? defs.get(prefixOwner)!.numberPrefix : undefined,
      // Digits come from the prefix's owner, or else the nearest ancestor that sets them.
      numberDigits: [name, ...chain].slice(prefixOwner ? [name, ...chain].indexOf(prefixOwner) : 0)
        .map((t) => defs.get(t)!.numberDigits).find((d) => d !== undefined) ?? 7,
      displayField: def.displayField ?? [name, ...chain].map((t) => defs.get(t)!.displayField).find(Boolean) ?? (prefixOwner ? 'number' : 'id'),
      // Row scoping fields are inherited: the nearest table declaring one wins.
      orgField: [name, ...chain].map((t) => defs.get(t)!.orgField).find(Boolean) ?? 'org_id',
    };
    const userIdField = [name, ...chain].map((t) => defs.get(t)!.userIdField).find(Boolean);
    if (userIdField) resolved.userIdField = userIdField;
    const ratings = [name, ...chain].map((t) => defs.get(t)!.ratings).find(Boolean);
    if (ratings) resolved.ratings = ratings;
    tables.set(name, resolved);
    return resolved;
  };
  for (const name of defs.keys()) resolve(name);
  for (const t of tables.values()) for (const a of t.ancestors) tables.get(a)?.classes.push(t.name);

  /** `fetchFrom`: a reference field of the table, then a field of the referenced table that can be copied as is. */
  const lintFetchFrom = (t: ResolvedTable, fname: string, path: string) => {
    const pointer = `/fields/${fname}/fetchFrom`;
    const [refName, targetName] = path.split('.') as [string, string];
    const own = t.fields.get(fname)!;
    const ref = t.fields.get(refName);
    if (!ref || ref.type !== 'reference' || !ref.reference || ref.multiple) {
      at(t.name, pointer, `"${refName}" is not a reference field of table "${t.name}", so field "${fname}" cannot fetch from it.`, { expected: `one of: ${[...t.fields.values()].filter((x) => x.type === 'reference').map((x) => x.name).join(', ')}`, value: path });
      return;
    }
    const target = tables.get(ref.reference);
    if (!target) return;
    const source = target.fields.get(targetName);
    if (!source || source.column === null) {
      at(t.name, pointer, `"${targetName}" is not a field of table "${target.name}" with a stored value.`, { expected: `one of: ${[...target.fields.values()].filter((x) => x.column !== null).map((x) => x.name).join(', ')}`, value: path });
      return;
    }
    const kind = (x: ResolvedField) => (FETCH_TEXT.has(x.type) ? 'text' : x.type);
    if (own.column === null || kind(own) !== kind(source) || !!own.multiple !== !!source.multiple || (own.type === 'reference' && own.reference !== source.reference)) {
      at(t.name, pointer, `Field "${fname}" is ${own.type} but "${path}" is ${source.type}: a fetched value is copied as is, so both must hold the same kind of value.`, { value: path });
    }
    if (source.encrypted && !own.encrypted) at(t.name, pointer, `"${path}" is encrypted at rest; field "${fname}" must be encrypted too to hold a copy of it.`, { value: path });
  };

  /** A choice field's default (own, or given by an override) must be one of the options in force on the table. */
  const checkChoiceDefault = (t: ResolvedTable, fname: string, pointer: string) => {
    const f = t.fields.get(fname);
    if (!f || f.type !== 'choice' || f.default === undefined || f.default === null) return;
    const values = new Set((f.choices ?? []).map((c) => c.value));
    const defaults = f.multiple && Array.isArray(f.default) ? f.default : [f.default];
    for (const d of defaults) {
      if (!values.has(d as string)) at(t.name, pointer, `Default ${JSON.stringify(d)} of field "${fname}" is not one of its choices.`, { expected: `one of: ${[...values].join(', ')}`, value: d });
    }
  };

  // Per-table checks that need the resolved fields.
  for (const t of tables.values()) {
    for (const [fname, o] of Object.entries(t.def.overrides ?? {})) {
      // A narrowed list may drop the inherited default: the override must then give one of the options it keeps.
      if (t.fields.get(fname)?.overriddenBy === t.name && (o.default !== undefined || o.choices)) checkChoiceDefault(t, fname, `/overrides/${fname}/${o.default !== undefined ? 'default' : 'choices'}`);
    }
    const check = (field: string | undefined, pointer: string, what: string) => {
      if (field !== undefined && !t.fields.has(field)) at(t.name, pointer, `${what} "${field}" is not a field of table "${t.name}".`, { expected: `one of: ${[...t.fields.keys()].join(', ')}`, value: field });
    };
    check(t.def.displayField, '/displayField', 'Display field');
    const searched = new Set<string>();
    t.def.searchable?.forEach((item, i) => {
      const f = typeof item === 'string' ? item : item.field;
      const pointer = typeof item === 'string' ? `/searchable/${i}` : `/searchable/${i}/field`;
      check(f, pointer, 'Searchable field');
      const field = t.fields.get(f);
      if (searched.has(f)) at(t.name, pointer, `Field "${f}" is listed twice in searchable.`, { value: f });
      searched.add(f);
      if (!field) return;
      if (field.encrypted) at(t.name, pointer, `Field "${f}" is encrypted at rest and cannot be searched.`, { value: f });
      else if (!SEARCHABLE_FIELD_TYPES.has(field.type) || field.column === null) {
        at(t.name, pointer, `Field "${f}" is of type ${field.type}, which cannot be searched.`, { expected: `a field of type ${[...SEARCHABLE_FIELD_TYPES].join(', ')}`, value: f });
      }
    });
    check(t.def.summaryField, '/summaryField', 'Summary field');
    lintContentVersions(t, at);
    // Row scoping fields: compiled into every query, so they must be plain, filterable columns.
    const scoping = (key: 'orgField' | 'userIdField', types: string[], what: string) => {
      const name = t.def[key];
      if (name === undefined) return;
      check(name, `/${key}`, what);
      const f = t.fields.get(name);
      if (!f) return;
      if (!types.includes(f.type) || f.multiple || f.column === null) {
        at(t.name, `/${key}`, `${what} "${name}" must be a single-valued field of type ${types.join(' or ')}; it is ${f.multiple ? 'multiple ' : ''}${f.type}.`, { value: name });
      } else if (f.encrypted) {
        at(t.name, `/${key}`, `${what} "${name}" is encrypted at rest and cannot scope rows.`, { value: name });
      }
      const inherited = t.ancestors.map((a) => defs.get(a)?.[key]).find(Boolean);
      if (inherited && inherited !== name) {
        at(t.name, `/${key}`, `${what} is "${inherited}", inherited from a table "${t.name}" extends; a subtable cannot change it.`, { value: name });
      }
    };
    lintRatingsFeedback(t, tables, (n) => sources.has(`table:${n}`), (pointer, message, extra) => at(t.name, pointer, message, extra));
    scoping('orgField', ['uuid', 'reference', 'string'], 'Organisation field');
    scoping('userIdField', ['string', 'choice'], 'User ID field');
    t.def.indexes?.forEach((ix, i) => ix.fields.forEach((f, j) => {
      const name = f.replace(/^-/, '');
      check(name, `/indexes/${i}/fields/${j}`, 'Index field');
      const field = t.fields.get(name);
      if (field && field.column === null) at(t.name, `/indexes/${i}/fields/${j}`, `Field "${name}" is a journal and has no column to index.`);
      if (field?.encrypted) at(t.name, `/indexes/${i}/fields/${j}`, `Field "${name}" is encrypted at rest: an index over ciphertext is useless.`);
    }));
    for (const [fname, f] of Object.entries(t.def.fields)) {
      if (f.type === 'reference' && f.reference && !defs.has(f.reference) && !sources.has(`table:${f.reference}`)) {
        at(t.name, `/fields/${fname}/reference`, `Field "${fname}" refers to table "${f.reference}", which is not declared.`, { expected: `one of: ${[...defs.keys()].join(', ')}`, value: f.reference });
      }
      checkChoiceDefault(t, fname, `/fields/${fname}/default`);
      if (f.pattern !== undefined) {
        try { new RegExp(f.pattern, 'u'); } catch (e) { at(t.name, `/fields/${fname}/pattern`, `Invalid regular expression: ${(e as Error).message}`, { value: f.pattern }); }
      }
      if (f.encrypted) {
        if (!ENCRYPTABLE.has(f.type) || f.multiple) {
          at(t.name, `/fields/${fname}/encrypted`, `Field "${fname}" is ${f.type}: only text-like fields (${[...ENCRYPTABLE].join(', ')}) can be encrypted at rest.`);
        }
        if (f.unique) at(t.name, `/fields/${fname}/unique`, `Field "${fname}" is encrypted at rest and cannot be unique: equal values encrypt differently.`);
        if (f.index) at(t.name, `/fields/${fname}/index`, `Field "${fname}" is encrypted at rest: an index over ciphertext is useless.`);
      }
      if (f.fetchFrom !== undefined) lintFetchFrom(t, fname, f.fetchFrom);
      if (f.min !== undefined && f.max !== undefined && f.min > f.max) at(t.name, `/fields/${fname}/min`, `Field "${fname}": min (${f.min}) is greater than max (${f.max}).`);
      if (f.minLength !== undefined && f.maxLength !== undefined && f.minLength > f.maxLength) at(t.name, `/fields/${fname}/minLength`, `Field "${fname}": minLength (${f.minLength}) is greater than maxLength (${f.maxLength}).`);
    }
  }

  // Physical tables: the union of a hierarchy's columns. Sibling classes may share a column name only when they
  // store it alike.
  const physical = new Map<string, PhysicalTable>();
  for (const t of tables.values()) {
    let p = physical.get(t.physical);
    if (!p) {
      p = { name: t.physical, columns: new Map(), indexes: [], hasNumber: false };
      for (const s of SYSTEM_FIELDS) p.columns.set(s, systemField(s));
      physical.set(t.physical, p);
    }
    if (t.numberPrefix) p.hasNumber = true;
  }
  const ordered = [...tables.values()].sort((a, b) => a.ancestors.length - b.ancestors.length || a.name.localeCompare(b.name));
  for (const t of ordered) {
    const p = physical.get(t.physical)!;
    for (const f of t.fields.values()) {
      // Counters are system fields that only some tables of a hierarchy switch on: the column serves them all.
      if (f.system && f.column !== null && !p.columns.has(f.column)) p.columns.set(f.column, f);
      if (f.system || f.column === null || f.declaredBy !== t.name) continue;
      const existing = p.columns.get(f.column);
      if (existing && existing.declaredBy !== t.name) {
        if (storageTypeOf(existing) !== storageTypeOf(f)) {
          at(t.name, `/fields/${f.name}`, `Field "${f.name}" is stored as ${storageTypeOf(f)} but "${existing.declaredBy}" in the same hierarchy stores it as ${storageTypeOf(existing)}.`);
        }
        continue;
      }
      p.columns.set(f.column, f);
      if (f.unique) p.indexes.push({ fields: [f.column], unique: true });
      else if (f.index || f.type === 'reference') p.indexes.push({ fields: [f.column] });
    }
    for (const ix of t.def.indexes ?? []) p.indexes.push(ix);
  }
  for (const p of physical.values()) {
    if (!p.hasNumber) p.columns.delete('number');
    else p.indexes.unshift({ fields: ['number'], unique: true });
    // `class` tells the tables of a hierarchy apart; a table alone in its physical table needs no index on it.
    if ([...tables.values()].some((t) => t.physical === p.name && t.name !== p.name)) p.indexes.unshift({ fields: ['class'] });
  }
  return { tables, physical, errors };
}

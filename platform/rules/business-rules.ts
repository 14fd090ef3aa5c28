/**
 * Business rules (definitions of kind `rule`), run by the record service inside the record transaction:
 *
 *   access → payload checks and data policies → BEFORE rules → write (+ audit, journal, events) → AFTER rules
 *
 * Which rules: the active rules of the record's table and of every table it extends, for the timing (`when`) and the
 * operation (create / update / delete), ordered by `order`, then by name. Each rule whose condition holds runs its
 * `actions` in order; a rule whose condition does not hold runs its `else` actions, if it has any. Facts and
 * template context: `record` (the record as it will be / was written, including the text of journal entries the
 * operation adds), `previous` (null on create; the stored record on update; on delete the record itself, so nothing
 * "changes"), `user` (the person whose operation it is, also inside nested rule writes) and `now`.
 *
 * Actions:
 *  - set / assign: before rules change the record being written (checked like client values, but free of the
 *    user's field access: rules are trusted definitions); after rules update the record through the record service
 *    as the rule actor — a nested operation that runs the update rules again. Ignored on delete.
 *  - abort: fails the whole operation with `rule_aborted` (422) and the rendered message. In an after rule it rolls
 *    back the write too: everything happens in one transaction.
 *  - journal: adds an entry to a journal field of the record, written by the rule actor.
 *  - createRecord: creates a record through the record service as the rule actor, in the same transaction (its
 *    own rules run, nested one level deeper). Prefer after rules when it refers to the record being created.
 *  - emitEvent: writes a sys_event row in the same transaction.
 * The actions run through the one executor of actions (actions.ts), which renders their templates.
 *
 * Who: see chain.ts — nested writes run as `rule:<name> for <user>` with the user's id; depth is limited.
 */
import type { Knex } from 'knex';
import { accessFacts } from '../access/policy.js';
import { evaluateCondition } from '../conditions/evaluate.js';
import type { FactContext } from '../conditions/types.js';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { RuleDef, RuleOperation } from './types.js';
import { fail } from '../errors.js';
import { checkFieldValue, isEmptyValue } from '../records/field-values.js';
import type { HookOperation } from '../records/hooks.js';
import type { Actor, OperationOptions, RecordData, UpdateOptions } from '../records/types.js';
import { runActions, type ActionTarget } from './actions.js';
import { originalActor, ruleActor } from './chain.js';
import { writeEvent } from './events.js';
import type { TemplateContext } from './templates.js';

/** A rule's name for the record pipeline's operation (the pipeline and the audit trail say 'insert'). */
const operationOf = (write: HookOperation): RuleOperation => (write === 'insert' ? 'create' : write);

/** What the rules need from the record service (which owns the pipeline). */
export interface RuleHost {
  createMany(table: string, data: RecordData[], opts: OperationOptions): Promise<RecordData[]>;
  updateMany(table: string, ids: string[], patch: RecordData, opts: UpdateOptions): Promise<RecordData[]>;
  /** Append journal entries to records of `table` as `actor` (sealing bodies of encrypted journals). */
  appendJournal(
    trx: Knex.Transaction, table: ResolvedTable, actor: Actor, at: string, entries: { recordId: string; field: string; body: string }[],
  ): Promise<void>;
}

export interface RuleInvocation {
  registry: Registry;
  /** The table of the record (its class). */
  table: ResolvedTable;
  /** The record pipeline's name of the operation ('insert' is a rule's 'create'). */
  operation: HookOperation;
  /** The operation's actor (a user, the system, or a rule actor of an enclosing rule). */
  actor: Actor;
  trx: Knex.Transaction;
  now: Date;
}

/** A journal entry a before rule adds, written with the record. */
export interface RuleJournalEntry { actor: Actor; field: string; body: string }

export interface BeforeOutcome {
  journal: RuleJournalEntry[];
  /** Fields the rules set. */
  set: Set<string>;
}

/** The active rules of one registry snapshot, by table, timing and operation, and their compiled templates. */
class CompiledRules {
  readonly #all: RuleDef[];
  readonly #byKey = new Map<string, RuleDef[]>();

  constructor(registry: Registry) {
    this.#all = [...registry.rules.values()].filter((d) => d.active !== false);
  }

  rules(table: ResolvedTable, when: 'before' | 'after', write: HookOperation): RuleDef[] {
    const operation = operationOf(write);
    const key = `${table.name}\0${when}\0${operation}`;
    let list = this.#byKey.get(key);
    if (!list) {
      const tables = new Set([table.name, ...table.ancestors]);
      list = this.#all
        .filter((r) => tables.has(r.table) && r.when === when && r.operations.includes(operation))
        .sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      this.#byKey.set(key, list);
    }
    return list;
  }
}

function compiledOf(registry: Registry): CompiledRules {
  return registry.memo('rules.compiled', (r) => new CompiledRules(r));
}

export class BusinessRules {
  readonly #host: RuleHost;

  constructor(host: RuleHost) {
    this.#host = host;
  }

  /** Whether any rule runs for the table, timing and operation. */
  has(registry: Registry, table: ResolvedTable, when: 'before' | 'after', operation: HookOperation): boolean {
    return compiledOf(registry).rules(table, when, operation).length > 0;
  }

  /**
   * Run the before rules on one record, changing `record` in place. `added` holds the journal text the operation
   * adds (field → body), visible to conditions and templates as `record.<journal field>`.
   */
  async before(inv: RuleInvocation, record: RecordData, previous: RecordData | null, added: RecordData = {}): Promise<BeforeOutcome> {
    const out: BeforeOutcome = { journal: [], set: new Set() };
    await this.#run(inv, 'before', record, previous, added, out);
    return out;
  }

  /** Run the after rules on one written record; an after rule's `set` updates it (and `record` with the result). */
  async after(inv: RuleInvocation, record: RecordData, previous: RecordData | null, added: RecordData = {}): Promise<void> {
    await this.#run(inv, 'after', record, previous, added, null);
  }

  async #run(inv: RuleInvocation, when: 'before' | 'after', record: RecordData, previous: RecordData | null, added: RecordData, out: BeforeOutcome | null): Promise<void> {
    const rules = compiledOf(inv.registry).rules(inv.table, when, inv.operation);
    if (!rules.length) return;
    const user = originalActor(inv.actor);
    const userFacts = accessFacts(inv.registry, user, inv.now).user as Record<string, unknown>;
    const now = inv.now.toISOString();
    const context = (): TemplateContext => ({ record: { ...record, ...added }, previous, user: userFacts, now, table: inv.table });
    for (const rule of rules) {
      const holds = !rule.condition || await evaluateCondition(rule.condition, context() as FactContext);
      const actions = holds ? rule.actions : rule.else;
      if (!actions?.length) continue;
      let actor: Actor | undefined;
      const asRule = () => (actor ??= ruleActor(inv.actor, rule.name, `${rule.name} (${when} ${operationOf(inv.operation)} on ${inv.table.name})`));
      await runActions(actions, context, this.#target(inv, rule, when, record, previous, asRule, now, out));
    }
  }

  /** What a rule's actions do: see the module comment. */
  #target(
    inv: RuleInvocation, rule: RuleDef, when: 'before' | 'after', record: RecordData, previous: RecordData | null,
    asRule: () => Actor, at: string, out: BeforeOutcome | null,
  ): ActionTarget {
    const { table } = inv;
    return {
      registry: inv.registry, table, who: `Rule "${rule.name}"`,
      set: async (values) => {
        if (inv.operation === 'delete') return;
        if (when === 'after') {
          const [updated] = await this.#host.updateMany(table.name, [record.id as string], values, { actor: asRule(), trx: inv.trx });
          if (updated) Object.assign(record, updated);
          return;
        }
        for (const [name, value] of Object.entries(values)) {
          const field = table.fields.get(name)!;
          const label = field.label ?? name;
          if (field.type === 'journal') {
            if (!isEmptyValue(value)) out!.journal.push({ actor: asRule(), field: name, body: String(value) });
            continue;
          }
          const checked = checkFieldValue(field, value, previous?.[name]);
          if (!checked.ok) {
            fail('validation_failed', `Rule "${rule.name}" cannot set ${label}: ${checked.message}`,
              { fieldErrors: [{ field: name, code: checked.code, message: checked.message }], extra: { rule: rule.name } });
          }
          if (field.required && isEmptyValue(checked.value)) {
            fail('validation_failed', `Rule "${rule.name}" cannot clear ${label}: it is required.`,
              { fieldErrors: [{ field: name, code: 'required', message: `${label} is required.` }], extra: { rule: rule.name } });
          }
          record[name] = checked.value;
          out!.set.add(name);
        }
      },
      abort: (message) => fail('rule_aborted', message || `Rule "${rule.name}" refused the operation.`, { extra: { rule: rule.name } }),
      journal: async (field, body) => {
        if (when === 'before') out!.journal.push({ actor: asRule(), field, body });
        else await this.#host.appendJournal(inv.trx, table, asRule(), at, [{ recordId: record.id as string, field, body }]);
      },
      createRecord: async (target, values) => {
        await this.#host.createMany(target.name, [values], { actor: asRule(), trx: inv.trx });
      },
      emitEvent: async (event, payload) => {
        const user = originalActor(inv.actor);
        await writeEvent(inv.trx, {
          name: event, table: table.name, recordId: (record.id as string | undefined) ?? null, payload,
          actorId: user.id, actorName: user.username, source: `rule:${rule.name}`, at,
        });
      },
    };
  }
}

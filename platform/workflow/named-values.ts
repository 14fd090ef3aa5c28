/**
 * The check of `names` fields (a string field holding a username, a queue name, an organisation code or a role
 * name): on every create and update by a person (directly, or through a rule or workflow acting for them), a value
 * that changed names something that exists — a person, a queue (a stored one or one the workflows name), an organisation, a
 * declared role. The workflow's own queue field is checked with more (the queue must serve the table) by the
 * workflow's hook, so it is left to it here. One query per changed field, only for fields that changed.
 *
 * Errors: validation_failed with the field's sub-code `unknown_name`.
 */
import type { Knex } from 'knex';
import type { NamedKind, Registry, ResolvedField } from '../definitions/types.js';
import { fail } from '../errors.js';
import { isEmptyValue } from '../records/field-values.js';
import type { RecordHook } from '../records/hooks.js';
import { originalActor } from './actors.js';
import { declaredQueues, workflowOf } from './definitions.js';

/** What a missing value of each kind is called in the message. */
const WHAT: Record<NamedKind, string> = { user: 'person with the username', queue: 'work queue', org: 'organisation with the code', role: 'role' };

async function exists(knex: Knex.Transaction, registry: Registry, kind: NamedKind, key: string): Promise<boolean> {
  switch (kind) {
    case 'role': return registry.roles.has(key);
    case 'queue': return declaredQueues(registry).has(key) || !!(await knex('sys_queue').where({ name: key }).first('id'));
    case 'user': return !!(await knex('sys_user').where({ username: key }).first('id'));
    case 'org': return !!(await knex('sys_org').where({ code: key }).first('id'));
  }
}

/** The record hook checking `names` fields (see the module comment). */
export function namedValuesHook(): RecordHook {
  return {
    name: 'named-values',
    async check(ctx, record, previous) {
      // What people write is checked; the system's own writes (rules and seeding acting as the system) are trusted.
      if (originalActor(ctx.actor).kind !== 'user') return;
      const skip = workflowOf(ctx.registry, ctx.table)?.def.queueField;
      const named: ResolvedField[] = [];
      for (const f of ctx.table.fields.values()) if (f.names && f.name !== skip) named.push(f);
      for (const f of named) {
        const value = record[f.name];
        if (isEmptyValue(value) || value === (previous?.[f.name] ?? null)) continue;
        if (await exists(ctx.trx, ctx.registry, f.names!, String(value))) continue;
        const message = `There is no ${WHAT[f.names!]} "${String(value)}".`;
        fail('validation_failed', message, { fieldErrors: [{ field: f.name, code: 'unknown_name', message }] });
      }
    },
  };
}

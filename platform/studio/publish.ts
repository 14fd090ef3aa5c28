/**
 * Publishing a layer as a new registry version, the one path of a change set's publish and of a rollback:
 * under the database's start-up lock (one publish at a time across instances, and never during another instance's
 * start-up sync) the layer published last is read, the candidate composed on it, built with the same schema
 * validation and lint as the files, the schema synced (additive only; a destructive change refused with the
 * reason), then the version, its layer and the change set's status written in one transaction, and the candidate
 * swapped in. An invalid candidate is refused before anything is written; other instances switch on their poll.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../context.js';
import { withStartupLock } from '../db/index.js';
import type { DefinitionLayer, LayerEntry } from '../definitions/overlay.js';
import { formatDefinitionErrors, type RegistryHolder } from '../definitions/registry.js';
import type { Registry } from '../definitions/types.js';
import { fail } from '../errors.js';
import { writeAudit, type AuditRow } from '../records/audit.js';
import { applySchemaSync, planSchemaSync, type SchemaChange } from '../records/schema-sync.js';
import type { Actor } from '../records/types.js';
import { canonical, declaredEntries, fetchPublishedLayer } from './layer.js';
import { fetchHidden, insertHidden, insertVersion, type ChangeSetRow, type VersionRow } from './store.js';

/** What one publish does besides the common path. */
export interface PublishPlan {
  actor: Actor;
  comment: string | null;
  /** The change set published (a rollback has none). */
  changeSet?: ChangeSetRow;
  /** The version a rollback republishes. */
  rollbackOf?: number;
  /** The candidate layer, given the layer published last (read under the lock). Throws to refuse. */
  compose(published: DefinitionLayer): Promise<DefinitionLayer>;
  /** Whether a dropped table or column, not declared by the files, may be hidden (kept with its data). */
  mayHide(change: SchemaChange, candidate: DefinitionLayer): boolean;
}

const changeKey = (c: SchemaChange) => `${c.kind}\0${c.table}\0${c.field ?? ''}`;

/** Whether the files alone declare the table (or its column) a drop would take out. */
function declaredByFiles(files: Registry, c: SchemaChange): boolean {
  const table = files.physicalTables.get(c.table);
  return c.kind === 'drop_table' ? table !== undefined : table?.columns.has(c.field ?? '') === true;
}

/** The definitions (`kind/name`) whose content differs between two layers. */
function changedDefinitions(before: DefinitionLayer, after: readonly LayerEntry[]): string[] {
  const was = new Map(before.entries.map((e) => [`${e.kind}/${e.name}`, canonical(e.definition)]));
  const now = new Map(after.map((e) => [`${e.kind}/${e.name}`, canonical(e.definition)]));
  return [...new Set([...was.keys(), ...now.keys()])].filter((k) => was.get(k) !== now.get(k)).sort();
}

/**
 * Publish a layer as the next version and put it in force here. Errors: definition_invalid (every error, with
 * file-equivalent names and pointers, in `definitionErrors`), schema_change_refused (the reason of each destructive
 * change), invalid_state (the change set was published or discarded meanwhile), and whatever `compose` throws.
 */
export async function publishLayer(fw: Formwork, holder: RegistryHolder, plan: PublishPlan): Promise<VersionRow> {
  const { db, clock } = fw;
  return withStartupLock(db, async () => {
    const published = await fetchPublishedLayer(db.knex);
    const candidate = await plan.compose(published);
    const built = await holder.prepare(fw.config.definitionRoots, candidate);
    if (!built.registry) {
      fail('definition_invalid', `The definitions are not valid:\n${formatDefinitionErrors(built.errors)}`, {
        extra: { definitionErrors: built.errors },
      });
    }
    const next = built.registry;
    const hidden = await fetchHidden(db.knex);
    const hide = new Set<string>();
    const newlyHidden: SchemaChange[] = [];
    let files: Registry | undefined;
    for (const c of await planSchemaSync(db, next)) {
      if ((c.kind !== 'drop_table' && c.kind !== 'drop_column') || hidden(c) || !plan.mayHide(c, candidate)) continue;
      files ??= (await holder.prepare(fw.config.definitionRoots, null)).registry;
      // Files that are not valid alone cannot tell what they declare: hide nothing, so the drop is refused.
      if (!files || declaredByFiles(files, c)) continue;
      hide.add(changeKey(c));
      newlyHidden.push(c);
    }
    const now = clock.now();
    const at = now.toISOString();
    await applySchemaSync(db, next, now, (c) => hidden(c) || hide.has(changeKey(c)));
    const number = published.version + 1;
    const entries = declaredEntries(candidate).map((e) => ({ ...e, source: `v${number}` }));
    const row: VersionRow = {
      number, id: uuidv7(), author_id: plan.actor.id, author_name: plan.actor.username, created_at: at, comment: plan.comment,
      change_set_id: plan.changeSet?.id ?? null, rollback_of: plan.rollbackOf ?? null, registry_version: next.version,
    };
    await db.knex.transaction(async (trx) => {
      await insertVersion(trx, row, entries);
      await insertHidden(trx, newlyHidden, number);
      const audit: AuditRow[] = [{
        table: 'sys_studio_version', recordId: row.id, operation: 'insert', version: number,
        changes: {
          comment: [null, plan.comment], definitions: [null, changedDefinitions(published, entries)],
          ...(plan.changeSet ? { change_set: [null, plan.changeSet.name] } : {}),
          ...(plan.rollbackOf !== undefined ? { rollback_of: [null, plan.rollbackOf] } : {}),
          ...(newlyHidden.length ? { hidden: [null, newlyHidden.map((c) => (c.field ? `${c.table}.${c.field}` : c.table))] } : {}),
        } as AuditRow['changes'],
      }];
      if (plan.changeSet) {
        const updated = await trx('sys_studio_change_set').where({ id: plan.changeSet.id, status: 'draft' })
          .update({ status: 'published', published_version: number, updated_at: at });
        if (!updated) fail('invalid_state', `Change set "${plan.changeSet.name}" is no longer a draft: it was published or discarded meanwhile.`);
        audit.push({
          table: 'sys_studio_change_set', recordId: plan.changeSet.id, operation: 'update', version: number,
          changes: { status: ['draft', 'published'], published_version: [null, number] },
        });
      }
      await writeAudit(trx, plan.actor, at, audit);
    });
    holder.swap(next, at, { version: number, entries });
    fw.log.info('definitions published', { version: number, registry: next.version });
    return row;
  });
}

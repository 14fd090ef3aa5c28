/**
 * Lint of the queue fields data files' records set (a workflow's `queueField` on their table): the queue is one
 * that serves the table, as seeding will check (platform/workflow/queue-fields.ts) — a queue the workflows mention
 * must be theirs (the table's workflow, or that of a table it extends), and any other queue must be declared in a
 * data file (such a queue serves every table keeping queues). Caught here, a wrong queue fails `formwork validate`
 * instead of the seeding of its file.
 */
import type { DefinitionError, DefinitionSource, ResolvedTable } from '../definitions/types.js';
import { queueTablesOf } from '../workflow/definitions.js';
import { notServedMessage } from '../workflow/queue-fields.js';
import type { WorkflowDef } from '../workflow/types.js';
import type { DataFile } from './types.js';

export interface QueueLintInput {
  data: { def: DataFile; source: DefinitionSource }[];
  tables: ReadonlyMap<string, ResolvedTable>;
  workflows: Iterable<WorkflowDef>;
}

export function lintDataQueues(input: QueueLintInput): DefinitionError[] {
  const workflows = [...input.workflows];
  const byTable = new Map(workflows.map((w) => [w.table, w]));
  const mentioned = queueTablesOf(workflows);
  const declared = new Set(input.data.flatMap(({ def }) => (def.queues ?? []).map((q) => q.name)));
  const errors: DefinitionError[] = [];
  for (const { def, source } of input.data) {
    const table = def.table ? input.tables.get(def.table) : undefined;
    if (!table || !def.records) continue;
    const wf = [table.name, ...table.ancestors].map((t) => byTable.get(t)).find((w) => w !== undefined);
    const field = wf?.queueField;
    if (!field) continue;
    const fitting = () => [...new Set([
      ...[...mentioned].filter(([, served]) => !notServedMessage('', table, served, input.tables)).map(([q]) => q),
      ...[...declared].filter((q) => !mentioned.has(q)),
    ])].sort();
    def.records.forEach((record, i) => {
      const value = record[field];
      if (typeof value !== 'string' || !value) return;
      const served = mentioned.get(value);
      const message = served
        ? notServedMessage(value, table, served, input.tables)
        : declared.has(value) ? null : `There is no queue "${value}": it is not declared in any data file, nor named by a workflow.`;
      if (message) {
        const list = fitting();
        errors.push({
          file: source.file, pointer: `${source.pointer}/records/${i}/${field}`, message, value,
          expected: list.length ? `one of: ${list.join(', ')}` : 'a queue serving this table (none is declared)',
        });
      }
    });
  }
  return errors;
}

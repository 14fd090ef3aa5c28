/**
 * The workflows of one registry snapshot, indexed once: which workflow a table follows (its own, else the nearest
 * table it extends that has one), transitions by name, and every queue name the workflows mention.
 */
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { TransitionDef, WorkflowDef } from './types.js';

export interface CompiledWorkflow {
  def: WorkflowDef;
  transitions: ReadonlyMap<string, TransitionDef>;
  /** The transitions with `when`, in declaration order; null when there are none (every write skips the check). */
  automatic: readonly TransitionDef[] | null;
}

interface WorkflowIndex {
  byTable: Map<string, CompiledWorkflow>;
  all: CompiledWorkflow[];
  /** Queue names the workflows mention, each with the tables of the workflows mentioning it (see queueTablesOf). */
  queues: Map<string, Set<string>>;
  resolved: Map<string, CompiledWorkflow | null>;
}

/**
 * For each queue the workflows mention (a state's queue, a queue action, an assignment rule, a queue approver), the
 * tables of the workflows mentioning it. Pure, so `formwork validate` can check data files with it too.
 */
export function queueTablesOf(workflows: Iterable<WorkflowDef>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (queue: string | undefined, table: string) => {
    if (!queue) return;
    let tables = out.get(queue);
    if (!tables) out.set(queue, (tables = new Set()));
    tables.add(table);
  };
  for (const def of workflows) {
    for (const s of Object.values(def.states)) add(s.queue, def.table);
    for (const t of def.transitions) for (const a of t.actions ?? []) if (a.type === 'queue') add(a.queue, def.table);
    for (const rule of def.assignmentRules ?? []) add(rule.queue, def.table);
    for (const a of def.approvals ?? []) for (const p of a.approvers) add(p.queue, def.table);
  }
  return out;
}

function indexOf(registry: Registry): WorkflowIndex {
  return registry.memo('workflow.index', buildIndex);
}

function buildIndex(registry: Registry): WorkflowIndex {
  const index: WorkflowIndex = { byTable: new Map(), all: [], queues: queueTablesOf(registry.workflows.values()), resolved: new Map() };
  for (const def of registry.workflows.values()) {
    const automatic = def.transitions.filter((t) => t.when);
    const compiled: CompiledWorkflow = {
      def, transitions: new Map(def.transitions.map((t) => [t.name, t])), automatic: automatic.length ? automatic : null,
    };
    index.all.push(compiled);
    index.byTable.set(def.table, compiled);
  }
  return index;
}

/** The workflow records of `table` follow: the table's own, else that of the nearest table it extends; or null. */
export function workflowOf(registry: Registry, table: ResolvedTable): CompiledWorkflow | null {
  const index = indexOf(registry);
  let found = index.resolved.get(table.name);
  if (found === undefined) {
    found = null;
    for (const name of [table.name, ...table.ancestors]) {
      const wf = index.byTable.get(name);
      if (wf) { found = wf; break; }
    }
    index.resolved.set(table.name, found);
  }
  return found;
}

export function allWorkflows(registry: Registry): readonly CompiledWorkflow[] {
  return indexOf(registry).all;
}

/** Queue names the workflows of the snapshot mention, each with the tables of the workflows mentioning it. */
export function declaredQueues(registry: Registry): ReadonlyMap<string, ReadonlySet<string>> {
  return indexOf(registry).queues;
}

/** Whether a transition starts from `state`. */
export function startsFrom(t: TransitionDef, state: unknown): boolean {
  const from = Array.isArray(t.from) ? t.from : [t.from];
  return from.some((f) => f === '*' || f === state);
}

/** The journal field transition and approval comments go to: declared, else the table's first journal field. */
export function commentFieldOf(wf: CompiledWorkflow, table: ResolvedTable): string | null {
  if (wf.def.commentField && table.fields.get(wf.def.commentField)?.type === 'journal') return wf.def.commentField;
  for (const f of table.fields.values()) if (f.type === 'journal') return f.name;
  return null;
}

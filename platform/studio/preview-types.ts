/**
 * What the studio's previews answer (platform/studio/preview.ts, preview-try.ts) and the service behind them. Types
 * only: the browser bundle reads them without the engine.
 */
import type { Actor, RecordData } from '../records/types.js';

/** Why a rule would not run (null when it runs). */
export type NotRunReason = 'inactive' | 'operation' | 'condition_false' | 'condition_error' | 'stopped';

/** One action in words. */
export interface ActionWords {
  type: string;
  text: string;
}

/** One rule's outcome for the record tried. */
export interface RuleTrial {
  name: string;
  /** The rule's label (its name when it has none). */
  label: string;
  description: string | null;
  when: 'before' | 'after';
  order: number;
  /** Whether it would run any actions. */
  runs: boolean;
  /** Whether its condition holds (null when it has none or it was not evaluated). */
  conditionHolds: boolean | null;
  /** Which of its action lists would run: `actions`, `else`, or none. */
  branch: 'actions' | 'else' | null;
  reason: NotRunReason | null;
  /** The reason in words, for people ("Runs on update only."); null when it runs. */
  reasonText: string | null;
  /** What it would do (the branch that runs), or what it does when it runs (for a rule that would not). */
  actions: ActionWords[];
  /** The operation would stop here: an abort's message, or a value a set action could not take. */
  stops: string | null;
}

/** The whole trial. */
export interface TrialOutcome {
  rules: RuleTrial[];
  /** The record after the before rules' set actions (what would be written). */
  record: RecordData;
  /** The fields the before rules set. */
  changed: string[];
  /** The record's filled-in fields in words, in the table's order: label, value as people read it, set by a rule. */
  values: { name: string; label: string; text: string; setByRule: boolean }[];
  /** Set when a rule would refuse the operation. */
  aborted: { rule: string; message: string } | null;
}

/** What "try this record" is sent. */
export interface TryInput {
  table: string;
  record: RecordData;
  previous?: RecordData | null;
  operation: 'create' | 'update';
  role?: string | string[];
  form?: string;
}

/** The outcome of a form's UI policies for the record tried, in words people read. */
export interface PolicyTrial {
  form: string;
  formLabel: string;
  policies: { name: string | null; description: string | null; holds: boolean; failed: boolean }[];
  fields: { name: string; label: string; visible: boolean; mandatory: boolean; readOnly: boolean; value?: unknown }[];
}

/** What "try this record" answers. */
export interface TryView extends TrialOutcome {
  table: string;
  tableLabel: string;
  operation: 'create' | 'update';
  roles: string[];
  policies: PolicyTrial | null;
}

/** The previews of a change set: never in force, never writing (see preview.ts). */
export interface PreviewService {
  /** The `user` facts of the preview person (roles, capabilities, organisations), as UI policies see them. */
  person(me: Actor, cs: string, roles: string[]): Promise<Record<string, unknown>>;
  /** A form as GET /api/meta/forms/:form gives it from the candidate to a person holding `roles`. */
  form(me: Actor, cs: string, form: string, roles: string[]): Promise<object>;
  /** A table as GET /api/meta/tables/:table gives it, with `defaultForm` and `workflow`. */
  table(me: Actor, cs: string, table: string, roles: string[]): Promise<object>;
  /** A catalogue item's page as GET /api/catalog/items/:name gives it, with `orderable`. */
  catalogItem(me: Actor, cs: string, item: string, roles: string[]): Promise<object>;
  /** Try a record against the table's rules and, with `form`, the form's UI policies. */
  tryRecord(me: Actor, cs: string, input: TryInput): Promise<TryView>;
}

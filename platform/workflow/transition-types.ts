/**
 * The shapes of the workflow service's API (platform/workflow/service.ts), declared below it so that approvals.ts and
 * timers.ts, which the service owns, can name them without importing the service.
 */
import type { Knex } from 'knex';
import type { ResolvedTable } from '../definitions/types.js';
import type { RecordData } from '../records/types.js';
import type { CompiledWorkflow } from './definitions.js';

/** A transition as offered to a person (GET …/transitions, and `allowed` in a 409). */
export interface TransitionSummary {
  name: string;
  label: string;
  description?: string;
  /** The state it leads to, and that state's label and category. */
  to: string;
  toLabel: string;
  category: string;
  /** Fields that must have a value (on the record or in the request's `fields`). */
  requiredFields: string[];
  comment: 'none' | 'optional' | 'required';
}

/**
 * Why a transition cannot be asked for now (`reason` of a 409 `invalid_transition`): it is automatic, does not start
 * from the record's state, needs a role or capability the person lacks, needs update access to the record, its
 * condition does not hold, or it does not exist.
 */
export interface TransitionRefusal {
  reason: 'automatic' | 'state' | 'role' | 'capability' | 'access' | 'condition' | 'unknown';
  message: string;
}

export interface TransitionInput {
  /** Field values set with the transition (checked like an update by the person asking). */
  fields?: RecordData;
  /** Added to the workflow's comment journal. */
  comment?: string;
}

/** A record a transition's `createRecord` action made, as its reference for the person who made the transition. */
export interface CreatedRecord { table: string; id: string; number: string | null }

export interface TransitionResult {
  /** The record after the transition, as the person sees it (only its id if they can no longer read it). */
  record: RecordData;
  transition: TransitionSummary;
  /** Records the transition's createRecord actions made that the person can read (e.g. to tell them the new number). */
  created: CreatedRecord[];
  from: string | null;
  to: string;
}

export interface TransitionOptions {
  trx?: Knex.Transaction;
  /**
   * Made by an approval, a timer or its own `when`: only the from-state and the condition are checked. `by` names
   * what made it; `decision`: an approver's decision, whose comment (in the input) is already in the journal with the
   * decision and is required where the transition requires one; `chain`: how many automatic transitions led here.
   */
  automatic?: { by: string; decision?: boolean; chain?: number };
}

/** What one record is, for the workflow: its table (class), workflow, and every field as stored. */
export interface Located { cls: ResolvedTable; wf: CompiledWorkflow; record: RecordData }

/**
 * The workflow API as the browser uses it (platform/http/routes/workflow.ts): the table's workflow, the transitions
 * allowed now, approvals, assignment, queues and delegations. Each call takes the page's client (`apiContext`); the
 * workflow definitions themselves are metadata (Metadata.workflow).
 */
import { tablePath, type ApiClient } from '../api/client.js';
import type { RecordData } from '../api/types.js';

export interface WorkflowMeta {
  name: string;
  label: string;
  table: string;
  stateField: string;
  initialState: string;
  queueField: string | null;
  assigneeField: string | null;
  commentField: string | null;
  states: { value: string; label: string; category: string; queue: string | null }[];
}

export interface TransitionOption {
  name: string;
  label: string;
  description?: string;
  to: string;
  toLabel: string;
  category: string;
  requiredFields: string[];
  comment: 'none' | 'optional' | 'required';
}

export interface Allowed { state: string | null; stateLabel: string | null; transitions: TransitionOption[] }

/** A queue as a choice: the name the API takes, the label people read. */
export interface QueueChoice { name: string; label: string }

/**
 * What the signed-in person may do with a record now (GET …/actions): the server answers from the checks the actions
 * themselves refuse with, so the page offers only what can succeed.
 */
export interface RecordActions extends Allowed {
  /** The queue the record is in, with its label. */
  queue: QueueChoice | null;
  /** Null: they may not assign it. `toMe`: "Assign to me" would succeed (`toMeRefused` says why not). */
  assign: { toMe: boolean; toMeRefused: string | null; unassign: boolean } | null;
  /** Null: there is no queue they may move it to. */
  move: { queues: QueueChoice[] } | null;
  edit: { fields: string[] } | null;
  delete: boolean;
  copies: { name: string; label: string; form?: string; fields: string[] }[];
}

export interface Approval {
  id: string;
  approval: string;
  /** What people read the approval as. */
  approvalLabel: string;
  stage: number;
  status: 'requested' | 'approved' | 'rejected' | 'cancelled';
  /** The approver's username (what the APIs take). */
  approver: string;
  /** The approver's name, for people to read (their username when the server knows no name). */
  approverName: string;
  decidedBy: string | null;
  comment: string | null;
  requestedAt: string;
  decidedAt: string | null;
  canDecide: boolean;
}

/** A table whose records a queue holds; `count`: its open records the person can read (when asked for). */
export interface QueueTable { name: string; label: string; count?: number }

export interface Queue {
  name: string;
  label: string;
  description?: string | null;
  org?: { id: string; code: string; name: string } | null;
  personal: boolean;
  member: boolean;
  /** The queue has members and only they may hold its records. */
  membersOnly?: boolean;
  declared?: boolean;
  tables?: QueueTable[];
  count?: number;
}

/** An approval request the person may decide (GET /api/approvals). */
export interface PendingApproval extends Approval {
  table: string;
  recordId: string;
  state: string;
  number: string | null;
}

/** A delegation while away (GET /api/delegations). */
export interface Delegation { id: string; user: string; delegate: string; from: string; to: string | null; active: boolean }

/** The personal queue's name. */
export const PERSONAL_QUEUE = '@me';

export const fetchActions = (api: ApiClient, table: string, id: string, signal?: AbortSignal) =>
  api.get<RecordActions>(tablePath(table, id, 'actions'), { signal }).then((r) => r.data);
export const fetchApprovals = (api: ApiClient, table: string, id: string) => api.get<Approval[]>(tablePath(table, id, 'approvals')).then((r) => r.data);
export const fetchQueues = (api: ApiClient, counts = false) => api.get<Queue[]>('/queues', { query: { counts: counts || undefined } }).then((r) => r.data);
export const fetchQueue = (api: ApiClient, name: string, counts = false) =>
  api.get<Queue>(queuePath(name), { query: { counts: counts || undefined } }).then((r) => r.data);
/** The API path of a queue, or of its items. */
export const queuePath = (name: string, suffix?: string) => `/queues/${encodeURIComponent(name)}${suffix ? `/${suffix}` : ''}`;
export const fetchPendingApprovals = (api: ApiClient) => api.get<PendingApproval[]>('/approvals').then((r) => r.data);
export const fetchDelegations = (api: ApiClient) => api.get<Delegation[]>('/delegations').then((r) => r.data);
export const createDelegation = (api: ApiClient, body: { delegate: string; from?: string; to?: string }) => api.post<Delegation>('/delegations', body).then((r) => r.data);
export const deleteDelegation = (api: ApiClient, id: string) => api.request<null>('DELETE', `/delegations/${encodeURIComponent(id)}`);

export const makeTransition = (api: ApiClient, table: string, id: string, name: string, body: { fields?: RecordData; comment?: string }) =>
  api.post<RecordData>(tablePath(table, id, `transitions/${encodeURIComponent(name)}`), body);

export const decideApproval = (api: ApiClient, table: string, id: string, approvalId: string, decision: 'approve' | 'reject', comment: string) =>
  api.post<{ outcome: string; record: RecordData }>(tablePath(table, id, `approvals/${encodeURIComponent(approvalId)}/${decision}`), comment ? { comment } : {});

export const assignRecord = (api: ApiClient, table: string, id: string, body: { user?: string | null; queue?: string | null }) =>
  api.post<RecordData>(tablePath(table, id, 'assign'), body);

/** A person a picker offers: their username (what the APIs take) and their name (what people read). */
export interface Candidate { username: string; name: string }
/** The people the record may be assigned to whose name or username contains `q`. */
export const fetchAssignees = (api: ApiClient, table: string, id: string, q: string, signal?: AbortSignal) =>
  api.get<Candidate[]>(tablePath(table, id, 'assignees'), { query: { q }, signal }).then((r) => r.data);
/** The people the signed-in person may delegate to whose name or username contains `q`. */
export const fetchDelegates = (api: ApiClient, q: string, signal?: AbortSignal) =>
  api.get<Candidate[]>('/delegations/candidates', { query: { q }, signal }).then((r) => r.data);

/**
 * The action buttons of a record page, proved by doing what each would do. The buttons are read from the page the
 * person sees (workflow transitions, "Assign to me", "Return to queue", "Assign to someone else", each queue of
 * "Move to queue"); each is then sent, as the API request its button sends and as the same person, to a fresh copy of
 * the record (the row copied as it stands: same state, queue, assignee and organisation), so the walk changes
 * nothing the next person sees. A button fails when its request is refused as not allowed: 403, 409, or 422 for
 * anything but a field the action asks for (a dialog would ask the person for those).
 */
import type { Page } from 'playwright-core';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../../../platform/context.js';
import type { RunningServer } from '../../support/auth.js';

/** The buttons of the record page's workflow section, as the requests they make. */
interface Buttons {
  transitions: { name: string; label: string }[];
  toMe: boolean;
  unassign: boolean;
  assignOther: boolean;
  queues: { name: string; label: string }[];
}

async function readButtons(page: Page): Promise<Buttons> {
  const root = page.locator('fw-workflow-actions');
  const transitions = await root.locator('button[data-transition]').evaluateAll(
    (bs) => bs.map((b) => ({ name: (b as HTMLElement).dataset.transition!, label: b.textContent!.trim() })));
  const queues = await root.locator('#wf-queue option').evaluateAll(
    (os) => os.map((o) => ({ name: (o as HTMLOptionElement).value, label: o.textContent!.trim() })).filter((o) => o.name));
  return {
    transitions, queues,
    toMe: await root.locator('button[data-assign="me"]').count() > 0,
    unassign: await root.locator('button[data-assign="return"]').count() > 0,
    assignOther: await root.locator('fw-person-picker').count() > 0,
  };
}

let copies = 0;

/** A copy of the record's row under a new id (and number), as the system; the copy's id. */
async function copyRecord(fw: Formwork, table: string, id: string): Promise<string> {
  const physical = fw.registry.current.getTable(table).physical;
  const row = await fw.db.knex(physical).where({ id }).first();
  if (!row) throw new Error(`no ${table} ${id} to copy`);
  copies += 1;
  // PostgreSQL hands json columns back parsed; written back as they came, an array would be sent as a SQL array.
  const copy: Record<string, unknown> = Object.fromEntries(Object.entries(row as Record<string, unknown>).map(([k, v]) =>
    [k, v !== null && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v) ? JSON.stringify(v) : v]));
  copy.id = uuidv7();
  if (typeof copy.number === 'string') copy.number = `${copy.number}-W${copies}`;
  await fw.db.knex(physical).insert(copy);
  return copy.id as string;
}

/**
 * Remove a copy so later people's lists do not show it; rows that refer to it (history, journal) may keep it in
 * place, which changes no list's first record (copies carry their original's dates and a numbered suffix).
 */
async function dropCopy(fw: Formwork, table: string, id: string): Promise<void> {
  try {
    await fw.db.knex(fw.registry.current.getTable(table).physical).where({ id }).delete();
  } catch {
    // Referred to by rows the action wrote: it stays, unseen by the next person's first-record pick in most lists.
  }
}

/** Why an answer is a refusal of something the page offered, or null when it is not. */
function refusal(status: number, body: any): string | null {
  if (status < 400) return null;
  if (status === 422 && body?.code === 'validation_failed' && (body.errors ?? []).length
    && body.errors.every((e: { code: string }) => e.code === 'required')) return null;
  const fields = (body?.errors ?? []).map((e: { field: string; code: string }) => `${e.field}: ${e.code}`).join(', ');
  return `${status} ${body?.code ?? ''}${body?.reason ? ` (${body.reason})` : ''}${fields ? ` [${fields}]` : ''}: ${body?.detail ?? ''}`;
}

/**
 * Send each button of the record page `page` shows (at `table`/`id`) to a fresh copy of the record as the person of
 * `token`; findings ("button 'Resolve' → 409 invalid_transition…") go to `out`. Answers the number of buttons tried.
 */
export async function checkActions(
  fw: Formwork, server: RunningServer, token: string, page: Page, table: string, id: string, out: string[],
): Promise<number> {
  const buttons = await readButtons(page);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const tries: { label: string; send(copy: string): Promise<{ status: number; body: any }> }[] = [
    ...buttons.transitions.map((t) => ({
      label: t.label, send: (c: string) => call('POST', `/api/tables/${table}/${c}/transitions/${t.name}`, { comment: 'Tried by the page walk.' }),
    })),
    ...(buttons.toMe ? [{ label: 'Assign to me', send: (c: string) => call('POST', `/api/tables/${table}/${c}/assign`, { user: '@me' }) }] : []),
    ...(buttons.unassign ? [{ label: 'Return to queue', send: (c: string) => call('POST', `/api/tables/${table}/${c}/assign`, { user: null }) }] : []),
    ...buttons.queues.slice(0, 4).map((q) => ({
      label: `Move to queue '${q.label}'`, send: (c: string) => call('POST', `/api/tables/${table}/${c}/assign`, { queue: q.name }),
    })),
  ];
  if (buttons.assignOther) {
    tries.push({
      label: 'Assign to someone else',
      send: async (c: string) => {
        const people = await call('GET', `/api/tables/${table}/${c}/assignees?q=`);
        if (people.status !== 200) return people;
        const first = (people.body.data as { username: string }[])[0];
        if (!first) return { status: 422, body: { code: 'nobody_to_choose', detail: 'the picker offers nobody' } };
        return call('POST', `/api/tables/${table}/${c}/assign`, { user: first.username });
      },
    });
  }
  for (const t of tries) {
    const copy = await copyRecord(fw, table, id);
    const answer = await t.send(copy);
    const why = refusal(answer.status, answer.body);
    if (why) out.push(`/tables/${table}/${id}: button '${t.label}' → ${why}`);
    await dropCopy(fw, table, copy);
  }
  return tries.length;
}

/**
 * Saved personal views of lists: /api/views…. A view is a person's named filter,
 * sort and column list for one table; it is theirs alone (another person's view id answers 404). Shared views are
 * menu items with `table`, `filter`, `columns` and `sort`, and are not served here.
 *
 *   GET    /views?table=t                                   → the actor's views of table t (all tables without it), by name
 *   POST   /views {table, name, filter?, sort?, columns?}    → 201
 *   DELETE /views/:id                                       → 204
 *
 * A view is checked when saved exactly as a list would use it: the table must be readable, every column readable
 * (a masked field answers `unknown_field`, 400, like an unknown one), and the filter and sort must run — the view
 * is tried through the record service with `limit 1`, so it fails with the list's own errors (400) now rather than
 * every time it is opened.
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import { assertCanOperate } from '../../access/index.js';
import type { Condition } from '../../conditions/types.js';
import type { Formwork } from '../../context.js';
import { fail, isFormworkError, type FieldError } from '../../errors.js';
import type { Actor, SortSpec } from '../../records/types.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { compileBody, compileQuery, NO_QUERY, param, readBody, readQuery } from '../input.js';

/** The most views one person may keep for one table. */
export const MAX_VIEWS_PER_TABLE = 100;
const MAX_NAME = 100;
const MAX_SORT = 500;
const MAX_COLUMNS = 100;
const VIEW_KEYS = ['table', 'name', 'filter', 'sort', 'columns'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

export interface SavedView {
  id: string;
  table: string;
  name: string;
  filter: Condition | null;
  /** `-opened_at,priority`: a leading `-` sorts descending. */
  sort: string | null;
  columns: string[] | null;
  createdAt: string;
}

/** A row of sys_saved_view. */
interface ViewRow {
  id: string;
  table_name: string;
  name: string;
  filter: string | null;
  sort: string | null;
  columns: string | null;
  created_at: string;
}

function toView(r: ViewRow): SavedView {
  return {
    id: r.id, table: r.table_name, name: r.name, filter: r.filter ? JSON.parse(r.filter) as Condition : null,
    sort: r.sort ?? null, columns: r.columns ? JSON.parse(r.columns) as string[] : null, createdAt: r.created_at,
  };
}

function requireUser(actor: Actor): string {
  if (actor.kind !== 'user' || !actor.id) fail('forbidden', 'Only a signed-in person has saved views.');
  return actor.id;
}

/** A table the actor may read: `table_not_found` for an unknown one, `forbidden` for one they may not read. */
function readableTable(fw: Formwork, actor: Actor, name: string) {
  const registry = fw.registry.current;
  return { table: registry.getTable(name), access: assertCanOperate(registry, actor, name, 'read') };
}

/** `-a,+b,c` → sort specs; `invalid_payload` for an empty item. */
function parseSort(text: string): SortSpec[] {
  return text.split(',').map((raw) => {
    const item = raw.trim();
    const desc = item.startsWith('-');
    const field = desc || item.startsWith('+') ? item.slice(1) : item;
    if (!FIELD_NAME.test(field)) {
      fail('invalid_payload', `sort must list field names, each with an optional "-" for descending; got "${text}".`, {
        fieldErrors: [{ field: 'sort', code: 'pattern', message: 'Sort by field names, like "-opened_at".' }],
      });
    }
    return { field, direction: desc ? 'desc' : 'asc' };
  });
}

/** The actor's views, of one table or of every table, by table and name. */
export async function listViews(fw: Formwork, actor: Actor, table?: string): Promise<SavedView[]> {
  const userId = requireUser(actor);
  if (table !== undefined) readableTable(fw, actor, table);
  const q = fw.db.knex('sys_saved_view').where({ user_id: userId });
  if (table !== undefined) q.andWhere({ table_name: table });
  const rows = await q.orderBy([{ column: 'table_name' }, { column: 'name' }, { column: 'id' }]);
  return rows.map(toView);
}

/**
 * Save a view for the actor. Errors: invalid_payload (unknown keys, wrong types, bad sort), validation_failed
 * (name), table_not_found, unknown_field (a column, filter or sort field the actor cannot read), unknown_operator,
 * invalid_query (a filter the list would refuse), unique_violation (the name is taken for this table).
 */
export async function saveView(fw: Formwork, actor: Actor, body: Record<string, unknown>): Promise<SavedView> {
  const userId = requireUser(actor);
  const extra = Object.keys(body).filter((k) => !VIEW_KEYS.includes(k));
  if (extra.length) {
    fail('invalid_payload', `A view has only ${VIEW_KEYS.join(', ')}; not ${extra.map((k) => `"${k}"`).join(', ')}.`, {
      fieldErrors: extra.map((k) => ({ field: k, code: 'unknown_field', message: `"${k}" is not part of a view.` })),
    });
  }
  if (typeof body.table !== 'string' || !body.table) {
    fail('invalid_payload', 'Name the table of the view: "table".', { fieldErrors: [{ field: 'table', code: 'required', message: 'Name the table.' }] });
  }
  const { table, access } = readableTable(fw, actor, body.table);

  const errors: FieldError[] = [];
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (!name) errors.push({ field: 'name', code: 'required', message: 'Enter a name for the view.' });
  else if (name.length > MAX_NAME) errors.push({ field: 'name', code: 'too_long', message: `The name must be at most ${MAX_NAME} characters.` });
  if (errors.length) fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });

  let filter: Condition | null = null;
  if (body.filter !== undefined && body.filter !== null) {
    if (typeof body.filter !== 'object' || Array.isArray(body.filter)) {
      fail('invalid_payload', 'filter must be a condition object ({"all": […]}, {"any": […]}, {"not": …} or {"fact", "operator", "value"}).', {
        fieldErrors: [{ field: 'filter', code: 'type', message: 'The filter must be a condition.' }],
      });
    }
    filter = body.filter as Condition;
  }
  let sort: string | null = null;
  let sortSpecs: SortSpec[] | undefined;
  if (body.sort !== undefined && body.sort !== null && body.sort !== '') {
    if (typeof body.sort !== 'string' || body.sort.length > MAX_SORT) {
      fail('invalid_payload', `sort must be text of at most ${MAX_SORT} characters, like "-opened_at".`, { fieldErrors: [{ field: 'sort', code: 'type', message: 'Sort by field names.' }] });
    }
    sortSpecs = parseSort(body.sort);
    sort = sortSpecs.map((s) => `${s.direction === 'desc' ? '-' : ''}${s.field}`).join(',');
  }
  let columns: string[] | null = null;
  if (body.columns !== undefined && body.columns !== null) {
    const c = body.columns;
    if (!Array.isArray(c) || !c.length || c.length > MAX_COLUMNS || c.some((x) => typeof x !== 'string' || !x)) {
      fail('invalid_payload', `columns must be a list of 1 to ${MAX_COLUMNS} field names.`, { fieldErrors: [{ field: 'columns', code: 'type', message: 'List the columns by field name.' }] });
    }
    columns = [...new Set(c as string[])];
    // A masked field is refused exactly like one that does not exist, so a view cannot probe what is hidden.
    const unreadable = columns.filter((f) => !table.fields.has(f) || table.fields.get(f)!.column === null || !access.readable.has(f));
    if (unreadable.length) {
      fail('unknown_field', `Table "${table.name}" has no field ${unreadable.map((f) => `"${f}"`).join(', ')} to show.`, {
        fieldErrors: unreadable.map((f) => ({ field: 'columns', code: 'unknown_field', message: `There is no field "${f}".` })),
      });
    }
  }

  // The view must run as a list would run it: the record service compiles the filter and sort (and applies the
  // actor's row scope and masking) and fails with the list's own 400 errors.
  await fw.records.query(table.name, {
    ...(filter ? { filter } : {}), ...(sortSpecs ? { sort: sortSpecs } : {}), fields: columns ?? ['id'], limit: 1, withTotal: false,
  }, { actor });

  const row = {
    id: uuidv7(), user_id: userId, table_name: table.name, name, filter: filter ? JSON.stringify(filter) : null, sort,
    columns: columns ? JSON.stringify(columns) : null, created_at: fw.clock.now().toISOString(),
  };
  try {
    await fw.db.knex.transaction(async (trx: Knex.Transaction) => {
      const count = Number(((await trx('sys_saved_view').where({ user_id: userId, table_name: table.name }).count({ n: '*' }).first()) as { n: unknown }).n);
      if (count >= MAX_VIEWS_PER_TABLE) {
        fail('validation_failed', `You have ${MAX_VIEWS_PER_TABLE} views of this table, the most there can be; delete some first.`, {
          fieldErrors: [{ field: 'name', code: 'too_many', message: `You have ${MAX_VIEWS_PER_TABLE} views of this list already.` }],
        });
      }
      if (await trx('sys_saved_view').where({ user_id: userId, table_name: table.name, name }).first('id')) nameTaken(name);
      await trx('sys_saved_view').insert(row);
    });
  } catch (e) {
    // Two saves of one name racing: the unique index decides.
    if (!isFormworkError(e) && fw.db.dialect.uniqueViolation(e)) nameTaken(name);
    throw e;
  }
  return toView(row);
}

function nameTaken(name: string): never {
  fail('unique_violation', `You already have a view called "${name}" of this list.`, {
    fieldErrors: [{ field: 'name', code: 'taken', message: `You already have a view called "${name}". Choose another name.` }],
  });
}

/** Delete one of the actor's own views. Errors: not_found (none of theirs has that id). */
export async function deleteView(fw: Formwork, actor: Actor, id: string): Promise<void> {
  const userId = requireUser(actor);
  const n = UUID.test(id) ? await fw.db.knex('sys_saved_view').where({ id: id.toLowerCase(), user_id: userId }).delete() : 0;
  if (n !== 1) fail('not_found', `View "${id}" does not exist.`);
}

const LIST_QUERY = compileQuery<{ table?: string }>({ table: param.text });
/** A view: saveView checks its members, with the list's own errors. */
const VIEW_BODY = compileBody<Record<string, unknown>>({ type: 'object' });

export function viewsRouter(fw: Formwork): Router {
  const router = Router();

  router.route('/views')
    .get(async (req, res) => {
      res.json({ data: await listViews(fw, res.locals.actor, readQuery(req, LIST_QUERY).table) });
    })
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const view = await saveView(fw, res.locals.actor, readBody(req, VIEW_BODY));
      res.status(201).location(`${req.baseUrl}/views/${view.id}`).json({ data: view });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/views/:id')
    .delete(async (req, res) => {
      readQuery(req, NO_QUERY);
      await deleteView(fw, res.locals.actor, req.params.id);
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  return router;
}

/**
 * The id detector of the page walk: finds, in the text a person sees, what looks like an internal identifier rather
 * than words for people — a UUID, an ISO 8601 timestamp, a short record id ("Record 01a24d9e"), a requirement or use
 * case id ("UC_Name_001", "SSI-FR-22"), an automatic actor ("workflow:resolve"), a `snake_case` name the definitions
 * or the queues use (a table, field, choice value, state, transition, role, workflow, rule, queue…), or a username
 * where a person's name belongs.
 */
import type { Formwork } from '../../../platform/context.js';

/** The internal names of the running registry and database, by what they name. */
export interface InternalNames {
  /** snake_case names (holding "_") → what they name ("queue", "table", "choice value of ssi_incident.category"…). */
  snake: Map<string, string>;
  /** Usernames of every person (lower case). */
  usernames: Set<string>;
}

/** Every internal name holding "_", and every username, of `fw`'s definitions and database. */
export async function internalNames(fw: Formwork): Promise<InternalNames> {
  const reg = fw.registry.current;
  const snake = new Map<string, string>();
  const add = (name: string | undefined, what: string) => {
    if (name && name.includes('_') && !snake.has(name)) snake.set(name, what);
  };
  for (const [name, t] of reg.tables) {
    add(name, 'table');
    for (const [field, f] of t.fields) {
      add(field, `field of ${name}`);
      for (const c of f.choices ?? []) add(String(c.value), `choice value of ${name}.${field}`);
    }
  }
  for (const name of reg.roles.keys()) add(name, 'role');
  for (const [name, wf] of reg.workflows) {
    add(name, 'workflow');
    for (const s of Object.keys(wf.states)) add(s, `state of workflow ${name}`);
    for (const t of wf.transitions) add(t.name, `transition of workflow ${name}`);
  }
  for (const name of reg.rules.keys()) add(name, 'business rule');
  for (const name of reg.notifications.keys()) add(name, 'notification');
  for (const name of reg.forms.keys()) add(name, 'form');
  for (const name of reg.catalogItems?.keys() ?? []) add(name, 'catalogue item');
  for (const name of reg.catalogCategories?.keys() ?? []) add(name, 'catalogue category');
  for (const q of await fw.db.knex('sys_queue').select('name')) add(q.name as string, 'queue');
  const usernames = new Set<string>((await fw.db.knex('sys_user').select('username')).map((u) => String(u.username).toLowerCase()));
  return { snake, usernames };
}

const PATTERNS: [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, 'UUID'],
  [/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, 'ISO timestamp'],
  [/\bRecord [0-9a-f]{8}\b/g, 'short record id'],
  [/\bUC_[A-Za-z0-9_]+/g, 'use-case code'],
  [/\b[A-Z]{2,5}-[A-Z]{2,4}-\d+[a-z]?\b/g, 'requirement id'],
  [/\b(?:workflow|rule|sla|system):[a-z0-9_]+/g, 'automatic actor id'],
];

/**
 * Pages where a username is the thing shown, not a stand-in for a name: the person's own profile (their sign-in
 * name) and the administrator's user pages (the username is a column and a field there, as ServiceNow's User ID).
 */
const USERNAME_PAGES = [/^\/profile$/, /^\/admin\/users(\/|$)/, /^\/admin\/access-log$/];

/**
 * The id-looking pieces of `text` (what the page at `path` shows), one line per kind: "kind 'a', 'b'" (each text
 * once; past five, how many more).
 */
export function findIds(text: string, path: string, names: InternalNames): string[] {
  const found = new Map<string, Set<string>>();
  const add = (kind: string, t: string) => {
    const set = found.get(kind) ?? new Set<string>();
    found.set(kind, set.add(t));
  };
  // The access log's rows are the request URLs it logged (ids, table and field names in paths and queries): the URL
  // is the thing shown there, so URLs are left out of its text.
  if (/^\/admin\/access-log$/.test(path)) text = text.replace(/(?:^|\s)\/\S*/g, ' ');
  for (const [re, kind] of PATTERNS) for (const m of text.matchAll(re)) add(kind, m[0]);
  for (const m of text.matchAll(/(?<![\w.@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@-])/g)) {
    const what = names.snake.get(m[0]);
    if (what) add(what, m[0]);
  }
  if (!USERNAME_PAGES.some((re) => re.test(path))) {
    for (const m of text.matchAll(/(?<![\w.@-])[a-z][a-z0-9]*(?:\.[a-z0-9]+)+(?![\w@-])/gi)) {
      if (names.usernames.has(m[0].toLowerCase())) add('username', m[0]);
    }
  }
  return [...found].map(([kind, set]) => {
    const all = [...set];
    const shown = all.slice(0, 5).map((t) => `'${t}'`).join(', ');
    return `${kind} ${shown}${all.length > 5 ? ` and ${all.length - 5} more` : ''}`;
  });
}

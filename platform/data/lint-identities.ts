/**
 * Lint of the organisations, people and work queues data files declare (what the schema cannot see): every
 * reference resolves among the data files (organisations by code, people by username, queues by name), names are
 * unique across files, roles are declared, and reference (non-demo) data never depends on demo data.
 */
import type { DefinitionError, DefinitionSource } from '../definitions/types.js';
import type { DataFile } from './types.js';

export interface DataLintInput {
  data: { def: DataFile; source: DefinitionSource }[];
  declaredRoles: ReadonlySet<string>;
}

type Report = (source: DefinitionSource, pointer: string, message: string, extra?: Partial<DefinitionError>) => void;

const list = (names: Iterable<string>) => {
  const all = [...names];
  return all.length ? `one of: ${all.join(', ')}` : 'one declared in a data file (none is)';
};

interface Declared { at: string; source: DefinitionSource; demo: boolean }

/** Where each organisation, person and queue is declared; a name declared twice is reported at its second place. */
function collect(input: DataLintInput, report: Report) {
  const orgs = new Map<string, Declared>();
  const people = new Map<string, Declared & { username: string }>();
  const queues = new Map<string, Declared>();
  const add = <T extends Declared>(map: Map<string, T>, key: string, what: string, shown: string, d: T) => {
    const prior = map.get(key);
    if (prior) {
      report(d.source, d.at, `${what} "${shown}" is already declared in ${prior.source.file}#${prior.source.pointer}${prior.at}.`, { expected: `a ${what.toLowerCase()} not declared elsewhere`, value: shown });
    } else map.set(key, d);
  };
  for (const { def, source } of input.data) {
    const demo = def.demo === true;
    def.organisations?.forEach((o, i) => add(orgs, o.code, 'Organisation', o.code, { at: `/organisations/${i}/code`, source, demo }));
    // Usernames are unique whatever the case, as sys_user's username_key.
    def.people?.forEach((p, i) => add(people, p.username.toLowerCase(), 'Username', p.username, { at: `/people/${i}/username`, source, demo, username: p.username }));
    def.queues?.forEach((q, i) => add(queues, q.name, 'Queue', q.name, { at: `/queues/${i}/name`, source, demo }));
  }
  return { orgs, people, queues };
}

export function lintDataIdentities(input: DataLintInput): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const report: Report = (source, pointer, message, extra = {}) =>
    errors.push({ file: source.file, pointer: source.pointer + pointer, message, ...extra });
  const { orgs, people, queues } = collect(input, report);
  const usernames = () => [...people.values()].map((p) => p.username);

  /** An organisation reference: declared, and declared in reference data when the referrer is reference data. */
  const orgRef = (source: DefinitionSource, at: string, code: string, demo: boolean) => {
    const d = orgs.get(code);
    if (!d) report(source, at, `Organisation "${code}" is not declared in any data file.`, { expected: list(orgs.keys()), value: code });
    else if (!demo && d.demo) {
      report(source, at, `Organisation "${code}" is declared only in demo data (${d.source.file}), so it would not exist without it: declare it in a file without "demo": true.`, { expected: list([...orgs].filter(([, o]) => !o.demo).map(([c]) => c)), value: code });
    }
  };

  // Which organisation declares each party code (its people may act under it).
  const partyCodeHolders = new Map<string, string>();
  for (const { def } of input.data) {
    for (const o of def.organisations ?? []) for (const pc of o.partyCodes ?? []) partyCodeHolders.set(pc.code, o.code);
  }
  for (const { def, source } of input.data) {
    const demo = def.demo === true;
    if (!def.table && !def.organisations && !def.people && !def.queues) {
      report(source, '', `Data file "${def.name}" declares nothing.`, { expected: 'records ("table" and "records"), "organisations", "people" or "queues"' });
    }
    if (def.people && !demo) {
      report(source, '/people', 'People are demo data: declare them in a file with "demo": true (people in reference data would ship a known account).', { expected: '"demo": true' });
    }
    if (def.as !== undefined) {
      if (!demo) report(source, '/as', 'Records created as a person are demo data: the file needs "demo": true.', { expected: '"demo": true' });
      else if (!people.has(def.as.toLowerCase())) report(source, '/as', `Person "${def.as}" is not declared in any data file.`, { expected: list(usernames()), value: def.as });
    }
    def.people?.forEach((p, i) => {
      const at = `/people/${i}`;
      orgRef(source, `${at}/org`, p.org, demo);
      p.orgs?.forEach((code, j) => orgRef(source, `${at}/orgs/${j}`, code, demo));
      p.roles?.forEach((role, j) => {
        if (!input.declaredRoles.has(role)) report(source, `${at}/roles/${j}`, `Role "${role}" is not declared.`, { expected: list(input.declaredRoles), value: role });
      });
      p.queues?.forEach((name, j) => {
        if (!queues.has(name)) report(source, `${at}/queues/${j}`, `Queue "${name}" is not declared in any data file.`, { expected: list(queues.keys()), value: name });
      });
      p.partyCodes?.forEach((code, j) => {
        const holder = partyCodeHolders.get(code);
        if (holder === undefined || ![p.org, ...(p.orgs ?? [])].includes(holder)) {
          report(source, `${at}/partyCodes/${j}`, `Party code "${code}" is not declared under the "partyCodes" of ${[p.org, ...(p.orgs ?? [])].map((o) => `"${o}"`).join(' or ')}.`, {
            expected: list([...partyCodeHolders].filter(([, o]) => o === p.org || p.orgs?.includes(o)).map(([c]) => c)), value: code,
          });
        }
      });
      if (p.manager !== undefined) {
        if (p.manager.toLowerCase() === p.username.toLowerCase()) {
          report(source, `${at}/manager`, `Person "${p.username}" cannot be their own line manager.`, { expected: 'another declared person', value: p.manager });
        } else if (!people.has(p.manager.toLowerCase())) {
          report(source, `${at}/manager`, `Person "${p.manager}" is not declared in any data file.`, { expected: list(usernames()), value: p.manager });
        }
      }
    });
    def.queues?.forEach((q, i) => {
      const at = `/queues/${i}`;
      if (q.org !== undefined) orgRef(source, `${at}/org`, q.org, demo);
      if (q.members?.length && !demo) {
        report(source, `${at}/members`, 'Members are demo people: a queue in reference data cannot list them. List the queue under each person\'s "queues" instead.', { expected: 'no members in a file without "demo": true' });
        return;
      }
      q.members?.forEach((username, j) => {
        if (!people.has(username.toLowerCase())) report(source, `${at}/members/${j}`, `Person "${username}" is not declared in any data file.`, { expected: list(usernames()), value: username });
      });
    });
  }
  lintManagerCycles(input, report);
  return errors;
}

/** Line managers going round (A manages B manages A), reported once per cycle at the person closing it. */
function lintManagerCycles(input: DataLintInput, report: Report): void {
  const managerOf = new Map<string, { manager: string; source: DefinitionSource; at: string }>();
  for (const { def, source } of input.data) {
    def.people?.forEach((p, i) => {
      if (p.manager && p.manager.toLowerCase() !== p.username.toLowerCase()) {
        managerOf.set(p.username.toLowerCase(), { manager: p.manager.toLowerCase(), source, at: `/people/${i}/manager` });
      }
    });
  }
  const reported = new Set<string>();
  for (const start of managerOf.keys()) {
    const chain: string[] = [];
    let cur: string | undefined = start;
    while (cur && !chain.includes(cur) && chain.length <= managerOf.size) {
      chain.push(cur);
      cur = managerOf.get(cur)?.manager;
    }
    if (cur !== start || reported.has(start)) continue;
    chain.forEach((c) => reported.add(c));
    const closing = managerOf.get(chain[chain.length - 1]!)!;
    report(closing.source, closing.at, `Line managers go round: ${[...chain, start].join(' is managed by ')}.`, { expected: 'a manager who is not managed by the person, directly or further down', value: closing.manager });
  }
}

import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { Knex } from 'knex';
import {
  actorForUser, createOrg, createPartyCode, createUser, fetchOrgByCode, hashPassword, resolveManager, temporaryPassword,
} from '../access/identity/index.js';
import { seedOrgInactivity, type InactivityOverride } from '../access/inactivity/index.js';
import type { Formwork } from '../context.js';
import type { DataFile, DataPerson, DataQueue } from './types.js';
import { FormworkError, fail, isFormworkError } from '../errors.js';
import type { ResolvedTable } from '../definitions/types.js';
import type { Actor, RecordData } from '../records/types.js';
import { describeKey, isRecordKey, keyReferences, recordsMatching } from './references.js';
import { addQueueMember, insertQueue } from '../workflow/index.js';

/** A demo person created by this seeding, for the start banner. */
export interface SeededPerson {
  username: string;
  displayName: string | null;
  /** Home organisation code. */
  org: string;
  roles: string[];
  /** The pack (definitions folder) whose data file declares them. */
  pack: string;
}

/** What one seeding created. */
export interface SeedReport {
  records: number;
  organisations: number;
  queues: number;
  people: SeededPerson[];
  /** The temporary password every person created now shares (to show once), or null when nobody was created. */
  password: string | null;
}

/** One temporary password per seeding, hashed once, made only when a person is created. */
interface SharedPassword { plain: string; hash: string }

/**
 * Load the data files of the registry (demo and reference data), once each: a file is applied again only when its
 * content changed, each in one transaction. Organisations, queues and people are matched by code, name and
 * username, and records by their `key` fields: what exists is left alone, so a restart never duplicates data.
 * Files declaring organisations, people or queues go first, so records may be created as a declared person.
 * Each check is a read before a write: instances sharing a database seed under the start-up lock (createEngine
 * takes it), so one applies each file and the others find it marked applied.
 */
export async function seed(fw: Formwork, options: { demo: boolean }): Promise<SeedReport> {
  const report: SeedReport = { records: 0, organisations: 0, queues: 0, people: [], password: null };
  const registry = fw.registry.current;
  const files = inDependencyOrder([...registry.data.values()].filter((f) => !f.demo || options.demo), registry.tables);
  let shared: SharedPassword | undefined;
  const password = async (): Promise<SharedPassword> => {
    if (!shared) {
      const plain = temporaryPassword();
      shared = { plain, hash: await hashPassword(plain, fw.config.scryptLog2N) };
    }
    return shared;
  };
  for (const file of files) {
    const hash = createHash('sha256').update(JSON.stringify(file)).digest('hex');
    const seen = await fw.db.knex('sys_seed').where({ name: file.name }).first();
    if (seen?.hash === hash) continue;
    // Hashing is slow: do it before the transaction takes the write lock.
    const pw = file.people?.length ? await password() : undefined;
    // The file's data and the mark that it was applied commit together.
    await fw.db.knex.transaction(async (trx) => {
      await applyIdentities(fw, file, trx, report, pw);
      report.records += await applyRecords(fw, file, trx);
      await trx('sys_seed').insert({ name: file.name, hash, applied_at: fw.clock.now().toISOString() })
        .onConflict('name').merge(['hash', 'applied_at']);
    });
  }
  if (report.people.length) report.password = shared!.plain;
  return report;
}

/** {@link seed}, returning the number of records created. */
export async function seedData(fw: Formwork, options: { demo: boolean }): Promise<number> {
  return (await seed(fw, options)).records;
}

/**
 * Data files ordered so that a file comes after those declaring the organisations its people and queues belong
 * to, the person its records are created as, and the records its references by key name (./references.ts); files
 * declaring organisations, people or queues come before files of records only, otherwise the registry's order
 * stays. The lint refuses files that need each other first; were one to slip through, the file visited first goes
 * first and its reference fails at seeding, naming itself.
 */
function inDependencyOrder(files: readonly DataFile[], tables: ReadonlyMap<string, ResolvedTable>): DataFile[] {
  const declares = new Map<string, DataFile>();
  for (const f of files) {
    for (const o of f.organisations ?? []) declares.set(`org:${o.code}`, f);
    for (const p of f.people ?? []) declares.set(`person:${p.username.toLowerCase()}`, f);
  }
  const needs = (f: DataFile): DataFile[] => {
    const keys = [
      ...(f.people ?? []).flatMap((p) => [p.org, ...(p.orgs ?? [])]).map((c) => `org:${c}`),
      ...(f.queues ?? []).flatMap((q) => (q.org ? [`org:${q.org}`] : [])),
      ...(f.as ? [`person:${f.as.toLowerCase()}`] : []),
      ...(f.people ?? []).flatMap((p) => (p.manager ? [`person:${p.manager.toLowerCase()}`] : [])),
    ];
    const table = f.table ? tables.get(f.table) : undefined;
    const targets = table ? keyReferences(f, table).flatMap((r) => recordsMatching(files, tables, r.target, r.key).map((m) => m.file)) : [];
    return [...keys.map((k) => declares.get(k)).filter((x): x is DataFile => !!x), ...targets];
  };
  const out: DataFile[] = [];
  const visiting = new Set<DataFile>();
  const visit = (f: DataFile) => {
    if (out.includes(f) || visiting.has(f)) return;
    visiting.add(f);
    for (const other of needs(f)) if (other !== f) visit(other);
    out.push(f);
  };
  const identities = (f: DataFile) => !!(f.organisations || f.people || f.queues);
  for (const f of [...files.filter(identities), ...files.filter((f) => !identities(f))]) visit(f);
  return out;
}

/** The pack a data file belongs to: the folder holding its `data/` folder (else its own folder). */
function packOf(fw: Formwork, file: DataFile): string {
  const path = fw.registry.current.sources.get(`data:${file.name}`)?.file ?? '';
  const dir = dirname(path);
  return basename(basename(dir) === 'data' ? dirname(dir) : dir) || file.name;
}

async function orgId(fw: Formwork, code: string, trx: Knex.Transaction, at: string): Promise<string> {
  const org = await fetchOrgByCode(fw, code, trx);
  if (!org) fail('validation_failed', `${at}: organisation "${code}" does not exist.`);
  return org.id;
}

/** Organisations, then queues, then people and their queue memberships, through the identity and queue layers. */
async function applyIdentities(
  fw: Formwork, file: DataFile, trx: Knex.Transaction, report: SeedReport, pw: SharedPassword | undefined,
): Promise<void> {
  for (const o of file.organisations ?? []) {
    let org = await fetchOrgByCode(fw, o.code, trx);
    if (!org) {
      org = await createOrg(fw, { code: o.code, name: o.name, mfaEmailFallback: o.mfaEmailFallback }, trx);
      report.organisations += 1;
    }
    // Codes are matched by code, like organisations: one recorded already (for any organisation) is left alone.
    for (const pc of o.partyCodes ?? []) {
      if (!(await trx('sys_party_code').where({ code: pc.code }).first('id'))) await createPartyCode(fw, { orgId: org.id, code: pc.code, name: pc.name }, trx);
    }
    const inactivity = o.inactivity ?? file.inactivity;
    if (inactivity) await applyInactivity(fw, trx, org.id, inactivity);
  }
  const newQueues: { id: string; members: string[] }[] = [];
  for (const q of file.queues ?? []) {
    if (await trx('sys_queue').where({ name: q.name }).first('id')) continue;
    const owner = q.org === undefined ? null : await orgId(fw, q.org, trx, `Queue "${q.name}"`);
    const id = await insertQueue(fw, { name: q.name, label: q.label, description: q.description ?? null, orgId: owner }, trx);
    newQueues.push({ id, members: membersOf(fw, q) });
    report.queues += 1;
  }
  // Memberships join what was created now: a new person joins their queues, a new queue gets its members.
  for (const { id, members } of newQueues) {
    for (const username of members) {
      const user = await trx('sys_user').where({ username_key: username.toLowerCase() }).first('id');
      if (user) await addQueueMember(fw, id, user.id, trx);
    }
  }
  const pack = packOf(fw, file);
  const created: { index: number; id: string }[] = [];
  for (const [index, p] of (file.people ?? []).entries()) {
    if (await trx('sys_user').where({ username_key: p.username.toLowerCase() }).first('id')) continue;
    const orgs = [];
    for (const code of p.orgs ?? []) orgs.push(await orgId(fw, code, trx, `Person "${p.username}"`));
    const user = await createUser(fw, {
      username: p.username, displayName: p.displayName, firstName: p.firstName, lastName: p.lastName, email: p.email, phone: p.phone,
      orgCode: p.org, orgs, roles: p.roles ?? [], userIds: p.partyCodes, passwordHash: pw!.hash,
      mustChangePassword: true, profileConfirmed: false,
    }, trx);
    for (const name of queuesOf(fw, p)) {
      const queue = await trx('sys_queue').where({ name }).first('id');
      if (queue) await addQueueMember(fw, queue.id, user.id, trx);
    }
    report.people.push({ username: p.username, displayName: user.display_name, org: p.org, roles: [...(p.roles ?? [])], pack });
    created.push({ index, id: user.id });
  }
  await applyManagers(fw, file, trx, created);
}

/**
 * A pack's inactivity settings for an organisation, once per organisation ever (a mark in sys_seed): applied only
 * while it has none of its own, and never again after — not when the file changes, nor after an administrator
 * cleared them (which deletes their row) — so seeding never undoes an administrator's choice.
 */
async function applyInactivity(fw: Formwork, trx: Knex.Transaction, orgId: string, settings: InactivityOverride): Promise<void> {
  const mark = `inactivity:${orgId}`;
  if (await trx('sys_seed').where({ name: mark }).first('name')) return;
  const at = fw.clock.now().toISOString();
  await seedOrgInactivity(fw, trx, orgId, settings, at);
  await trx('sys_seed').insert({ name: mark, hash: createHash('sha256').update(JSON.stringify(settings)).digest('hex'), applied_at: at });
}

/**
 * The line managers of the people just created, once every person of the file exists (a manager may come later in
 * the file). People already there keep theirs, as seeding changes no existing person. Errors: validation_failed
 * naming the file and the person when the manager does not exist or cannot be one.
 */
async function applyManagers(fw: Formwork, file: DataFile, trx: Knex.Transaction, created: { index: number; id: string }[]): Promise<void> {
  for (const { index, id } of created) {
    const name = file.people![index]!.manager;
    if (!name) continue;
    try {
      const manager = await resolveManager(fw, trx, id, name);
      await trx('sys_user').where({ id }).update({ manager_id: manager.id });
    } catch (e) {
      if (!isFormworkError(e)) throw e;
      const pointer = `/people/${index}/manager`;
      throw new FormworkError(e.code, `${fileLabel(fw, file)} ${pointer}: ${e.message}`, {
        fieldErrors: e.fieldErrors, extra: { ...e.extra, file: file.name, pointer }, cause: e,
      });
    }
  }
}

/** A queue's members: its own `members` and the people (in any data file) listing it under their `queues`. */
function membersOf(fw: Formwork, queue: DataQueue): string[] {
  const names = new Set(queue.members ?? []);
  for (const file of fw.registry.current.data.values()) {
    for (const p of file.people ?? []) if (p.queues?.includes(queue.name)) names.add(p.username);
  }
  return [...names];
}

/** The queues a person belongs to: their own `queues` and those (in any data file) listing them as a member. */
function queuesOf(fw: Formwork, person: DataPerson): Set<string> {
  const key = person.username.toLowerCase();
  const names = new Set(person.queues ?? []);
  for (const file of fw.registry.current.data.values()) {
    for (const q of file.queues ?? []) if (q.members?.some((m) => m.toLowerCase() === key)) names.add(q.name);
  }
  return names;
}

/** Where a data file was declared, for messages: `Data file "x" (definitions/p/data/x.json)`. */
function fileLabel(fw: Formwork, file: DataFile): string {
  const path = fw.registry.current.sources.get(`data:${file.name}`)?.file;
  return `Data file "${file.name}"${path ? ` (${path})` : ''}`;
}

/**
 * A record with its references by key replaced by the ids of the records they pick out (read as the system, in the
 * seeding transaction, so records created earlier in it count). Errors: validation_failed naming the file, the
 * record's pointer and the key, when no record or more than one has the key.
 */
async function resolveKeys(
  fw: Formwork, file: DataFile, table: ResolvedTable, index: number, record: RecordData, trx: Knex.Transaction,
): Promise<RecordData> {
  const out = { ...record };
  for (const [name, value] of Object.entries(record)) {
    const field = table.fields.get(name);
    if (field?.type !== 'reference' || !field.reference || !isRecordKey(value)) continue;
    const filter = { all: Object.entries(value).map(([k, v]) => ({ fact: `record.${k}`, operator: 'equal', value: v })) };
    const found = await fw.records.query(field.reference, { filter, limit: 2, withTotal: false, fields: ['id'] }, { actor: fw.systemActor, trx });
    if (found.records.length !== 1) {
      const what = found.records.length ? 'more than one record' : 'no record';
      fail('validation_failed', `${fileLabel(fw, file)} /records/${index}/${name}: ${what} of table "${field.reference}" has ${describeKey(value)}.`, {
        fieldErrors: [{ field: name, code: 'reference_not_found', message: `${what} of table "${field.reference}" has ${describeKey(value)}.` }],
        extra: { file: file.name, pointer: `/records/${index}/${name}`, key: value },
      });
    }
    out[name] = found.records[0]!.id;
  }
  return out;
}

/** The file's records through the record service (as the system, or as the person `as` names); returns how many. */
async function applyRecords(fw: Formwork, file: DataFile, trx: Knex.Transaction): Promise<number> {
  if (!file.table || !file.records) return 0;
  const table = fw.registry.current.getTable(file.table);
  let actor: Actor = fw.systemActor;
  if (file.as !== undefined) {
    const user = await trx('sys_user').where({ username_key: file.as.toLowerCase() }).first('id', 'username', 'org_id');
    if (!user) fail('validation_failed', `${fileLabel(fw, file)}: person "${file.as}" does not exist.`);
    actor = await actorForUser(fw, user, { trx });
  }
  let n = 0;
  for (const [index, given] of file.records.entries()) {
    const record = await resolveKeys(fw, file, table, index, given, trx);
    try {
      if (file.key?.length) {
        const filter = { all: file.key.map((k) => ({ fact: `record.${k}`, operator: 'equal', value: record[k] ?? null })) };
        const existing = await fw.records.query(file.table, { filter, limit: 1, withTotal: false, fields: ['id'] }, { actor: fw.systemActor, trx });
        if (existing.records.length) continue;
      }
      await fw.records.createOne(file.table, record, { actor, trx });
    } catch (e) {
      // Name the file and the record: at start, this error is all the configurator sees.
      if (!isFormworkError(e)) throw e;
      throw new FormworkError(e.code, `${fileLabel(fw, file)} /records/${index}: ${e.message}`, {
        fieldErrors: e.fieldErrors, extra: { ...e.extra, file: file.name, pointer: `/records/${index}` }, cause: e,
      });
    }
    n += 1;
  }
  return n;
}

/**
 * The SSI incident pack (definitions/ssi, seed 000 SSI-FR-22 to SSI-FR-34a) beyond its FRs: what happens to an
 * incident over time and who hears of it.
 *  - auto-close: a resolved incident closes itself 5 working days after resolution (the default schedule of
 *    definitions/core/calendars, England & Wales bank holidays), also when the engine restarted in between;
 *  - notifications (assigned to you, awaiting your information, resolved): in-app and by email through the outbox
 *    to a real SMTP server on loopback, only to the people named, never to another organisation nor to the person
 *    who caused it;
 *  - SLAs per priority: the right one starts on raising (or when the desk sets the priority), pauses while the
 *    incident awaits the User and resumes, stops on resolution, with working-time elapsed and remaining;
 *  - attachments of an incident and of an update (SSI-FR-22, SSI-FR-30: "A file attachment"): seen by the raising
 *    organisation and the desk, not by another organisation.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig, type Config } from '../../../platform/config.js';
import { openDatabase, type Database } from '../../../platform/db/connection.js';
import { createEngine, type Engine } from '../../../platform/engine.js';
import { createLogger } from '../../../platform/log.js';
import { createMailer, dispatchNotifications, sendPendingMail, type Mailer } from '../../../platform/notify/index.js';
import type { RecordData } from '../../../platform/records/types.js';
import { setQueueMember, TimerRunner, workflowService } from '../../../platform/workflow/index.js';
import { createToken, serve, type RunningServer } from '../../support/auth.js';
import { createTestDatabase, DB_KIND, type TestDatabase } from '../../support/db.js';
import { packRoot, REPO, steppingClock, type TestEngine } from '../../support/engine.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp.js';
import { apiClient, person, workflowEngine, type Call, type Person } from '../../platform/workflow/support.js';

const ROOTS = [packRoot('core'), packRoot('ssi')];
const QUEUES = ['ssi_service_desk', 'ssi_premises_resolvers', 'ssi_comms_hub_resolvers'];
const CONTACT = { requester_first_name: 'Ada', requester_last_name: 'Lovelace', requester_phone: '020 7946 0001', requester_email: 'ada@supplier-a.test' };
const TABLE = '/api/tables/ssi_incident';
const at = (id: unknown, suffix = '') => `${TABLE}/${String(id)}${suffix}`;
const H = 3_600_000;
const M = 60_000;

type Clock = ReturnType<typeof steppingClock>;

async function raise(call: Call, values: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const r = await call('POST', TABLE, { ...CONTACT, category: 'general', summary: 'Hub not responding', details: 'No response since Monday.', ...values });
  expect(r.status, JSON.stringify(r.body)).to.equal(201);
  return r.body.data as Record<string, any>;
}

async function transition(call: Call, id: unknown, name: string, body: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const r = await call('POST', at(id, `/transitions/${name}`), body);
  expect(r.status, `${name}: ${JSON.stringify(r.body)}`).to.equal(200);
  return r.body.data as Record<string, any>;
}

const RESOLUTION = { fields: { resolution_code: 'fixed', resolution_notes: 'Hub replaced by the field engineer.' } };

describe('SSI incident pack: auto-close, notifications, SLAs and attachments', () => {
  describe('auto-close: a resolved incident closes itself after 5 working days (England & Wales bank holidays)', () => {
    let fw: TestEngine;
    let server: RunningServer;
    const clock = steppingClock('2026-12-22T10:00:00.000Z');
    let raiser: Person;
    let desk: Person;
    let as: Record<'raiser' | 'desk', Call>;

    before(async () => {
      fw = await workflowEngine({ roots: ROOTS, clock });
      await fw.slaChecker?.stop();
      raiser = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_A');
      desk = await person(fw, ['ssi_service_desk_agent'], 'DCC');
      for (const q of QUEUES) await setQueueMember(fw, fw.systemActor, q, desk.username, true);
      server = await serve(fw);
      as = { raiser: await apiClient(fw, server, raiser), desk: await apiClient(fw, server, desk) };
    });
    after(async () => {
      await server?.close();
      await fw?.dispose();
    });

    const timersOf = (id: string) => workflowService(fw).timers.ofRecord(fw.db.knex, id);
    const state = async (id: string) => (await fw.records.readOne('ssi_incident', id, { actor: fw.systemActor })) as Record<string, any>;

    it('counts 5 working days of the default schedule past Christmas, the Boxing Day substitute and a weekend; a reopen cancels the timer and a new resolution starts another', async () => {
      // Resolved on Tuesday 22 December 2026, 10:00 UK time (GMT). Working days: Wed 23, Thu 24, (Fri 25 Christmas,
      // weekend, Mon 28 Boxing Day substitute), Tue 29, Wed 30, Thu 31: due Thursday 31 December, 10:00.
      const first = await raise(as.raiser, { summary: 'Closes itself' });
      const reopened = await raise(as.raiser, { summary: 'Reopened by the User' });
      expect(await timersOf(first.id)).to.deep.equal([]);
      const resolved = await transition(as.desk, first.id, 'resolve', RESOLUTION);
      expect(resolved).to.include({ state: 'resolved', resolved_at: '2026-12-22T10:00:00.000Z' });
      await transition(as.desk, reopened.id, 'resolve', RESOLUTION);
      expect((await timersOf(first.id)).map((t) => [t.timer, t.transition, t.dueAt])).to.deep.equal([['auto_close', 'close', '2026-12-31T10:00:00.000Z']]);

      // Thursday 24 December, 15:00: the User reopens the second one; the desk resolves it again an hour later.
      clock.set('2026-12-24T15:00:00.000Z');
      await transition(as.raiser, reopened.id, 'reopen', { comment: 'Still no readings.' });
      expect(await timersOf(reopened.id)).to.deep.equal([]);
      clock.set('2026-12-24T16:00:00.000Z');
      await transition(as.desk, reopened.id, 'resolve', RESOLUTION);
      // Tue 29, Wed 30, Thu 31, (Fri 1 January New Year's Day, weekend), Mon 4, Tue 5 January 2027, 16:00.
      expect((await timersOf(reopened.id)).map((t) => t.dueAt)).to.deep.equal(['2027-01-05T16:00:00.000Z']);

      const runner = new TimerRunner(workflowService(fw));
      clock.set('2026-12-31T09:59:00.000Z');
      expect((await runner.runOnce()).claimed).to.equal(0);
      expect(await state(first.id)).to.include({ state: 'resolved' });
      clock.advance(M);
      expect(await runner.runOnce()).to.deep.include({ claimed: 1, done: 1 });
      expect(await state(first.id)).to.include({ state: 'closed', status_reason: 'Closed' });
      expect(await state(reopened.id)).to.include({ state: 'resolved' });
      const history = await fw.records.history('ssi_incident', first.id, { actor: fw.systemActor });
      expect(history.find((h) => h.field === 'state' && h.newValue === 'closed')!.changedBy).to.equal('workflow:timer.auto_close for system');
      // The raiser sees it closed.
      expect((await as.raiser('GET', at(first.id))).body.data).to.include({ state: 'closed', status_reason: 'Closed' });

      clock.set('2027-01-05T15:59:00.000Z');
      expect((await runner.runOnce()).claimed).to.equal(0);
      clock.set('2027-01-05T16:00:00.000Z');
      expect(await runner.runOnce()).to.deep.include({ claimed: 1, done: 1 });
      expect(await state(reopened.id)).to.include({ state: 'closed' });
      clock.advance(30 * 24 * H);
      expect((await runner.runOnce()).claimed).to.equal(0);
    });

    it('does not run when the incident was closed by hand first', async () => {
      clock.set('2027-02-01T10:00:00.000Z'); // Monday
      const inc = await raise(as.raiser, { summary: 'Closed by the User' });
      await transition(as.desk, inc.id, 'resolve', RESOLUTION);
      expect((await timersOf(inc.id)).map((t) => t.dueAt)).to.deep.equal(['2027-02-08T10:00:00.000Z']);
      await transition(as.raiser, inc.id, 'close');
      expect(await timersOf(inc.id)).to.deep.equal([]);
      clock.set('2027-02-08T10:00:00.000Z');
      expect((await new TimerRunner(workflowService(fw)).runOnce()).claimed).to.equal(0);
      expect(await state(inc.id)).to.include({ state: 'closed' });
    });
  });

  describe('auto-close across an engine restart', () => {
    let testDb: TestDatabase;
    let config: Config;
    let filesDir: string;
    const engines: Engine[] = [];

    const reopenDb = (): Database => {
      const searchPath = (testDb.knex.client.config as { searchPath?: string[] }).searchPath?.[0];
      return DB_KIND === 'postgres' ? openDatabase(testDb.url, { searchPath }) : openDatabase(testDb.url);
    };
    const start = async (clock: Clock) => {
      const e = await createEngine({ ...config, definitionRoots: ROOTS }, { db: reopenDb(), clock, log: createLogger('silent'), timerPollMs: 0 });
      engines.push(e);
      return e;
    };

    before(async () => {
      testDb = await createTestDatabase();
      filesDir = mkdtempSync(join(tmpdir(), 'formwork-files-'));
      config = { ...readConfig({ DATABASE_URL: testDb.url }, REPO), databaseUrl: testDb.url, demoData: false, filesDir };
    });
    after(async () => {
      for (const e of engines.splice(0)) await e.close().catch(() => {});
      await testDb?.dispose();
      rmSync(filesDir, { recursive: true, force: true });
    });

    it('closes an incident resolved before the engine closed, once, from new engines on the same database', async () => {
      // Resolved on Wednesday 1 April 2026 at 14:00 UK time (13:00 UTC, summer time): Thu 2, (Good Friday, weekend,
      // Easter Monday), Tue 7, Wed 8, Thu 9, Fri 10 April, 14:00 UK time.
      const clock = steppingClock('2026-04-01T13:00:00.000Z');
      const first = await start(clock);
      const raiser = await person(first as TestEngine, ['ssi_service_management_user'], 'SUPPLIER_A');
      const desk = await person(first as TestEngine, ['ssi_service_desk_agent'], 'DCC');
      for (const q of QUEUES) await setQueueMember(first, first.systemActor, q, desk.username, true);
      const inc = await first.records.createOne('ssi_incident', { ...CONTACT, category: 'general', summary: 'Survives restarts', details: 'x' }, { actor: raiser.actor });
      await workflowService(first).transition('ssi_incident', inc.id as string, 'resolve', RESOLUTION, desk.actor);
      expect((await workflowService(first).timers.ofRecord(first.db.knex, inc.id as string)).map((t) => [t.timer, t.dueAt]))
        .to.deep.equal([['auto_close', '2026-04-10T13:00:00.000Z']]);
      await first.close();

      // Two instances come up later and poll at the same moment: a minute early, then on time.
      const later = steppingClock('2026-04-10T12:59:00.000Z');
      const [a, b] = [await start(later), await start(later)];
      expect(a.workflow.timers.started).to.equal(false);
      expect((await a.workflow.timers.runOnce()).claimed).to.equal(0);
      later.advance(M);
      const results = await Promise.all([a.workflow.timers.runOnce(), b.workflow.timers.runOnce()]);
      expect(results.reduce((n, r) => n + r.claimed, 0)).to.equal(1);
      expect(results.reduce((n, r) => n + r.done, 0)).to.equal(1);
      const read = (e: Engine) => e.records.readOne('ssi_incident', inc.id as string, { actor: e.systemActor }) as Promise<RecordData>;
      expect(await read(a)).to.include({ state: 'closed', status_reason: 'Closed' });
      const closes = await a.db.knex('sys_event').where({ record_id: inc.id, name: 'workflow.transition' });
      expect(closes.map((e: { payload: string }) => JSON.parse(e.payload).transition)).to.deep.equal(['resolve', 'close']);
      await a.close();
      await b.close();

      // And never again after another restart.
      const third = await start(steppingClock('2026-05-01T12:00:00.000Z'));
      expect((await third.workflow.timers.runOnce()).claimed).to.equal(0);
      expect(await read(third)).to.include({ state: 'closed' });
    });
  });

  describe('notifications: in-app and by email, to the right people only', () => {
    let fw: TestEngine;
    let server: RunningServer;
    let smtp: TestSmtpServer;
    let mailer: Mailer;
    const clock = steppingClock('2026-11-23T10:00:00.000Z');
    const people = {} as Record<'raiser' | 'colleague' | 'otherOrg' | 'otherAdmin' | 'desk' | 'resolver', Person>;
    const as = {} as Record<keyof typeof people, Call>;

    before(async () => {
      smtp = await startSmtpServer();
      mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'DCC service desk <servicedesk@dcc.test>' }, createLogger('silent'));
      fw = await workflowEngine({ roots: ROOTS, clock });
      await fw.slaChecker?.stop();
      people.raiser = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_A');
      people.colleague = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_A');
      people.otherOrg = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_B');
      people.otherAdmin = await person(fw, ['ssi_org_admin'], 'SUPPLIER_B');
      people.desk = await person(fw, ['ssi_service_desk_agent'], 'DCC');
      people.resolver = await person(fw, ['ssi_service_desk_agent'], 'DCC');
      for (const q of QUEUES) {
        await setQueueMember(fw, fw.systemActor, q, people.desk.username, true);
        await setQueueMember(fw, fw.systemActor, q, people.resolver.username, true);
      }
      server = await serve(fw);
      for (const k of Object.keys(people) as (keyof typeof people)[]) as[k] = await apiClient(fw, server, people[k]);
    });
    after(async () => {
      await server?.close();
      await fw?.dispose();
      await smtp?.close();
    });

    /** Dispatch what happened and send the outbox to the loopback SMTP server. */
    const deliver = async () => {
      await dispatchNotifications(fw);
      const sent = await sendPendingMail(fw, { mailer });
      expect(sent.failed + sent.retried, 'no mail fails').to.equal(0);
    };
    /** The titles of a person's in-app notifications (GET /api/notifications) about one incident. */
    const feed = async (who: keyof typeof people, id: string): Promise<string[]> => {
      const r = await as[who]('GET', '/api/notifications?limit=100');
      expect(r.status).to.equal(200);
      return r.body.data.filter((n: { recordId: string }) => n.recordId === id).map((n: { title: string }) => n.title);
    };
    /** Who received mail about an incident, by subject. */
    const mailAbout = (number: string) => smtp.messages.filter((m) => m.subject.includes(number)).map((m) => [m.to.join(','), m.subject]);
    const everyoneBut = (...who: (keyof typeof people)[]) =>
      (Object.keys(people) as (keyof typeof people)[]).filter((k) => !who.includes(k));

    it('follows one incident: assigned (the resolver), awaiting information and resolved (the raiser); nobody else, never the one who acted', async () => {
      const inc = await raise(as.raiser, { summary: 'Readings missing for 40 premises' });
      const num = inc.number as string;
      await deliver();
      for (const who of Object.keys(people) as (keyof typeof people)[]) expect(await feed(who, inc.id), who).to.deep.equal([]);

      // The desk assigns it to the resolver: only the resolver hears, in-app and by email.
      await transition(as.desk, inc.id, 'assign', { fields: { assignment_group: 'ssi_service_desk', assigned_to: people.resolver.username, priority: '2' } });
      await deliver();
      await smtp.waitFor((m) => m.subject === `Incident ${num} assigned to you`);
      expect(await feed('resolver', inc.id)).to.deep.equal([`Incident ${num} assigned to you`]);
      for (const who of everyoneBut('resolver')) expect(await feed(who, inc.id), who).to.deep.equal([]);
      const assignedMail = smtp.messages.find((m) => m.subject === `Incident ${num} assigned to you`)!;
      expect(assignedMail.to).to.deep.equal([people.resolver.user.email]);
      expect(assignedMail.text).to.contain(`${num} (Readings missing for 40 premises), priority 2 - High.`);
      expect(assignedMail.text).to.contain(`/ssi_incident/${inc.id}`);

      // The resolver asks the User for information: only the raiser hears — not the colleague who may read it, nor
      // the resolver who asked.
      await transition(as.resolver, inc.id, 'start');
      await transition(as.resolver, inc.id, 'request_information', { comment: 'Please send the MPxNs affected.' });
      await deliver();
      const askMail = await smtp.waitFor((m) => m.subject === `Incident ${num} needs your information`);
      expect(askMail.to).to.deep.equal([people.raiser.user.email]);
      expect(askMail.text).to.contain(`The DCC service desk needs more information about incident ${num} (Readings missing for 40 premises).`);
      expect(await feed('raiser', inc.id)).to.deep.equal([`Incident ${num} needs your information`]);
      expect(await feed('resolver', inc.id)).to.deep.equal([`Incident ${num} assigned to you`]);
      for (const who of everyoneBut('raiser', 'resolver')) expect(await feed(who, inc.id), who).to.deep.equal([]);

      // The raiser provides it (nobody is told), the resolver resolves: only the raiser hears, with the resolution.
      await transition(as.raiser, inc.id, 'provide_information', { comment: '1200012345678, 1200012345679' });
      await deliver();
      await transition(as.resolver, inc.id, 'resolve', RESOLUTION);
      await deliver();
      const resolvedMail = await smtp.waitFor((m) => m.subject === `Incident ${num} resolved`);
      expect(resolvedMail.to).to.deep.equal([people.raiser.user.email]);
      expect(resolvedMail.text).to.contain('has been resolved: Hub replaced by the field engineer.');
      expect(resolvedMail.text).to.contain('Reopen it within 5 working days');
      expect(await feed('raiser', inc.id)).to.deep.equal([`Incident ${num} resolved`, `Incident ${num} needs your information`]);
      for (const who of everyoneBut('raiser', 'resolver')) expect(await feed(who, inc.id), who).to.deep.equal([]);

      // Every mail about it, and nothing more: one to the resolver, two to the raiser.
      expect(mailAbout(num).sort()).to.deep.equal([
        [people.raiser.user.email, `Incident ${num} needs your information`],
        [people.raiser.user.email, `Incident ${num} resolved`],
        [people.resolver.user.email, `Incident ${num} assigned to you`],
      ].sort());
      const outbox = await fw.db.knex('sys_outbox').whereIn('subject', [`Incident ${num} assigned to you`, `Incident ${num} needs your information`, `Incident ${num} resolved`]);
      expect(outbox.map((o: { status: string }) => o.status)).to.deep.equal(['sent', 'sent', 'sent']);
    });

    it('tells nobody who assigned it to themselves, and refuses to assign it to a person of another organisation', async () => {
      const inc = await raise(as.raiser, { summary: 'Self-assigned' });
      const num = inc.number as string;
      await transition(as.desk, inc.id, 'assign', { fields: { assignment_group: 'ssi_service_desk', assigned_to: people.desk.username } });
      await deliver();
      for (const who of Object.keys(people) as (keyof typeof people)[]) expect(await feed(who, inc.id), who).to.deep.equal([]);

      // A person of another organisation cannot work on the incident: the assignment is refused, nobody is told.
      const refused = await as.desk('POST', at(inc.id, '/transitions/assign'), { fields: { assignment_group: 'ssi_service_desk', assigned_to: people.otherOrg.username } });
      expect(refused.status).to.equal(422);
      expect(refused.body.errors).to.deep.equal([{ field: 'assigned_to', code: 'not_permitted', message: `${people.otherOrg.username} cannot work on this record.` }]);
      await deliver();
      expect((await as.otherOrg('GET', at(inc.id))).status).to.equal(404);
      for (const who of Object.keys(people) as (keyof typeof people)[]) expect(await feed(who, inc.id), who).to.deep.equal([]);

      // Assigned to the resolver after all: now they are.
      await transition(as.desk, inc.id, 'assign', { fields: { assignment_group: 'ssi_service_desk', assigned_to: people.resolver.username } });
      await deliver();
      await smtp.waitFor((m) => m.subject === `Incident ${num} assigned to you`);
      expect(await feed('resolver', inc.id)).to.deep.equal([`Incident ${num} assigned to you`]);
      expect(mailAbout(num)).to.deep.equal([[people.resolver.user.email, `Incident ${num} assigned to you`]]);
    });

    it('does not tell the raiser of their own change: a desk agent who raised an incident and resolves it', async () => {
      const inc = await raise(as.desk, { summary: 'Raised by the desk' });
      const num = inc.number as string;
      await transition(as.desk, inc.id, 'assign', { fields: { assignment_group: 'ssi_service_desk', assigned_to: people.desk.username } });
      await transition(as.desk, inc.id, 'request_information', { comment: 'Noting a question for myself.' });
      await transition(as.desk, inc.id, 'resolve', RESOLUTION);
      await deliver();
      for (const who of Object.keys(people) as (keyof typeof people)[]) expect(await feed(who, inc.id), who).to.deep.equal([]);
      expect(mailAbout(num)).to.deep.equal([]);
      // Resolved by someone else, the raising agent hears.
      const other = await raise(as.desk, { summary: 'Raised by the desk, resolved by a resolver' });
      await transition(as.resolver, other.id, 'resolve', RESOLUTION);
      await deliver();
      await smtp.waitFor((m) => m.subject === `Incident ${String(other.number)} resolved`);
      expect(await feed('desk', other.id)).to.deep.equal([`Incident ${String(other.number)} resolved`]);
      for (const who of everyoneBut('desk')) expect(await feed(who, other.id), who).to.deep.equal([]);
      expect(mailAbout(String(other.number))).to.deep.equal([[people.desk.user.email, `Incident ${String(other.number)} resolved`]]);
    });
  });

  describe('SLAs per priority: start, pause while awaiting the User, resume, stop', () => {
    let fw: TestEngine;
    let server: RunningServer;
    const clock = steppingClock('2026-11-23T10:00:00.000Z');
    let as: Record<'raiser' | 'colleague' | 'otherOrg' | 'desk', Call>;
    let deskName: string;

    before(async () => {
      fw = await workflowEngine({ roots: ROOTS, clock });
      // Nothing moves an SLA but the test's own writes and reads (the checker's breach marking is tested elsewhere).
      await fw.slaChecker?.stop();
      const raiser = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_A');
      const colleague = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_A');
      const otherOrg = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_B');
      const desk = await person(fw, ['ssi_service_desk_agent'], 'DCC');
      deskName = desk.username;
      for (const q of QUEUES) await setQueueMember(fw, fw.systemActor, q, desk.username, true);
      server = await serve(fw);
      as = {
        raiser: await apiClient(fw, server, raiser), colleague: await apiClient(fw, server, colleague),
        otherOrg: await apiClient(fw, server, otherOrg), desk: await apiClient(fw, server, desk),
      };
    });
    after(async () => {
      await server?.close();
      await fw?.dispose();
    });

    const slas = async (id: string, call: Call = as.raiser): Promise<Record<string, any>[]> => {
      const r = await call('GET', at(id, '/slas'));
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      return r.body.data;
    };
    const view = (s: Record<string, any>) => ({
      sla: s.sla, state: s.state, schedule: s.schedule, elapsedMs: s.elapsedMs, remainingMs: s.remainingMs, dueAt: s.dueAt,
    });

    it('priority 4 (the default): 5 working days of support hours start on raising and count only Monday to Friday, 09:00 to 17:00', async () => {
      clock.set('2026-11-23T10:00:00.000Z'); // Monday, GMT
      const inc = await raise(as.raiser);
      expect(inc.priority).to.equal('4');
      expect((await slas(inc.id)).map(view)).to.deep.equal([
        { sla: 'ssi_incident_p4_resolution', state: 'active', schedule: 'uk_support_hours', elapsedMs: 0, remainingMs: 40 * H, dueAt: '2026-11-30T10:00:00.000Z' },
      ]);
      clock.set('2026-11-23T12:00:00.000Z');
      expect((await slas(inc.id)).map(view)[0]).to.include({ elapsedMs: 2 * H, remainingMs: 38 * H });
      // The evening and the night do not count.
      clock.set('2026-11-24T08:00:00.000Z');
      expect((await slas(inc.id)).map(view)[0]).to.include({ elapsedMs: 7 * H, remainingMs: 33 * H });
      // The raising organisation and the desk see it; another organisation does not.
      expect((await slas(inc.id, as.colleague)).map((s) => s.sla)).to.deep.equal(['ssi_incident_p4_resolution']);
      expect((await slas(inc.id, as.desk)).map((s) => s.sla)).to.deep.equal(['ssi_incident_p4_resolution']);
      expect((await as.otherOrg('GET', at(inc.id, '/slas'))).status).to.equal(404);
    });

    it('priority 3 set by the desk: P4 is cancelled, 3 working days start; paused while awaiting the User, resumed, stopped on resolution', async () => {
      clock.set('2026-11-23T10:00:00.000Z'); // Monday
      const inc = await raise(as.raiser, { summary: 'Pauses and resumes' });
      clock.set('2026-11-23T10:30:00.000Z');
      await transition(as.desk, inc.id, 'assign', { fields: { assignment_group: 'ssi_service_desk', assigned_to: deskName, priority: '3' } });
      let all = await slas(inc.id);
      expect(all.map(view)).to.deep.equal([
        { sla: 'ssi_incident_p4_resolution', state: 'cancelled', schedule: 'uk_support_hours', elapsedMs: 30 * M, remainingMs: 40 * H - 30 * M, dueAt: null },
        { sla: 'ssi_incident_p3_resolution', state: 'active', schedule: 'uk_support_hours', elapsedMs: 0, remainingMs: 24 * H, dueAt: '2026-11-26T10:30:00.000Z' },
      ]);

      // 12:30: the desk asks the User for information; the SLA pauses after 2 working hours.
      clock.set('2026-11-23T12:30:00.000Z');
      await transition(as.desk, inc.id, 'start');
      await transition(as.desk, inc.id, 'request_information', { comment: 'Which MPxNs?' });
      const p3 = async () => view((await slas(inc.id)).find((s) => s.sla === 'ssi_incident_p3_resolution')!);
      expect(await p3()).to.include({ state: 'paused', elapsedMs: 2 * H, remainingMs: 22 * H });
      clock.set('2026-11-24T11:00:00.000Z');
      expect(await p3()).to.include({ state: 'paused', elapsedMs: 2 * H, remainingMs: 22 * H });

      // Tuesday 11:00: the User answers; the clock runs again, its due time moved by the paused working time
      // (Monday 12:30-17:00 and Tuesday 09:00-11:00: 6.5 hours), from Thursday 10:30 to Thursday 17:00.
      await transition(as.raiser, inc.id, 'provide_information', { comment: '1200012345678' });
      clock.set('2026-11-24T12:00:00.000Z');
      expect(await p3()).to.deep.equal({ sla: 'ssi_incident_p3_resolution', state: 'active', schedule: 'uk_support_hours', elapsedMs: 3 * H, remainingMs: 21 * H, dueAt: '2026-11-26T17:00:00.000Z' });
      const paused = (await slas(inc.id)).find((s) => s.sla === 'ssi_incident_p3_resolution')!;
      // pausedMs is wall-clock time paused (Monday 12:30 to Tuesday 11:00); only working time moves the due time.
      expect(paused.pausedMs).to.equal(22.5 * H);

      // Wednesday 10:00: resolved. Elapsed: Monday 2 h, Tuesday 11:00-17:00 6 h, Wednesday 1 h.
      clock.set('2026-11-25T10:00:00.000Z');
      await transition(as.desk, inc.id, 'resolve', RESOLUTION);
      expect(await p3()).to.include({ state: 'stopped', elapsedMs: 9 * H, remainingMs: 15 * H });
      clock.set('2026-11-30T10:00:00.000Z');
      expect(await p3()).to.include({ state: 'stopped', elapsedMs: 9 * H, remainingMs: 15 * H });
      all = await slas(inc.id);
      expect(all.map((s) => [s.sla, s.state])).to.deep.equal([['ssi_incident_p4_resolution', 'cancelled'], ['ssi_incident_p3_resolution', 'stopped']]);
      expect(all[1]!.stoppedAt).to.equal('2026-11-25T10:00:00.000Z');
    });

    it('priority 2: 8 support hours, across the night', async () => {
      clock.set('2026-11-24T16:00:00.000Z'); // Tuesday 16:00
      const inc = await raise(as.raiser, { summary: 'Priority 2' });
      await transition(as.desk, inc.id, 'assign', { fields: { assignment_group: 'ssi_service_desk', assigned_to: deskName, priority: '2' } });
      const p2 = (await slas(inc.id)).find((s) => s.state !== 'cancelled')!;
      // Tuesday 16:00-17:00 and Wednesday 09:00-16:00.
      expect(view(p2)).to.deep.equal({ sla: 'ssi_incident_p2_resolution', state: 'active', schedule: 'uk_support_hours', elapsedMs: 0, remainingMs: 8 * H, dueAt: '2026-11-25T16:00:00.000Z' });
      clock.set('2026-11-25T10:00:00.000Z');
      expect(view((await slas(inc.id)).find((s) => s.sla === 'ssi_incident_p2_resolution')!)).to.include({ elapsedMs: 2 * H, remainingMs: 6 * H });
    });

    it('priority 1: 4 hours around the clock, from the moment the desk raises it at priority 1, paused and stopped the same way', async () => {
      clock.set('2026-11-27T22:00:00.000Z'); // Friday night
      const inc = await raise(as.desk, { summary: 'Priority 1', priority: '1' });
      expect((await slas(inc.id, as.desk)).map(view)).to.deep.equal([
        { sla: 'ssi_incident_p1_resolution', state: 'active', schedule: null, elapsedMs: 0, remainingMs: 4 * H, dueAt: '2026-11-28T02:00:00.000Z' },
      ]);
      clock.set('2026-11-28T00:00:00.000Z');
      await transition(as.desk, inc.id, 'assign', { fields: { assignment_group: 'ssi_service_desk', assigned_to: deskName } });
      await transition(as.desk, inc.id, 'request_information', { comment: 'Call us.' });
      clock.set('2026-11-28T05:00:00.000Z');
      expect(view((await slas(inc.id, as.desk))[0]!)).to.include({ state: 'paused', elapsedMs: 2 * H, remainingMs: 2 * H });
      await transition(as.desk, inc.id, 'resolve', RESOLUTION);
      clock.set('2026-11-28T09:00:00.000Z');
      expect(view((await slas(inc.id, as.desk))[0]!)).to.include({ state: 'stopped', elapsedMs: 2 * H, remainingMs: 2 * H });
    });
  });

  describe('attachments of an incident and of its updates', () => {
    let fw: TestEngine;
    let server: RunningServer;
    const clock = steppingClock('2026-11-23T10:00:00.000Z');
    let as: Record<'raiser' | 'colleague' | 'otherOrg' | 'desk', Call>;
    const tokens: Record<string, string> = {};

    before(async () => {
      fw = await workflowEngine({ roots: ROOTS, clock });
      await fw.slaChecker?.stop();
      const raiser = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_A');
      const colleague = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_A');
      const otherOrg = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_B');
      const desk = await person(fw, ['ssi_service_desk_agent'], 'DCC');
      for (const q of QUEUES) await setQueueMember(fw, fw.systemActor, q, desk.username, true);
      server = await serve(fw);
      as = {
        raiser: await apiClient(fw, server, raiser), colleague: await apiClient(fw, server, colleague),
        otherOrg: await apiClient(fw, server, otherOrg), desk: await apiClient(fw, server, desk),
      };
      // Raw-body calls (uploads and downloads) need the same people's tokens.
      for (const [k, p] of Object.entries({ raiser, colleague, otherOrg, desk })) tokens[k] = await createToken(fw, p.username);
    });
    after(async () => {
      await server?.close();
      await fw?.dispose();
    });

    const upload = async (who: keyof typeof as, table: string, id: string, data: Buffer, type: string, name: string) => {
      const res = await fetch(`${server.url}/api/tables/${table}/${id}/attachments/attachment`, {
        method: 'POST', body: data as unknown as BodyInit,
        headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': type, 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}` },
      });
      const text = await res.text();
      return { status: res.status, body: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : null };
    };
    const download = async (who: keyof typeof as, href: string) => {
      const res = await fetch(server.url + href, { headers: { authorization: `Bearer ${tokens[who]}` } });
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const listed = async (who: keyof typeof as, table: string, id: string) => {
      const r = await as[who]('GET', `/api/tables/${table}/${id}/attachments`);
      return {
        status: r.status,
        names: r.status === 200 ? r.body.data.map((a: { fileName?: string; name?: string }) => a.fileName ?? a.name) : [],
        data: r.body?.data,
      };
    };

    it('the raiser attaches a file to the incident and to their update; the raising organisation and the desk see and download them, another organisation does not', async () => {
      const inc = await raise(as.raiser, { summary: 'With evidence' });
      const photo = Buffer.from('hub label: serial 00-DB-12-34-56-78-9A-BC\n');
      const onIncident = await upload('raiser', 'ssi_incident', inc.id, photo, 'text/plain', 'hub-label.txt');
      expect(onIncident.status, JSON.stringify(onIncident.body)).to.equal(201);

      // SSI-FR-30: an update with its type, text and a file attachment.
      const patched = await as.raiser('PATCH', at(inc.id), { update_type: 'additional_information', update_text: 'Log of the failed readings attached.' });
      expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
      const f = encodeURIComponent(JSON.stringify({ fact: 'record.incident', operator: 'equal', value: inc.id }));
      const [update] = (await as.raiser('GET', `/api/tables/ssi_incident_update?filter=${f}`)).body.data;
      const log = Buffer.from('date,mpxn,result\n2026-11-22,1200012345678,failed\n');
      const onUpdate = await upload('raiser', 'ssi_incident_update', update.id, log, 'text/csv', 'readings.csv');
      expect(onUpdate.status, JSON.stringify(onUpdate.body)).to.equal(201);

      // The desk replies with a file on the incident.
      const reply = await upload('desk', 'ssi_incident', inc.id, Buffer.from('Reset procedure v2\n'), 'text/plain', 'reset-procedure.txt');
      expect(reply.status, JSON.stringify(reply.body)).to.equal(201);

      for (const who of ['raiser', 'colleague', 'desk'] as const) {
        const onInc = await listed(who, 'ssi_incident', inc.id);
        expect(onInc.status, who).to.equal(200);
        expect(onInc.names, who).to.have.members(['hub-label.txt', 'reset-procedure.txt']);
        const onUpd = await listed(who, 'ssi_incident_update', update.id);
        expect(onUpd.names, who).to.deep.equal(['readings.csv']);
        const got = await download(who, onUpd.data[0].href);
        expect(got.status, who).to.equal(200);
        expect(got.bytes.equals(log), who).to.equal(true);
        const label = onInc.data.find((a: { href: string; fileName?: string; name?: string }) => (a.fileName ?? a.name) === 'hub-label.txt');
        expect((await download(who, label.href)).bytes.equals(photo), who).to.equal(true);
      }

      // Another organisation: not the incident, not the update, not the files, not even by their links.
      expect((await listed('otherOrg', 'ssi_incident', inc.id)).status).to.equal(404);
      expect((await listed('otherOrg', 'ssi_incident_update', update.id)).status).to.equal(404);
      expect((await download('otherOrg', onUpdate.body.data.href)).status).to.equal(404);
      expect((await download('otherOrg', onIncident.body.data.href)).status).to.equal(404);
      expect((await upload('otherOrg', 'ssi_incident', inc.id, Buffer.from('x'), 'text/plain', 'x.txt')).status).to.equal(404);
      expect((await upload('otherOrg', 'ssi_incident_update', update.id, Buffer.from('x'), 'text/plain', 'x.txt')).status).to.equal(404);
    });

    it('only the author attaches to an update, and only files of the accepted types', async () => {
      const inc = await raise(as.raiser, { summary: 'Author only' });
      await as.raiser('PATCH', at(inc.id), { update_type: 'additional_information', update_text: 'See attached.' });
      const f = encodeURIComponent(JSON.stringify({ fact: 'record.incident', operator: 'equal', value: inc.id }));
      const [update] = (await as.raiser('GET', `/api/tables/ssi_incident_update?filter=${f}`)).body.data;
      const colleague = await upload('colleague', 'ssi_incident_update', update.id, Buffer.from('not mine'), 'text/plain', 'mine.txt');
      expect(colleague.status, JSON.stringify(colleague.body)).to.equal(403);
      expect(colleague.body.code).to.equal('forbidden');
      const exe = await upload('raiser', 'ssi_incident_update', update.id, Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300)]), 'application/octet-stream', 'tool.exe');
      expect(exe.status, JSON.stringify(exe.body)).to.equal(415);
      expect((await listed('raiser', 'ssi_incident_update', update.id)).names).to.deep.equal([]);
    });
  });
});

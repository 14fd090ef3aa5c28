/**
 * Approvers `{ "managerOf": "<field>" }`: the line manager of the person a field of the record names (username or
 * user id), on a copy of the workflow test pack whose staged approval asks the manager of the ticket's requester.
 * Delegation works as for other approvers; a person without a manager (or whose manager cannot be asked) leaves
 * nobody to ask, which refuses the write (422) and says why. The lint checks the field like an approver `field`.
 */
import { expect } from 'chai';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRegistry } from '../../../platform/kinds.js';
import type { ApprovalView } from '../../../platform/workflow/index.js';
import { createDelegation, createQueue, setQueueMember } from '../../../platform/workflow/index.js';
import { expectError } from '../../support/errors.js';
import { steppingClock, type TestEngine } from '../../support/engine.js';
import { PACK, person, read, svc, ticket, workflowEngine, type Person } from './support.js';

type Doc = Record<string, any>;

/** The test pack with a `requester` field and the first stage of `appr_seq` asking the requester's line manager. */
function managerPack(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fw-manager-of-'));
  cpSync(PACK, dir, { recursive: true });
  const edit = (file: string, change: (d: Doc) => void) => {
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Doc;
    change(doc);
    writeFileSync(join(dir, file), JSON.stringify(doc));
  };
  edit('wf_ticket.json', (d) => { d.fields.requester = { type: 'string', label: 'Requester' }; });
  edit('workflow.json', (d) => {
    d.approvals.find((a: Doc) => a.name === 'manager_ok').approvers = [{ managerOf: 'requester' }];
  });
  return dir;
}

describe('workflow: approvals by the line manager (managerOf)', () => {
  let fw: TestEngine;
  let dir: string;
  const clock = steppingClock('2026-12-07T10:00:00.000Z');
  let agent: Person;
  let worker: Person;
  let boss: Person;
  let standIn: Person;
  let member: Person;

  const setManager = (who: Person, manager: Person | null) =>
    fw.db.knex('sys_user').where({ id: who.user.id }).update({ manager_id: manager?.user.id ?? null });

  before(async () => {
    dir = managerPack();
    fw = await workflowEngine({ roots: [dir], clock });
    agent = await person(fw, ['wf_agent'], 'ORG_A');
    worker = await person(fw, ['wf_agent'], 'ORG_A');
    boss = await person(fw, ['wf_viewer'], 'ORG_A');
    standIn = await person(fw, ['wf_viewer'], 'ORG_A');
    member = await person(fw, ['wf_agent'], 'ORG_A');
    await createQueue(fw, fw.systemActor, { name: 'approvers_q', label: 'Approvers' });
    await setQueueMember(fw, fw.systemActor, 'approvers_q', member.username, true);
    await setManager(worker, boss);
  });
  after(async () => {
    await fw?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An open ticket for `requester` moved into the staged approval state. */
  const asking = async (requester: string) => {
    const t = await ticket(fw, agent.actor, { requester });
    await svc(fw).transition('wf_ticket', t.id as string, 'submit', {}, agent.actor);
    await svc(fw).transition('wf_ticket', t.id as string, 'ask_seq', {}, agent.actor);
    return t.id as string;
  };
  const requests = (id: string): Promise<ApprovalView[]> => svc(fw).approvals.list('wf_ticket', id, agent.actor);

  it('asks the line manager of the person the field names, by username or user id, and the next stage follows', async () => {
    for (const requester of [worker.username.toUpperCase(), worker.user.id]) {
      const id = await asking(requester);
      const list = await requests(id);
      expect(list.map((a) => [a.approval, a.approver, a.status])).to.deep.equal([['manager_ok', boss.username, 'requested']]);
      const d = await svc(fw).approvals.decide('wf_ticket', id, list[0]!.id, 'approve', 'Yes', boss.actor);
      expect(d.outcome).to.equal('pending');
      expect((await requests(id)).filter((a) => a.status === 'requested').map((a) => [a.approval, a.approver])).to.deep.equal([['lead_ok', member.username]]);
    }
  });

  it('lets someone the manager delegated to decide for them', async () => {
    const id = await asking(worker.username);
    const request = (await requests(id))[0]!;
    await expectError(svc(fw).approvals.decide('wf_ticket', id, request.id, 'approve', undefined, standIn.actor), 'forbidden');
    await createDelegation(fw, boss.actor, { delegate: standIn.username });
    expect((await svc(fw).approvals.pendingFor(standIn.actor)).map((a) => a.id)).to.include(request.id);
    const d = await svc(fw).approvals.decide('wf_ticket', id, request.id, 'reject', 'Not now', standIn.actor);
    expect(d.approval).to.deep.include({ approver: boss.username, decidedBy: standIn.username, status: 'rejected' });
    expect(await read(fw, id)).to.include({ state: 'rejected' });
  });

  it('refuses the write (422, nothing changed) when the person has no manager, or their manager is disabled or cannot read it', async () => {
    const refused = async (requester: string) => {
      const t = await ticket(fw, agent.actor, { requester });
      await svc(fw).transition('wf_ticket', t.id as string, 'submit', {}, agent.actor);
      const e = await expectError(svc(fw).transition('wf_ticket', t.id as string, 'ask_seq', {}, agent.actor), 'validation_failed');
      expect(e.message).to.match(/Nobody can approve "manager_ok": none of its approvers \(the line manager of the person in "Requester"\)/);
      expect(e.fieldErrors?.map((f) => f.code)).to.deep.equal(['no_approvers']);
      expect(await read(fw, t.id)).to.include({ state: 'open' });
      expect(await requests(t.id as string)).to.deep.equal([]);
    };
    await refused(boss.username);
    await refused('nobody.at.all');
    const outsider = await person(fw, ['wf_viewer'], 'ORG_B');
    const managed = await person(fw, ['wf_agent'], 'ORG_A');
    await setManager(managed, outsider);
    await refused(managed.username);
    const idle = await person(fw, ['wf_viewer'], 'ORG_A');
    await setManager(managed, idle);
    await fw.db.knex('sys_user').where({ id: idle.user.id }).update({ status: 'disabled' });
    await refused(managed.username);
  });

  it('lint: the field must exist and hold a username or user id, following references like an approver field', () => {
    const docs = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Doc);
    const errorsWith = (managerOf: string) => {
      const copy = structuredClone(docs);
      copy.find((d) => d.kind === 'workflow')!.approvals.find((a: Doc) => a.name === 'manager_ok').approvers = [{ managerOf }];
      return buildRegistry(copy.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })))
        .errors.filter((e) => e.file.startsWith('workflow-')).map((e) => `${e.pointer}: ${e.message}`);
    };
    expect(errorsWith('requester')).to.deep.equal([]);
    const at = '/approvals/3/approvers/0/managerOf';
    expect(errorsWith('requestor')).to.have.length(1);
    expect(errorsWith('requestor')[0]).to.match(new RegExp(`^${at}: .*requestor`));
    expect(errorsWith('budget')).to.deep.equal([`${at}: Field "budget" of table "wf_ticket" is integer: "managerOf" names a field holding a username or a user id.`]);
    expect(errorsWith('title.name')[0]).to.match(new RegExp(`^${at}: Field "title" of table "wf_ticket" is not a reference`));
  });
});

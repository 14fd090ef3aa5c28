/**
 * Platform actions in the one action model: lint refuses unknown names, unknown, ill-typed and missing parameters
 * (file, pointer, what was expected) and any place but a transition; a transition runs the action inside its own
 * transaction as the person making it, with its parameters rendered and checked, and a refusal rolls the whole
 * transition back.
 */
import { expect } from 'chai';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DefinitionError } from '../../../platform/definitions/index.js';
import { fail } from '../../../platform/errors.js';
import { buildRegistry } from '../../../platform/kinds.js';
import { platformAction, registerPlatformAction, type PlatformActionContext } from '../../../platform/rules/platform-actions.js';
import { expectError } from '../../support/errors.js';
import type { TestEngine } from '../../support/engine.js';
import { PACK, person, read, svc, ticket, workflowEngine, type Person } from '../workflow/support.js';

type Doc = Record<string, any>;

const calls: { person: string | null; actor: string; values: Record<string, unknown>; stateInTransaction: unknown }[] = [];
registerPlatformAction({
  name: 'test_only.stamp',
  label: 'Stamp',
  description: 'A test action: records its call; refuses the note "refuse".',
  parameters: {
    note: { type: 'string', label: 'Note', required: true, maxLength: 20 },
    times: { type: 'integer', label: 'Times' },
  },
  async run(ctx: PlatformActionContext, values, trx) {
    const row = await trx(ctx.table.physical).where({ id: ctx.record.id }).first('state');
    calls.push({ person: ctx.person.username, actor: ctx.actor.username, values, stateInTransaction: row?.state });
    if (values.note === 'refuse') fail('forbidden', 'Refused by the test action.');
  },
});

const packDocs = (): Doc[] => readdirSync(PACK).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(PACK, f), 'utf8')) as Doc);

function errorsOf(defs: Doc[], prefix: string): string[] {
  const result = buildRegistry(defs.map((value, i) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value, i })));
  return result.errors.filter((e: DefinitionError) => e.file.startsWith(prefix)).map((e) => `${e.pointer}: ${e.message}${e.expected ? ` [${e.expected}]` : ''}`);
}

const withSubmitActions = (docs: Doc[], actions: unknown[]): Doc[] => docs.map((d) => {
  if (d.kind !== 'workflow') return d;
  const wf = structuredClone(d);
  wf.transitions.find((t: Doc) => t.name === 'submit').actions = actions;
  return wf;
});

describe('platform actions', () => {
  describe('lint', () => {
    it('accepts a registered action with its parameters given as literals or templates', () => {
      const docs = withSubmitActions(packDocs(), [{ type: 'platform', action: 'test_only.stamp', with: { note: '{{record.title}}', times: 2 } }]);
      expect(errorsOf(docs, 'workflow-')).to.deep.equal([]);
    });

    it('refuses an unknown action, naming the pointer and the actions there are', () => {
      const docs = withSubmitActions(packDocs(), [{ type: 'platform', action: 'test_only.stomp', with: { note: 'x' } }]);
      const errors = errorsOf(docs, 'workflow-');
      expect(errors).to.have.length(1);
      expect(errors[0]).to.match(/^\/transitions\/0\/actions\/0\/action: There is no platform action "test_only\.stomp"\./);
      expect(errors[0]).to.contain('test_only.stamp');
    });

    it('refuses unknown, ill-typed and missing parameters, each at its pointer', () => {
      const docs = withSubmitActions(packDocs(), [{ type: 'platform', action: 'test_only.stamp', with: { colour: 'red', times: 'many' } }]);
      const errors = errorsOf(docs, 'workflow-');
      expect(errors.map((e) => e.split(':')[0])).to.have.members([
        '/transitions/0/actions/0/with/colour', '/transitions/0/actions/0/with/times', '/transitions/0/actions/0/with',
      ]);
      expect(errors.find((e) => e.startsWith('/transitions/0/actions/0/with/colour'))).to.contain('takes no parameter "colour"');
      expect(errors.find((e) => e.startsWith('/transitions/0/actions/0/with:'))).to.contain('needs parameter "note"');
    });

    it('refuses a platform action in a business rule (transitions only)', () => {
      const rule = {
        kind: 'rule', name: 'stamp_on_create', table: 'wf_ticket', when: 'after', operations: ['create'], order: 1,
        actions: [{ type: 'platform', action: 'test_only.stamp', with: { note: 'x' } }],
      };
      const errors = errorsOf([...packDocs(), rule], 'rule-');
      expect(errors.some((e) => e.startsWith('/actions/0'))).to.equal(true);
    });
  });

  describe('in a transition', function () {
    this.timeout(60_000);
    let fw: TestEngine;
    let dir: string;
    let agent: Person;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'fw-platform-action-'));
      cpSync(PACK, dir, { recursive: true });
      const wf = JSON.parse(readFileSync(join(dir, 'workflow.json'), 'utf8')) as Doc;
      wf.transitions.find((t: Doc) => t.name === 'submit').actions = [
        { type: 'platform', action: 'test_only.stamp', with: { note: '{{record.title}}', times: 3 } },
      ];
      writeFileSync(join(dir, 'workflow.json'), JSON.stringify(wf));
      fw = await workflowEngine({ roots: [dir] });
      agent = await person(fw, ['wf_agent']);
    });
    after(async () => { await fw?.dispose(); rmSync(dir, { recursive: true, force: true }); });

    it('runs in the transition\'s transaction, after its write, as the person making it, with rendered and typed parameters', async () => {
      expect(platformAction('test_only.stamp')?.label).to.equal('Stamp');
      calls.length = 0;
      const t = await ticket(fw, agent.actor, { title: 'Stamp me' });
      await svc(fw).transition('wf_ticket', String(t.id), 'submit', {}, agent.actor);
      expect(calls).to.have.length(1);
      expect(calls[0]).to.deep.include({ person: agent.username, stateInTransaction: 'open' });
      expect(calls[0]!.actor).to.contain('workflow:');
      expect(calls[0]!.values).to.deep.equal({ note: 'Stamp me', times: 3 });
      expect((await read(fw, t.id)).state).to.equal('open');
    });

    it('a refusal by the action rolls the whole transition back', async () => {
      const t = await ticket(fw, agent.actor, { title: 'refuse' });
      await expectError(svc(fw).transition('wf_ticket', String(t.id), 'submit', {}, agent.actor), 'forbidden');
      expect((await read(fw, t.id)).state).to.equal('draft');
    });

    it('a rendered value its parameter refuses fails the transition with validation_failed naming it', async () => {
      const t = await ticket(fw, agent.actor, { title: 'A title far longer than twenty characters' });
      const e = await expectError(svc(fw).transition('wf_ticket', String(t.id), 'submit', {}, agent.actor), 'validation_failed');
      expect(JSON.stringify(e)).to.contain('with.note');
      expect((await read(fw, t.id)).state).to.equal('draft');
    });
  });
});

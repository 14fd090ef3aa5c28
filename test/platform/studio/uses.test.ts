/**
 * Where a definition or a field is used (platform/studio/uses.ts, GET /api/studio/uses): every referring definition,
 * with the pointer and words, indexed once per registry snapshot and again after a publish.
 */
import { expect } from 'chai';
import { loadRegistry } from '../../../platform/kinds.js';
import { findUses, type DefinitionUse } from '../../../platform/studio/uses.js';
import type { Registry } from '../../../platform/definitions/types.js';
import { expectError } from '../../support/errors.js';
import {
  gadgetForm, gadgetFormWithPolicy, gadgetMenu, gadgetTable, gadgetTableWithDetail, publishDefinitions, ROOTS, studioFixture,
  type StudioFixture,
} from './support.js';

/** A synchronous call as a promise, for expectError. */
const answer = (call: () => unknown) => Promise.resolve().then(call);
const at = (uses: DefinitionUse[], kind: string, name: string) => uses.filter((u) => u.kind === kind && u.name === name);

describe('Studio: where used', function () {
  this.timeout(60000);

  describe('the index over the core pack', () => {
    let registry: Registry;
    before(async () => { registry = (await loadRegistry(ROOTS)).registry!; });

    it('finds what refers to a table, each in words with its pointer', () => {
      const view = findUses(registry, 'table', 'task');
      expect(view.title).to.equal("Table 'Task'");
      expect(at(view.uses, 'workflow', 'task_lifecycle')).to.deep.include({
        kind: 'workflow', name: 'task_lifecycle', label: 'Task lifecycle', pointer: '/table', description: "Workflow 'Task lifecycle' runs this table",
      });
      expect(at(view.uses, 'table', 'incident').map((u) => [u.pointer, u.description]))
        .to.deep.equal([['/extends', "Table 'Incident' extends this table"]]);
      expect(at(view.uses, 'form', 'task').map((u) => u.pointer)).to.deep.equal(['/table']);
      expect(view.uses.some((u) => u.kind === 'role' && u.description.endsWith('grants access to it')), 'a role grants it').to.equal(true);
      expect(view.uses.some((u) => u.kind === 'menu' && u.description.includes('links to it')), 'a menu links to it').to.equal(true);
    });

    it('finds the uses of a field on its table and on the tables inheriting it, conditions and templates included', () => {
      const onIncident = findUses(registry, 'table', 'incident', 'priority');
      expect(onIncident.title).to.equal("Field 'Priority' of table 'Incident'");
      const read = at(onIncident.uses, 'workflow', 'task_lifecycle');
      expect(read).to.have.length(1);
      expect(read[0]!.pointer).to.match(/^\/assignmentRules\/\d+\/condition\/fact$/);
      expect(read[0]!.description).to.match(/^Workflow 'Task lifecycle' reads it in a condition in assignment rule '/);
      expect(at(onIncident.uses, 'form', 'incident')[0]!.description).to.match(/^Form 'Incident' shows it in section '/);
      const shortDescription = findUses(registry, 'table', 'task', 'short_description').uses;
      expect(shortDescription.some((u) => u.kind === 'notification' && u.description.includes('uses it in its text')), 'a notification template')
        .to.equal(true);
    });

    it('builds the index once per registry snapshot', () => {
      const first = findUses(registry, 'table', 'task');
      let builds = 0;
      registry.memo('studio.uses', () => { builds++; return new Map(); });
      expect(builds, 'the snapshot kept the index the first question built').to.equal(0);
      expect(findUses(registry, 'table', 'task')).to.deep.equal(first);
    });

    it('refuses a definition that does not exist and a field a table does not have', async () => {
      await expectError(answer(() => findUses(registry, 'table', 'nothing_here')), 'not_found');
      await expectError(answer(() => findUses(registry, 'table', 'task', 'no_such_field')), 'invalid_query');
      await expectError(answer(() => findUses(registry, 'form', 'task', 'priority')), 'invalid_query');
    });
  });

  describe('over the API', () => {
    let s: StudioFixture;
    before(async () => { s = await studioFixture(); });
    after(async () => { await s?.close(); });

    it('answers for a published field, and again after a publish adds a policy reading another', async () => {
      await publishDefinitions(s.studio, 'Gadgets', [gadgetTable, gadgetForm, gadgetMenu]);
      const table = (await s.studio.ok('GET', '/api/studio/uses?kind=table&name=gadget', undefined, 200)).data;
      expect(table.uses.map((u: DefinitionUse) => u.description)).to.include.members([
        "Form 'Gadget' shows records of this table", "Menu 'Gadgets' links to it in item 'Gadgets'",
      ]);
      const before = (await s.studio.ok('GET', '/api/studio/uses?kind=table&name=gadget&field=kind', undefined, 200)).data;
      expect(before.uses.map((u: DefinitionUse) => u.pointer)).to.deep.equal(['/sections/0/columns/0/1']);

      await publishDefinitions(s.studio, 'Detail', [gadgetTableWithDetail, gadgetFormWithPolicy]);
      const kind = (await s.studio.ok('GET', '/api/studio/uses?kind=table&name=gadget&field=kind', undefined, 200)).data;
      expect(kind.uses.map((u: DefinitionUse) => [u.pointer, u.description])).to.deep.equal([
        ['/sections/0/columns/0/1', "Form 'Gadget' shows it in section 1"],
        ['/uiPolicies/0/condition/fact', "Form 'Gadget' reads it in a condition in UI policy 'A complex gadget says what it does.'"],
      ]);
      const detail = (await s.studio.ok('GET', '/api/studio/uses?kind=table&name=gadget&field=detail', undefined, 200)).data;
      expect(detail.title).to.equal("Field 'Detail' of table 'Gadget'");
      expect(detail.uses.map((u: DefinitionUse) => u.description)).to.include("Form 'Gadget' changes it in UI policy 'A complex gadget says what it does.'");
    });

    it('answers problem details with stable codes', async () => {
      const missing = await s.studio.get('/api/studio/uses?name=gadget');
      expect([missing.status, missing.body.code]).to.deep.equal([400, 'invalid_query']);
      const unknown = await s.studio.get('/api/studio/uses?kind=form&name=nothing_here');
      expect([unknown.status, unknown.body.code]).to.deep.equal([404, 'not_found']);
      const badField = await s.studio.get('/api/studio/uses?kind=table&name=gadget&field=nope');
      expect([badField.status, badField.body.code]).to.deep.equal([400, 'invalid_query']);
    });
  });
});

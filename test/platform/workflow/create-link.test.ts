/**
 * A transition's `createRecord` effect with `link`: the created record is made in the same transaction, the
 * transitioned record's reference field points at it, the transition's result (and the HTTP answer's meta) names
 * it with its number, and the lint refuses a link that is not a reference to the created table.
 */
import { expect } from 'chai';
import { type DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import { createToken, serve, type RunningServer } from '../../support/auth.js';
import { fixture } from '../../support/engine.js';
import { person, svc, workflowEngine, type Person } from './support.js';
import type { TestEngine } from '../../support/engine.js';

describe('workflow: createRecord actions with link', () => {
  let fw: TestEngine;
  let planner: Person;
  let outsider: Person;

  before(async () => {
    fw = await workflowEngine({ roots: [fixture('packs/fetch')] });
    planner = await person(fw, ['fx_user'], 'FX_A');
    outsider = await person(fw, ['fx_user'], 'FX_B');
  });
  after(async () => { await fw?.dispose(); });

  const closedVisit = async () => {
    const place = await fw.records.createOne('fx_place', { name: 'Mill House', postcode: 'LS1 4AB', region: 'north' }, { actor: fw.systemActor });
    const v = await fw.records.createOne('fx_visit', { purpose: 'Survey', place: place.id }, { actor: planner.actor });
    await svc(fw).transition('fx_visit', String(v.id), 'close', {}, planner.actor);
    return v;
  };

  it('creates the record, links it and reports it with its new number', async () => {
    const v = await closedVisit();
    const r = await svc(fw).transition('fx_visit', String(v.id), 'revisit', {}, planner.actor);
    expect(r.created).to.have.length(1);
    const made = r.created[0]!;
    expect(made.table).to.equal('fx_visit');
    expect(made.number).to.match(/^VIS\d{7}$/).and.not.equal(v.number);
    expect(r.record.next_visit).to.equal(made.id);
    const copy = await fw.records.readOne('fx_visit', made.id, { actor: planner.actor });
    // The copy is a record of its own: initial state, the creator's organisation, fetched fields filled in.
    expect(copy).to.include({ purpose: 'Follow-up: Survey', previous_visit: v.id, state: 'open', place_postcode: 'LS1 4AB', org_id: planner.user.org_id, created_by: planner.user.id });
    // The link is in the history, and the guard now refuses a second follow-up.
    const history = await fw.records.history('fx_visit', String(v.id), { actor: planner.actor });
    expect(history.some((h) => h.field === 'next_visit' && h.newValue === made.id)).to.equal(true);
    const again = await svc(fw).transition('fx_visit', String(v.id), 'revisit', {}, planner.actor).then(() => null, (e: { code?: string }) => e.code);
    expect(again).to.equal('invalid_transition');
  });

  it('answers the created records in the HTTP meta', async () => {
    const server: RunningServer = await serve(fw);
    try {
      const v = await closedVisit();
      const token = await createToken(fw, planner.username);
      const res = await fetch(`${server.url}/api/tables/fx_visit/${String(v.id)}/transitions/revisit`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}',
      });
      expect(res.status).to.equal(200);
      const body = await res.json() as {
        data: Record<string, unknown>;
        meta: { created: { table: string; id: string; number: string }[] };
      };
      expect(body.meta.created).to.have.length(1);
      expect(body.meta.created[0]).to.include({ table: 'fx_visit', id: body.data.next_visit });
      // Someone of another organisation cannot even see the record.
      const other = await createToken(fw, outsider.username);
      const hidden = await fetch(`${server.url}/api/tables/fx_visit/${body.meta.created[0]!.id}`, { headers: { authorization: `Bearer ${other}` } });
      expect(hidden.status).to.equal(404);
    } finally {
      await server.close();
    }
  });

  it('rolls everything back when the created record is refused', async () => {
    const v = await closedVisit();
    // A dangling reference (written behind the engine's back) makes the copy invalid.
    await fw.db.knex('fx_visit').where({ id: v.id }).update({ place: '018f0000-0000-7000-8000-00000000dead' });
    const before = await fw.db.knex('fx_visit').count({ n: '*' }).first();
    const err = await svc(fw).transition('fx_visit', String(v.id), 'revisit', {}, planner.actor).then(() => null, (e: { code?: string }) => e.code);
    expect(err).to.equal('validation_failed');
    const after = await fw.db.knex('fx_visit').count({ n: '*' }).first();
    expect(Number(after!.n)).to.equal(Number(before!.n));
    const row = await fw.db.knex('fx_visit').where({ id: v.id }).first();
    expect(row).to.include({ next_visit: null, state: 'closed', version: 2 });
  });

  it('lint: the link must be a reference field to the created table', () => {
    const tables = [
      { kind: 'table', name: 'a', fields: { s: { type: 'choice', choices: [{ value: 'x', label: 'X' }] }, title: { type: 'string' }, other: { type: 'reference', reference: 'b' } } },
      { kind: 'table', name: 'b', fields: { title: { type: 'string' } } },
    ];
    const wf = (link: string) => ({
      kind: 'workflow', name: 'w', table: 'a', stateField: 's', initialState: 'x', states: { x: { label: 'X', category: 'open' } },
      transitions: [{ name: 't', from: 'x', to: 'x', label: 'T', actions: [{ type: 'createRecord', table: 'a', link, values: { title: 'copy' } }] }],
    });
    const errors = (link: string) => buildRegistry([...tables, wf(link)].map((value) => ({ file: `${value.kind}-${value.name}.json`, pointer: '', value })))
      .errors.map((e: DefinitionError) => `${e.pointer}: ${e.message}`);
    expect(errors('title')).to.deep.equal(['/transitions/0/actions/0/link: Field "title" must be a reference to table "a" (or a table it extends) to link the created record.']);
    expect(errors('other')).to.deep.equal(['/transitions/0/actions/0/link: Field "other" must be a reference to table "a" (or a table it extends) to link the created record.']);
    expect(errors('nope')[0]).to.match(/^\/transitions\/0\/actions\/0\/link: Field "nope" is not a field of table "a"/);
  });
});

/**
 * Dependent choices (`dependsOn` on a choice field, `for` on its options): the server refuses a value that does not
 * apply to the controlling field's value on create and update (422 `validation_failed` with a field error), the
 * metadata carries the declaration to the browser, and lint reports bad declarations with file and pointer. On
 * SQLite and PostgreSQL.
 */
import { expect } from 'chai';
import { type DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import type { Actor } from '../../../platform/records/types.js';
import { createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { createTestEngine, fixture, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

const ORG = '018f1111-0000-7000-8000-00000000000d';
const worker: Actor = { kind: 'user', id: '018f2222-0000-7000-8000-0000000000d1', username: 'worker', roles: ['dc_worker'], orgs: [ORG], orgId: ORG, userIds: [] };

describe('records: dependent choices (dependsOn)', () => {
  let fw: TestEngine;

  before(async () => {
    fw = await createTestEngine({ roots: [fixture('packs/dependent-choices')], clock: steppingClock() });
  });
  after(async () => { await fw.dispose(); });

  describe('create', () => {
    it('accepts options that apply to the controlling value, and those without `for`', async () => {
      for (const [activity, kind] of [['install', 'fit'], ['install', 'inspect'], ['maintenance', 'repair'], ['removal', 'other']]) {
        const r = await fw.records.createOne('dc_job', { title: `${activity} ${kind}`, activity, kind }, { actor: worker });
        expect([r.activity, r.kind]).to.deep.equal([activity, kind]);
      }
    });

    it('offers every option while the controlling field is empty', async () => {
      const r = await fw.records.createOne('dc_job', { title: 'Unsorted', kind: 'repair', tags: ['ladder', 'parts'] }, { actor: worker });
      expect(r.kind).to.equal('repair');
    });

    it('refuses an option that does not apply, with a field error naming both fields', async () => {
      const e = await expectError(fw.records.createOne('dc_job', { title: 'Bad', activity: 'install', kind: 'repair' }, { actor: worker }), 'validation_failed');
      expect(e.fieldErrors).to.have.length(1);
      expect(e.fieldErrors[0]).to.include({ field: 'kind', code: 'dependent_choice' });
      expect(e.fieldErrors[0]!.message).to.contain('Repair a unit').and.contain('Installation').and.contain('fit, inspect, other');
    });

    it('checks every value of a multiple choice, and a boolean controlling field as "true" / "false"', async () => {
      const tags = await expectError(fw.records.createOne('dc_job', { title: 'Tags', activity: 'removal', tags: ['ladder', 'parts'] }, { actor: worker }), 'validation_failed');
      expect(tags.fieldErrors.map((x) => [x.field, x.code])).to.deep.equal([['tags', 'dependent_choice']]);
      await expectError(fw.records.createOne('dc_job', { title: 'Off site', urgency: 'same_day' }, { actor: worker }), 'validation_failed');
      const ok = await fw.records.createOne('dc_job', { title: 'On site', on_site: true, urgency: 'same_day' }, { actor: worker });
      expect(ok.urgency).to.equal('same_day');
    });

    it('reports it with the other field errors in one refusal', async () => {
      const e = await expectError(fw.records.createOne('dc_job', { activity: 'install', kind: 'repair' }, { actor: worker }), 'validation_failed');
      expect(e.fieldErrors.map((x) => x.field)).to.have.members(['title', 'kind']);
    });
  });

  describe('update', () => {
    let id: string;
    beforeEach(async () => {
      id = (await fw.records.createOne('dc_job', { title: 'Job', activity: 'install', kind: 'fit' }, { actor: worker })).id as string;
    });

    it('refuses changing the controlling field when the stored value stops applying, naming the dependent field', async () => {
      const e = await expectError(fw.records.updateOne('dc_job', id, { activity: 'maintenance' }, { actor: worker }), 'validation_failed');
      expect(e.fieldErrors.map((x) => [x.field, x.code])).to.deep.equal([['kind', 'dependent_choice']]);
      expect((await fw.records.readOne('dc_job', id, { actor: worker })).activity).to.equal('install');
    });

    it('refuses a dependent value that does not apply to the stored controlling value', async () => {
      await expectError(fw.records.updateOne('dc_job', id, { kind: 'repair' }, { actor: worker }), 'validation_failed');
    });

    it('accepts changing both together, clearing the dependent value, or changing an unrelated field', async () => {
      expect((await fw.records.updateOne('dc_job', id, { activity: 'maintenance', kind: 'repair' }, { actor: worker })).kind).to.equal('repair');
      expect((await fw.records.updateOne('dc_job', id, { activity: 'removal', kind: null }, { actor: worker })).kind).to.equal(null);
      expect((await fw.records.updateOne('dc_job', id, { title: 'Renamed' }, { actor: worker })).title).to.equal('Renamed');
    });

    it('holds the system actor to it too', async () => {
      await expectError(fw.records.updateOne('dc_job', id, { activity: 'removal' }, { actor: fw.systemActor }), 'validation_failed');
    });
  });

  describe('over HTTP', () => {
    let server: RunningServer;
    let token: string;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(server.url + path, {
        method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: await res.json() as any };
    };

    before(async () => {
      server = await serve(fw);
      const user = await createUser(fw, { roles: ['dc_worker'] });
      token = await createToken(fw, user.username);
    });
    after(async () => { await server.close(); });

    it('answers 422 validation_failed with the per-field message', async () => {
      const r = await call('POST', '/api/tables/dc_job', { title: 'Bad', activity: 'maintenance', kind: 'fit' });
      expect(r.status).to.equal(422);
      expect(r.body.code).to.equal('validation_failed');
      expect(r.body.errors).to.have.length(1);
      expect(r.body.errors[0].field.replace(/^\//, '')).to.equal('kind');
      expect(r.body.errors[0].message).to.contain('Fit a unit');
      const ok = await call('POST', '/api/tables/dc_job', { title: 'Good', activity: 'maintenance', kind: 'repair' });
      expect(ok.status).to.equal(201);
    });

    it('passes dependsOn and each option\'s `for` to the browser', async () => {
      const r = await call('GET', '/api/meta/forms/dc_job');
      expect(r.status).to.equal(200);
      const kind = r.body.data.fields.kind;
      expect(kind.dependsOn).to.equal('activity');
      expect(kind.choices).to.deep.include({ value: 'inspect', label: 'Inspect a unit', for: ['install', 'maintenance'] });
      expect(kind.choices).to.deep.include({ value: 'other', label: 'Something else' });
      const table = await call('GET', '/api/meta/tables/dc_job');
      expect(table.body.data.fields.find((f: { name: string }) => f.name === 'urgency').dependsOn).to.equal('on_site');
    });
  });
});

describe('definitions: lint of dependent choices', () => {
  type Doc = Record<string, any>;
  const table = (fields: Doc): Doc => ({
    kind: 'table', name: 'lt_job', fields: {
      activity: { type: 'choice', choices: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
      note: { type: 'text' },
      tags: { type: 'choice', multiple: true, choices: [{ value: 'x', label: 'X' }] },
      ...fields,
    },
  });
  const lines = (errors: DefinitionError[]) => errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`);
  const build = (doc: Doc) => lines(buildRegistry([{ file: 'tables/lt_job.json', pointer: '', value: doc }]).errors);

  it('accepts a well-formed declaration (choice, string and boolean controlling fields)', () => {
    expect(build(table({
      kind: { type: 'choice', dependsOn: 'activity', choices: [{ value: 'k', label: 'K', for: ['a'] }, { value: 'l', label: 'L' }] },
      code: { type: 'string' },
      by_code: { type: 'choice', dependsOn: 'code', choices: [{ value: 'k', label: 'K', for: ['anything'] }] },
      flag: { type: 'boolean' },
      by_flag: { type: 'choice', dependsOn: 'flag', choices: [{ value: 'k', label: 'K', for: ['true'] }] },
    }))).to.deep.equal([]);
  });

  it('reports each problem with its file and JSON pointer', () => {
    expect(build(table({
      missing: { type: 'choice', dependsOn: 'nope', choices: [{ value: 'k', label: 'K' }] },
      on_text: { type: 'choice', dependsOn: 'note', choices: [{ value: 'k', label: 'K' }] },
      on_many: { type: 'choice', dependsOn: 'tags', choices: [{ value: 'k', label: 'K' }] },
      bad_for: { type: 'choice', dependsOn: 'activity', choices: [{ value: 'k', label: 'K', for: ['a', 'c'] }] },
      flag: { type: 'boolean' },
      bad_flag: { type: 'choice', dependsOn: 'flag', choices: [{ value: 'k', label: 'K', for: ['yes'] }] },
      stray_for: { type: 'choice', choices: [{ value: 'k', label: 'K', for: ['a'] }] },
      not_choice: { type: 'string', dependsOn: 'activity' },
      own: { type: 'choice', dependsOn: 'own', choices: [{ value: 'k', label: 'K' }] },
    }))).to.have.members([
      'tables/lt_job.json#/fields/missing/dependsOn: Field "nope" is not a field of table "lt_job".',
      'tables/lt_job.json#/fields/on_text/dependsOn: Field "note" is text: a controlling field holds one choice, string or boolean value.',
      'tables/lt_job.json#/fields/on_many/dependsOn: Field "tags" is a choice of several values: a controlling field holds one choice, string or boolean value.',
      'tables/lt_job.json#/fields/bad_for/choices/0/for/1: "c" is not a value of field "activity".',
      'tables/lt_job.json#/fields/bad_flag/choices/0/for/0: "yes" is not a value of field "flag".',
      'tables/lt_job.json#/fields/stray_for/choices/0/for: Option "k" lists the values it applies to, but field "stray_for" has no dependsOn naming the field they belong to.',
      'tables/lt_job.json#/fields/not_choice/dependsOn: Only choice fields can depend on another field; "not_choice" is string.',
      'tables/lt_job.json#/fields/own/dependsOn: Field "own" cannot depend on itself.',
    ]);
  });

  it('reports a cycle of dependent choices', () => {
    const errors = build(table({
      first: { type: 'choice', dependsOn: 'second', choices: [{ value: 'k', label: 'K' }] },
      second: { type: 'choice', dependsOn: 'first', choices: [{ value: 'k', label: 'K' }] },
    }));
    expect(errors).to.have.members([
      'tables/lt_job.json#/fields/first/dependsOn: Dependent choices form a cycle: first → second → first.',
      'tables/lt_job.json#/fields/second/dependsOn: Dependent choices form a cycle: second → first → second.',
    ]);
  });

  it('reports a default that does not apply to the controlling field\'s default', () => {
    expect(build(table({
      mode: { type: 'choice', default: 'a', choices: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
      sub: { type: 'choice', dependsOn: 'mode', default: 'k', choices: [{ value: 'k', label: 'K', for: ['b'] }] },
    }))).to.deep.equal(['tables/lt_job.json#/fields/sub/default: The default "k" does not apply when "mode" holds its default "a".']);
  });
});

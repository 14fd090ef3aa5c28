/**
 * Encryption at rest of fields declared `encrypted`: AES-256-GCM through the key ring, on SQLite and PostgreSQL.
 * The raw columns, field history and journal hold no plaintext; authorised readers get plaintext; encrypted
 * fields cannot be filtered or sorted; keys rotate.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createKeyRing, parseKeys, type KeyRing } from '../../../platform/access/crypto.js';
import { type DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import { KnexRecordService } from '../../../platform/records/index.js';
import type { Actor, RecordData } from '../../../platform/records/types.js';
import { createTestEngine, fixture, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

const ORG_A = '018f1111-0000-7000-8000-00000000000a';
const key = () => randomBytes(32).toString('base64');

describe('records: encryption at rest', () => {
  let fw: TestEngine;
  const clock = steppingClock();
  const k1 = key();
  const k2 = key();
  let ring1: KeyRing;
  let service: KnexRecordService;
  const agent: Actor = { kind: 'user', id: '018f2222-0000-7000-8000-0000000000e1', username: 'eve', roles: ['acc_agent'], orgs: [ORG_A], orgId: ORG_A, userIds: [] };

  const secretEntry = (over: RecordData = {}): RecordData => ({
    label: 'alpha', secret: 'correct horse battery staple', personal_email: 'someone@home.example',
    notes: 'Lives at 1 Example Road.\nPrefers phone calls.', hidden_secret: 'the hidden one', diary: 'Dear diary: met the vendor.', ...over,
  });
  const raw = (id: unknown) => fw.db.knex('vault').where({ id }).first();
  const PLAINTEXTS = ['correct horse', 'someone@home', 'Example Road', 'the hidden one', 'Dear diary'];
  const holdsNoPlaintext = (stored: string) => { for (const p of PLAINTEXTS) expect(stored).to.not.contain(p); };

  before(async () => {
    fw = await createTestEngine({ roots: [fixture('packs/access')], clock });
    ring1 = createKeyRing(parseKeys(`k1:${k1}`));
    service = new KnexRecordService({ db: fw.db, registry: fw.registry, clock, keys: ring1 });
  });
  after(async () => { await fw.dispose(); });

  it('stores encrypted fields as ciphertext under the current key and gives readers the plaintext', async () => {
    const made = await service.createOne('vault', secretEntry(), { actor: { ...fw.systemActor, orgId: ORG_A } });
    expect(made).to.include({ label: 'alpha', secret: 'correct horse battery staple', personal_email: 'someone@home.example' });
    const row = await raw(made.id);
    expect(row.label).to.equal('alpha');
    for (const column of ['secret', 'personal_email', 'notes', 'hidden_secret']) {
      expect(row[column], column).to.match(/^fw1:k1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
      holdsNoPlaintext(row[column]);
    }
    // Each value gets its own IV: equal plaintexts do not give equal ciphertexts.
    const twin = await service.createOne('vault', secretEntry({ label: 'twin' }), { actor: fw.systemActor });
    expect((await raw(twin.id)).secret).to.not.equal(row.secret);

    const back = await service.readOne('vault', made.id as string, { actor: fw.systemActor });
    expect(back).to.include({ secret: 'correct horse battery staple', notes: 'Lives at 1 Example Road.\nPrefers phone calls.', hidden_secret: 'the hidden one' });
    const listed = await service.query('vault', { filter: { fact: 'label', operator: 'equal', value: 'alpha' }, fields: ['label', 'secret'] }, { actor: fw.systemActor });
    expect(listed.records.map((r) => r.secret)).to.deep.equal(['correct horse battery staple']);
  });

  it('keeps field history and journal entries encrypted at rest, and opens them for authorised readers', async () => {
    const made = await service.createOne('vault', secretEntry({ label: 'history' }), { actor: fw.systemActor });
    clock.advance(1000);
    await service.updateOne('vault', made.id as string, { secret: 'new secret value', label: 'history 2', diary: 'Dear diary: second entry.' }, { actor: fw.systemActor });
    const audits = await fw.db.knex('sys_audit').where({ table_name: 'vault', record_id: made.id });
    expect(audits).to.have.length(2);
    for (const a of audits) {
      holdsNoPlaintext(a.changes);
      expect(a.changes).to.not.contain('new secret value');
    }
    expect(audits.map((a) => a.changes).join('')).to.contain('history 2');
    const journal = await fw.db.knex('sys_journal').where({ table_name: 'vault', record_id: made.id });
    expect(journal).to.have.length(2);
    for (const j of journal) {
      expect(j.body).to.match(/^fw1:k1:/);
      holdsNoPlaintext(j.body);
    }

    const history = await service.history('vault', made.id as string, { actor: fw.systemActor });
    const secret = history.filter((h) => h.field === 'secret').map((h) => [h.operation, h.oldValue, h.newValue]);
    expect(secret).to.have.deep.members([['insert', null, 'correct horse battery staple'], ['update', 'correct horse battery staple', 'new secret value']]);
    const entries = await service.journal('vault', made.id as string, { actor: fw.systemActor });
    expect(entries.map((e) => e.body)).to.deep.equal(['Dear diary: second entry.', 'Dear diary: met the vendor.']);
  });

  it('decrypts for a reader allowed to read the field, and masks the fields they may not read', async () => {
    const made = await service.createOne('vault', secretEntry({ label: 'masked' }), { actor: { ...fw.systemActor, orgId: ORG_A } });
    const seen = await service.readOne('vault', made.id as string, { actor: agent });
    expect(seen).to.include({ secret: 'correct horse battery staple', personal_email: 'someone@home.example' });
    expect(seen).to.not.have.property('hidden_secret');
    const history = await service.history('vault', made.id as string, { actor: agent });
    expect(history.find((h) => h.field === 'secret')!.newValue).to.equal('correct horse battery staple');
    expect(history.map((h) => h.field)).to.not.include('hidden_secret');
    expect((await service.journal('vault', made.id as string, { actor: agent })).map((e) => e.body)).to.deep.equal(['Dear diary: met the vendor.']);
    await expectError(service.query('vault', { filter: { fact: 'hidden_secret', operator: 'isEmpty' } }, { actor: agent }), 'unknown_field');
  });

  it('refuses to filter or sort on encrypted fields (invalid_query), for every actor', async () => {
    for (const actor of [fw.systemActor, agent]) {
      const filter = await expectError(service.query('vault', { filter: { fact: 'secret', operator: 'equal', value: 'x' } }, { actor }), 'invalid_query');
      expect(filter.message).to.match(/"secret".*encrypted at rest.*filter/);
      await expectError(service.query('vault', { filter: { not: { fact: 'personal_email', operator: 'contains', value: '@' } } }, { actor }), 'invalid_query');
      await expectError(service.query('vault', { filter: { fact: 'notes', operator: 'isEmpty' } }, { actor }), 'invalid_query');
      const sort = await expectError(service.query('vault', { sort: [{ field: 'secret', direction: 'asc' }] }, { actor }), 'invalid_query');
      expect(sort.message).to.match(/encrypted at rest.*sort/);
    }
  });

  it('rotates keys: old values still decrypt after a new key is put first, and writes use the new key', async () => {
    const old = await service.createOne('vault', secretEntry({ label: 'rotation' }), { actor: fw.systemActor });
    const rotated = new KnexRecordService({ db: fw.db, registry: fw.registry, clock, keys: createKeyRing(parseKeys(`k2:${k2},k1:${k1}`)) });
    expect((await rotated.readOne('vault', old.id as string, { actor: fw.systemActor })).secret).to.equal('correct horse battery staple');
    const fresh = await rotated.createOne('vault', secretEntry({ label: 'rotation 2' }), { actor: fw.systemActor });
    expect((await raw(fresh.id)).secret).to.match(/^fw1:k2:/);
    // A value rewritten after rotation is sealed with the new key; untouched ones keep the old key.
    await rotated.updateOne('vault', old.id as string, { secret: 'rotated secret' }, { actor: fw.systemActor });
    const row = await raw(old.id);
    expect(row.secret).to.match(/^fw1:k2:/);
    expect(row.notes).to.match(/^fw1:k1:/);
    const history = await rotated.history('vault', old.id as string, { actor: fw.systemActor });
    expect(history.filter((h) => h.field === 'secret').map((h) => h.newValue)).to.have.members(['rotated secret', 'correct horse battery staple']);
    // Without the old key, its values cannot be read: the configuration is wrong, and it says so.
    const newOnly = new KnexRecordService({ db: fw.db, registry: fw.registry, clock, keys: createKeyRing(parseKeys(`k2:${k2}`)) });
    const err = await expectError(newOnly.readOne('vault', old.id as string, { actor: fw.systemActor }), 'internal_error');
    expect(err.message).to.match(/key "k1".*not configured/);
  });

  it('never stores plaintext when no key ring is configured, and detects tampering', async () => {
    const keyless = new KnexRecordService({ db: fw.db, registry: fw.registry, clock });
    const before = (await keyless.query('vault', { fields: ['label'] }, { actor: fw.systemActor })).total;
    const err = await expectError(keyless.createOne('vault', { label: 'no keys', secret: 'plain' }, { actor: fw.systemActor }), 'internal_error');
    expect(err.message).to.match(/"secret" is encrypted at rest, but no encryption keys are configured/);
    expect((await keyless.query('vault', { fields: ['label'] }, { actor: fw.systemActor })).total).to.equal(before);
    const empty = await keyless.createOne('vault', { label: 'no secret' }, { actor: fw.systemActor });
    expect(empty.secret).to.equal(null);

    const made = await service.createOne('vault', secretEntry({ label: 'tamper' }), { actor: fw.systemActor });
    const row = await raw(made.id);
    const parts = (row.secret as string).split(':');
    const data = Buffer.from(parts[4]!, 'base64url');
    data[0] = data[0]! ^ 0xff;
    parts[4] = data.toString('base64url');
    await fw.db.knex('vault').where({ id: made.id }).update({ secret: parts.join(':') });
    let failed = false;
    try { await service.readOne('vault', made.id as string, { actor: fw.systemActor }); } catch { failed = true; }
    expect(failed, 'a modified ciphertext must not decrypt').to.equal(true);
  });

  describe('definitions', () => {
    const errorsOf = (...defs: Record<string, unknown>[]): DefinitionError[] =>
      buildRegistry(defs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value }))).errors;
    const table = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ kind: 'table', name: 'box', fields, ...extra });
    const messages = (errors: DefinitionError[]) => errors.map((e) => `${e.pointer}: ${e.message}`);

    it('accepts encrypted text-like fields and journals', () => {
      expect(errorsOf(table({ a: { type: 'string', encrypted: true }, b: { type: 'text', encrypted: true }, c: { type: 'email', encrypted: true }, d: { type: 'journal', encrypted: true } }))).to.deep.equal([]);
    });

    it('refuses encrypted fields that are unique, indexed, searchable, of a non-text type, or in a query condition', () => {
      expect(messages(errorsOf(table({ a: { type: 'string', encrypted: true, unique: true } })))).to.deep.equal(['/fields/a/unique: Field "a" is encrypted at rest and cannot be unique: equal values encrypt differently.']);
      expect(messages(errorsOf(table({ a: { type: 'string', encrypted: true, index: true } })))).to.deep.equal(['/fields/a/index: Field "a" is encrypted at rest: an index over ciphertext is useless.']);
      expect(messages(errorsOf(table({ a: { type: 'string', encrypted: true } }, { indexes: [{ fields: ['a'] }] })))[0]).to.match(/^\/indexes\/0\/fields\/0: .*encrypted/);
      expect(messages(errorsOf(table({ a: { type: 'string', encrypted: true } }, { searchable: ['a'] })))).to.deep.equal(['/searchable/0: Field "a" is encrypted at rest and cannot be searched.']);
      for (const type of ['integer', 'date', 'json', 'boolean']) {
        expect(messages(errorsOf(table({ a: { type, encrypted: true } })))[0], type).to.match(/^\/fields\/a\/encrypted: Field "a" is .*only text-like fields/);
      }
      const role = { kind: 'role', name: 'r', tables: [{ table: 'box', operations: ['read'], condition: { fact: 'record.a', operator: 'equal', value: 'x' } }] };
      expect(messages(errorsOf(table({ a: { type: 'string', encrypted: true } }), role))).to.deep.equal(['/tables/0/condition/fact: Field "a" is encrypted at rest and cannot be used in a query condition.']);
      expect(messages(errorsOf(table({ a: { type: 'string', encrypted: true } }, { userIdField: 'a' })))).to.deep.equal(['/userIdField: User ID field "a" is encrypted at rest and cannot scope rows.']);
    });
  });
});

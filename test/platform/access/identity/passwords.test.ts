import { expect } from 'chai';
import {
  assertPasswordPolicy, hashPassword, needsRehash, passwordProblems, temporaryPassword, verifyPassword,
} from '../../../../platform/access/identity/index.js';
import { expectError } from '../../../support/errors.js';

describe('Passwords', () => {
  it('hashes with scrypt as scrypt$ln=N,r=8,p=1$salt$hash, a fresh salt each time', async () => {
    const a = await hashPassword('a long enough passphrase', 10);
    const b = await hashPassword('a long enough passphrase', 10);
    expect(a).to.match(/^scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.to.equal(b);
    expect(await verifyPassword('a long enough passphrase', a)).to.equal(true);
    expect(await verifyPassword('a long enough passphrasE', a)).to.equal(false);
    expect(await verifyPassword('', a)).to.equal(false);
  });

  it('verifies the OWASP default cost (N = 2^17) too', async () => {
    const h = await hashPassword('the production cost', 17);
    expect(h).to.match(/^scrypt\$ln=17,/);
    expect(await verifyPassword('the production cost', h)).to.equal(true);
  });

  it('treats a malformed or foreign hash as no match', async () => {
    for (const h of ['', 'plain', 'scrypt$ln=10,r=8,p=1$$', '$2b$10$abcdefghijklmnopqrstuv', 'scrypt$ln=10,r=8,p=1$c2FsdA$!!!']) {
      expect(await verifyPassword('anything at all', h), h).to.equal(false);
    }
  });

  it('asks for a rehash when the cost or the parameters differ', async () => {
    const h = await hashPassword('a long enough passphrase', 10);
    expect(needsRehash(h, 10)).to.equal(false);
    expect(needsRehash(h, 17)).to.equal(true);
    expect(needsRehash(h.replace('r=8', 'r=4'), 10)).to.equal(true);
    expect(needsRehash('garbage', 10)).to.equal(true);
  });

  it('enforces the policy: 12 to 128 characters, not the username', async () => {
    expect(passwordProblems('eleven char', 'u')[0]).to.include({ code: 'too_short' });
    expect(passwordProblems('twelve chars', 'u')).to.deep.equal([]);
    expect(passwordProblems('x'.repeat(128), 'u')).to.deep.equal([]);
    expect(passwordProblems('x'.repeat(129), 'u')[0]).to.include({ code: 'too_long' });
    expect(passwordProblems('Someone.Long@x', 'someone.long@x')[0]).to.include({ code: 'same_as_username' });
    expect(passwordProblems(undefined, 'u')[0]).to.include({ code: 'required' });
    // Characters, not bytes or UTF-16 units: twelve emoji are twelve characters.
    expect(passwordProblems('🔑'.repeat(12), 'u')).to.deep.equal([]);
    const e = await expectError(Promise.resolve().then(() => assertPasswordPolicy('short', 'u')), 'validation_failed');
    expect(e.fieldErrors[0]).to.include({ field: 'new', code: 'too_short' });
  });

  it('generates temporary passwords that meet the policy and differ', () => {
    const a = temporaryPassword();
    expect(passwordProblems(a, 'admin')).to.deep.equal([]);
    expect(a).not.to.equal(temporaryPassword());
  });
});

/**
 * Demo people (the `people` of the packs' data files, seeded with one shared temporary password) made ready for a
 * browser sign-in: a known password, an enrolled authenticator with a known secret, no forced password change and a
 * confirmed profile, so a test signs in as `bea.service` exactly as the README names her.
 */
import * as OTPAuth from 'otpauth';
import { requireUser, setPassword } from '../../platform/access/identity/index.js';
import type { Formwork } from '../../platform/context.js';
import { TEST_PASSWORD, type TestUser } from './auth.js';

/** The seeded person `username`, able to sign in with {@link TEST_PASSWORD} and a TOTP code of the returned secret. */
export async function demoPerson(fw: Formwork, username: string): Promise<TestUser> {
  const row = await requireUser(fw, username);
  await setPassword(fw, row.id, TEST_PASSWORD, { mustChange: false });
  const secret = new OTPAuth.Secret({ size: 20 }).base32;
  await fw.db.knex('sys_user').where({ id: row.id }).update({
    totp_secret: fw.keys.encrypt(secret), totp_enrolled_at: fw.clock.now().toISOString(), mfa_method: 'totp', profile_confirmed: true,
  });
  return { user: await requireUser(fw, username), username, password: TEST_PASSWORD, secret };
}

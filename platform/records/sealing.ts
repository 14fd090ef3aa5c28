import type { KeyRing } from '../access/crypto.js';
import type { ResolvedField } from '../definitions/types.js';
import { fail } from '../errors.js';

/** How our ciphertexts start (see access/crypto.ts): `fw1:<keyId>:<iv>:<tag>:<data>`. */
const CIPHERTEXT = /^fw1:[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]*:[A-Za-z0-9_-]*:[A-Za-z0-9_-]*$/;

/**
 * Encryption at rest of `encrypted` fields: values are sealed (AES-256-GCM through the key ring) on their way to
 * the database — record columns, field history, journal bodies — and opened on the way back. Without a key ring,
 * sealing a value fails rather than storing plaintext. A value stored before its field was marked encrypted is
 * not ciphertext and is returned as stored (it is sealed at its next write).
 */
export class FieldSealer {
  readonly #keys: KeyRing | undefined;

  constructor(keys?: KeyRing) {
    this.#keys = keys;
  }

  seal(field: Pick<ResolvedField, 'name' | 'encrypted'>, value: unknown): unknown {
    if (!field.encrypted || value === null || value === undefined) return value;
    if (!this.#keys) fail('internal_error', `Field "${field.name}" is encrypted at rest, but no encryption keys are configured.`);
    return this.#keys.encrypt(typeof value === 'string' ? value : JSON.stringify(value));
  }

  open(field: Pick<ResolvedField, 'name' | 'encrypted'>, value: unknown): unknown {
    if (!field.encrypted || typeof value !== 'string' || !CIPHERTEXT.test(value)) return value;
    if (!this.#keys) fail('internal_error', `Field "${field.name}" is encrypted at rest, but no encryption keys are configured.`);
    return this.#keys.decrypt(value);
  }
}

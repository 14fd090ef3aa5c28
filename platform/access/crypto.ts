/**
 * Secrets at rest: AES-256-GCM with a key ring. Ciphertexts carry the id of the key that made them
 * (`fw1:<keyId>:<iv>:<tag>:<data>`, base64url parts), so keys rotate by putting a new key first: new values use
 * it, old values still decrypt with the older keys. Also: random tokens and SHA-256 digests for stored tokens.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config.js';
import { fail } from '../errors.js';

const PREFIX = 'fw1';

export interface KeyRing {
  /** Id of the key new values are encrypted with. */
  readonly currentId: string;
  encrypt(plain: string): string;
  decrypt(cipher: string): string;
  /** Whether a stored value is one of our ciphertexts. */
  isEncrypted(value: unknown): boolean;
}

/** Parse `keyId:base64key,…` (32-byte keys). */
export function parseKeys(spec: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = part.indexOf(':');
    const id = i > 0 ? part.slice(0, i) : '';
    const key = Buffer.from(part.slice(i + 1), 'base64');
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
      fail('internal_error', 'FORMWORK_ENCRYPTION_KEYS must be comma-separated keyId:base64 pairs of 32-byte keys.');
    }
    keys.set(id, key);
  }
  if (!keys.size) fail('internal_error', 'FORMWORK_ENCRYPTION_KEYS holds no key.');
  return keys;
}

export function createKeyRing(keys: Map<string, Buffer>): KeyRing {
  const [currentId, current] = [...keys.entries()][0]!;
  return {
    currentId,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      // The key id is authenticated too: a ciphertext cannot be replayed under another key id.
      cipher.setAAD(Buffer.from(currentId));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [PREFIX, currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join(':');
    },
    decrypt(value) {
      const parts = value.split(':');
      if (parts.length !== 5 || parts[0] !== PREFIX) fail('internal_error', 'A stored secret is not in the expected format.');
      const [, id, iv, tag, data] = parts as [string, string, string, string, string];
      const key = keys.get(id);
      if (!key) fail('internal_error', `A stored secret was encrypted with key "${id}", which is not configured.`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
    isEncrypted(value) {
      return typeof value === 'string' && value.startsWith(`${PREFIX}:`) && value.split(':').length === 5;
    },
  };
}

/**
 * The key ring from configuration, or a key generated once into the data folder (mode 0600) for the embedded
 * default. A cluster must configure FORMWORK_ENCRYPTION_KEYS so every instance shares the keys.
 */
export function keyRingFromConfig(config: Pick<Config, 'encryptionKeys' | 'dataDir'>): KeyRing {
  if (config.encryptionKeys) return createKeyRing(parseKeys(config.encryptionKeys));
  const file = join(config.dataDir, 'encryption.key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `local:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return createKeyRing(parseKeys(readFileSync(file, 'utf8').trim()));
}

/** A random token of `bytes` bytes (default 32 = 256 bits), base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex digest: how session ids, API tokens and one-time codes are stored. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

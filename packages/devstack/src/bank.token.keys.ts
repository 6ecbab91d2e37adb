// Keys that encrypt secrets at rest in a local run (bank provider tokens, signing keys): made once per data folder and
// kept beside the data (readable by this user only), so a restart can still decrypt what it stored.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Cipher keys (BANK_TOKEN_KEYS, SIGNING_KEY_ENCRYPTION_KEYS) for this data folder: `k1:<32 random bytes, base64>`, created on first use. */
export function localBankTokenKeys(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const keys = `k1:${randomBytes(32).toString('base64')}`;
  // `wx`: never overwrite a key another start wrote meanwhile (its ciphertexts would be lost).
  writeFileSync(file, `${keys}\n`, { mode: 0o600, flag: 'wx' });
  return keys;
}

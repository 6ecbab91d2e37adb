// Keys that encrypt secrets at rest, as configured: `k1:base64,k2:base64`, the first one encrypting,
// every one decrypting (so a key can be rotated in before the old one is retired).
import { z } from 'zod';

export interface CipherKey {
  id: string;
  key: Buffer;
}

/** The parsed keys, or a message saying what is wrong with the value. */
export function parseCipherKeys(value: string): CipherKey[] | string {
  const keys: CipherKey[] = [];
  for (const entry of value.split(',').map((e) => e.trim())) {
    if (!entry) continue;
    const at = entry.indexOf(':');
    const id = at > 0 ? entry.slice(0, at) : '';
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
      return `entry "${entry.slice(0, 8)}…" must be keyId:base64 (id of 1-32 letters, digits, _ or -)`;
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    if (key.length !== 32) return `key ${id} must be 32 bytes (AES-256) in base64, got ${key.length}`;
    if (keys.some((k) => k.id === id)) return `key id ${id} is listed twice`;
    keys.push({ id, key });
  }
  if (!keys.length) return 'must list at least one key';
  return keys;
}

const required = 'is required: comma-separated keyId:base64 AES-256 keys, e.g. k1:<32 bytes base64>';

/** A required variable holding cipher keys; a bad value stops start-up with the reason. */
export function cipherKeys() {
  return z
    .string({ error: required })
    .min(1, required)
    .transform((value, ctx): CipherKey[] => {
      const parsed = parseCipherKeys(value);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    });
}

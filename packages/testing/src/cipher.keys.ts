// A fresh cipher-keys setting (`id:<32 random bytes, base64>`) for a service under test.
import { randomBytes } from 'node:crypto';

export function testCipherKeys(id = 'k1'): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

// Header values the BFF's write rules ask for: a fresh Idempotency-Key per intended write, and
// If-Match from the version a screen was built on.

/** A fresh key for one intended write; reuse it when retrying that same write. */
export function idempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/** The If-Match header for a change based on `version` (a resource's `version` or its ETag). */
export function ifMatch(version: number | string): { 'If-Match': string } {
  const text = String(version);
  return { 'If-Match': text.startsWith('"') || text.startsWith('W/') ? text : `"${text}"` };
}

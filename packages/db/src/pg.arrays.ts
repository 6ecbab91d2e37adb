// A column of a multi-row write as one Postgres array literal, for `unnest(${pgArray(xs)}::type[])`:
// what the pg driver would send for the same array, without its per-element type checks, quoting
// of numbers and two regular-expression passes over every string (thousands of rows per statement).
// The embedded database reads the literal the same way through the statement's cast.

export type PgArrayElement = string | number | bigint | boolean | Date | Uint8Array | null | undefined;

const NEEDS_ESCAPE = /["\\]/;

export function pgArray(values: readonly PgArrayElement[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'string') out += `"${NEEDS_ESCAPE.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`;
    else if (typeof v === 'number' || typeof v === 'bigint') out += String(v);
    else if (typeof v === 'boolean') out += v ? 't' : 'f';
    else if (v instanceof Date) out += `"${v.toISOString()}"`;
    else out += `"\\\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}"`;
  }
  return `${out}}`;
}

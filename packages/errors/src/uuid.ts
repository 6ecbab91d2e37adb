import { AppError } from './app.error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Ids arrive as strings from callers; a malformed one is a 400 on its field, never a database error. */
export function requireUuid(value: string, field: string): string {
  if (!UUID.test(value)) throw AppError.invalidField(field, 'must be a UUID');
  return value.toLowerCase();
}

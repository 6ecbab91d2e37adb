import { AppError } from '@family/errors';

/** REST If-Match: 0 means no precondition; any other value must equal the current version. */
export function checkVersion(expected: number, current: number): void {
  if (expected && expected !== current) throw AppError.versionMismatch(current);
}

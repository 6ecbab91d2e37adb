import { v7 } from 'uuid';

/** A new UUIDv7: time-ordered, so primary-key indexes stay append-mostly. */
export function newId(): string {
  return v7();
}

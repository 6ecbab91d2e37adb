import { AppError, type FieldViolation } from './app.error.js';

/** Collects field violations while checking an input, then throws them all at once. */
export class Violations {
  readonly list: FieldViolation[] = [];

  add(field: string, message: string): this {
    this.list.push({ field, message });
    return this;
  }

  /** Adds a violation when `ok` is false. */
  check(ok: boolean, field: string, message: string): this {
    if (!ok) this.add(field, message);
    return this;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw AppError.invalid(this.list);
  }
}

// The family's own FX rate table: used for expenses in a foreign currency without an explicit rate.
import { AppError, Violations } from '@family/errors';
import { decodeCursor, pageLimit, toPage } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import { formatDecimal, isCurrency, parseRate } from '../domain/money.rules.js';
import type { ExpenseDeps } from './expense.deps.js';

export class FxRates {
  constructor(private readonly deps: ExpenseDeps) {}

  async list(caller: Caller, familyId: string, page: { limit: number; cursor: string }) {
    const actor = await this.deps.access.actor(caller, familyId);
    const limit = pageLimit(page.limit);
    let after: string | undefined;
    if (page.cursor) {
      const [c] = decodeCursor(page.cursor, 1);
      if (typeof c !== 'string') throw AppError.invalidField('cursor', 'is not a cursor from a previous page');
      after = c;
    }
    const rows = await this.deps.fxRates.list(actor.familyId, after, limit + 1);
    return { ...toPage(rows, limit, (r) => [r.currency]), baseCurrency: actor.family.currency };
  }

  async set(caller: Caller, familyId: string, currency: string, rate: string) {
    const actor = await this.deps.access.parent(caller, familyId);
    const code = currency.toUpperCase();
    const v = new Violations();
    v.check(isCurrency(code), 'currency', 'must be an ISO 4217 currency code such as USD');
    v.check(code !== actor.family.currency, 'currency', 'is the family base currency');
    const parsed = parseRate(rate);
    v.check(parsed !== undefined, 'rate', 'must be a positive decimal such as 1.0825');
    v.throwIfAny();
    const row = await this.deps.fxRates.upsert(this.deps.db, {
      family_id: actor.familyId,
      currency: code,
      rate: formatDecimal(parsed!),
      updated_by_member_id: actor.memberId,
    });
    return { row, baseCurrency: actor.family.currency };
  }
}

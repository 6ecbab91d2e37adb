// The family's own FX rate table: used for expenses in a foreign currency without an explicit rate.
import { Violations } from '@family/errors';
import { pageLimit, toPage } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import { currencyRefusal } from '@family/service-kit/money';
import { formatDecimal, parseRate } from '../domain/money.rules.js';
import type { ExpenseDeps } from './expense.deps.js';
import { afterText } from './page.cursors.js';

export class FxRates {
  constructor(private readonly deps: ExpenseDeps) {}

  async list(caller: Caller, familyId: string, page: { limit: number; cursor: string }) {
    const actor = await this.deps.access.actor(caller, familyId);
    const limit = pageLimit(page.limit);
    const rows = await this.deps.fxRates.list(actor.familyId, afterText(page.cursor), limit + 1);
    return { ...toPage(rows, limit, (r) => [r.currency]), baseCurrency: actor.family.currency };
  }

  async set(caller: Caller, familyId: string, currency: string, rate: string) {
    const actor = await this.deps.access.parent(caller, familyId);
    const code = currency.toUpperCase();
    const v = new Violations();
    const refusal = currencyRefusal(code);
    if (refusal) v.add('currency', refusal);
    v.check(code !== actor.family.currency, 'currency', 'is the family base currency');
    const parsed = parseRate(rate);
    v.check(parsed !== undefined, 'rate', 'must be a positive decimal such as 1.0825');
    v.throwIfAny();
    const saved = await this.deps.fxRates.upsert(this.deps.db, {
      familyId: actor.familyId,
      currency: code,
      rate: formatDecimal(parsed!),
      updatedByMemberId: actor.memberId,
    });
    return { rate: saved, baseCurrency: actor.family.currency };
  }
}

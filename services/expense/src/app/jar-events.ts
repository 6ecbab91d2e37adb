// Consumes domain events from other services (HandleEvents). jar.spent — a child's purchase paid
// from their SPEND jar — becomes one expense with source JAR, exactly once per event: the event id is
// recorded in the same transaction, and the ledger entry id is unique per family as well. member.*
// events drop what the family directory has cached about the family's members.
import { isUuid } from '@family/errors';
import { isUniqueViolation } from '@family/db';
import { requireScope, type Caller } from '@family/grpc-kit';
import { Scopes } from '@family/service-kit';
import type { Logger } from '@family/logger';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { dayOf, dayIn } from '@family/service-kit/calendar';
import { isKnownCurrency } from '@family/service-kit/money';
import { MAX_AMOUNT_MINOR } from '../domain/money.rules.js';
import { recordedBaseAmount } from '../domain/fx.rules.js';
import type { ExpenseDeps } from './expense.deps.js';
import type { ExpenseWriter } from './expense.writer.js';

export class EventIntake {
  constructor(
    private readonly deps: ExpenseDeps,
    private readonly writer: ExpenseWriter,
    private readonly logger: Logger,
  ) {}

  /** Handles a batch; returns how many were accepted (all of them unless the call fails). */
  async handle(caller: Caller, events: DomainEvent[]): Promise<number> {
    requireScope(caller, Scopes.EVENTS_WRITE);
    for (const event of events) {
      this.deps.families.handleEvent(event);
      if (event.payload?.$case === 'jarSpent') await this.jarSpent(event, event.payload.value);
    }
    return events.length;
  }

  private async jarSpent(
    event: DomainEvent,
    jar: Extract<NonNullable<DomainEvent['payload']>, { $case: 'jarSpent' }>['value'],
  ) {
    const amount = jar.amount;
    const valid =
      isUuid(event.id) &&
      isUuid(event.familyId) &&
      isUuid(jar.memberId) &&
      isUuid(jar.ledgerEntryId) &&
      amount !== undefined &&
      Number.isInteger(amount.amountMinor) &&
      amount.amountMinor > 0 &&
      amount.amountMinor <= MAX_AMOUNT_MINOR &&
      isKnownCurrency(amount.currency);
    if (!valid) {
      // Retrying a malformed event would fail forever: it is acknowledged and logged instead.
      this.logger.warn({ eventId: event.id, familyId: event.familyId }, 'ignoring a malformed jar.spent event');
      return;
    }
    const familyId = event.familyId.toLowerCase();
    const family = await this.deps.families.settings(familyId);
    await this.deps.defaultCategories.ensure(familyId);
    const rate =
      amount.currency === family.currency
        ? undefined
        : (await this.deps.fxRates.rates(familyId, [amount.currency])).get(amount.currency);
    const base = recordedBaseAmount({
      amountMinor: amount.amountMinor,
      currency: amount.currency,
      baseCurrency: family.currency,
      tableRate: rate,
    });
    if (base.fxRateSource === 'UNAVAILABLE') {
      this.logger.warn(
        { eventId: event.id, familyId, currency: amount.currency },
        'no FX rate for a jar.spent event; recorded with its rate unavailable',
      );
    }
    const category = isUuid(jar.categoryId)
      ? await this.deps.categories.byId(familyId, jar.categoryId.toLowerCase())
      : undefined;
    const occurredOn =
      (jar.occurredOn && dayOf(jar.occurredOn.year, jar.occurredOn.month, jar.occurredOn.day)) ||
      dayIn(family.timezone, event.occurredAt ?? this.deps.now());
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        if (!(await this.deps.processedEvents.markProcessed(trx, event.id, event.type))) return;
        if (await this.deps.expenses.byLedgerEntry(trx, familyId, jar.ledgerEntryId.toLowerCase())) return;
        await this.writer.create(
          trx,
          family,
          [
            {
              memberId: jar.memberId.toLowerCase(),
              amountMinor: amount.amountMinor,
              currency: amount.currency,
              ...base,
              occurredOn,
              description: (jar.description || 'Jar purchase').slice(0, 200),
              merchant: jar.merchant.slice(0, 100),
              categoryId: category && !category.archived ? category.id : null,
              tags: [],
              note: '',
              splits: [],
              source: 'JAR',
              createdByMemberId: null,
              ledgerEntryId: jar.ledgerEntryId.toLowerCase(),
            },
          ],
          { actorUserId: event.actorUserId || undefined },
        );
      });
    } catch (err) {
      // Another delivery of the same ledger entry committed first: that one is the expense.
      if (!isUniqueViolation(err)) throw err;
    }
  }
}

// Writes goals' domain events to the outbox inside the caller's transaction. jar.spent goes to every
// subscriber including the expense service (which records the purchase); every other event skips the
// expense service, which has no use for it.
import type { Kysely } from 'kysely';
import { newEvent, type EventPayload, type Outbox } from '@family/outbox';
import type { Money } from '@family/contracts/common/v1/common';

export class GoalEvents {
  constructor(
    private readonly general: Outbox,
    private readonly withExpense: Outbox,
  ) {}

  async emit(
    trx: Kysely<any>,
    input: { familyId: string; actorUserId?: string | undefined; occurredAt?: Date; payloads: EventPayload[] },
  ): Promise<void> {
    const events = input.payloads.map((payload) =>
      newEvent({
        source: 'goals',
        familyId: input.familyId,
        actorUserId: input.actorUserId,
        payload,
        ...(input.occurredAt ? { occurredAt: input.occurredAt } : {}),
      }),
    );
    const spends = events.filter((e) => e.type === 'jar.spent');
    const others = events.filter((e) => e.type !== 'jar.spent');
    if (spends.length > 0) await this.withExpense.enqueue(trx, spends);
    if (others.length > 0) await this.general.enqueue(trx, others);
  }
}

export function money(amountMinor: number, currency: string): Money {
  return { amountMinor, currency };
}

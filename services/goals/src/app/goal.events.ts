// Writes goals' domain events to the outbox inside the caller's transaction. Which subscriber gets
// which events is configuration (EVENT_SUBSCRIBERS): the expense service wants only jar.spent.
import type { Kysely } from 'kysely';
import { newEvent, type EventPayload, type Outbox } from '@family/outbox';
import type { Money } from '@family/contracts/common/v1/common';

export class GoalEvents {
  constructor(private readonly outbox: Outbox) {}

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
    await this.outbox.enqueue(trx, events);
  }
}

export function money(amountMinor: number, currency: string): Money {
  return { amountMinor, currency };
}

// Provider webhook events already seen, by the provider's event id: a replay finds its id here.
import { sql, type Kysely } from 'kysely';
import type { BankDatabase } from '../db/schema.js';
import type { ProviderName } from '../adapters/bank.adapter.js';

export class WebhookEventsStore {
  constructor(private readonly db: Kysely<BankDatabase>) {}

  /** Records the event; false when it was seen before. */
  async remember(provider: ProviderName, eventId: string): Promise<boolean> {
    const row = await this.db
      .insertInto('webhook_events')
      .values({ provider, event_id: eventId })
      .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Ids older than the replay window can go: a replay that old is refused by its timestamp. */
  async prune(before: Date): Promise<void> {
    await this.db
      .deleteFrom('webhook_events')
      .where('received_at', '<', sql<Date>`${before}`)
      .execute();
  }
}

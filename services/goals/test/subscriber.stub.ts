// Real gRPC subscribers on port 0 for the outbox tests: an expense and a notification stand-in, each
// serving EventConsumerService (what the relay calls) next to its own service's HandleEvents, recording
// deliveries and deduplicating by event id (as the real ones must). Either can be told to lose its
// acknowledgement after processing.
import { createServer, ServerError, Status, type Server } from 'nice-grpc';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { NotificationServiceDefinition } from '@family/contracts/notification/v1/notification';
import { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { partialImplementation } from '@family/testing';

export interface RecordingSubscriber {
  address: string;
  /** Every delivery, duplicates included. */
  deliveries: DomainEvent[];
  /** Events processed once each (deduplicated by id). */
  processed: Map<string, DomainEvent>;
  authorizations: string[];
  /** Process the next `n` calls but answer UNAVAILABLE, as if the acknowledgement were lost. */
  loseAcks(n: number): void;
  stop(): Promise<void>;
}

export async function startSubscriber(kind: 'expense' | 'notification'): Promise<RecordingSubscriber> {
  const deliveries: DomainEvent[] = [];
  const processed = new Map<string, DomainEvent>();
  const authorizations: string[] = [];
  let lose = 0;
  const handle = async (req: { events: DomainEvent[] }, ctx: { metadata: { get(k: string): unknown } }) => {
    authorizations.push(String(ctx.metadata.get('authorization') ?? ''));
    for (const e of req.events) {
      deliveries.push(e);
      if (!processed.has(e.id)) processed.set(e.id, e);
    }
    if (lose > 0) {
      lose--;
      throw new ServerError(Status.UNAVAILABLE, 'acknowledgement lost');
    }
    return { accepted: req.events.length };
  };
  const server: Server = createServer();
  if (kind === 'expense') server.add(ExpenseServiceDefinition, partialImplementation({ handleEvents: handle }));
  else server.add(NotificationServiceDefinition, partialImplementation({ handleEvents: handle }));
  server.add(EventConsumerServiceDefinition, { handleEvents: handle });
  const port = await server.listen('127.0.0.1:0');
  return {
    address: `127.0.0.1:${port}`,
    deliveries,
    processed,
    authorizations,
    loseAcks: (n) => (lose = n),
    stop: () => server.shutdown(),
  };
}

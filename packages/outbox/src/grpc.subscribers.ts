// The event subscribers a producer delivers to: each service whose address is configured, called
// over gRPC with a service token (scope events:write). One place for every producer.
import { createGrpcClient, callMetadata, type GrpcClientOptions } from '@family/grpc-kit';
import { NotificationServiceDefinition } from '@family/contracts/notification/v1/notification';
import { GamificationServiceDefinition } from '@family/contracts/gamification/v1/gamification';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import type { OutboxSubscriber } from './outbox.relay.js';

export interface SubscriberAddresses {
  notification?: string | undefined;
  gamification?: string | undefined;
  /** Only producers of events the expense service consumes (jar.spent) configure this one. */
  expense?: string | undefined;
}

export function grpcSubscribers(
  addresses: SubscriberAddresses,
  token: () => Promise<string>,
  clientOptions: GrpcClientOptions = {},
): OutboxSubscriber[] {
  const withToken = async () => ({ metadata: callMetadata({ token: await token() }) });
  const subscribers: OutboxSubscriber[] = [];
  if (addresses.notification) {
    const client = createGrpcClient(NotificationServiceDefinition, addresses.notification, clientOptions);
    subscribers.push({
      name: 'notification',
      deliver: async (events) => void (await client.handleEvents({ events }, await withToken())),
    });
  }
  if (addresses.gamification) {
    const client = createGrpcClient(GamificationServiceDefinition, addresses.gamification, clientOptions);
    subscribers.push({
      name: 'gamification',
      deliver: async (events) => void (await client.recordEvents({ events }, await withToken())),
    });
  }
  if (addresses.expense) {
    const client = createGrpcClient(ExpenseServiceDefinition, addresses.expense, clientOptions);
    subscribers.push({
      name: 'expense',
      deliver: async (events) => void (await client.handleEvents({ events }, await withToken())),
    });
  }
  return subscribers;
}

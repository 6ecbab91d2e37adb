// One typed gRPC client per upstream service, plus a grpc.health.v1 client on the same channel for
// /readyz. A new service is one more `connect(...)` line.
import type { Channel, Client, CompatServiceDefinition } from 'nice-grpc';
import {
  createGrpcClient,
  HealthDefinition,
  openChannel,
  type GrpcMetrics,
  type KitCallOptions,
} from '@family/grpc-kit';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { BankServiceDefinition } from '@family/contracts/bank/v1/bank';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { GamificationServiceDefinition } from '@family/contracts/gamification/v1/gamification';
import { GoalsServiceDefinition } from '@family/contracts/goals/v1/goals';
import { NotificationServiceDefinition } from '@family/contracts/notification/v1/notification';

export type HealthClient = Client<typeof HealthDefinition, KitCallOptions>;

export interface Upstream {
  /** Short name used in readiness reports ("auth"). */
  name: string;
  /** Fully-qualified gRPC service name, as registered with the upstream's health service. */
  fullName: string;
  health: HealthClient;
}

export interface BffClients {
  auth: Client<typeof AuthServiceDefinition, KitCallOptions>;
  expense: Client<typeof ExpenseServiceDefinition, KitCallOptions>;
  goals: Client<typeof GoalsServiceDefinition, KitCallOptions>;
  /** Only when NOTIFICATION_GRPC_URL is set (and then listed in `upstreams` for /readyz). */
  notification?: Client<typeof NotificationServiceDefinition, KitCallOptions>;
  /** Only when GAMIFICATION_GRPC_URL is set (and then listed in `upstreams` for /readyz). */
  gamification?: Client<typeof GamificationServiceDefinition, KitCallOptions>;
  /** Only when BANK_GRPC_URL is set (and then listed in `upstreams` for /readyz). */
  bank?: Client<typeof BankServiceDefinition, KitCallOptions>;
  upstreams: Upstream[];
  close(): void;
}

export interface ClientAddresses {
  authAddress: string;
  expenseAddress: string;
  goalsAddress: string;
  notificationAddress?: string | undefined;
  gamificationAddress?: string | undefined;
  bankAddress?: string | undefined;
  metrics?: GrpcMetrics;
}

export function createClients(options: ClientAddresses): BffClients {
  const channels: Channel[] = [];
  const upstreams: Upstream[] = [];

  function connect<D extends CompatServiceDefinition & { fullName: string }>(
    name: string,
    definition: D,
    address: string,
  ): Client<D, KitCallOptions> {
    const channel = openChannel(address);
    channels.push(channel);
    upstreams.push({ name, fullName: definition.fullName, health: createGrpcClient(HealthDefinition, channel) });
    return createGrpcClient(definition, channel, options.metrics ? { metrics: options.metrics } : {});
  }

  return {
    auth: connect('auth', AuthServiceDefinition, options.authAddress),
    expense: connect('expense', ExpenseServiceDefinition, options.expenseAddress),
    goals: connect('goals', GoalsServiceDefinition, options.goalsAddress),
    ...(options.notificationAddress
      ? { notification: connect('notification', NotificationServiceDefinition, options.notificationAddress) }
      : {}),
    ...(options.gamificationAddress
      ? { gamification: connect('gamification', GamificationServiceDefinition, options.gamificationAddress) }
      : {}),
    ...(options.bankAddress ? { bank: connect('bank', BankServiceDefinition, options.bankAddress) } : {}),
    upstreams,
    close() {
      for (const channel of channels) channel.close();
    },
  };
}

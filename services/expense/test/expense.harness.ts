// Starts the real auth service and the expense service on port 0, each on a fresh schema, with real
// gRPC clients, plus helpers that create families, parents and children through auth's API.
import { Metadata } from 'nice-grpc';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { onFreshSchema, testCipherKeys } from '@family/testing';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { authConfigSchema, startAuthService } from '@family/auth-service';
import { expenseConfigSchema, startExpenseService } from '../src/index.js';

export const SERVICE_CLIENTS =
  'expense:expense-secret:auth:read events:write,bank:bank-secret:expense:import,goals:goals-secret:events:write,' +
  'notification:notification-secret:expense:read';

export async function startTestAuth() {
  return onFreshSchema('auth', async ({ sql, schema }) => {
    const config = authConfigSchema.parse({
      SIGNING_KEY_ENCRYPTION_KEYS: testCipherKeys(),
      DB_SCHEMA: schema,
      AUTH_GRPC_HOST: '127.0.0.1',
      AUTH_GRPC_PORT: '0',
      AUTH_SERVICE_CLIENTS: SERVICE_CLIENTS,
    });
    const service = await startAuthService({ config, sql, logger: silentLogger() });
    const client = createGrpcClient(AuthServiceDefinition, service.address, { defaultDeadlineMs: 10_000 });
    return { service, client, address: service.address, stop: () => service.stop() };
  });
}

export type AuthHarness = Awaited<ReturnType<typeof startTestAuth>>;

/** A clock tests can move; the service reads it for "today" and the scheduler. */
export class TestClock {
  private fixed: Date | undefined;
  now = (): Date => this.fixed ?? new Date();
  set(at: Date | string): void {
    this.fixed = new Date(at);
  }
  reset(): void {
    this.fixed = undefined;
  }
}

export async function startTestExpense(auth: AuthHarness, env: Record<string, string> = {}, clock = new TestClock()) {
  const started = await onFreshSchema('expense', async ({ sql, schema }) => {
    const config = expenseConfigSchema.parse({
      DB_SCHEMA: schema,
      EXPENSE_GRPC_HOST: '127.0.0.1',
      EXPENSE_GRPC_PORT: '0',
      AUTH_GRPC_URL: auth.address,
      AUTH_CLIENT_ID: 'expense',
      AUTH_CLIENT_SECRET: 'expense-secret',
      SCHEDULER_INTERVAL_MS: '0',
      ...env,
    });
    const service = await startExpenseService({ config, sql, logger: silentLogger(), now: clock.now });
    const client = createGrpcClient(ExpenseServiceDefinition, service.address, { defaultDeadlineMs: 20_000 });
    return { service, client, config, stop: () => service.stop() };
  });
  return Object.assign(started, { clock });
}

export type ExpenseHarness = Awaited<ReturnType<typeof startTestExpense>>;

export function bearer(token: string): { metadata: Metadata } {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return { metadata };
}

let counter = 0;
const unique = () =>
  `${Date.now().toString(36)}${(counter++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

export interface Household {
  familyId: string;
  parent: { memberId: string; token: string; userId: string };
  child: { memberId: string; token: string };
  /** Call options carrying the parent's / child's token. */
  asParent: { metadata: Metadata };
  asChild: { metadata: Metadata };
}

/** A family with an owner (parent) and a child, both logged in, created through auth's gRPC API. */
export async function household(
  auth: AuthHarness,
  options: { currency?: string; timezone?: string; name?: string } = {},
): Promise<Household> {
  const parent = await auth.client.register({
    email: `parent.${unique()}@example.test`,
    password: 'correct horse battery',
    displayName: 'Pat',
  });
  const created = await auth.client.createFamily(
    {
      name: options.name ?? 'Smiths',
      currency: options.currency ?? 'EUR',
      timezone: options.timezone ?? 'Europe/Berlin',
    },
    bearer(parent.tokens!.accessToken),
  );
  const familyId = created.family!.id;
  const username = `kid${unique()}`;
  const child = await auth.client.createChild(
    { familyId, displayName: 'Sam', username, password: 'sams secret pw' },
    bearer(created.accessToken),
  );
  const childLogin = await auth.client.login({ login: username, password: 'sams secret pw' });
  return {
    familyId,
    parent: { memberId: created.member!.id, token: created.accessToken, userId: parent.user!.id },
    child: { memberId: child.member!.id, token: childLogin.tokens!.accessToken },
    asParent: bearer(created.accessToken),
    asChild: bearer(childLogin.tokens!.accessToken),
  };
}

/** A proto Date from 'YYYY-MM-DD'. */
export function d(day: string) {
  const [year, month, dd] = day.split('-').map(Number) as [number, number, number];
  return { year, month, day: dd };
}

/** 'YYYY-MM-DD' from a proto Date. */
export function day(date: { year: number; month: number; day: number } | undefined): string {
  if (!date) return '';
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** A real EventConsumerService on port 0 (as the notification service serves) that records the events it is sent. */
export async function startSubscriber() {
  const { createServer } = await import('nice-grpc');
  const { EventConsumerServiceDefinition } = await import('@family/contracts/events/v1/consumer');
  const { partialImplementation } = await import('@family/testing');
  const received: import('@family/contracts/events/v1/events').DomainEvent[] = [];
  const server = createServer();
  server.add(
    EventConsumerServiceDefinition,
    partialImplementation({
      async handleEvents(req: { events: typeof received }) {
        received.push(...req.events);
        return { accepted: req.events.length };
      },
    }),
  );
  const port = await server.listen('127.0.0.1:0');
  return {
    address: `127.0.0.1:${port}`,
    received,
    ofType: (familyId: string, type: string) => received.filter((e) => e.familyId === familyId && e.type === type),
    stop: () => server.shutdown(),
  };
}

/** A client-credentials token from auth for one of the SERVICE_CLIENTS. */
export async function serviceToken(
  auth: AuthHarness,
  clientId: 'bank' | 'goals' | 'expense' | 'notification',
  scopes: string[],
) {
  const r = await auth.client.issueServiceToken({ clientId, clientSecret: `${clientId}-secret`, scopes });
  return bearer(r.accessToken);
}

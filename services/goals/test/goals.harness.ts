// Test harness: the real auth service and the goals service on port 0, each on a fresh schema, with
// real gRPC clients, plus households (a parent, a family, children) created through auth's API.
import { Metadata } from 'nice-grpc';
import { createGrpcClient } from '@family/grpc-kit';
import type { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import type { Client } from 'nice-grpc';
import { silentLogger } from '@family/logger';
import { onFreshSchema, openTestSql } from '@family/testing';
import { GoalsServiceDefinition, LedgerEntryKind } from '@family/contracts/goals/v1/goals';
import { Jar, Role } from '@family/contracts/common/v1/common';
import { bearer, email, PASSWORD, startTestAuth } from '@family/auth-service/testing';
import { goalsConfigSchema, startGoalsService } from '../src/index.js';

export { bearer, PASSWORD };

export const SERVICE_CLIENTS =
  'goals:goals-secret:auth:read events:write,ops:ops-secret:goals:admin,notification:notification-secret:goals:read';

type AuthClient = Client<typeof AuthServiceDefinition>;

export type GoalsHarness = Awaited<ReturnType<typeof startGoalsHarness>>;

export interface Household {
  familyId: string;
  parentToken: string;
  parentMemberId: string;
  kids: { memberId: string; token: string; username: string }[];
}

let counter = 0;

export interface HouseholdInput {
  kids?: number;
  currency?: string;
  timezone?: string;
  name?: string;
}

/** A parent with a new family and logged-in children, made through the auth service's API. */
export async function createHousehold(authClient: AuthClient, input: HouseholdInput = {}): Promise<Household> {
  const parent = await authClient.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
  const created = await authClient.createFamily(
    { name: input.name ?? 'Smiths', currency: input.currency ?? 'EUR', timezone: input.timezone ?? 'Europe/Berlin' },
    bearer(parent.tokens!.accessToken),
  );
  const familyId = created.family!.id;
  const kids: Household['kids'] = [];
  for (let i = 0; i < (input.kids ?? 2); i++) {
    const username = `kid${Date.now().toString(36)}${counter++}${Math.floor(Math.random() * 1e4)}`;
    const child = await authClient.createChild(
      { familyId, displayName: `Kid ${i}`, username, password: 'kids secret pw' },
      bearer(created.accessToken),
    );
    const login = await authClient.login({ login: username, password: 'kids secret pw' });
    kids.push({ memberId: child.member!.id, token: login.tokens!.accessToken, username });
  }
  return { familyId, parentToken: created.accessToken, parentMemberId: created.member!.id, kids };
}

export async function startGoalsHarness(env: Record<string, string> = {}) {
  const auth = await startTestAuth({ AUTH_SERVICE_CLIENTS: SERVICE_CLIENTS });
  // The goals service's clock: real time unless a test sets it (requests and scheduler passes alike).
  let now: Date | undefined;
  const clock = () => now ?? new Date();
  const goals = await onFreshSchema('goals', async ({ sql, schema }) => {
    const config = goalsConfigSchema.parse({
      DB_SCHEMA: schema,
      GOALS_GRPC_HOST: '127.0.0.1',
      GOALS_GRPC_PORT: '0',
      AUTH_GRPC_URL: auth.service.address,
      AUTH_CLIENT_SECRET: 'goals-secret',
      SCHEDULER_INTERVAL_MS: '0',
      OUTBOX_POLL_MS: '50',
      ...env,
    });
    const service = await startGoalsService({ config, sql, logger: silentLogger(), clock });
    return { service, config, stop: () => service.stop() };
  });

  /** A second replica of the goals service on the same schema, with its own connections. */
  async function replica() {
    const sql = await openTestSql();
    const service = await startGoalsService({ config: goals.config, sql, logger: silentLogger(), clock });
    const replicaClient = createGrpcClient(GoalsServiceDefinition, service.address, { defaultDeadlineMs: 10_000 });
    return {
      client: replicaClient,
      async stop() {
        await service.stop();
        await sql.close();
      },
    };
  }
  const client = createGrpcClient(GoalsServiceDefinition, goals.service.address, { defaultDeadlineMs: 10_000 });

  const household = (input: HouseholdInput = {}) => createHousehold(auth.client, input);

  /** A second parent who joined the family by invite. */
  async function coParent(h: Household): Promise<{ memberId: string; token: string }> {
    const invite = await auth.client.createInvite(
      { familyId: h.familyId, role: Role.ROLE_PARENT, ttlSeconds: 0 },
      bearer(h.parentToken),
    );
    const user = await auth.client.register({ email: email(), password: PASSWORD, displayName: 'Alex' });
    const joined = await auth.client.acceptInvite({ code: invite.invite!.code }, bearer(user.tokens!.accessToken));
    return { memberId: joined.member!.id, token: joined.accessToken };
  }

  /** A service token with the goals:admin scope (what operations use to run the scheduler). */
  async function opsToken(): Promise<string> {
    const r = await auth.client.issueServiceToken({ clientId: 'ops', clientSecret: 'ops-secret', scopes: [] });
    return r.accessToken;
  }

  /** A client-credentials token, e.g. the notification service's with goals:read. */
  async function serviceToken(clientId: 'notification' | 'ops' | 'goals', scopes: string[]): Promise<string> {
    const r = await auth.client.issueServiceToken({ clientId, clientSecret: `${clientId}-secret`, scopes });
    return r.accessToken;
  }

  async function runScheduler(now: Date | string, familyId = '') {
    return client.runScheduler(
      { familyId, now: typeof now === 'string' ? new Date(now) : now },
      bearer(await opsToken()),
    );
  }

  /** Money into a member's jar, by the household's parent. */
  async function deposit(h: Household, memberId: string, jar: Jar, amountMinor: number) {
    return client.postLedgerEntry(
      { familyId: h.familyId, memberId, kind: LedgerEntryKind.LEDGER_ENTRY_KIND_DEPOSIT, jar, amountMinor },
      bearer(h.parentToken),
    );
  }

  return {
    auth,
    goals,
    client,
    household,
    coParent,
    opsToken,
    serviceToken,
    runScheduler,
    deposit,
    replica,
    /** Sets the goals service's clock (an ISO instant), or back to real time with undefined. */
    setNow(instant: string | Date | undefined) {
      now = instant === undefined ? undefined : new Date(instant);
    },
    async stop() {
      await goals.stop();
      await auth.stop();
    },
  };
}

/** Metadata without a token (to show calls need one). */
export function anonymous(): { metadata: Metadata } {
  return { metadata: new Metadata() };
}

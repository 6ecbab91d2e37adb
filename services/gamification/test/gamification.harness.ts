// Test harness: the real auth service and the gamification service on port 0, each on a fresh schema,
// with real gRPC clients; households (a parent, a family, children) made through auth's API; domain
// events as producers write them; and, when asked, the real goals service as producer and payer.
import { randomUUID } from 'node:crypto';
import { createGrpcClient } from '@family/grpc-kit';
import type { Client } from 'nice-grpc';
import { silentLogger } from '@family/logger';
import { createKysely } from '@family/db';
import { freePort, onFreshSchema } from '@family/testing';
import type { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { GamificationServiceDefinition } from '@family/contracts/gamification/v1/gamification';
import { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import { DomainEvent } from '@family/contracts/events/v1/events';
import { GoalsServiceDefinition } from '@family/contracts/goals/v1/goals';
import { Role } from '@family/contracts/common/v1/common';
import { eventTypeOf, type EventPayload } from '@family/outbox';
import { bearer, email, PASSWORD, startTestAuth } from '@family/auth-service/testing';
import { goalsConfigSchema, startGoalsService } from '@family/goals-service';
import { gamificationConfigSchema, startGamificationService } from '../src/index.js';
import type { GamificationDatabase } from '../src/db/schema.js';

export { bearer, PASSWORD };

export const SERVICE_CLIENTS = [
  'gamification:gamification-secret:auth:read events:write expense:read',
  'expense:expense-secret:auth:read events:write',
  'goals:goals-secret:auth:read events:write',
  'producer:producer-secret:events:write',
  'reader:reader-secret:auth:read',
].join(',');

type AuthClient = Client<typeof AuthServiceDefinition>;
type Auth = Awaited<ReturnType<typeof startTestAuth>>;

export interface Household {
  familyId: string;
  parentToken: string;
  parentMemberId: string;
  kids: { memberId: string; token: string; username: string }[];
}

let counter = 0;

export async function createHousehold(
  authClient: AuthClient,
  input: { kids?: number; timezone?: string; currency?: string } = {},
): Promise<Household> {
  const parent = await authClient.register({ email: email(), password: PASSWORD, displayName: 'Pat' });
  const created = await authClient.createFamily(
    { name: 'Smiths', currency: input.currency ?? 'EUR', timezone: input.timezone ?? 'Europe/Berlin' },
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

/** A port nobody listens on yet (for services that must know each other's address before starting). */
export { freePort };

/** The gamification service on a fresh schema; `clock` is its "now" (tests move it). */
export async function startGamification(auth: Auth, env: Record<string, string> = {}, clock?: () => Date) {
  return onFreshSchema('gamification', async ({ sql, schema }) => {
    const config = gamificationConfigSchema.parse({
      DB_SCHEMA: schema,
      GAMIFICATION_GRPC_HOST: '127.0.0.1',
      GAMIFICATION_GRPC_PORT: '0',
      AUTH_GRPC_URL: auth.service.address,
      AUTH_CLIENT_ID: 'gamification',
      AUTH_CLIENT_SECRET: 'gamification-secret',
      OUTBOX_POLL_MS: '50',
      ...env,
    });
    const service = await startGamificationService({
      config,
      sql,
      logger: silentLogger(),
      ...(clock ? { clock } : {}),
    });
    const db = createKysely<GamificationDatabase>(sql, schema);
    return { service, config, db, stop: () => service.stop() };
  });
}

/** The goals service on a fresh schema (or `schema` of an earlier one) with the given event subscribers. */
export async function startGoals(auth: Auth, env: Record<string, string> = {}) {
  return onFreshSchema('goals', async ({ sql, schema }) => {
    const config = goalsConfigSchema.parse({
      DB_SCHEMA: schema,
      GOALS_GRPC_HOST: '127.0.0.1',
      GOALS_GRPC_PORT: '0',
      AUTH_GRPC_URL: auth.service.address,
      AUTH_CLIENT_ID: 'goals',
      AUTH_CLIENT_SECRET: 'goals-secret',
      SCHEDULER_INTERVAL_MS: '0',
      OUTBOX_POLL_MS: '50',
      ...env,
    });
    const service = await startGoalsService({ config, sql, logger: silentLogger() });
    const client = createGrpcClient(GoalsServiceDefinition, service.address, { defaultDeadlineMs: 10_000 });
    return { service, config, client, stop: () => service.stop() };
  });
}

export async function startGamificationHarness(env: Record<string, string> = {}) {
  const auth = await startTestAuth({ AUTH_SERVICE_CLIENTS: SERVICE_CLIENTS });
  const gamification = await startGamification(auth, env);
  const address = gamification.service.address;
  const client = createGrpcClient(GamificationServiceDefinition, address, { defaultDeadlineMs: 10_000 });
  const consumer = createGrpcClient(EventConsumerServiceDefinition, address, { defaultDeadlineMs: 10_000 });

  async function serviceToken(clientId: 'producer' | 'reader' | 'goals' | 'gamification'): Promise<string> {
    const r = await auth.client.issueServiceToken({ clientId, clientSecret: `${clientId}-secret`, scopes: [] });
    return r.accessToken;
  }

  /** RecordEvents as an outbox relay calls it (a producer's token with events:write). */
  async function record(events: DomainEvent[]) {
    return client.recordEvents({ events }, bearer(await serviceToken('producer')));
  }

  /** The event types gamification has written to its own event log, oldest first. */
  async function eventsOut(): Promise<DomainEvent[]> {
    const rows = await gamification.db.selectFrom('event_log').select('payload').orderBy('position').execute();
    return rows.map((r) => DomainEvent.decode(r.payload));
  }

  return {
    auth,
    gamification,
    client,
    consumer,
    record,
    eventsOut,
    serviceToken,
    household: (input: { kids?: number; timezone?: string } = {}) => createHousehold(auth.client, input),
    /** A second parent who joined the family by invite. */
    async coParent(h: Household) {
      const invite = await auth.client.createInvite(
        { familyId: h.familyId, role: Role.ROLE_PARENT, ttlSeconds: 0 },
        bearer(h.parentToken),
      );
      const user = await auth.client.register({ email: email(), password: PASSWORD, displayName: 'Alex' });
      const joined = await auth.client.acceptInvite({ code: invite.invite!.code }, bearer(user.tokens!.accessToken));
      return { memberId: joined.member!.id, token: joined.accessToken };
    },
    async stop() {
      await gamification.stop();
      await auth.stop();
    },
  };
}

export type GamificationHarness = Awaited<ReturnType<typeof startGamificationHarness>>;

/** A domain event as a producer writes it. */
export function domainEvent(
  familyId: string,
  payload: EventPayload,
  occurredAt: string | Date,
  id = randomUUID(),
): DomainEvent {
  return {
    id,
    type: eventTypeOf(payload),
    familyId,
    occurredAt: new Date(occurredAt),
    actorUserId: '',
    source: 'test',
    payload,
  };
}

export function choreApproved(familyId: string, memberId: string, at: string | Date, points = 10): DomainEvent {
  return domainEvent(
    familyId,
    {
      $case: 'choreApproved',
      value: {
        choreId: randomUUID(),
        assigneeMemberId: memberId,
        title: 'Dishes',
        reward: undefined,
        points,
        approvedByMemberId: '',
      },
    },
    at,
  );
}

export function choreSubmitted(familyId: string, memberId: string, at: string | Date): DomainEvent {
  return domainEvent(
    familyId,
    {
      $case: 'choreSubmitted',
      value: { choreId: randomUUID(), assigneeMemberId: memberId, title: 'Dishes', note: '' },
    },
    at,
  );
}

export function goalContributed(familyId: string, memberId: string, at: string | Date, amountMinor = 100): DomainEvent {
  return domainEvent(
    familyId,
    {
      $case: 'goalContributed',
      value: {
        goalId: randomUUID(),
        ownerMemberId: memberId,
        amount: { amountMinor, currency: 'EUR' },
        matched: undefined,
        savedMinor: amountMinor,
        targetMinor: 10_000,
        goalName: 'Bike',
      },
    },
    at,
  );
}

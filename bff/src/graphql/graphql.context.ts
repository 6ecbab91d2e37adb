// One GraphQL request's context: the caller, the call options every resolver shares (token, request
// id, the request's deadline) and the per-request DataLoaders that turn N field reads into one call.
import DataLoader from 'dataloader';
import type { Request } from 'express';
import type { ListNotificationsResponse } from '@family/contracts/notification/v1/notification';
import { AppError } from '@family/errors';
import type { UserCaller } from '@family/grpc-kit';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { present, toFamilyDto, toMemberDto, toUserDto, type FamilyDto, type MemberDto } from '../dto/auth.dto.js';
import { toSpendingLimitsDto, type SpendingLimitsDto } from '../dto/budget.dto.js';
import { toBalanceDto, type BalanceDto } from '../dto/jar.dto.js';
import { toMemberProgressDto, type MemberProgressDto } from '../dto/progress.dto.js';
import type { UserEventsHub } from '../events/user.events.hub.js';

export interface GraphQLContext {
  req: Request;
  caller: UserCaller;
  clients: BffClients;
  hub: UserEventsHub | undefined;
  options: ReturnType<typeof callOptions>;
  loaders: Loaders;
}

export interface MeView {
  user: ReturnType<typeof toUserDto>;
  memberships: { family: FamilyDto; member: MemberDto }[];
}

/** A member as resolvers see it: the DTO plus the family it belongs to. */
export type MemberView = MemberDto & { familyId: string };

export interface Loaders {
  /** GetMe once per request: the caller's profile and families. */
  me(): Promise<MeView>;
  /** One ListMembers per family. */
  members: DataLoader<string, MemberView[]>;
  /** Keys `familyId/memberId`: one BatchGetBalances per family. */
  balances: DataLoader<string, BalanceDto>;
  /** One GetFamilyProgress per family; a member without progress yet is absent. */
  progress: DataLoader<string, Map<string, MemberProgressDto>>;
  /** One ListSpendingLimits per family. */
  spendingLimits: DataLoader<string, SpendingLimitsDto[]>;
  /**
   * The caller's inbox pages (keys from `inboxPageKey`). Every page carries the unread count, so
   * `UNREAD_COUNT` is answered by a page read for the same request when there is one.
   */
  inbox: DataLoader<string, ListNotificationsResponse>;
}

/** The inbox key that needs only the unread count. */
export const UNREAD_COUNT = 'unread-count';
export const inboxPageKey = (page: { limit: number; cursor: string }, unreadOnly: boolean) =>
  JSON.stringify([page.limit, page.cursor, unreadOnly]);

export const memberKey = (familyId: string, memberId: string) => `${familyId}/${memberId}`;

function gamificationOf(clients: BffClients) {
  if (!clients.gamification) {
    throw new AppError(
      'UNAVAILABLE',
      'GAMIFICATION_UNAVAILABLE',
      'Progress and badges are not available on this server',
    );
  }
  return clients.gamification;
}

export function notificationsOf(clients: BffClients) {
  if (!clients.notification) {
    throw new AppError('UNAVAILABLE', 'NOTIFICATIONS_UNAVAILABLE', 'Notifications are not configured on this server');
  }
  return clients.notification;
}

export function createLoaders(clients: BffClients, options: ReturnType<typeof callOptions>): Loaders {
  let me: Promise<MeView> | undefined;
  return {
    me() {
      me ??= clients.auth.getMe({}, options).then((r) => ({
        user: toUserDto(r.user),
        memberships: r.memberships.map((m) => ({
          family: toFamilyDto(present(m.family, 'membership.family')),
          member: toMemberDto(present(m.member, 'membership.member')),
        })),
      }));
      return me;
    },
    members: new DataLoader(async (familyIds) =>
      Promise.all(
        familyIds.map(async (familyId) => {
          const r = await clients.auth.listMembers({ familyId, page: { limit: 200, cursor: '' } }, options);
          return r.members.map((m) => ({ ...toMemberDto(m), familyId }));
        }),
      ),
    ),
    balances: new DataLoader<string, BalanceDto>(async (keys) => {
      const byFamily = new Map<string, string[]>();
      for (const key of keys) {
        const [familyId, memberId] = key.split('/') as [string, string];
        byFamily.set(familyId, [...(byFamily.get(familyId) ?? []), memberId]);
      }
      const found = new Map<string, BalanceDto | Error>();
      await Promise.all(
        [...byFamily].map(async ([familyId, memberIds]) => {
          try {
            const r = await clients.goals.batchGetBalances({ familyId, memberIds }, options);
            for (const b of r.balances) found.set(memberKey(familyId, b.memberId), toBalanceDto(b));
          } catch (err) {
            for (const memberId of memberIds) found.set(memberKey(familyId, memberId), err as Error);
          }
        }),
      );
      return keys.map((key): BalanceDto | Error => found.get(key) ?? AppError.notFound('Member'));
    }),
    progress: new DataLoader(async (familyIds) =>
      Promise.all(
        familyIds.map(async (familyId) => {
          const r = await gamificationOf(clients).getFamilyProgress({ familyId }, options);
          return new Map(r.members.map((p) => [p.memberId, toMemberProgressDto(p)]));
        }),
      ),
    ),
    spendingLimits: new DataLoader(async (familyIds) =>
      Promise.all(
        familyIds.map(async (familyId) => {
          const r = await clients.expense.listSpendingLimits({ familyId }, options);
          return r.spendingLimits.map(toSpendingLimitsDto);
        }),
      ),
    ),
    inbox: new DataLoader<string, ListNotificationsResponse>(async (keys) => {
      const pages = keys.filter((k) => k !== UNREAD_COUNT);
      const read = (key: string) => {
        const [limit, cursor, unreadOnly] = JSON.parse(key) as [number, string, boolean];
        return notificationsOf(clients).listNotifications(
          { page: { limit, cursor }, unreadOnly, familyId: '' },
          options,
        );
      };
      const answered = new Map<string, ListNotificationsResponse | Error>();
      const wanted = pages.length > 0 ? pages : [inboxPageKey({ limit: 1, cursor: '' }, true)];
      await Promise.all(
        wanted.map(async (key) => {
          answered.set(key, await read(key).catch((err: unknown) => err as Error));
        }),
      );
      const any = answered.values().next().value!;
      return keys.map((key) => (key === UNREAD_COUNT ? any : answered.get(key)!));
    }),
  };
}

export function createContext(req: Request, clients: BffClients, hub: UserEventsHub | undefined): GraphQLContext {
  // /graphql sits behind requireAuth(): a user is always there.
  const caller = req.caller!;
  const options = callOptions(req);
  return { req, caller, clients, hub, options, loaders: createLoaders(clients, options) };
}

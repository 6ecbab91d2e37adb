// What this service asks the auth service: signing keys (to verify tokens), family settings (service
// token with auth:read) and a family's members (on behalf of the calling user). Never called inside a
// database transaction.
import { ClientError, Status, type Client } from 'nice-grpc';
import { AppError } from '@family/errors';
import {
  callMetadata,
  type FamilyRole,
  type KeySource,
  type KitCallOptions,
  type RevocationSource,
  type ServiceTokenSource,
} from '@family/grpc-kit';
import type { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { Role } from '@family/contracts/common/v1/common';

export type AuthClient = Client<typeof AuthServiceDefinition, KitCallOptions>;

export interface FamilyInfo {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  /** Home region; empty on a single-region installation. */
  region: string;
}

export interface MemberInfo {
  id: string;
  displayName: string;
  role: FamilyRole;
}

/** A member as a service sees it across families. */
export interface FamilyMemberInfo extends MemberInfo {
  familyId: string;
  userId: string;
}

const roles: Partial<Record<Role, FamilyRole>> = {
  [Role.ROLE_OWNER]: 'OWNER',
  [Role.ROLE_PARENT]: 'PARENT',
  [Role.ROLE_CHILD]: 'CHILD',
};

function unavailable(what: string, err: unknown): AppError {
  return new AppError('UNAVAILABLE', 'AUTH_UNAVAILABLE', `${what} are unavailable right now`, {
    metadata: { cause: String((err as Error)?.message ?? err).slice(0, 200) },
  });
}

export class AuthGateway {
  constructor(
    private readonly client: AuthClient,
    private readonly serviceToken: ServiceTokenSource,
    private readonly timeoutMs = 5000,
  ) {}

  private deadline(): Date {
    return new Date(Date.now() + this.timeoutMs);
  }

  /** The key source for the TokenVerifier (which caches what it returns). */
  jwks(): KeySource {
    return async () => {
      const r = await this.client.getJwks({}, { deadline: this.deadline() });
      return r.keys.map((k) => {
        const jwk: Record<string, string> = { kty: k.kty, kid: k.kid };
        for (const f of ['crv', 'x', 'y', 'alg', 'use'] as const) if (k[f]) jwk[f] = k[f];
        return jwk;
      });
    };
  }

  /** The revocation source for the RevocationFeed, with this service's token (auth:read). */
  revocations(): RevocationSource {
    return async (since) => {
      const r = await this.client.listRevocations(
        { since },
        { metadata: callMetadata({ token: await this.serviceToken.get() }), deadline: this.deadline() },
      );
      return {
        asOf: r.asOf ?? new Date(),
        entries: r.revocations.map((e) => ({
          userId: e.userId,
          sessionId: e.sessionId || undefined,
          familyId: e.familyId || undefined,
          role: roles[e.role],
          notBefore: e.notBefore ?? new Date(0),
        })),
      };
    };
  }

  async families(ids: string[]): Promise<FamilyInfo[]> {
    try {
      const r = await this.client.batchGetFamilies(
        { familyIds: ids },
        { metadata: callMetadata({ token: await this.serviceToken.get() }), deadline: this.deadline() },
      );
      return r.families.map((f) => ({
        id: f.id,
        name: f.name,
        currency: f.currency,
        timezone: f.timezone,
        region: f.region,
      }));
    } catch (err) {
      throw unavailable('Family settings', err);
    }
  }

  /** The current members of up to 100 families, with this service's token (auth:read). */
  async familyMembers(familyIds: string[]): Promise<FamilyMemberInfo[]> {
    if (familyIds.length === 0) return [];
    try {
      const r = await this.client.batchGetFamilyMembers(
        { familyIds },
        { metadata: callMetadata({ token: await this.serviceToken.get() }), deadline: this.deadline() },
      );
      return r.members.flatMap((m) => {
        const role = roles[m.role];
        return role ? [{ id: m.id, familyId: m.familyId, userId: m.userId, displayName: m.displayName, role }] : [];
      });
    } catch (err) {
      throw unavailable('The family members', err);
    }
  }

  async members(familyId: string, userToken: string, requestId?: string): Promise<MemberInfo[]> {
    const members: MemberInfo[] = [];
    let cursor = '';
    try {
      do {
        const r = await this.client.listMembers(
          { familyId, page: { limit: 200, cursor } },
          { metadata: callMetadata({ token: userToken, requestId }), deadline: this.deadline() },
        );
        for (const m of r.members) {
          const role = roles[m.role];
          if (role) members.push({ id: m.id, displayName: m.displayName, role });
        }
        cursor = r.page?.nextCursor ?? '';
      } while (cursor);
    } catch (err) {
      // The caller's token still names the family, but auth (which checks live) no longer does.
      if (err instanceof ClientError && err.code === Status.NOT_FOUND) throw AppError.notFound('Family');
      throw unavailable('The family members', err);
    }
    return members;
  }
}

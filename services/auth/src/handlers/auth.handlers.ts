// AuthService handlers: decode → use case → encode. Nothing else happens here.
import type { ServiceImplementation } from 'nice-grpc';
import { AppError } from '@family/errors';
import { requireScope, requireUser, type AuthContext } from '@family/grpc-kit';
import { SocialProvider, type AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { Scopes } from '@family/service-kit';
import type { Accounts } from '../app/accounts.js';
import type { Families } from '../app/families.js';
import type { KeyRing } from '../app/key.ring.js';
import type { Tokens } from '../app/auth.deps.js';
import {
  clientContext,
  encodeFamily,
  encodeMember,
  encodeRevocation,
  encodeUser,
  memberRoles,
  toRole,
} from './auth.encode.js';

const tokenPair = (t: Tokens) => ({
  accessToken: t.accessToken,
  refreshToken: t.refreshToken,
  tokenType: t.tokenType,
  expiresIn: t.expiresIn,
});

export function authHandlers(
  accounts: Accounts,
  families: Families,
  keys: KeyRing,
): ServiceImplementation<typeof AuthServiceDefinition, AuthContext> {
  return {
    async register(req, ctx) {
      const { user, tokens } = await accounts.register(req, clientContext(req.client, ctx.peer));
      return { user: encodeUser(user), tokens: tokenPair(tokens) };
    },
    async login(req, ctx) {
      const { user, tokens } = await accounts.login(req, clientContext(req.client, ctx.peer));
      return { user: encodeUser(user), tokens: tokenPair(tokens) };
    },
    async refresh(req, ctx) {
      return { tokens: tokenPair(await accounts.refresh(req.refreshToken, clientContext(req.client, ctx.peer))) };
    },
    async logout(req) {
      await accounts.logout(req.refreshToken);
      return {};
    },
    async socialLogin(req, ctx) {
      const provider =
        req.provider === SocialProvider.SOCIAL_PROVIDER_GOOGLE
          ? 'google'
          : req.provider === SocialProvider.SOCIAL_PROVIDER_APPLE
            ? 'apple'
            : undefined;
      if (!provider) throw AppError.invalidField('provider', 'must be google or apple');
      const { user, tokens, created } = await accounts.socialLogin(
        provider,
        req.idToken,
        req.displayName,
        clientContext(req.client, ctx.peer),
      );
      return { user: encodeUser(user), tokens: tokenPair(tokens), created };
    },
    async getJwks() {
      const jwks = await keys.publicJwks();
      return {
        keys: jwks.map((k) => ({
          kty: k.kty ?? '',
          crv: k.crv ?? '',
          x: k.x ?? '',
          y: k.y ?? '',
          kid: k.kid ?? '',
          alg: k.alg ?? '',
          use: k.use ?? '',
        })),
      };
    },
    async issueServiceToken(req) {
      const { accessToken, expiresIn, scopes } = await accounts.issueServiceToken(
        req.clientId,
        req.clientSecret,
        req.scopes,
      );
      return { accessToken, tokenType: 'Bearer', expiresIn, scopes };
    },
    async getMe(_req, ctx) {
      const { user, memberships } = await accounts.me(requireUser(ctx.caller));
      return {
        user: encodeUser(user),
        memberships: memberships.map((m) => ({
          family: encodeFamily({
            id: m.family_id,
            name: m.name,
            currency: m.currency,
            timezone: m.timezone,
            owner_user_id: m.owner_user_id,
            region: m.region,
            created_at: m.family_created_at,
          }),
          member: encodeMember({
            id: m.member_id,
            family_id: m.family_id,
            user_id: user.id,
            role: m.role,
            created_at: m.joined_at,
            display_name: m.display_name,
            username: m.username,
          }),
        })),
      };
    },
    async logoutAll(_req, ctx) {
      await accounts.logoutAll(requireUser(ctx.caller));
      return {};
    },
    async changePassword(req, ctx) {
      const tokens = await accounts.changePassword(requireUser(ctx.caller), req, clientContext(req.client, ctx.peer));
      return { tokens: tokenPair(tokens) };
    },
    async updateMe(req, ctx) {
      const user = await accounts.updateMe(requireUser(ctx.caller), {
        displayName: req.displayName,
        phone: req.phone,
        locale: req.locale,
      });
      return { user: encodeUser(user) };
    },
    async requestEmailVerification(_req, ctx) {
      await accounts.recovery.requestVerification(requireUser(ctx.caller));
      return {};
    },
    async verifyEmail(req) {
      return { user: encodeUser(await accounts.recovery.verifyEmail(req.token)) };
    },
    async requestPasswordReset(req) {
      await accounts.recovery.requestPasswordReset(req.email);
      return {};
    },
    async resetPassword(req) {
      await accounts.recovery.resetPassword(req.token, req.newPassword);
      return {};
    },
    async createFamily(req, ctx) {
      const r = await families.create(requireUser(ctx.caller), req);
      return {
        family: encodeFamily(r.family),
        member: encodeMember(r.member),
        accessToken: r.accessToken,
        expiresIn: r.expiresIn,
      };
    },
    async getFamily(req, ctx) {
      return { family: encodeFamily(await families.get(requireUser(ctx.caller), req.familyId)) };
    },
    async listMembers(req, ctx) {
      const page = await families.listMembers(requireUser(ctx.caller), req.familyId, {
        limit: req.page?.limit ?? 0,
        cursor: req.page?.cursor ?? '',
      });
      return { members: page.items.map(encodeMember), page: { nextCursor: page.nextCursor } };
    },
    async createChild(req, ctx) {
      return { member: encodeMember(await families.createChild(requireUser(ctx.caller), req.familyId, req)) };
    },
    async updateMember(req, ctx) {
      const member = await families.updateMember(requireUser(ctx.caller), req.familyId, req.memberId, {
        role: memberRoles.decode(req.role, 'role'),
        displayName: req.displayName,
      });
      return { member: encodeMember(member) };
    },
    async removeMember(req, ctx) {
      await families.removeMember(requireUser(ctx.caller), req.familyId, req.memberId);
      return {};
    },
    async resetChildPassword(req, ctx) {
      await families.resetChildPassword(requireUser(ctx.caller), req.familyId, req.memberId, req.newPassword);
      return {};
    },
    async createInvite(req, ctx) {
      const role = memberRoles.decode(req.role, 'role');
      const invite = await families.createInvite(requireUser(ctx.caller), req.familyId, {
        role,
        ttlSeconds: req.ttlSeconds,
      });
      return {
        invite: {
          code: invite.code,
          familyId: invite.familyId,
          role: toRole(invite.role),
          expiresAt: invite.expiresAt,
        },
      };
    },
    async acceptInvite(req, ctx) {
      const r = await families.acceptInvite(requireUser(ctx.caller), req.code);
      return {
        family: encodeFamily(r.family),
        member: encodeMember(r.member),
        accessToken: r.accessToken,
        expiresIn: r.expiresIn,
      };
    },
    async batchGetUsers(req, ctx) {
      requireScope(ctx.caller, Scopes.AUTH_READ);
      return { users: (await accounts.batchGetUsers(req.userIds)).map(encodeUser) };
    },
    async batchGetFamilyMembers(req, ctx) {
      requireScope(ctx.caller, Scopes.AUTH_READ);
      return { members: (await families.batchGetMembers(req.familyIds)).map(encodeMember) };
    },
    async batchGetFamilies(req, ctx) {
      requireScope(ctx.caller, Scopes.AUTH_READ);
      return { families: (await families.batchGet(req.familyIds)).map(encodeFamily) };
    },
    async rotateSigningKey(_req, ctx) {
      requireScope(ctx.caller, Scopes.AUTH_ADMIN);
      return { kid: await keys.rotate() };
    },
    async listRevocations(req, ctx) {
      requireScope(ctx.caller, Scopes.AUTH_READ);
      const r = await accounts.revocationsSince(req.since);
      return { asOf: r.asOf, revocations: r.rows.map(encodeRevocation) };
    },
  };
}

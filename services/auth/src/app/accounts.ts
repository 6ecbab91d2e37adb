// Sign-up, sign-in, sessions and service credentials.
import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError, requireUuid, Violations } from '@family/errors';
import { newId } from '@family/db';
import { newEvent } from '@family/outbox';
import type { UserCaller } from '@family/grpc-kit';
import type { AuthDatabase } from '../db/schema.js';
import type { UserRow } from '../store/users.store.js';
import {
  checkDisplayName,
  checkEmail,
  checkPassword,
  loginKind,
  normalizeEmail,
  normalizeUsername,
} from '../domain/credentials.rules.js';
import { canonicalLocale, checkLocale, checkPhone, normalizePhone } from '../domain/profile.rules.js';
import { decide, throttleKeys } from '../domain/throttle.rules.js';
import { newOpaqueToken, sha256 } from './token.issuer.js';
import type { SocialProviderName } from './social.verifier.js';
import type { AuthDeps, ClientContext, Tokens } from './auth.deps.js';
import { AccountRecovery } from './account.recovery.js';

interface NewSession {
  sessionId: string;
  refreshToken: string;
}

export class Accounts {
  readonly recovery: AccountRecovery;

  constructor(private readonly deps: AuthDeps) {
    this.recovery = new AccountRecovery(deps);
  }

  async register(input: { email: string; password: string; displayName: string }, client: ClientContext) {
    const v = new Violations();
    checkEmail(v, 'email', input.email);
    checkPassword(v, 'password', input.password, input.email);
    checkDisplayName(v, 'displayName', input.displayName);
    v.throwIfAny();
    const passwordHash = await this.deps.hasher.hash(input.password);
    const { user, session } = await this.deps.db.transaction().execute(async (trx) => {
      const user = await this.deps.users.insert(trx, {
        id: newId(),
        email: normalizeEmail(input.email),
        displayName: input.displayName.trim(),
        passwordHash,
      });
      await this.recovery.sendLink(trx, user, 'EMAIL_VERIFICATION');
      return { user, session: await this.openSession(trx, user.id, client) };
    });
    return { user, tokens: await this.tokensFor(user.id, session) };
  }

  async login(input: { login: string; password: string }, client: ClientContext) {
    const v = new Violations();
    v.check(input.login.trim().length > 0, 'login', 'is required');
    v.check(input.password.length > 0, 'password', 'is required');
    v.throwIfAny();
    const { limits, throttle, users, hasher } = this.deps;
    const login = input.login.trim().toLowerCase();
    const keys = throttleKeys(login, client.address);
    const user =
      loginKind(login) === 'email'
        ? await users.byEmail(normalizeEmail(login))
        : await users.byUsername(normalizeUsername(login));
    const counts = await throttle.counts(Object.values(keys));
    const known = user ? await throttle.isKnownAddress(user.id, client.address) : false;
    const decision = decide(
      {
        loginAndAddress: counts.get(keys.loginAndAddress),
        address: counts.get(keys.address),
        login: counts.get(keys.login),
      },
      limits,
      known,
      new Date(),
    );
    if (!decision.allowed) {
      throw AppError.tooMany(
        decision.reason,
        'Too many failed sign-in attempts, try again later',
        decision.retryAfterSeconds,
      );
    }
    const ok = user?.password_hash
      ? await hasher.verify(user.password_hash, input.password)
      : await hasher.verifyNothing(input.password);
    if (!ok || !user) {
      await throttle.recordFailure(Object.values(keys), limits.windowSeconds);
      throw AppError.unauthenticated('The login or password is wrong', 'INVALID_CREDENTIALS');
    }
    await Promise.all([throttle.clear(keys.loginAndAddress), throttle.rememberAddress(user.id, client.address)]);
    const session = await this.deps.db.transaction().execute((trx) => this.openSession(trx, user.id, client));
    return { user, tokens: await this.tokensFor(user.id, session) };
  }

  async refresh(refreshToken: string, client: ClientContext): Promise<Tokens> {
    if (!refreshToken) throw AppError.invalidField('refreshToken', 'is required');
    const { sessions, db } = this.deps;
    const hash = sha256(refreshToken);
    const found = await sessions.findRefresh(hash);
    if (!found) throw AppError.unauthenticated('The refresh token is not valid', 'INVALID_REFRESH_TOKEN');
    if (found.revoked_at) throw AppError.unauthenticated('This session has ended', 'SESSION_REVOKED');
    if (found.used_at) {
      await this.revokeForReuse(found.session_id, found.user_id);
      throw AppError.unauthenticated(
        'The refresh token was already used; the session is ended',
        'REFRESH_TOKEN_REUSED',
      );
    }
    if (found.expires_at.getTime() <= Date.now()) {
      throw AppError.unauthenticated('The refresh token has expired', 'REFRESH_TOKEN_EXPIRED');
    }
    const next = await db.transaction().execute(async (trx) => {
      if (!(await sessions.markUsed(trx, hash))) return undefined;
      await sessions.touch(trx, found.session_id);
      return this.addRefreshToken(trx, found.session_id);
    });
    if (!next) {
      // Someone used the same token a moment ago: the same as reuse.
      await this.revokeForReuse(found.session_id, found.user_id);
      throw AppError.unauthenticated(
        'The refresh token was already used; the session is ended',
        'REFRESH_TOKEN_REUSED',
      );
    }
    void client;
    const access = await this.accessToken(found.user_id, found.session_id);
    return { accessToken: access.token, refreshToken: next, tokenType: 'Bearer', expiresIn: access.expiresIn };
  }

  async logout(refreshToken: string): Promise<void> {
    if (!refreshToken) throw AppError.invalidField('refreshToken', 'is required');
    const found = await this.deps.sessions.findRefresh(sha256(refreshToken));
    // Logging out with an unknown or already-ended token is a no-op: the session is over either way.
    if (found) {
      await this.deps.db.transaction().execute(async (trx) => {
        const ended = await this.deps.sessions.revoke(trx, found.session_id, 'LOGOUT');
        await this.deps.revocations.sessionsEnded(trx, found.user_id, ended);
      });
    }
  }

  async logoutAll(caller: UserCaller): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const ended = await this.deps.sessions.revokeAllOfUser(trx, caller.userId, 'LOGOUT_ALL');
      await this.deps.revocations.sessionsEnded(trx, caller.userId, ended);
      await this.deps.outbox.enqueue(trx, [
        newEvent({
          source: 'auth',
          familyId: '',
          actorUserId: caller.userId,
          payload: { $case: 'sessionsRevoked', value: { userId: caller.userId, reason: 'LOGOUT_ALL' } },
        }),
      ]);
    });
  }

  async changePassword(
    caller: UserCaller,
    input: { currentPassword: string; newPassword: string },
    client: ClientContext,
  ): Promise<Tokens> {
    const user = await this.deps.users.byId(caller.userId);
    if (!user) throw AppError.unauthenticated();
    const v = new Violations();
    v.check(input.currentPassword.length > 0 || !user.password_hash, 'currentPassword', 'is required');
    checkPassword(v, 'newPassword', input.newPassword, user.email ?? user.username ?? undefined);
    v.throwIfAny();
    if (user.password_hash && !(await this.deps.hasher.verify(user.password_hash, input.currentPassword))) {
      throw AppError.invalidField('currentPassword', 'is not your current password');
    }
    const hash = await this.deps.hasher.hash(input.newPassword);
    const session = await this.deps.db.transaction().execute(async (trx) => {
      await this.deps.users.setPassword(trx, user.id, hash);
      const ended = await this.deps.sessions.revokeAllOfUser(trx, user.id, 'PASSWORD_CHANGED');
      await this.deps.revocations.sessionsEnded(trx, user.id, ended);
      await this.deps.outbox.enqueue(trx, [
        newEvent({
          source: 'auth',
          familyId: '',
          actorUserId: user.id,
          payload: { $case: 'sessionsRevoked', value: { userId: user.id, reason: 'PASSWORD_CHANGED' } },
        }),
      ]);
      return this.openSession(trx, user.id, client);
    });
    return this.tokensFor(user.id, session);
  }

  async socialLogin(provider: SocialProviderName, idToken: string, displayName: string, client: ClientContext) {
    if (!idToken) throw AppError.invalidField('idToken', 'is required');
    const identity = await this.deps.social.verify(provider, idToken);
    const { users, db } = this.deps;
    const linked = await users.identity(provider, identity.subject);
    if (linked) {
      const user = (await users.byId(linked.user_id))!;
      const session = await db.transaction().execute((trx) => this.openSession(trx, user.id, client));
      return { user, tokens: await this.tokensFor(user.id, session), created: false };
    }
    const result = await db.transaction().execute(async (trx) => {
      // First sign-in: link to the account with the same email only when the provider verified it.
      let user = identity.email && identity.emailVerified ? await users.byEmail(identity.email, trx) : undefined;
      let created = false;
      if (!user) {
        const name = (identity.name ?? displayName).trim() || identity.email?.split('@')[0] || 'New member';
        user = await users.insert(trx, {
          id: newId(),
          email: identity.emailVerified ? identity.email : null,
          displayName: name.slice(0, 80),
          emailVerified: identity.emailVerified,
        });
        created = true;
      } else if (!user.email_verified) {
        await users.markEmailVerified(trx, user.id);
      }
      await users.linkIdentity(trx, { provider, subject: identity.subject, userId: user.id, email: identity.email });
      return { user, created, session: await this.openSession(trx, user.id, client) };
    });
    return { user: result.user, created: result.created, tokens: await this.tokensFor(result.user.id, result.session) };
  }

  async me(caller: UserCaller) {
    const user = await this.deps.users.byId(caller.userId);
    if (!user) throw AppError.unauthenticated();
    const memberships = await this.deps.families.membershipsOfUser(user.id);
    return { user, memberships };
  }

  /** The caller changes their own profile: fields left undefined stay; an empty phone or locale clears it. */
  async updateMe(
    caller: UserCaller,
    input: { displayName?: string | undefined; phone?: string | undefined; locale?: string | undefined },
  ): Promise<UserRow> {
    const v = new Violations();
    const changes: { displayName?: string; phone?: string | null; locale?: string | null } = {};
    if (input.displayName !== undefined) {
      checkDisplayName(v, 'displayName', input.displayName);
      changes.displayName = input.displayName.trim();
    }
    if (input.phone !== undefined) {
      const phone = normalizePhone(input.phone);
      if (phone !== '') checkPhone(v, 'phone', phone);
      changes.phone = phone || null;
    }
    if (input.locale !== undefined) {
      const clear = input.locale.trim() === '';
      const locale = clear ? undefined : canonicalLocale(input.locale);
      if (!clear) checkLocale(v, 'locale', locale);
      changes.locale = locale ?? null;
    }
    v.throwIfAny();
    // The phone is not verified (no code is sent): notifications text whatever number the user gives.
    const user = await this.deps.users.updateProfile(this.deps.db, caller.userId, changes);
    if (!user) throw AppError.unauthenticated();
    return user;
  }

  async issueServiceToken(clientId: string, secret: string, requested: string[]) {
    const client = clientId ? await this.deps.serviceClients.find(clientId) : undefined;
    const expected = Buffer.from(client?.secret_hash ?? sha256('no-such-client'));
    const given = Buffer.from(sha256(secret));
    if (!client || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw AppError.unauthenticated('Unknown client or wrong secret', 'INVALID_CLIENT');
    }
    const scopes = requested.length > 0 ? requested : client.scopes;
    const refused = scopes.filter((s) => !client.scopes.includes(s));
    if (refused.length > 0)
      throw AppError.forbidden(`Scopes not allowed for this client: ${refused.join(', ')}`, 'SCOPE_NOT_ALLOWED');
    const { token, expiresIn } = await this.deps.issuer.serviceToken(client.client_id, scopes);
    return { accessToken: token, expiresIn, scopes };
  }

  async batchGetUsers(ids: string[]): Promise<UserRow[]> {
    if (ids.length > 500) throw AppError.invalidField('userIds', 'at most 500 per call');
    ids.forEach((id, i) => requireUuid(id, `userIds.${i}`));
    return this.deps.users.byIds([...new Set(ids)]);
  }

  /**
   * Revocations recorded since `since`, or all that can still matter (those younger than the
   * longest access-token lifetime) when it is unset or older; with the clock they were read by.
   */
  async revocationsSince(since: Date | undefined) {
    const { revocations, revocationWindowMs } = this.deps;
    const asOf = await revocations.now();
    const horizon = new Date(asOf.getTime() - revocationWindowMs);
    return { asOf, rows: await revocations.since(since && since > horizon ? since : horizon) };
  }

  /** A fresh access token for an existing session, carrying the user's current memberships. */
  async accessToken(userId: string, sessionId: string) {
    // Taken before the read: a membership change dated after it may not be in what is read.
    const readAt = Date.now();
    const memberships = await this.deps.families.membershipsOfUser(userId);
    return this.deps.issuer.userToken(
      userId,
      sessionId,
      memberships.map((m) => ({ familyId: m.family_id, memberId: m.member_id, role: m.role, region: m.region })),
      readAt,
    );
  }

  /** Writes a new session and its first refresh token inside the caller's transaction. */
  private async openSession(trx: Kysely<AuthDatabase>, userId: string, client: ClientContext): Promise<NewSession> {
    const sessionId = newId();
    await this.deps.sessions.createSession(trx, {
      id: sessionId,
      userId,
      address: client.address || null,
      userAgent: client.userAgent || null,
    });
    return { sessionId, refreshToken: await this.addRefreshToken(trx, sessionId) };
  }

  /**
   * The token pair of a committed session. Signing happens after the commit, never inside a
   * transaction: on embedded PGlite a transaction holds the only connection.
   */
  private async tokensFor(userId: string, session: NewSession): Promise<Tokens> {
    const access = await this.accessToken(userId, session.sessionId);
    return {
      accessToken: access.token,
      refreshToken: session.refreshToken,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
    };
  }

  private async addRefreshToken(trx: Kysely<AuthDatabase>, sessionId: string): Promise<string> {
    const token = newOpaqueToken();
    const expiresAt = new Date(Date.now() + this.deps.refreshTtlDays * 86400_000);
    await this.deps.sessions.addRefreshToken(trx, { hash: sha256(token), sessionId, expiresAt });
    return token;
  }

  private async revokeForReuse(sessionId: string, userId: string): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const ended = await this.deps.sessions.revoke(trx, sessionId, 'REFRESH_TOKEN_REUSE');
      await this.deps.revocations.sessionsEnded(trx, userId, ended);
      await this.deps.outbox.enqueue(trx, [
        newEvent({
          source: 'auth',
          familyId: '',
          actorUserId: userId,
          payload: { $case: 'sessionsRevoked', value: { userId, reason: 'REFRESH_TOKEN_REUSE' } },
        }),
      ]);
    });
  }
}

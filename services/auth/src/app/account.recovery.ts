// Email verification and password reset by email: single-use, expiring link tokens kept as SHA-256,
// each mailed through the notification service by an `account.email_requested` event.
import type { Kysely } from 'kysely';
import { AppError, Violations } from '@family/errors';
import { newEvent } from '@family/outbox';
import type { UserCaller } from '@family/grpc-kit';
import type { AccountTokenPurpose, AuthDatabase } from '../db/schema.js';
import type { UserRow } from '../store/users.store.js';
import { checkPassword, normalizeEmail } from '../domain/credentials.rules.js';
import { newOpaqueToken, sha256 } from './token.issuer.js';
import type { AuthDeps } from './auth.deps.js';

export class AccountRecovery {
  constructor(private readonly deps: AuthDeps) {}

  /**
   * Inside the caller's transaction: a new link token for the user's email (earlier ones of the same
   * purpose stop working) and the event that mails it.
   */
  async sendLink(trx: Kysely<AuthDatabase>, user: Pick<UserRow, 'id' | 'email'>, purpose: AccountTokenPurpose) {
    if (!user.email) return;
    const token = newOpaqueToken();
    const expiresAt = new Date(Date.now() + this.deps.linkTtlMinutes[purpose] * 60_000);
    await this.deps.accountTokens.issue(trx, {
      hash: sha256(token),
      userId: user.id,
      purpose,
      email: user.email,
      expiresAt,
    });
    await this.deps.outbox.enqueue(trx, [
      newEvent({
        source: 'auth',
        familyId: '',
        actorUserId: user.id,
        payload: {
          $case: 'accountEmailRequested',
          value: { userId: user.id, email: user.email, purpose, token, expiresAt },
        },
      }),
    ]);
  }

  /** The caller asks for a new verification link. */
  async requestVerification(caller: UserCaller): Promise<void> {
    const user = await this.deps.users.byId(caller.userId);
    if (!user) throw AppError.unauthenticated();
    if (!user.email) throw AppError.precondition('NO_EMAIL', 'This account has no email address');
    if (user.email_verified) throw AppError.conflict('EMAIL_ALREADY_VERIFIED', 'The email is already verified');
    await this.deps.db.transaction().execute((trx) => this.sendLink(trx, user, 'EMAIL_VERIFICATION'));
  }

  /** Marks the address the link was sent to as verified, if it is still the account's. */
  async verifyEmail(token: string): Promise<UserRow> {
    if (!token) throw AppError.invalidField('token', 'is required');
    const { db, accountTokens, users } = this.deps;
    const user = await db.transaction().execute(async (trx) => {
      const spent = await accountTokens.consume(trx, sha256(token), 'EMAIL_VERIFICATION', new Date());
      if (!spent) return undefined;
      const current = await users.byId(spent.user_id, trx);
      if (!current || current.email !== spent.email) return undefined;
      await users.markEmailVerified(trx, current.id);
      return { ...current, email_verified: true };
    });
    if (!user) throw invalidLink();
    return user;
  }

  /**
   * Sends a reset link when the email belongs to an account whose address is verified; otherwise
   * nothing — the caller answers the same either way, and both ways make a token and look the user up.
   */
  async requestPasswordReset(email: string): Promise<void> {
    const v = new Violations();
    v.check(email.trim().length > 0, 'email', 'is required');
    v.throwIfAny();
    const user = await this.deps.users.byEmail(normalizeEmail(email));
    if (!user?.email_verified || !user.email) {
      // The same token work as a real request, so the answer takes about as long.
      sha256(newOpaqueToken());
      return;
    }
    await this.deps.db.transaction().execute((trx) => this.sendLink(trx, user, 'PASSWORD_RESET'));
  }

  /** Sets a new password with a reset link's token; every session of the account ends, everywhere. */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    const v = new Violations();
    v.check(token.length > 0, 'token', 'is required');
    v.check(newPassword.length > 0, 'newPassword', 'is required');
    v.throwIfAny();
    const { db, accountTokens, users, sessions, revocations, outbox, hasher } = this.deps;
    const found = await accountTokens.find(sha256(token));
    const user = found ? await users.byId(found.user_id) : undefined;
    // The policy is checked before the token is spent, so a refused password leaves the link usable.
    const policy = new Violations();
    checkPassword(policy, 'newPassword', newPassword, user?.email ?? undefined);
    policy.throwIfAny();
    const hash = await hasher.hash(newPassword);
    const done = await db.transaction().execute(async (trx) => {
      const spent = await accountTokens.consume(trx, sha256(token), 'PASSWORD_RESET', new Date());
      if (!spent) return false;
      await users.setPassword(trx, spent.user_id, hash);
      const ended = await sessions.revokeAllOfUser(trx, spent.user_id, 'PASSWORD_RESET');
      await revocations.sessionsEnded(trx, spent.user_id, ended);
      await outbox.enqueue(trx, [
        newEvent({
          source: 'auth',
          familyId: '',
          actorUserId: spent.user_id,
          payload: { $case: 'sessionsRevoked', value: { userId: spent.user_id, reason: 'PASSWORD_RESET' } },
        }),
      ]);
      return true;
    });
    if (!done) throw invalidLink();
  }
}

function invalidLink(): AppError {
  return AppError.invalidField('token', 'is not valid, was already used or has expired');
}

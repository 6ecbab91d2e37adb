import type { Kysely, Selectable } from 'kysely';
import { AppError } from '@family/errors';
import { isUniqueViolation } from '@family/db';
import type { AuthDatabase, UsersTable } from '../db/schema.js';

export type UserRow = Selectable<UsersTable>;

export class UsersStore {
  constructor(private readonly db: Kysely<AuthDatabase>) {}

  async insert(
    db: Kysely<AuthDatabase>,
    user: {
      id: string;
      email?: string | null;
      username?: string | null;
      displayName: string;
      passwordHash?: string | null;
      emailVerified?: boolean;
    },
  ): Promise<UserRow> {
    try {
      return await db
        .insertInto('users')
        .values({
          id: user.id,
          email: user.email ?? null,
          username: user.username ?? null,
          display_name: user.displayName,
          password_hash: user.passwordHash ?? null,
          email_verified: user.emailVerified ?? false,
          phone: null,
          locale: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_key')) {
        throw new AppError('ALREADY_EXISTS', 'EMAIL_TAKEN', 'An account with this email already exists', {
          violations: [{ field: 'email', message: 'is already registered' }],
        });
      }
      if (isUniqueViolation(err, 'users_username_key')) {
        throw new AppError('ALREADY_EXISTS', 'USERNAME_TAKEN', 'This username is taken', {
          violations: [{ field: 'username', message: 'is already taken' }],
        });
      }
      throw err;
    }
  }

  byId(id: string, db: Kysely<AuthDatabase> = this.db): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byEmail(email: string, db: Kysely<AuthDatabase> = this.db): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  byUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async byIds(ids: string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    return this.db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
  }

  async setPassword(db: Kysely<AuthDatabase>, id: string, passwordHash: string): Promise<void> {
    await db
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  async rename(db: Kysely<AuthDatabase>, id: string, displayName: string): Promise<void> {
    await db
      .updateTable('users')
      .set({ display_name: displayName, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  /** Sets the fields given (null clears phone or locale); undefined when the user no longer exists. */
  updateProfile(
    db: Kysely<AuthDatabase>,
    id: string,
    changes: { displayName?: string; phone?: string | null; locale?: string | null },
  ): Promise<UserRow | undefined> {
    return db
      .updateTable('users')
      .set({
        ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
        ...(changes.phone !== undefined ? { phone: changes.phone } : {}),
        ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async markEmailVerified(db: Kysely<AuthDatabase>, id: string): Promise<void> {
    await db.updateTable('users').set({ email_verified: true, updated_at: new Date() }).where('id', '=', id).execute();
  }

  identity(provider: string, subject: string) {
    return this.db
      .selectFrom('social_identities')
      .selectAll()
      .where('provider', '=', provider)
      .where('subject', '=', subject)
      .executeTakeFirst();
  }

  async linkIdentity(
    db: Kysely<AuthDatabase>,
    row: { provider: string; subject: string; userId: string; email: string | null },
  ) {
    await db
      .insertInto('social_identities')
      .values({ provider: row.provider, subject: row.subject, user_id: row.userId, email: row.email })
      .onConflict((oc) => oc.columns(['provider', 'subject']).doNothing())
      .execute();
  }
}

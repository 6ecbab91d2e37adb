import { sql, type Kysely } from 'kysely';
import type { AuthDatabase } from '../db/schema.js';

export class ThrottleStore {
  constructor(private readonly db: Kysely<AuthDatabase>) {}

  async counts(keys: string[]): Promise<Map<string, { failures: number; windowStart: Date }>> {
    const rows = await this.db.selectFrom('login_throttle').selectAll().where('key', 'in', keys).execute();
    return new Map(rows.map((r) => [r.key, { failures: r.failures, windowStart: r.window_start }]));
  }

  /** Counts a failure against each key; a counter whose window has passed starts again at 1. */
  async recordFailure(keys: string[], windowSeconds: number): Promise<void> {
    const now = new Date();
    const windowOpen = new Date(now.getTime() - windowSeconds * 1000);
    await this.db
      .insertInto('login_throttle')
      .values(keys.map((key) => ({ key, failures: 1, window_start: now })))
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql`case when login_throttle.window_start < ${windowOpen} then 1 else login_throttle.failures + 1 end`,
          window_start: sql`case when login_throttle.window_start < ${windowOpen} then ${now} else login_throttle.window_start end`,
        }),
      )
      .execute();
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('key', '=', key).execute();
  }

  async isKnownAddress(userId: string, address: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('known_addresses')
      .select('user_id')
      .where('user_id', '=', userId)
      .where('address', '=', address)
      .executeTakeFirst();
    return row !== undefined;
  }

  async rememberAddress(userId: string, address: string): Promise<void> {
    await this.db
      .insertInto('known_addresses')
      .values({ user_id: userId, address })
      .onConflict((oc) => oc.columns(['user_id', 'address']).doUpdateSet({ last_success_at: new Date() }))
      .execute();
  }
}

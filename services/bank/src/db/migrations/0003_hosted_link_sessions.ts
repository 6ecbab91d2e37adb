// A link session the provider hosts from start to end (Plaid Hosted Link) keeps the provider's handle
// of it, so the app can come back with the state alone (docs/decisions/0030-plaid-hosted-link.md).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('link_sessions').addColumn('hosted_session_ref', 'text').execute();
}

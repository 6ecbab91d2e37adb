import type { Kysely } from 'kysely';

/**
 * Signing private keys sealed at rest (AES-256-GCM under SIGNING_KEY_ENCRYPTION_KEYS, bound to the
 * kid). A migration has no keys, so it only makes room: the service seals every row still holding a
 * plaintext `private_jwk` when it starts, and clears that column (docs/decisions/0022).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('signing_keys')
    .addColumn('private_key_id', 'text', (c) => c.ifNotExists())
    .execute();
  await db.schema
    .alterTable('signing_keys')
    .addColumn('private_sealed', 'bytea', (c) => c.ifNotExists())
    .execute();
  await db.schema
    .alterTable('signing_keys')
    .alterColumn('private_jwk', (c) => c.dropNotNull())
    .execute();
}

import { sql, type Kysely, type Selectable } from 'kysely';
import type { Sealed } from '@family/config';
import type { AuthDatabase, SigningKeysTable } from '../db/schema.js';

export type SigningKeyRow = Selectable<SigningKeysTable>;

export class SigningKeysStore {
  constructor(private readonly db: Kysely<AuthDatabase>) {}

  /** Runs `fn` in a transaction holding the key-rotation lock, so replicas never rotate twice. */
  withRotationLock<T>(fn: (trx: Kysely<AuthDatabase>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('auth:signing-key-rotation'))`.execute(trx);
      return fn(trx);
    });
  }

  /** The key that signs now: the newest one not retired. */
  active(db: Kysely<AuthDatabase> = this.db): Promise<SigningKeyRow | undefined> {
    return db
      .selectFrom('signing_keys')
      .selectAll()
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  /** Keys verifiers must know: the active one and retired ones whose tokens may still be alive. */
  published(): Promise<SigningKeyRow[]> {
    return this.db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
      .orderBy('created_at', 'desc')
      .execute();
  }

  async insert(
    db: Kysely<AuthDatabase>,
    key: { kid: string; alg: string; publicJwk: object; privateKey: Sealed },
  ): Promise<void> {
    await db
      .insertInto('signing_keys')
      .values({
        kid: key.kid,
        alg: key.alg,
        public_jwk: JSON.stringify(key.publicJwk),
        private_jwk: null,
        private_key_id: key.privateKey.keyId,
        private_sealed: Buffer.from(key.privateKey.data),
        retired_at: null,
        expires_at: null,
      })
      .execute();
  }

  /** Rows whose private key is still plaintext, or sealed with a key other than `currentKeyId`. */
  unsealedOrStale(db: Kysely<AuthDatabase>, currentKeyId: string): Promise<SigningKeyRow[]> {
    return db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('private_jwk', 'is not', null),
          eb('private_key_id', 'is', null),
          eb('private_key_id', '!=', currentKeyId),
        ]),
      )
      .forUpdate()
      .execute();
  }

  /** Stores a row's private key sealed, dropping any plaintext copy. */
  async saveSealed(db: Kysely<AuthDatabase>, kid: string, sealed: Sealed): Promise<void> {
    await db
      .updateTable('signing_keys')
      .set({ private_jwk: null, private_key_id: sealed.keyId, private_sealed: Buffer.from(sealed.data) })
      .where('kid', '=', kid)
      .execute();
  }

  async retireAllExcept(db: Kysely<AuthDatabase>, kid: string, publishUntil: Date): Promise<void> {
    await db
      .updateTable('signing_keys')
      .set({ retired_at: sql<Date>`now()`, expires_at: publishUntil })
      .where('kid', '!=', kid)
      .where('retired_at', 'is', null)
      .execute();
  }
}

// The auth service's signing keys: Ed25519, identified by kid, rotated on a schedule or on demand.
// A retired key stays published until every token it signed has expired. Private keys are stored
// sealed (AES-256-GCM, bound to the kid) and opened only in memory.
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import type { SecretCipher } from '@family/config';
import { newId } from '@family/db';
import { TOKEN_ALG } from '@family/grpc-kit';
import type { SigningKeysStore, SigningKeyRow } from '../store/signing-keys.store.js';

export interface ActiveKey {
  kid: string;
  key: CryptoKey;
}

export class KeyRing {
  private active: { row: SigningKeyRow; key: ActiveKey; loadedAt: number } | undefined;

  constructor(
    private readonly store: SigningKeysStore,
    private readonly cipher: SecretCipher,
    private readonly options: { rotationDays: number; maxTokenTtlSeconds: number },
  ) {}

  /**
   * Seals every private key still stored in plaintext (rows from before sealing existed) and seals
   * again those made under an encryption key that is no longer the first. Idempotent: a second run
   * finds nothing to do.
   */
  async sealStoredKeys(): Promise<number> {
    return this.store.withRotationLock(async (trx) => {
      const rows = await this.store.unsealedOrStale(trx, this.cipher.currentKeyId);
      for (const row of rows) {
        const jwk = row.private_jwk ? JSON.stringify(row.private_jwk) : this.openPrivate(row);
        await this.store.saveSealed(trx, row.kid, this.cipher.seal(jwk, row.kid));
      }
      return rows.length;
    });
  }

  /** Creates the first key, or a new one when the active key is older than the rotation period. */
  async ensureCurrent(now = new Date()): Promise<void> {
    await this.store.withRotationLock(async (trx) => {
      const active = await this.store.active(trx);
      const age = active ? now.getTime() - active.created_at.getTime() : Infinity;
      if (age >= this.options.rotationDays * 86400_000) await this.createKey(trx);
    });
    this.active = undefined;
  }

  /** Starts signing with a fresh key now. */
  async rotate(): Promise<string> {
    const kid = await this.store.withRotationLock((trx) => this.createKey(trx));
    this.active = undefined;
    return kid;
  }

  async signingKey(): Promise<ActiveKey> {
    // Re-read every minute so a rotation by another replica is picked up.
    if (!this.active || Date.now() - this.active.loadedAt > 60_000) {
      const row = await this.store.active();
      if (!row) throw new Error('No signing key: ensureCurrent() was not run');
      const jwk = row.private_jwk ?? (JSON.parse(this.openPrivate(row)) as JWK);
      const key = (await importJWK(jwk as JWK, row.alg)) as CryptoKey;
      this.active = { row, key: { kid: row.kid, key }, loadedAt: Date.now() };
    }
    return this.active.key;
  }

  async publicJwks(): Promise<JWK[]> {
    const rows = await this.store.published();
    return rows.map((r) => ({ ...(r.public_jwk as JWK), kid: r.kid, alg: r.alg, use: 'sig' }));
  }

  private openPrivate(row: SigningKeyRow): string {
    if (!row.private_sealed || !row.private_key_id) throw new Error(`Signing key ${row.kid} has no private key`);
    return this.cipher.open({ keyId: row.private_key_id, data: row.private_sealed }, row.kid);
  }

  private async createKey(trx: Parameters<Parameters<SigningKeysStore['withRotationLock']>[0]>[0]): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALG, { crv: 'Ed25519', extractable: true });
    const kid = newId();
    await this.store.insert(trx, {
      kid,
      alg: TOKEN_ALG,
      publicJwk: await exportJWK(publicKey),
      privateKey: this.cipher.seal(JSON.stringify(await exportJWK(privateKey)), kid),
    });
    // Tokens signed by the old key live at most maxTokenTtl more; keep it published a little longer.
    const publishUntil = new Date(Date.now() + (this.options.maxTokenTtlSeconds + 300) * 1000);
    await this.store.retireAllExcept(trx, kid, publishUntil);
    return kid;
  }
}

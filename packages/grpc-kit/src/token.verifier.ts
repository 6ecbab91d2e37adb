// Verifies access tokens against a cached JWKS. Keys are fetched once, refreshed when they age, and
// re-fetched early only when a token names an unknown key id (at most once per cooldown), so a flood
// of forged key ids cannot turn into a flood of JWKS fetches.
import {
  createLocalJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
} from 'jose';
import { AppError } from '@family/errors';
import { ACCESS_TOKEN_TYPE, TOKEN_ALG, callerFromClaims } from './token.claims.js';
import type { Caller } from './caller.js';
import type { RevocationFeed } from './revocation.feed.js';

export type KeySource = () => Promise<JWK[]>;

export interface TokenVerifierOptions {
  keys: KeySource;
  issuer: string;
  audience: string;
  cacheTtlMs?: number;
  refreshCooldownMs?: number;
  /** How many verified tokens are remembered (0: verify the signature every time). */
  verifiedCacheSize?: number;
  clockToleranceSec?: number;
  /** Revocations from the auth service, applied to every user caller (sessions ended, memberships changed). */
  revocations?: RevocationFeed;
}

export class TokenVerifier {
  /** How many times keys were fetched (exposed so tests can show verification is cached). */
  fetchCount = 0;
  private resolver: ReturnType<typeof createLocalJWKSet> | undefined;
  private fetchedAt = 0;
  private inflight: Promise<void> | undefined;
  /**
   * Tokens whose signature and claims were verified, until they expire: an app sends the same token
   * with every request for its lifetime, and a signature check costs more than the rest of a call.
   * Only the proof is remembered; what the claims grant is decided afresh on every call.
   */
  private readonly verified = new Map<string, JWTPayload & { exp: number }>();

  constructor(private readonly options: TokenVerifierOptions) {}

  async verify(token: string): Promise<Caller> {
    try {
      const payload = await this.verifiedPayload(token);
      const caller = callerFromClaims(payload, token);
      if (!caller) throw AppError.unauthenticated('The access token is malformed', 'INVALID_TOKEN');
      if (caller.kind === 'user' && this.options.revocations) return await this.options.revocations.check(caller);
      return caller;
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof errors.JWTExpired)
        throw AppError.unauthenticated('The access token has expired', 'TOKEN_EXPIRED');
      if (err instanceof errors.JOSEError || err instanceof TypeError) {
        throw AppError.unauthenticated('The access token is invalid', 'INVALID_TOKEN');
      }
      throw err;
    }
  }

  /** Drops the cache so the next verification fetches keys (after a rotation, say). */
  invalidate(): void {
    this.resolver = undefined;
    this.verified.clear();
  }

  private async verifiedPayload(token: string): Promise<JWTPayload> {
    const known = this.verified.get(token);
    if (known && known.exp * 1000 > Date.now()) return known;
    if (known) this.verified.delete(token);
    const { payload } = await jwtVerify(token, (header) => this.keyFor(header), {
      algorithms: [TOKEN_ALG],
      issuer: this.options.issuer,
      audience: this.options.audience,
      typ: ACCESS_TOKEN_TYPE,
      clockTolerance: this.options.clockToleranceSec ?? 5,
      requiredClaims: ['exp', 'sub'],
    });
    const size = this.options.verifiedCacheSize ?? 10_000;
    if (size > 0 && typeof payload.exp === 'number') {
      // Oldest first out: a Map iterates in insertion order.
      if (this.verified.size >= size) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { ...payload, exp: payload.exp });
    }
    return payload;
  }

  private async keyFor(header: JWTHeaderParameters) {
    const ttl = this.options.cacheTtlMs ?? 10 * 60_000;
    if (!this.resolver || Date.now() - this.fetchedAt > ttl) await this.refresh();
    try {
      return await this.resolver!(header);
    } catch (err) {
      const cooldown = this.options.refreshCooldownMs ?? 30_000;
      if (err instanceof errors.JWKSNoMatchingKey && Date.now() - this.fetchedAt > cooldown) {
        await this.refresh();
        return this.resolver!(header);
      }
      throw err;
    }
  }

  private refresh(): Promise<void> {
    this.inflight ??= (async () => {
      try {
        const keys = await this.options.keys();
        this.fetchCount++;
        this.resolver = createLocalJWKSet({ keys } as JSONWebKeySet);
        this.fetchedAt = Date.now();
        // A key may have been withdrawn: tokens are proven again against the keys as they are now.
        this.verified.clear();
      } catch {
        // Keep verifying with the keys we have, and try again only after the cooldown rather than on
        // every request; without any keys, the caller cannot be authenticated now.
        if (!this.resolver) throw new AppError('UNAVAILABLE', 'JWKS_UNAVAILABLE', 'Signing keys are unavailable', {});
        const ttl = this.options.cacheTtlMs ?? 10 * 60_000;
        this.fetchedAt = Date.now() - ttl + (this.options.refreshCooldownMs ?? 30_000);
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }
}

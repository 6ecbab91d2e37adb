import type { Kysely } from 'kysely';
import type { Outbox } from '@family/outbox';
import type { AuthDatabase } from '../db/schema.js';
import type { RegionSettings } from '../domain/region.rules.js';
import type { UsersStore } from '../store/users.store.js';
import type { FamiliesStore } from '../store/families.store.js';
import type { SessionsStore } from '../store/sessions.store.js';
import type { RevocationsStore } from '../store/revocations.store.js';
import type { AccountTokensStore } from '../store/account-tokens.store.js';
import type { AccountTokenPurpose } from '../db/schema.js';
import type { ThrottleStore } from '../store/throttle.store.js';
import type { ServiceClientsStore } from '../store/service-clients.store.js';
import type { PasswordHasher } from './password.hasher.js';
import type { TokenIssuer } from './token.issuer.js';
import type { KeyRing } from './key.ring.js';
import type { SocialVerifier } from './social.verifier.js';
import type { ThrottleLimits } from '../domain/throttle.rules.js';

/** Everything the use cases need, built once by the composition root. */
export interface AuthDeps {
  db: Kysely<AuthDatabase>;
  users: UsersStore;
  families: FamiliesStore;
  sessions: SessionsStore;
  revocations: RevocationsStore;
  throttle: ThrottleStore;
  serviceClients: ServiceClientsStore;
  hasher: PasswordHasher;
  issuer: TokenIssuer;
  keys: KeyRing;
  social: SocialVerifier;
  outbox: Outbox;
  limits: ThrottleLimits;
  refreshTtlDays: number;
  accountTokens: AccountTokensStore;
  /** How long each kind of account link works. */
  linkTtlMinutes: Record<AccountTokenPurpose, number>;
  /** How far back a revocation can still matter: the longest access-token lifetime and a margin. */
  revocationWindowMs: number;
  regions: RegionSettings;
}

export interface ClientContext {
  address: string;
  userAgent: string;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

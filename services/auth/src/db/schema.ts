// Row types of the auth schema, as kysely sees them.
import type { ColumnType, Generated } from 'kysely';
import type { OutboxDatabase } from '@family/outbox';
import type { FamilyRole } from '@family/grpc-kit';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface UsersTable {
  id: string;
  email: string | null;
  username: string | null;
  display_name: string;
  password_hash: string | null;
  email_verified: Generated<boolean>;
  phone: string | null;
  locale: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface SocialIdentitiesTable {
  provider: string;
  subject: string;
  user_id: string;
  email: string | null;
  created_at: CreatedAt;
}

export interface FamiliesTable {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  owner_user_id: string;
  /** Home region; null on a single-region installation. */
  region: string | null;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  id: string;
  family_id: string;
  user_id: string;
  role: FamilyRole;
  created_at: CreatedAt;
}

export interface InvitesTable {
  id: string;
  family_id: string;
  code_hash: string;
  role: FamilyRole;
  created_by: string;
  expires_at: Date;
  accepted_at: Date | null;
  accepted_by: string | null;
  created_at: CreatedAt;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: CreatedAt;
  last_used_at: ColumnType<Date, Date | undefined, Date>;
  revoked_at: Date | null;
  revoke_reason: string | null;
  client_address: string | null;
  user_agent: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: ColumnType<Record<string, unknown>, string, string>;
  /** Plaintext, only in rows written before keys were sealed; cleared when the service seals them. */
  private_jwk: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  /** The SIGNING_KEY_ENCRYPTION_KEYS id that sealed `private_sealed`. */
  private_key_id: string | null;
  /** The private JWK, AES-256-GCM sealed (iv ‖ tag ‖ ciphertext), bound to the kid. */
  private_sealed: Buffer | null;
  created_at: CreatedAt;
  retired_at: Date | null;
  expires_at: Date | null;
}

export interface RevocationsTable {
  id: string;
  user_id: string;
  /** Set: every token of this session. */
  session_id: string | null;
  /** Set: the user's membership of this family, as carried by tokens issued before `not_before`. */
  family_id: string | null;
  /** With family_id: the member's role since `not_before`; null: removed from the family. */
  role: FamilyRole | null;
  not_before: Date;
  created_at: CreatedAt;
}

export type AccountTokenPurpose = 'EMAIL_VERIFICATION' | 'PASSWORD_RESET';

export interface AccountTokensTable {
  token_hash: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  email: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_start: Date;
}

export interface KnownAddressesTable {
  user_id: string;
  address: string;
  last_success_at: ColumnType<Date, Date | undefined, Date>;
}

export interface ServiceClientsTable {
  client_id: string;
  secret_hash: string;
  scopes: string[];
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface AuthDatabase extends OutboxDatabase {
  users: UsersTable;
  social_identities: SocialIdentitiesTable;
  families: FamiliesTable;
  memberships: MembershipsTable;
  invites: InvitesTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  revocations: RevocationsTable;
  account_tokens: AccountTokensTable;
  login_throttle: LoginThrottleTable;
  known_addresses: KnownAddressesTable;
  service_clients: ServiceClientsTable;
}

// The one interface every bank provider sits behind (one file per provider implements it). Adapters
// speak their provider's API through its client library and hand back provider facts in this shape;
// the service normalises them (sign, exponent, pending → posted) in one place and never sees a
// provider's own types. Credentials are opaque to the service: it encrypts and stores them whole.
import type { Day } from '@family/service-kit/calendar';

export type ProviderName = 'PLAID' | 'TRUELAYER' | 'TINK' | 'FINICITY' | 'SALTEDGE';

export type AccountKind = 'CHECKING' | 'SAVINGS' | 'CREDIT_CARD' | 'LOAN' | 'INVESTMENT' | 'OTHER';

/** What a provider gave us to act for the family: stored encrypted, never logged or returned. */
export interface ProviderCredentials {
  accessToken: string;
  refreshToken?: string | undefined;
  /** When accessToken stops working (redirect providers refresh before it). */
  accessExpiresAt?: string | undefined;
  /** Provider-specific extras (Plaid item id, a customer id, …). */
  extra?: Record<string, string> | undefined;
}

export interface LinkSessionInput {
  /** Opaque, single-use state bound to the family and member (redirect providers echo it back). */
  state: string;
  /** Where the user comes back to; '' when the app links in a widget (Plaid Link). */
  redirectUri: string;
  /** Who is linking, as the provider may want a stable user reference (never an email). */
  userRef: string;
  country?: string | undefined;
  institutionId?: string | undefined;
  language?: string | undefined;
  /** Re-authenticating an existing connection: its credentials (Plaid update mode, say). */
  reauth?: ProviderCredentials | undefined;
}

export interface LinkSession {
  /** Token-exchange providers (Plaid): what the app opens Link with. */
  linkToken?: string | undefined;
  /** Redirect providers (and hosted sessions): the URL the user opens to consent. */
  linkUrl?: string | undefined;
  /**
   * A session the provider hosts from start to end (Plaid Hosted Link): the provider's handle of it,
   * kept with the state and given back to `exchange`, which reads the result from the provider. The
   * app then comes back with the state alone.
   */
  hostedSessionRef?: string | undefined;
  expiresAt: Date;
}

export interface ExchangeInput {
  publicToken?: string | undefined;
  authorizationCode?: string | undefined;
  /** A hosted session's handle (LinkSession.hostedSessionRef), when the app sent no public token. */
  hostedSessionRef?: string | undefined;
  redirectUri: string;
}

export interface ExchangeResult {
  credentials: ProviderCredentials;
  /** The provider's id of this link (Plaid item id, TrueLayer credentials id): webhooks name it. */
  providerConnectionId: string;
  institution: { id: string; name: string };
  consentExpiresAt?: Date | undefined;
}

export interface ProviderAccount {
  providerAccountId: string;
  name: string;
  /** Last digits of the account number, when the provider gives them. */
  mask: string;
  kind: AccountKind;
  currency: string;
  /** Decimal strings exactly as the provider sent them (converted with the ISO 4217 exponent later). */
  currentBalance?: string | undefined;
  availableBalance?: string | undefined;
  balanceAsOf: Date;
}

export interface ProviderTransaction {
  providerTransactionId: string;
  providerAccountId: string;
  /** Decimal string, positive, as the provider sent it (e.g. "12.34"). */
  amount: string;
  /** OUT: money left the account (spending); IN: money came in. */
  direction: 'OUT' | 'IN';
  currency: string;
  bookedOn: Day;
  pending: boolean;
  /** A posted transaction that replaces a pending one: the pending one's id (when the provider says). */
  pendingTransactionId?: string | undefined;
  description: string;
  merchant?: string | undefined;
}

export interface TransactionChanges {
  added: ProviderTransaction[];
  modified: ProviderTransaction[];
  /** Provider transaction ids that no longer exist. */
  removed: string[];
  /** Where the next call continues (opaque to the service; saved only after the page is applied). */
  nextCursor: string;
  hasMore: boolean;
}

export interface FetchChangesInput {
  credentials: ProviderCredentials;
  /** '' for the first sync. */
  cursor: string;
  /** The first sync covers bookings from this day on (date-based providers). */
  since: Day;
  providerAccountIds: string[];
}

export type WebhookKind = 'SYNC_AVAILABLE' | 'REAUTH_REQUIRED' | 'CONSENT_EXPIRING' | 'REVOKED' | 'IGNORED';

export interface WebhookEvent {
  /** The provider's id of the event, or a digest of the body when it has none (replays are dropped). */
  eventId: string;
  providerConnectionId: string;
  kind: WebhookKind;
  occurredAt: Date;
  consentExpiresAt?: Date | undefined;
}

export interface WebhookInput {
  /** The raw body, byte for byte. */
  body: Uint8Array;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  path: string;
}

/** A call that changed the credentials (a refreshed token) returns them to be stored again. */
export interface WithCredentials<T> {
  value: T;
  credentials?: ProviderCredentials | undefined;
}

export interface BankAdapter {
  readonly provider: ProviderName;
  readonly displayName: string;
  /** ISO 3166-1 alpha-2 codes. */
  readonly countries: readonly string[];
  /** TOKEN_EXCHANGE: the app gets a link token and returns a public token (Plaid); REDIRECT: OAuth. */
  readonly flow: 'TOKEN_EXCHANGE' | 'REDIRECT';
  /**
   * A TOKEN_EXCHANGE provider that can also host the whole flow (Plaid Hosted Link): a link session
   * with a redirect URI answers a linkUrl and a hostedSessionRef.
   */
  readonly hostedLink?: boolean | undefined;

  createLinkSession(input: LinkSessionInput): Promise<LinkSession>;
  exchange(input: ExchangeInput): Promise<ExchangeResult>;
  accounts(credentials: ProviderCredentials): Promise<WithCredentials<ProviderAccount[]>>;
  /** One page of changes after `cursor`; throws ProviderError on failure. */
  fetchChanges(input: FetchChangesInput): Promise<WithCredentials<TransactionChanges>>;
  /** Verifies the provider's signature (ProviderError UNAUTHENTICATED when it fails) and parses. */
  verifyWebhook(input: WebhookInput): Promise<WebhookEvent>;
  /** Ends the link at the provider; an already revoked link is not an error. */
  revoke(credentials: ProviderCredentials): Promise<void>;
}

// The failures of a provider call, in the service's words: what to do next, not which HTTP status
// the provider used. Adapters map their provider's error codes onto these kinds once.
export type ProviderErrorKind =
  /** 429: try again later (retryAfterMs when the provider said). */
  | 'RATE_LIMITED'
  /** 5xx, timeouts, connection errors: try again later. */
  | 'UNAVAILABLE'
  /** The user must log in again at the bank (Plaid ITEM_LOGIN_REQUIRED, an expired refresh token). */
  | 'REAUTH_REQUIRED'
  /** Consent ran out (open-banking 90/180 days). */
  | 'CONSENT_EXPIRED'
  /** The link was revoked at the provider or by the user. */
  | 'REVOKED'
  /** A webhook whose signature or timestamp does not verify. */
  | 'UNAUTHENTICATED'
  /** Our request was wrong (a bad public token or code): the caller's input. */
  | 'INVALID_INPUT'
  /** A hosted link session the user has not finished (not yet, or they left it): nothing to exchange. */
  | 'LINK_NOT_FINISHED'
  /**
   * The provider's data changed while paging (Plaid TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION):
   * the service restarts the loop from the cursor it began with (pages are applied idempotently).
   */
  | 'RESTART_PAGINATION';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: { providerCode?: string | undefined; retryAfterMs?: number | undefined } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  get retryable(): boolean {
    return this.kind === 'RATE_LIMITED' || this.kind === 'UNAVAILABLE';
  }
}

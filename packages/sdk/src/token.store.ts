// Where a client keeps the session's tokens: in memory by default, or the app's own secure storage.
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
}

export interface TokenStore {
  get(): SessionTokens | undefined;
  /** `undefined` ends the session (a refused refresh, a logout). */
  set(tokens: SessionTokens | undefined): void;
}

export function memoryTokenStore(initial?: SessionTokens): TokenStore {
  let tokens = initial;
  return {
    get: () => tokens,
    set(next) {
      tokens = next;
    },
  };
}

// Brute-force throttling that an attacker cannot turn into a lock-out of the real user.
//
// Three failure counters share one window:
// - per (login, address): a guesser at one address is stopped after a few tries;
// - per address: one address guessing many accounts is stopped;
// - per login (all addresses): a distributed attack puts the account in "protected" mode, in which
//   only addresses that have logged in to it successfully before may still try. The owner, at home
//   or on their usual phone network, keeps getting in while the attacker's addresses are refused.

export interface ThrottleLimits {
  windowSeconds: number;
  perLoginAndAddress: number;
  perAddress: number;
  perLogin: number;
}

export interface ThrottleCounts {
  loginAndAddress: { failures: number; windowStart: Date } | undefined;
  address: { failures: number; windowStart: Date } | undefined;
  login: { failures: number; windowStart: Date } | undefined;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; reason: string };

export function throttleKeys(login: string, address: string) {
  return {
    loginAndAddress: `pair:${login}|${address}`,
    address: `addr:${address}`,
    login: `login:${login}`,
  };
}

export function decide(
  counts: ThrottleCounts,
  limits: ThrottleLimits,
  knownAddress: boolean,
  now: Date,
): ThrottleDecision {
  const retryAfter = (c: { windowStart: Date }) =>
    Math.max(1, Math.ceil((c.windowStart.getTime() + limits.windowSeconds * 1000 - now.getTime()) / 1000));
  const active = (c: { failures: number; windowStart: Date } | undefined) =>
    c && now.getTime() - c.windowStart.getTime() < limits.windowSeconds * 1000 ? c : undefined;

  const pair = active(counts.loginAndAddress);
  if (pair && pair.failures >= limits.perLoginAndAddress) {
    return { allowed: false, retryAfterSeconds: retryAfter(pair), reason: 'TOO_MANY_ATTEMPTS' };
  }
  const address = active(counts.address);
  if (address && address.failures >= limits.perAddress && !knownAddress) {
    return { allowed: false, retryAfterSeconds: retryAfter(address), reason: 'TOO_MANY_ATTEMPTS_FROM_ADDRESS' };
  }
  const login = active(counts.login);
  if (login && login.failures >= limits.perLogin && !knownAddress) {
    return { allowed: false, retryAfterSeconds: retryAfter(login), reason: 'ACCOUNT_PROTECTED' };
  }
  return { allowed: true };
}

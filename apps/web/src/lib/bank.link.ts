// The bank redirect flow: remember which provider a link was started with, come back to
// /bank/callback with the provider's code and state.
const PENDING_KEY = 'family.bank.pending';

export function bankRedirectUri(): string {
  return `${window.location.origin}/bank/callback`;
}

export function rememberPendingLink(provider: string): void {
  window.sessionStorage.setItem(PENDING_KEY, provider);
}

export function takePendingLink(): string | undefined {
  const provider = window.sessionStorage.getItem(PENDING_KEY) ?? undefined;
  window.sessionStorage.removeItem(PENDING_KEY);
  return provider;
}

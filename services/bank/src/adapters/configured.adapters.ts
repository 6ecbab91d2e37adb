// The adapters a configuration enables (a provider is enabled when its settings are present).
import type { BankConfig } from '../config.js';
import { plaidEnabled, trueLayerEnabled } from '../config.js';
import type { BankAdapter } from './bank.adapter.js';
import { PlaidAdapter } from './plaid.adapter.js';
import { TrueLayerAdapter } from './truelayer.adapter.js';

export function configuredAdapters(config: BankConfig): BankAdapter[] {
  const adapters: BankAdapter[] = [];
  if (plaidEnabled(config)) {
    adapters.push(
      new PlaidAdapter({
        basePath: config.PLAID_BASE_URL!,
        clientId: config.PLAID_CLIENT_ID!,
        secret: config.PLAID_SECRET!,
        clientName: config.PLAID_CLIENT_NAME,
        webhookUrl: config.PLAID_WEBHOOK_URL ?? '',
        oauthRedirectUri: config.PLAID_REDIRECT_URI,
        historyDays: config.BANK_FIRST_SYNC_DAYS,
      }),
    );
  }
  if (trueLayerEnabled(config)) {
    adapters.push(
      new TrueLayerAdapter({
        authUrl: config.TRUELAYER_AUTH_URL!,
        apiUrl: config.TRUELAYER_API_URL!,
        clientId: config.TRUELAYER_CLIENT_ID!,
        clientSecret: config.TRUELAYER_CLIENT_SECRET!,
        webhookJwksUrl: config.TRUELAYER_WEBHOOK_JWKS_URL!,
        webhookToleranceMs: config.BANK_WEBHOOK_WINDOW_MS,
        linkTtlMs: config.BANK_LINK_SESSION_TTL_MS,
      }),
    );
  }
  return adapters;
}

// The adapters a configuration enables (a provider is enabled when its settings are present).
import type { BankConfig } from '../config.js';
import { finicityEnabled, plaidEnabled, trueLayerEnabled } from '../config.js';
import { tinkEnabled } from '../config.js';
import { saltEdgeEnabled } from '../config.js';
import type { BankAdapter } from './bank.adapter.js';
import { FinicityAdapter } from './finicity.adapter.js';
import { PlaidAdapter } from './plaid.adapter.js';
import { SaltEdgeAdapter } from './saltedge.adapter.js';
import { TinkAdapter } from './tink.adapter.js';
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
        hostedLink: config.PLAID_HOSTED_LINK,
        historyDays: config.BANK_FIRST_SYNC_DAYS,
        pageSize: config.PLAID_PAGE_SIZE,
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
  if (tinkEnabled(config)) {
    adapters.push(
      new TinkAdapter({
        apiUrl: config.TINK_API_URL!,
        linkUrl: config.TINK_LINK_URL!,
        clientId: config.TINK_CLIENT_ID!,
        clientSecret: config.TINK_CLIENT_SECRET!,
        webhookSecret: config.TINK_WEBHOOK_SECRET!,
        webhookToleranceMs: config.BANK_WEBHOOK_WINDOW_MS,
        linkTtlMs: config.BANK_LINK_SESSION_TTL_MS,
      }),
    );
  }
  if (finicityEnabled(config)) {
    adapters.push(
      new FinicityAdapter({
        apiUrl: config.FINICITY_API_URL!,
        partnerId: config.FINICITY_PARTNER_ID!,
        partnerSecret: config.FINICITY_SECRET!,
        appKey: config.FINICITY_APP_KEY!,
        webhookSecret: config.FINICITY_WEBHOOK_SECRET,
        webhookUrl: config.FINICITY_WEBHOOK_URL,
        customerType: config.FINICITY_CUSTOMER_TYPE,
        webhookToleranceMs: config.BANK_WEBHOOK_WINDOW_MS,
        linkTtlMs: config.BANK_LINK_SESSION_TTL_MS,
      }),
    );
  }
  if (saltEdgeEnabled(config)) {
    adapters.push(
      new SaltEdgeAdapter({
        apiUrl: config.SALTEDGE_API_URL!,
        appId: config.SALTEDGE_APP_ID!,
        secret: config.SALTEDGE_SECRET!,
        privateKey: config.SALTEDGE_PRIVATE_KEY!,
        callbackPublicKey: config.SALTEDGE_CALLBACK_PUBLIC_KEY!,
        callbackUrl: config.SALTEDGE_CALLBACK_URL!,
      }),
    );
  }
  return adapters;
}

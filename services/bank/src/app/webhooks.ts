// Provider webhooks: verified by the provider's adapter (a bad signature is UNAUTHENTICATED and
// nothing happens), replays dropped (an event id seen before, or signed outside the time window),
// then answered at once — the work is queued: a sync is asked for and the scheduler kicked.
import { AppError } from '@family/errors';
import type { ProviderName, WebhookEvent } from '../adapters/bank.adapter.js';
import { ProviderError } from '../adapters/provider.error.js';
import type { BankDeps } from './bank.deps.js';

export interface WebhookRequest {
  provider: ProviderName | undefined;
  body: Uint8Array;
  headers: Record<string, string>;
  path: string;
}

export interface WebhookOutcome {
  accepted: boolean;
  connectionId: string;
}

const ignored: WebhookOutcome = { accepted: false, connectionId: '' };

export class Webhooks {
  constructor(
    private readonly deps: BankDeps,
    private readonly kick: () => void,
  ) {}

  async handle(input: WebhookRequest): Promise<WebhookOutcome> {
    if (!input.provider) throw AppError.invalidField('provider', 'is required');
    const adapter = this.deps.providers.find(input.provider);
    if (!adapter) throw AppError.notFound('Provider');
    const headers = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]));
    let event: WebhookEvent;
    try {
      event = await adapter.verifyWebhook({ body: input.body, headers, path: input.path });
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'UNAUTHENTICATED') {
        throw AppError.unauthenticated('The webhook signature does not verify', 'WEBHOOK_SIGNATURE_INVALID');
      }
      if (err instanceof ProviderError) throw AppError.invalidField('body', 'is not a webhook of this provider');
      throw err;
    }
    const log = this.deps.logger.child({ provider: input.provider, eventId: event.eventId, kind: event.kind });
    const age = this.deps.clock().getTime() - event.occurredAt.getTime();
    if (age > this.deps.settings.webhookWindowMs || age < -60_000) {
      log.info({ ageMs: age }, 'webhook outside the time window dropped');
      return ignored;
    }
    if (!(await this.deps.webhookEvents.remember(input.provider, event.eventId))) {
      log.info('replayed webhook dropped');
      return ignored;
    }
    if (event.kind === 'IGNORED') return ignored;
    const c = await this.deps.connections.byProviderConnection(input.provider, event.providerConnectionId);
    if (!c) {
      log.info('webhook for an unknown link dropped');
      return ignored;
    }
    switch (event.kind) {
      case 'SYNC_AVAILABLE':
        if (c.status !== 'ACTIVE' && c.status !== 'ERROR') return { accepted: false, connectionId: c.id };
        await this.deps.connections.requestSync(c.id, 'WEBHOOK');
        this.kick();
        break;
      case 'REAUTH_REQUIRED':
      case 'REVOKED': {
        const status = event.kind === 'REVOKED' ? 'REVOKED' : 'NEEDS_REAUTH';
        await this.deps.db.transaction().execute(async (trx) => {
          const before = await this.deps.connections.setStatus(
            trx,
            c.id,
            status,
            event.kind,
            event.kind === 'REVOKED' ? 'The bank link was revoked' : 'The bank asks for the login again',
          );
          if (before !== undefined && before !== status)
            await this.deps.events.needsReauth(trx, c, event.kind === 'REVOKED' ? 'REVOKED' : 'REAUTH_REQUIRED');
        });
        break;
      }
      case 'CONSENT_EXPIRING':
        if (event.consentExpiresAt) await this.deps.connections.setConsentExpiry(c.id, event.consentExpiresAt);
        this.kick();
        break;
    }
    log.info({ connectionId: c.id }, 'webhook accepted');
    return { accepted: true, connectionId: c.id };
  }
}

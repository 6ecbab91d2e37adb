// The background pass: syncs the connections that are due (their jittered schedule, a webhook, a
// queued manual sync, a retry after backoff), tells parents 7 days before a consent ends, and tidies
// old webhook ids, link sessions and removed transactions. Safe on several replicas: a sync needs
// the connection's lease, and a consent notice is recorded once per expiry date.
import type { BankDeps } from './bank.deps.js';
import type { SyncRunner } from './sync.runner.js';

export const CONSENT_NOTICE_DAYS = 7;
const DUE_BATCH = 20;
/** Syncs one replica runs at once in a pass. */
const PARALLEL = 4;

export class Scheduler {
  private lastTidy = 0;

  constructor(
    private readonly deps: BankDeps,
    private readonly runner: SyncRunner,
  ) {}

  /** One pass; true when more connections may be due (run again at once). */
  async tick(): Promise<boolean> {
    await this.consentNotices();
    const due = await this.deps.connections.due(DUE_BATCH);
    for (let i = 0; i < due.length; i += PARALLEL) {
      await Promise.all(due.slice(i, i + PARALLEL).map((d) => this.runner.runDue(d.id, d.trigger)));
    }
    await this.tidy();
    return due.length === DUE_BATCH;
  }

  async consentNotices(): Promise<number> {
    const { deps } = this;
    const horizon = new Date(deps.clock().getTime() + CONSENT_NOTICE_DAYS * 86_400_000);
    let told = 0;
    for (const c of await deps.connections.consentEnding(horizon, 100)) {
      const expiresAt = c.consentExpiresAt!;
      await deps.db.transaction().execute(async (trx) => {
        if (await deps.connections.markConsentNotified(trx, c.id, expiresAt)) {
          await deps.events.consentExpiring(trx, c, expiresAt);
          told++;
        }
      });
    }
    return told;
  }

  private async tidy(): Promise<void> {
    const now = this.deps.clock().getTime();
    if (now - this.lastTidy < 3600_000) return;
    this.lastTidy = now;
    await this.deps.webhookEvents.prune(new Date(now - 2 * 86_400_000));
    await this.deps.sessions.prune(new Date(now - 86_400_000));
    await this.deps.transactions.pruneRemoved(new Date(now - 30 * 86_400_000));
  }
}

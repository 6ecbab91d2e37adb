// notification_deliveries_total{channel,outcome}: what the delivery workers did with each attempt.
import { Counter, type Registry } from 'prom-client';
import type { DeliveryChannel } from '@family/delivery-jobs';

/**
 * delivered: the provider accepted it · retrying: a transient failure, BullMQ will try again ·
 * failed: permanent (refused by the provider, bad job, or out of attempts) — the job is kept failed.
 */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed';

export class DeliveryMetrics {
  private readonly deliveries: Counter<'channel' | 'outcome'>;

  constructor(registry: Registry) {
    const existing = registry.getSingleMetric('notification_deliveries_total');
    this.deliveries =
      (existing as Counter<'channel' | 'outcome'> | undefined) ??
      new Counter({
        name: 'notification_deliveries_total',
        help: 'Notification delivery attempts by channel and outcome (delivered, retrying, failed)',
        labelNames: ['channel', 'outcome'],
        registers: [registry],
      });
  }

  count(channel: DeliveryChannel, outcome: DeliveryOutcome): void {
    this.deliveries.inc({ channel, outcome });
  }
}

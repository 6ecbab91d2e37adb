// Prometheus metrics of the outbox relay, per producer and subscriber. One set per registry, so
// several producers in one process (the local launcher) share the metric objects.
import { Counter, Gauge, type Registry } from 'prom-client';

type Labels = 'producer' | 'subscriber';

export interface RelayMetrics {
  deliveries: Counter<Labels | 'outcome'>;
  parkedTotal: Counter<Labels>;
  parked: Gauge<Labels>;
  lag: Gauge<Labels>;
}

const byRegistry = new WeakMap<Registry, RelayMetrics>();

export function relayMetrics(registry: Registry): RelayMetrics {
  let m = byRegistry.get(registry);
  if (!m) {
    const registers = [registry];
    m = {
      deliveries: new Counter({
        name: 'outbox_event_deliveries_total',
        help: 'Events handed to a subscriber, by outcome (delivered, failed, redriven)',
        labelNames: ['producer', 'subscriber', 'outcome'],
        registers,
      }),
      parkedTotal: new Counter({
        name: 'outbox_events_parked_total',
        help: 'Events parked after failing for a subscriber too many times',
        labelNames: ['producer', 'subscriber'],
        registers,
      }),
      parked: new Gauge({
        name: 'outbox_parked_events',
        help: 'Events currently parked for a subscriber (waiting for a redrive)',
        labelNames: ['producer', 'subscriber'],
        registers,
      }),
      lag: new Gauge({
        name: 'outbox_subscriber_lag_seconds',
        help: 'Age of the oldest event a subscriber has not acknowledged yet (0 when caught up)',
        labelNames: ['producer', 'subscriber'],
        registers,
      }),
    };
    byRegistry.set(registry, m);
  }
  return m;
}

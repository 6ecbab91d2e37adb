// The body of every service's main.ts: metrics registry, the service itself, its /metrics endpoint,
// signal handling, and a readable message (exit 1) when the configuration is bad.
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ConfigError } from '@family/config';
import type { Logger } from '@family/logger';
import { GrpcMetrics } from './grpc.metrics.js';
import { startMetricsServer } from './metrics.server.js';
import { installShutdown, type ShutdownStep } from './shutdown.js';

export interface StartedProcess {
  logger: Logger;
  /** Where /metrics is served; port 0 turns it off. */
  metricsAt: { host: string; port: number };
  /** Run in order on SIGTERM/SIGINT, after /metrics stops. */
  shutdown: ShutdownStep[];
}

export function runServiceProcess(start: (metrics: GrpcMetrics) => Promise<StartedProcess>): void {
  const run = async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const started = await start(new GrpcMetrics(registry));
    const { host, port } = started.metricsAt;
    const endpoint = port > 0 ? await startMetricsServer(registry, host, port) : undefined;
    installShutdown(started.logger, [{ name: 'metrics', run: async () => endpoint?.stop() }, ...started.shutdown]);
  };
  run().catch((err) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(err);
    process.exit(1);
  });
}

// The container health check: `node health.probe.js grpc://127.0.0.1:50051` (grpc.health.v1 answers
// SERVING) or `node health.probe.js http://127.0.0.1:8080/healthz` (answers 2xx); exit 0 when healthy.
import { HealthDefinition } from 'nice-grpc-server-health';
import { createGrpcClient, openChannel } from './client.factory.js';

/** grpc.health.v1 HealthCheckResponse.ServingStatus.SERVING */
const SERVING = 1;
const DEADLINE_MS = 3000;

export async function isHealthy(target: string): Promise<boolean> {
  if (target.startsWith('grpc://')) {
    const channel = openChannel(target.slice('grpc://'.length));
    try {
      const health = createGrpcClient(HealthDefinition, channel);
      const reply = await health.check({ service: '' }, { deadline: DEADLINE_MS, retryMaxAttempts: 0 });
      return reply.status === SERVING;
    } catch {
      return false;
    } finally {
      channel.close();
    }
  }
  try {
    const response = await fetch(target, { signal: AbortSignal.timeout(DEADLINE_MS) });
    return response.ok;
  } catch {
    return false;
  }
}

const target = process.argv[2];
if (target !== undefined && import.meta.url.endsWith('/health.probe.js')) {
  process.exitCode = (await isHealthy(target)) ? 0 : 1;
}

// gRPC call durations for prom-client: one histogram for served calls, one for calls made.
import { ClientError, ServerError, Status, type ClientMiddleware, type ServerMiddleware } from 'nice-grpc';
import { Histogram, type Registry } from 'prom-client';

export class GrpcMetrics {
  readonly serverMiddleware: ServerMiddleware;
  readonly clientMiddleware: ClientMiddleware;

  /** The registry these histograms live in; other process metrics (periodic tasks, the relay) join it. */
  readonly registry: Registry;

  constructor(registry: Registry) {
    this.registry = registry;
    const buckets = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    const served = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Duration of gRPC calls served, by method and status code',
      labelNames: ['method', 'code'],
      buckets,
      registers: [registry],
    });
    const made = new Histogram({
      name: 'grpc_client_handling_seconds',
      help: 'Duration of gRPC calls made, by method and status code',
      labelNames: ['method', 'code'],
      buckets,
      registers: [registry],
    });
    this.serverMiddleware = async function* measureServed(call, context) {
      const end = served.startTimer({ method: call.method.path });
      let code = 'OK';
      try {
        return yield* call.next(call.request, context);
      } catch (err) {
        code = err instanceof ServerError ? Status[err.code] : 'UNKNOWN';
        throw err;
      } finally {
        end({ code });
      }
    };
    this.clientMiddleware = async function* measureMade(call, options) {
      const end = made.startTimer({ method: call.method.path });
      let code = 'OK';
      try {
        return yield* call.next(call.request, options);
      } catch (err) {
        code = err instanceof ClientError ? Status[err.code] : 'UNKNOWN';
        throw err;
      } finally {
        end({ code });
      }
    };
  }
}

// HTTP request durations for prom-client, labelled by the Express route pattern (bounded label
// values), never the raw URL.
import type { Request, RequestHandler } from 'express';
import { Histogram, type Registry } from 'prom-client';

export const UNMATCHED_ROUTE = '(unmatched)';

// Routers are mounted at the root with full paths, so the matched pattern is the whole route.
function routeOf(req: Request): string {
  const pattern: unknown = req.route?.path;
  return typeof pattern === 'string' ? pattern : UNMATCHED_ROUTE;
}

export function httpMetrics(registry: Registry): RequestHandler {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }));
    next();
  };
}

// CORS for the web app on another origin: only the origins in CORS_ORIGINS (exact match), preflight
// answered here, credentials (cookies, HTTP auth) only when CORS_CREDENTIALS says so — the apps send
// bearer tokens, which need no credentials mode — and the headers a client reads exposed.
import cors from 'cors';
import type { RequestHandler } from 'express';

/** Headers a browser script may read from a cross-origin answer. */
export const EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'X-Request-Id',
];

/** Request headers the API reads. */
export const ALLOWED_HEADERS = [
  'Accept',
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'If-Match',
  'Last-Event-ID',
  'X-Request-Id',
];

export function corsPolicy(options: { origins: string[]; credentials: boolean }): RequestHandler {
  const allowed = new Set(options.origins.map((o) => o.replace(/\/+$/, '')));
  return cors({
    // A refused origin gets no Access-Control-Allow-* headers: the browser blocks the answer.
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: options.credentials,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}

// Idempotency-Key on POST, with Stripe's semantics, in Redis so every replica sees the same record:
// - first use stores a "running" marker (SET NX) with a fingerprint of method, path and body;
// - the same key and body after completion replays the stored status, headers and body
//   (with `Idempotent-Replayed: true`);
// - the same key with a different body → 422 IDEMPOTENCY_KEY_REUSED;
// - the same key while the first request still runs → 409 IDEMPOTENCY_IN_PROGRESS;
// - a response with status >= 500 is not stored: the marker is removed so the client can retry;
// - nor is a 400: a request refused by validation — the BFF's shapes or the service's own rules
//   (an unknown currency or time zone) — leaves the key free for the corrected request.
// Keys are scoped by caller (user id, or address when anonymous), so one user can't replay another's.
//
// Where it sits: after authentication and request validation, just before the handler. As with
// Stripe, a request refused before the endpoint started (401, 400 validation) stores nothing and
// may be retried with the same key once fixed. A body nested too deep never gets here
// (json.depth.middleware.ts), so the fingerprint's canonical JSON cannot overflow.
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '@family/errors';
import { redisUnavailable } from '@family/service-kit';
import type { BffRedis } from '../redis.client.js';
import { sendProblem } from './problem.middleware.js';

export interface IdempotencyOptions {
  redis: BffRedis;
  keyPrefix: string;
  /** How long a completed response is kept for replay. */
  ttlSeconds: number;
  /**
   * How long the running marker lives. Short (a little over the request budget) so a replica that
   * dies mid-request does not lock the key for a day.
   */
  lockTtlSeconds: number;
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

interface RunningRecord {
  state: 'running';
  fingerprint: string;
}

interface DoneRecord {
  state: 'done';
  fingerprint: string;
  status: number;
  headers: Record<string, string | string[]>;
  /** base64 */
  body: string;
}

type StoredRecord = RunningRecord | DoneRecord;

// Headers that describe this exchange rather than the stored result; the replay sets its own. ETag
// is kept: a created resource's version is part of the result a retry must see again.
const TRANSIENT_HEADERS = new Set([
  'connection',
  'content-length',
  'date',
  'keep-alive',
  'transfer-encoding',
  'x-request-id',
  'idempotent-replayed',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
]);

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

function fingerprintOf(req: Request): string {
  return createHash('sha256')
    .update(`${req.method} ${req.originalUrl}\n${canonicalJson(req.body)}`)
    .digest('base64url');
}

function storableHeaders(res: Response): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value === undefined || TRANSIENT_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value : String(value);
  }
  return headers;
}

function replay(res: Response, record: DoneRecord): void {
  for (const [name, value] of Object.entries(record.headers)) res.setHeader(name, value);
  res.setHeader('Idempotent-Replayed', 'true');
  res.status(record.status);
  const body = Buffer.from(record.body, 'base64');
  if (body.length > 0) res.send(body);
  else res.end();
}

type EndCallback = () => void;

/**
 * Holds back res.end until the outcome is recorded, so a retry that arrives right after the
 * response sees the stored result rather than the running marker.
 */
function captureResponse(res: Response, onEnd: (body: Buffer) => Promise<void>): void {
  const chunks: Buffer[] = [];
  const collect = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    else chunks.push(Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    collect(chunk, rest[0]);
    return write(chunk, ...rest);
  }) as Response['write'];
  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    collect(chunk, encoding);
    void onEnd(Buffer.concat(chunks)).finally(() => end(chunk, encoding, callback as EndCallback | undefined));
    return res;
  }) as Response['end'];
}

export function idempotency(options: IdempotencyOptions): RequestHandler {
  const { redis } = options;
  return async (req, res, next) => {
    const key = req.get('idempotency-key');
    if (req.method !== 'POST' || key === undefined) {
      next();
      return;
    }
    try {
      if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
        throw new AppError('INVALID_ARGUMENT', 'IDEMPOTENCY_KEY_INVALID', 'The Idempotency-Key header is invalid', {
          violations: [
            { field: 'Idempotency-Key', message: `must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters` },
          ],
        });
      }
      const scope = req.caller ? `user:${req.caller.userId}` : `ip:${req.ip ?? 'unknown'}`;
      const redisKey = `${options.keyPrefix}idem:${scope}:${key}`;
      const fingerprint = fingerprintOf(req);
      const running: RunningRecord = { state: 'running', fingerprint };

      // Claim the key; if it is taken, read what holds it. The record can vanish between the two
      // (a 5xx removed it, or the marker expired): then claim again, once.
      let existing: StoredRecord | undefined;
      for (let attempt = 0; attempt < 2; attempt++) {
        const claimed = await redis.set(redisKey, JSON.stringify(running), {
          condition: 'NX',
          expiration: { type: 'EX', value: options.lockTtlSeconds },
        });
        if (claimed === 'OK') {
          existing = undefined;
          break;
        }
        const stored = await redis.get(redisKey);
        existing = stored === null ? running : (JSON.parse(stored) as StoredRecord);
        if (stored !== null) break;
      }
      if (existing) {
        if (existing.fingerprint !== fingerprint) {
          sendProblem(req, res, {
            status: 422,
            code: 'IDEMPOTENCY_KEY_REUSED',
            detail: 'This Idempotency-Key was used with a different request',
          });
        } else if (existing.state === 'running') {
          sendProblem(req, res, {
            status: 409,
            code: 'IDEMPOTENCY_IN_PROGRESS',
            detail: 'A request with this Idempotency-Key is still being processed',
          });
        } else {
          replay(res, existing);
        }
        return;
      }

      captureResponse(res, async (body) => {
        try {
          if (res.statusCode >= 500 || res.statusCode === 400) {
            await redis.del(redisKey);
            return;
          }
          const done: DoneRecord = {
            state: 'done',
            fingerprint,
            status: res.statusCode,
            headers: storableHeaders(res),
            body: body.toString('base64'),
          };
          await redis.set(redisKey, JSON.stringify(done), { expiration: { type: 'EX', value: options.ttlSeconds } });
        } catch (err) {
          // The response itself is fine; only its replay is lost. Free the key so a retry runs again.
          req.log.warn({ err }, 'could not store the idempotent response');
          await redis
            .del(redisKey)
            .catch((delErr: unknown) => req.log.warn({ err: delErr }, 'could not free the idempotency key'));
        }
      });
      next();
    } catch (err) {
      if (err instanceof AppError) {
        next(err);
        return;
      }
      // Without its record store the promise of "at most once" cannot be kept: refuse, retryable.
      req.log.warn({ err }, 'idempotency store unavailable');
      next(redisUnavailable('IDEMPOTENCY_UNAVAILABLE', 'Idempotent requests are unavailable; try again shortly'));
    }
  };
}

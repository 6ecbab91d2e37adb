// Request budgets in Redis, shared by every BFF replica: a general one per user (or per address when
// anonymous) and a stricter one per address on the credential endpoints, where guessing happens.
import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '@family/errors';
import type { Logger } from '@family/logger';
import type { BffRedis } from '../redis.client.js';

export interface RateLimitOptions {
  redis: BffRedis;
  keyPrefix: string;
  perMinute: number;
  authPerMinute: number;
  logger: Logger;
}

/**
 * POST endpoints that take credentials or link tokens: login, register, refresh, social login, email
 * verification and password reset (request and use).
 */
const CREDENTIAL_PATH =
  /^\/v1\/auth\/(login|register|refresh|social\/[^/]+|email\/verify|password\/reset(-request)?)\/?$/;

function limiter(redis: BffRedis, keyPrefix: string, points: number): RateLimiterAbstract {
  return new RateLimiterRedis({
    storeClient: redis,
    useRedisPackage: true,
    keyPrefix,
    points,
    duration: 60,
    // While Redis is unreachable each replica limits on its own rather than not at all.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: 60 }),
  });
}

function setBudgetHeaders(res: Response, limit: number, result: RateLimiterRes): void {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, result.remainingPoints)));
  res.setHeader('RateLimit-Reset', String(Math.ceil(result.msBeforeNext / 1000)));
}

export function rateLimits(options: RateLimitOptions): RequestHandler {
  const general = limiter(options.redis, `${options.keyPrefix}rl:api`, options.perMinute);
  const credentials = limiter(options.redis, `${options.keyPrefix}rl:auth`, options.authPerMinute);

  const consume = async (req: Request, res: Response, which: RateLimiterAbstract, limit: number, key: string) => {
    try {
      setBudgetHeaders(res, limit, await which.consume(key));
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        setBudgetHeaders(res, limit, rejection);
        throw AppError.tooMany(
          'RATE_LIMITED',
          'Too many requests; try again later',
          Math.ceil(rejection.msBeforeNext / 1000),
        );
      }
      // Both Redis and the in-memory insurance failed: serving beats refusing everyone.
      req.log.warn({ err: rejection }, 'rate limiter unavailable');
    }
  };

  return async (req, res, next) => {
    // Probes, metrics and docs are not part of the API budget; JWKS and GraphQL are (they reach the mesh).
    if (!req.path.startsWith('/v1/') && !req.path.startsWith('/.well-known/') && req.path !== '/graphql') {
      next();
      return;
    }
    try {
      const address = `ip:${req.ip ?? 'unknown'}`;
      await consume(req, res, general, options.perMinute, req.caller ? `user:${req.caller.userId}` : address);
      if (req.method === 'POST' && CREDENTIAL_PATH.test(req.path)) {
        await consume(req, res, credentials, options.authPerMinute, address);
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

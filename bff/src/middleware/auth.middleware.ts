// Bearer authentication. identifyCaller() runs once per request, before the rate limits (which key
// on the user), and never refuses: it records the verified caller or why the token was refused.
// requireAuth() on a route turns a missing or refused token into the 401 problem.
import type { RequestHandler } from 'express';
import { AppError } from '@family/errors';
import { requireUser, type TokenVerifier } from '@family/grpc-kit';

const BEARER = /^Bearer\s+(\S+)$/i;

export function identifyCaller(verifier: TokenVerifier): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) {
      next();
      return;
    }
    const token = BEARER.exec(header)?.[1];
    if (!token) {
      req.authError = AppError.unauthenticated('The Authorization header must be "Bearer <token>"', 'INVALID_TOKEN');
      next();
      return;
    }
    try {
      // Service tokens are for calls inside the mesh, not for the public API.
      req.caller = requireUser(await verifier.verify(token));
    } catch (err) {
      if (!(err instanceof AppError)) {
        next(err);
        return;
      }
      req.authError = err;
    }
    next();
  };
}

export function requireAuth(): RequestHandler {
  return (req, _res, next) => {
    if (req.caller) next();
    else next(req.authError ?? AppError.unauthenticated('A bearer token is required', 'TOKEN_MISSING'));
  };
}

// Verifies the caller's bearer token from gRPC metadata and puts the caller in the call context.
import type { CallContext, ServerMiddleware } from 'nice-grpc';
import { AppError } from '@family/errors';
import { anonymous, type Caller } from './caller.js';
import type { TokenVerifier } from './token.verifier.js';

export interface AuthContext {
  caller: Caller;
  /** The x-request-id the call came with (or a new one), for logs and onward calls. */
  requestId: string;
}

export interface AuthMiddlewareOptions {
  verifier: TokenVerifier;
  /** Full method paths ("/family.auth.v1.AuthService/Login") callable without a token. */
  publicMethods?: ReadonlySet<string>;
  /** Extra check after the signature (the auth service rejects revoked sessions here). */
  afterVerify?: (caller: Caller) => Promise<void>;
}

export function bearerFrom(context: CallContext): string | undefined {
  const header = context.metadata.get('authorization');
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

export function authMiddleware(options: AuthMiddlewareOptions): ServerMiddleware<AuthContext> {
  return async function* authenticate(call, context) {
    const requestId = context.metadata.get('x-request-id') ?? crypto.randomUUID();
    const path = call.method.path;
    const isPublic = options.publicMethods?.has(path) || path.startsWith('/grpc.');
    let caller: Caller = anonymous;
    if (!isPublic) {
      const token = bearerFrom(context);
      if (!token) throw AppError.unauthenticated('A bearer token is required', 'TOKEN_MISSING');
      caller = await options.verifier.verify(token);
      await options.afterVerify?.(caller);
    }
    return yield* call.next(call.request, { ...context, caller, requestId: String(requestId) });
  };
}

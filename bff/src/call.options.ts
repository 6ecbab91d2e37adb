// The one place a REST request becomes gRPC call options: the caller's token and the request id in
// metadata, and the request's deadline.
import type { Request } from 'express';
import { callMetadata, type KitCallOptions } from '@family/grpc-kit';
import type { ClientInfo } from '@family/contracts/auth/v1/auth';
import type { CallOptions } from 'nice-grpc';

export function callOptions(req: Request): CallOptions & KitCallOptions {
  return {
    metadata: callMetadata({ token: req.caller?.token, requestId: req.requestId }),
    deadline: req.deadline,
  };
}

/** Where the end user is, for the auth service's throttling and session records. */
export function clientInfo(req: Request): ClientInfo {
  return { address: req.ip ?? '', userAgent: req.get('user-agent') ?? '' };
}

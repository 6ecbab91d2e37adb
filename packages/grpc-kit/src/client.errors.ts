// Reads what a failed gRPC call said: status, stable reason code, field violations, retry delay.
import { ClientError, Status } from 'nice-grpc';
import { BadRequest, ErrorInfo, RetryInfo, RichClientError } from 'nice-grpc-error-details';

export interface GrpcFailure {
  status: Status;
  code: string;
  message: string;
  violations: { field: string; message: string }[];
  retryAfterSeconds?: number;
  metadata: Record<string, string>;
}

export function problemFromClientError(err: ClientError): GrpcFailure {
  const failure: GrpcFailure = {
    status: err.code,
    code: Status[err.code] ?? 'UNKNOWN',
    message: err.details,
    violations: [],
    metadata: {},
  };
  if (err instanceof RichClientError) {
    for (const detail of err.extra) {
      if (detail.$type === ErrorInfo.$type) {
        failure.code = detail.reason;
        failure.metadata = { ...detail.metadata };
      } else if (detail.$type === BadRequest.$type) {
        failure.violations = detail.fieldViolations.map((v) => ({ field: v.field, message: v.description }));
      } else if (detail.$type === RetryInfo.$type && detail.retryDelay) {
        failure.retryAfterSeconds = Number(detail.retryDelay.seconds);
      }
    }
  }
  return failure;
}

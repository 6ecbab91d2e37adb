import { expect } from 'chai';
import { ClientError, Status } from 'nice-grpc';
import { problemFromClientError, type GrpcFailure } from '@family/grpc-kit';

/** Awaits a call that must fail with `status` (and, when given, the stable reason `code`). */
export async function expectGrpcError(call: Promise<unknown>, status: Status, code?: string): Promise<GrpcFailure> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  expect(caught, 'the call should have failed').to.be.instanceOf(ClientError);
  const failure = problemFromClientError(caught as ClientError);
  expect(Status[failure.status], failure.message).to.equal(Status[status]);
  if (code) expect(failure.code).to.equal(code);
  return failure;
}

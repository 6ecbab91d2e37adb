import { ServerError, Status } from 'nice-grpc';

/**
 * A service implementation for tests that only need some methods: every other method answers
 * UNIMPLEMENTED, as a real server without it would.
 */
export function partialImplementation<T extends object>(methods: T): never {
  const unimplemented = async () => {
    throw new ServerError(Status.UNIMPLEMENTED, 'not implemented in this test');
  };
  return new Proxy(methods, {
    get: (target, key) => (key in target ? target[key as keyof T] : unimplemented),
  }) as never;
}

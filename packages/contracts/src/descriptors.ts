// The contracts' FileDescriptorSet (built by `buf build`), for gRPC server reflection.
import { readFileSync } from 'node:fs';

let cached: Uint8Array | undefined;

export function descriptorSet(): Uint8Array {
  cached ??= readFileSync(new URL('../descriptors.binpb', import.meta.url));
  return cached;
}

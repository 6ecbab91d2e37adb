// Test harness (exported as @family/auth-service/testing for other packages' tests): starts the real
// auth service on port 0 against a fresh schema, with a real gRPC client.
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { onFreshSchema, testCipherKeys } from '@family/testing';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { Metadata } from 'nice-grpc';
import { authConfigSchema, startAuthService } from '../src/index.js';

export type AuthHarness = Awaited<ReturnType<typeof startTestAuth>>;

export async function startTestAuth(env: Record<string, string> = {}) {
  return onFreshSchema('auth', async ({ sql, schema }) => {
    const config = authConfigSchema.parse({
      SIGNING_KEY_ENCRYPTION_KEYS: testCipherKeys(),
      DB_SCHEMA: schema,
      AUTH_GRPC_HOST: '127.0.0.1',
      AUTH_GRPC_PORT: '0',
      ...env,
    });
    const service = await startAuthService({ config, sql, logger: silentLogger() });
    const client = createGrpcClient(AuthServiceDefinition, service.address);
    return { service, client, config, stop: () => service.stop() };
  });
}

export function bearer(token: string, address?: string): { metadata: Metadata } {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  void address;
  return { metadata };
}

let counter = 0;
/** A unique email for this run. */
export function email(name = 'parent'): string {
  return `${name}.${Date.now().toString(36)}.${counter++}@example.test`;
}

export const PASSWORD = 'correct horse battery';

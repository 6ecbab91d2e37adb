import { expect } from 'chai';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { Status } from 'nice-grpc';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { AppError } from '@family/errors';
import { silentLogger } from '@family/logger';
import { expectGrpcError, freePort, partialImplementation } from '@family/testing';
import { HealthDefinition } from 'nice-grpc-server-health';
import * as grpc from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { ServerReflectionService } from 'nice-grpc-server-reflection';
import reflectionPb from 'nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb.js';
import {
  callMetadata,
  createGrpcClient,
  createGrpcServer,
  GrpcMetrics,
  requireMembership,
  startMetricsServer,
  TokenVerifier,
  type Caller,
} from '@family/grpc-kit';

describe('grpc-kit', () => {
  let keys: { privateKey: CryptoKey; jwk: JWK };
  let fetches = 0;
  let server: ReturnType<typeof createGrpcServer>;
  let client: ReturnType<typeof createGrpcClient<typeof AuthServiceDefinition>>;
  let address: string;

  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' })
      .setIssuer('iss')
      .setAudience('aud')
      .setSubject('user-1')
      .setExpirationTime('5m')
      .sign(keys.privateKey);

  before(async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    keys = { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA' } };
    const verifier = new TokenVerifier({
      keys: async () => {
        fetches++;
        return [keys.jwk];
      },
      issuer: 'iss',
      audience: 'aud',
    });
    server = createGrpcServer({
      logger: silentLogger(),
      serviceNames: [AuthServiceDefinition.fullName],
      verifier,
      publicMethods: new Set([`/${AuthServiceDefinition.fullName}/GetJwks`]),
    });
    // A stand-in implementation: each method exercises one behaviour of the kit.
    server.server.add(
      AuthServiceDefinition,
      partialImplementation({
        getJwks: async () => {
          throw new Error('database password is hunter2');
        },
        getFamily: async (req: { familyId: string }, ctx: { caller: Caller }) => {
          requireMembership(ctx.caller, req.familyId, ['OWNER', 'PARENT']);
          return {
            family: {
              id: req.familyId,
              name: 'ok',
              currency: 'EUR',
              timezone: 'UTC',
              ownerUserId: '',
              createdAt: new Date(),
            },
          };
        },
        register: async () => {
          throw new AppError('INVALID_ARGUMENT', 'VALIDATION_FAILED', 'bad', {
            violations: [{ field: 'email', message: 'must be an email' }],
          });
        },
        login: async () => {
          throw AppError.tooMany('TOO_MANY_ATTEMPTS', 'slow down', 42);
        },
      }),
    );
    const port = await server.listen('127.0.0.1', 0);
    address = `127.0.0.1:${port}`;
    client = createGrpcClient(AuthServiceDefinition, address);
  });
  after(() => server.shutdown(1000));

  it('masks unexpected errors as INTERNAL with no detail', async () => {
    const failure = await expectGrpcError(client.getJwks({}), Status.INTERNAL);
    expect(failure.message).to.equal('Internal error');
  });

  it('carries the reason code and field violations of typed errors', async () => {
    const token = await sign({ typ: 'user', sid: 's', fam: {} });
    const failure = await expectGrpcError(
      client.register({ email: 'x', password: '', displayName: '' }, { metadata: callMetadata({ token }) }),
      Status.INVALID_ARGUMENT,
      'VALIDATION_FAILED',
    );
    expect(failure.violations).to.deep.equal([{ field: 'email', message: 'must be an email' }]);
    const throttled = await expectGrpcError(
      client.login({ login: '', password: '' }, { metadata: callMetadata({ token }) }),
      Status.RESOURCE_EXHAUSTED,
    );
    expect(throttled.retryAfterSeconds).to.equal(42);
  });

  it('answers NOT_FOUND for a family the caller is not in, PERMISSION_DENIED for a too-small role', async () => {
    const child = await sign({ typ: 'user', sid: 's', fam: { f1: ['m1', 'CHILD'] } });
    await expectGrpcError(
      client.getFamily({ familyId: 'f2' }, { metadata: callMetadata({ token: child }) }),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      client.getFamily({ familyId: 'f1' }, { metadata: callMetadata({ token: child }) }),
      Status.PERMISSION_DENIED,
      'ROLE_REQUIRED',
    );
    const parent = await sign({ typ: 'user', sid: 's', fam: { f1: ['m1', 'PARENT'] } });
    const ok = await client.getFamily({ familyId: 'f1' }, { metadata: callMetadata({ token: parent }) });
    expect(ok.family?.name).to.equal('ok');
  });

  it('verifies many calls with one JWKS fetch', async () => {
    const token = await sign({ typ: 'user', sid: 's', fam: { f1: ['m1', 'OWNER'] } });
    const before = fetches;
    for (let i = 0; i < 20; i++) await client.getFamily({ familyId: 'f1' }, { metadata: callMetadata({ token }) });
    expect(fetches - before).to.equal(0);
    expect(fetches).to.equal(1);
  });

  it('refuses calls without a token, and a malformed claim set', async () => {
    await expectGrpcError(client.getFamily({ familyId: 'f1' }), Status.UNAUTHENTICATED, 'TOKEN_MISSING');
    const odd = await sign({ typ: 'user', sid: 's', fam: { f1: ['m1', 'KING'] } });
    await expectGrpcError(
      client.getFamily({ familyId: 'f1' }, { metadata: callMetadata({ token: odd }) }),
      Status.UNAUTHENTICATED,
      'INVALID_TOKEN',
    );
  });

  it('lists its services over server reflection', async () => {
    const ReflectionClient = grpc.makeGenericClientConstructor(ServerReflectionService as never, 'ServerReflection');
    const reflection = new ReflectionClient(address, grpc.credentials.createInsecure()) as unknown as {
      serverReflectionInfo(): grpc.ClientDuplexStream<
        InstanceType<typeof reflectionPb.ServerReflectionRequest>,
        InstanceType<typeof reflectionPb.ServerReflectionResponse>
      >;
      close(): void;
    };
    const call = reflection.serverReflectionInfo();
    const names = new Promise<string[]>((resolve, reject) => {
      call.on('data', (res) =>
        resolve(
          res
            .getListServicesResponse()!
            .getServiceList()
            .map((s: { getName(): string }) => s.getName()),
        ),
      );
      call.on('error', reject);
    });
    const request = new reflectionPb.ServerReflectionRequest();
    request.setListServices('*');
    call.write(request);
    expect(await names).to.include.members([AuthServiceDefinition.fullName, 'grpc.health.v1.Health']);
    call.end();
    reflection.close();
  });

  it('counts served calls in the metrics registry', async () => {
    const registry = new Registry();
    const metered = createGrpcServer({
      logger: silentLogger(),
      serviceNames: [AuthServiceDefinition.fullName],
      verifier: new TokenVerifier({ keys: async () => [keys.jwk], issuer: 'iss', audience: 'aud' }),
      metrics: new GrpcMetrics(registry),
      publicMethods: new Set([`/${AuthServiceDefinition.fullName}/GetJwks`]),
    });
    metered.server.add(AuthServiceDefinition, partialImplementation({ getJwks: async () => ({ keys: [] }) }));
    const port = await metered.listen('127.0.0.1', 0);
    const endpoint = await startMetricsServer(registry, '127.0.0.1', 0);
    try {
      await createGrpcClient(AuthServiceDefinition, `127.0.0.1:${port}`).getJwks({});
      const text = await (await fetch(`http://127.0.0.1:${endpoint.port}/metrics`)).text();
      expect(text).to.match(
        /grpc_server_handling_seconds_count\{method="\/family.auth.v1.AuthService\/GetJwks",code="OK"\} 1/,
      );
    } finally {
      await endpoint.stop();
      await metered.shutdown(1000);
    }
  });

  it('retries an unreachable read within one deadline over all attempts, and never retries a bug', async () => {
    let calls = 0;
    let mode: 'slow-unavailable' | 'internal' = 'slow-unavailable';
    const flaky = createGrpcServer({
      logger: silentLogger(),
      serviceNames: [AuthServiceDefinition.fullName],
      verifier: new TokenVerifier({ keys: async () => [keys.jwk], issuer: 'iss', audience: 'aud' }),
      publicMethods: new Set([`/${AuthServiceDefinition.fullName}/GetJwks`]),
    });
    flaky.server.add(
      AuthServiceDefinition,
      partialImplementation({
        getJwks: async () => {
          calls++;
          if (mode === 'internal') throw new Error('bug');
          await new Promise((r) => setTimeout(r, 250));
          throw new AppError('UNAVAILABLE', 'DOWN', 'down for a moment');
        },
      }),
    );
    const port = await flaky.listen('127.0.0.1', 0);
    const flakyClient = createGrpcClient(AuthServiceDefinition, `127.0.0.1:${port}`);
    try {
      const started = Date.now();
      await expectGrpcError(
        flakyClient.getJwks({}, { deadline: new Date(Date.now() + 400) }),
        Status.DEADLINE_EXCEEDED,
      );
      expect(Date.now() - started).to.be.lessThan(1000); // per-attempt deadlines would take over a second
      expect(calls).to.equal(2);
      calls = 0;
      mode = 'internal';
      await expectGrpcError(flakyClient.getJwks({}), Status.INTERNAL);
      expect(calls).to.equal(1);
    } finally {
      await flaky.shutdown(1000);
    }
  });

  it('sends a call with side effects once its server comes up, never twice, and gives up on one that stays away', async () => {
    const port = await freePort();
    const early = createGrpcClient(AuthServiceDefinition, `127.0.0.1:${port}`);
    const late = createGrpcServer({
      logger: silentLogger(),
      serviceNames: [AuthServiceDefinition.fullName],
      verifier: new TokenVerifier({ keys: async () => [keys.jwk], issuer: 'iss', audience: 'aud' }),
      publicMethods: new Set([`/${AuthServiceDefinition.fullName}/Register`]),
    });
    let registrations = 0;
    late.server.add(
      AuthServiceDefinition,
      partialImplementation({
        register: async () => {
          registrations++;
          throw new AppError('UNAVAILABLE', 'DOWN', 'refused after it was received');
        },
      }),
    );
    try {
      // Nothing listens yet: the call is refused before it is sent, and tried again until it is.
      const call = early.register({ email: 'a@example.test', password: 'correct horse', displayName: 'A' });
      await new Promise((r) => setTimeout(r, 150));
      await late.listen('127.0.0.1', port);
      // Received once and refused by the server: a call with side effects is not sent again.
      await expectGrpcError(call, Status.UNAVAILABLE);
      expect(registrations).to.equal(1);
    } finally {
      await late.shutdown(1000);
    }
    const nowhere = createGrpcClient(AuthServiceDefinition, `127.0.0.1:${await freePort()}`);
    const started = Date.now();
    await expectGrpcError(
      nowhere.register({ email: 'b@example.test', password: 'correct horse', displayName: 'B' }),
      Status.UNAVAILABLE,
    );
    expect(Date.now() - started).to.be.lessThan(4000);
  });

  it('reports SERVING on grpc.health.v1 until shutdown begins', async () => {
    const health = createGrpcClient(HealthDefinition, address);
    const res = await health.check({ service: AuthServiceDefinition.fullName });
    expect(res.status).to.equal(1); // SERVING
  });
});

// How the BFF turns what an upstream answers into HTTP: a real gRPC server (the kit's, with its
// error mapping and auth middleware) plays the auth service and fails on demand.
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { ServerError, Status, type CallContext } from 'nice-grpc';
import { pino } from 'pino';
import request from 'supertest';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { AppError } from '@family/errors';
import { createGrpcServer, TokenVerifier, type GrpcServer } from '@family/grpc-kit';
import { redactedPaths, silentLogger } from '@family/logger';
import { partialImplementation } from '@family/testing';
import { startBff } from '../src/index.js';
import { httpStatusFor } from '../src/middleware/problem.middleware.js';
import { expectProblem, startTestBff, type TestBff } from './bff.harness.js';

const ISSUER = 'family-auth';
const AUDIENCE = 'family-api';
const REQUEST_TIMEOUT_MS = 400;

interface Scenario {
  name: string;
  fail: (signal: AbortSignal) => Promise<never>;
  status: number;
  code?: string;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });

const scenarios: Scenario[] = [
  {
    name: 'INVALID_ARGUMENT with field violations',
    fail: async () => {
      throw AppError.invalid([{ field: 'name', message: 'must be 1-80 characters' }]);
    },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'OUT_OF_RANGE',
    fail: async () => {
      throw new ServerError(Status.OUT_OF_RANGE, 'past the end');
    },
    status: 400,
  },
  {
    name: 'UNAUTHENTICATED',
    fail: async () => {
      throw AppError.unauthenticated('Session ended', 'SESSION_REVOKED');
    },
    status: 401,
    code: 'SESSION_REVOKED',
  },
  {
    name: 'PERMISSION_DENIED',
    fail: async () => {
      throw AppError.forbidden('Parents only', 'ROLE_REQUIRED');
    },
    status: 403,
    code: 'ROLE_REQUIRED',
  },
  {
    name: 'NOT_FOUND',
    fail: async () => {
      throw AppError.notFound('Family');
    },
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'ALREADY_EXISTS',
    fail: async () => {
      throw AppError.conflict('USERNAME_TAKEN', 'Taken');
    },
    status: 409,
    code: 'USERNAME_TAKEN',
  },
  {
    name: 'ABORTED',
    fail: async () => {
      throw new AppError('ABORTED', 'CONCURRENT_CHANGE', 'Try again');
    },
    status: 409,
    code: 'CONCURRENT_CHANGE',
  },
  {
    name: 'FAILED_PRECONDITION',
    fail: async () => {
      throw AppError.precondition('INVITE_USED', 'Used');
    },
    status: 409,
    code: 'INVITE_USED',
  },
  {
    name: 'FAILED_PRECONDITION for a version mismatch',
    fail: async () => {
      throw AppError.versionMismatch(7);
    },
    status: 412,
    code: 'VERSION_MISMATCH',
  },
  {
    name: 'RESOURCE_EXHAUSTED',
    fail: async () => {
      throw AppError.tooMany('TOO_MANY_ATTEMPTS', 'Slow down', 42);
    },
    status: 429,
    code: 'TOO_MANY_ATTEMPTS',
  },
  {
    name: 'UNAVAILABLE',
    fail: async () => {
      throw new AppError('UNAVAILABLE', 'PROVIDER_UNAVAILABLE', 'down');
    },
    status: 503,
    code: 'PROVIDER_UNAVAILABLE',
  },
  {
    name: 'DEADLINE_EXCEEDED (the upstream outlives the request budget)',
    fail: async (signal) => {
      await sleep(5 * REQUEST_TIMEOUT_MS, signal);
      throw new Error('should have been cancelled');
    },
    status: 504,
  },
  {
    name: 'an unexpected upstream error (masked INTERNAL)',
    fail: async () => {
      throw new Error('connect ECONNREFUSED db.internal:5432 password=hunter2');
    },
    status: 500,
    code: 'INTERNAL',
  },
  {
    name: 'DATA_LOSS',
    fail: async () => {
      throw new ServerError(Status.DATA_LOSS, 'disk db.internal corrupt');
    },
    status: 500,
    code: 'INTERNAL',
  },
];

const familyIdOf = (i: number) => `0190a5c4-0000-7000-8000-${String(i).padStart(12, '0')}`;

describe('BFF mapping of upstream failures', () => {
  let key: CryptoKey;
  let server: GrpcServer;
  let bff: TestBff;
  let token: string;
  const seen: {
    requestId?: string;
    authorization?: string;
    client?: { address: string; userAgent: string } | undefined;
  } = {};

  before(async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    key = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-kid', alg: 'EdDSA', use: 'sig' };
    const verifier = new TokenVerifier({ keys: async () => [publicJwk], issuer: ISSUER, audience: AUDIENCE });
    server = createGrpcServer({
      logger: silentLogger(),
      verifier,
      serviceNames: [AuthServiceDefinition.fullName],
      publicMethods: new Set(['/family.auth.v1.AuthService/GetJwks', '/family.auth.v1.AuthService/Register']),
    });
    server.server.add(
      AuthServiceDefinition,
      partialImplementation({
        getJwks: async () => ({
          keys: [{ kty: 'OKP', crv: 'Ed25519', x: publicJwk.x!, y: '', kid: 'test-kid', alg: 'EdDSA', use: 'sig' }],
        }),
        getFamily: async (req: { familyId: string }, ctx: CallContext) => {
          seen.requestId = ctx.metadata.get('x-request-id') as string;
          seen.authorization = ctx.metadata.get('authorization') as string;
          return {
            family: {
              id: req.familyId,
              name: 'Fine',
              currency: 'EUR',
              timezone: 'UTC',
              ownerUserId: '',
              createdAt: undefined,
            },
          };
        },
        // CreateChild has side effects, so the client never retries it: each scenario is one call.
        createChild: async (req: { familyId: string }, ctx: CallContext) =>
          scenarios[Number(req.familyId.slice(-12))]!.fail(ctx.signal),
        register: async (req: { client?: { address: string; userAgent: string } | undefined }) => {
          seen.client = req.client;
          throw AppError.conflict('EMAIL_TAKEN', 'Taken');
        },
      }),
    );
    const port = await server.listen('127.0.0.1', 0);
    bff = await startTestBff({ address: `127.0.0.1:${port}` }, { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
    token = await new SignJWT({ typ: 'user', sid: 'session-1', fam: {} })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'test-kid', typ: 'at+jwt' })
      .setSubject('user-1')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(key);
  });
  after(async () => {
    await bff?.stop();
    await server?.shutdown(100);
  });

  const addChild = (url: string, scenario: number, requestId = `scenario-${scenario}`) =>
    request(url)
      .post(`/v1/families/${familyIdOf(scenario)}/children`)
      .auth(token, { type: 'bearer' })
      .set('X-Request-Id', requestId)
      .send({ displayName: 'Kim', username: 'kim', password: 'long enough password' });

  it('passes the bearer token and the request id to the upstream', async () => {
    const r = await bff
      .http()
      .get(`/v1/families/${familyIdOf(99)}`)
      .auth(token, { type: 'bearer' })
      .set('X-Request-Id', 'trace-123');
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(seen.requestId).to.equal('trace-123');
    expect(seen.authorization).to.equal(`Bearer ${token}`);
  });

  it("sends the end user's address and user agent with auth requests", async () => {
    await bff
      .http()
      .post('/v1/auth/register')
      .set('User-Agent', 'FamilyApp/1.0 (iOS)')
      .send({ email: 'a@example.test', password: 'long enough password', displayName: 'A' });
    expect(seen.client?.userAgent).to.equal('FamilyApp/1.0 (iOS)');
    expect(seen.client?.address).to.match(/127\.0\.0\.1/);
  });

  scenarios.forEach((scenario, i) => {
    it(`maps ${scenario.name} to ${scenario.status}`, async () => {
      const started = Date.now();
      const r = await addChild(bff.url, i);
      const problem = expectProblem(r, scenario.status, scenario.code);
      if (scenario.status >= 500) {
        // Nothing from inside leaks: no hosts, ports or upstream messages.
        expect(problem.detail).not.to.match(/db\.internal|5432|hunter2|ECONNREFUSED|should have been/);
        expect(JSON.stringify(r.body)).not.to.match(/db\.internal|hunter2/);
      }
      if (scenario.status === 400 && scenario.code === 'VALIDATION_FAILED') {
        expect(problem.errors).to.deep.equal([{ field: 'name', message: 'must be 1-80 characters' }]);
      }
      if (scenario.status === 401) expect(r.headers['www-authenticate']).to.match(/^Bearer/);
      if (scenario.status === 412) expect(r.body.metadata).to.deep.equal({ currentVersion: '7' });
      if (scenario.status === 429) expect(r.headers['retry-after']).to.equal('42');
      if (scenario.status === 504) expect(Date.now() - started).to.be.lessThan(3 * REQUEST_TIMEOUT_MS);
    });
  });

  it('logs an unexpected failure with its stack, without the token', async () => {
    const logLines: Record<string, unknown>[] = [];
    // The production logger's settings (createLogger), writing where the test can read.
    const logger = pino(
      { level: 'info', redact: { paths: redactedPaths, censor: '[redacted]' } },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString().split('\n').filter(Boolean))
            logLines.push(JSON.parse(line) as Record<string, unknown>);
          done();
        },
      }),
    );
    const logged = await startBff({
      config: { ...bff.config, BFF_PORT: 0, METRICS_PORT: 0, REDIS_KEY_PREFIX: `${bff.config.REDIS_KEY_PREFIX}log:` },
      logger,
      drainMs: 100,
    });
    try {
      const internal = scenarios.findIndex((s) => s.code === 'INTERNAL');
      const r = await addChild(logged.url, internal, 'log-me');
      expect(r.status).to.equal(500);
      const line = logLines.find((l) => (l.req as { id?: string } | undefined)?.id === 'log-me');
      expect(line, 'a log line for the request').to.exist;
      expect(line!.level).to.equal(50);
      expect((line!.err as { stack?: string }).stack)
        .to.be.a('string')
        .and.include('ClientError');
      // The token never reaches the log, not even from the query string EventSource clients use.
      expect(JSON.stringify(line)).not.to.include(token);
      await fetch(`${logged.url}/v1/events?access_token=${encodeURIComponent(token)}`).then((res) =>
        res.body?.cancel(),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const eventsLine = logLines.find((l) =>
        String((l.req as { url?: string } | undefined)?.url).startsWith('/v1/events'),
      );
      expect(eventsLine, 'a log line for /v1/events').to.exist;
      expect(JSON.stringify(logLines)).not.to.include(token);
    } finally {
      await logged.stop();
    }
  });

  it('maps every gRPC status by the table in ARCHITECTURE §5', () => {
    const table: [Status, number][] = [
      [Status.INVALID_ARGUMENT, 400],
      [Status.OUT_OF_RANGE, 400],
      [Status.UNAUTHENTICATED, 401],
      [Status.PERMISSION_DENIED, 403],
      [Status.NOT_FOUND, 404],
      [Status.ALREADY_EXISTS, 409],
      [Status.ABORTED, 409],
      [Status.FAILED_PRECONDITION, 409],
      [Status.RESOURCE_EXHAUSTED, 429],
      [Status.UNAVAILABLE, 503],
      [Status.DEADLINE_EXCEEDED, 504],
      [Status.UNKNOWN, 500],
      [Status.INTERNAL, 500],
      [Status.UNIMPLEMENTED, 500],
      [Status.CANCELLED, 500],
      [Status.DATA_LOSS, 500],
    ];
    for (const [status, http] of table)
      expect(httpStatusFor({ status, code: Status[status] }), Status[status]).to.equal(http);
    expect(httpStatusFor({ status: Status.FAILED_PRECONDITION, code: 'VERSION_MISMATCH' })).to.equal(412);
  });
});

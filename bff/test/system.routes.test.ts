import { expect } from 'chai';
import {
  STACK_SERVICE_CLIENTS,
  expectProblem,
  register,
  startTestAuth,
  startTestBff,
  startTestExpense,
  startTestGoals,
  type AuthStack,
  type ExpenseStack,
  type GoalsStack,
  type TestBff,
} from './bff.harness.js';

describe('BFF system routes', () => {
  let auth: AuthStack;
  let expense: ExpenseStack;
  let goals: GoalsStack;
  let bff: TestBff;

  before(async () => {
    auth = await startTestAuth({ AUTH_SERVICE_CLIENTS: STACK_SERVICE_CLIENTS });
    expense = await startTestExpense(auth);
    goals = await startTestGoals(auth, expense);
    bff = await startTestBff(auth, { EXPENSE_GRPC_URL: expense.address, GOALS_GRPC_URL: goals.address });
  });
  after(async () => {
    await bff?.stop();
    await goals?.stop();
    await expense?.stop();
    await auth?.stop();
  });

  it('answers /healthz with 200 while the process is up', async () => {
    const r = await bff.http().get('/healthz');
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal({ status: 'ok' });
  });

  it('answers /readyz with 200 when the auth, expense and goals services are SERVING and Redis answers', async () => {
    const r = await bff.http().get('/readyz');
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.deep.equal({
      status: 'ready',
      // The bank service is optional and not given to this BFF.
      checks: { auth: 'ok', expense: 'ok', goals: 'ok', redis: 'ok', bank: 'not_configured' },
    });
  });

  it('answers /readyz with 503 naming the expense service when it cannot be reached', async () => {
    const orphan = await startTestBff(auth, { EXPENSE_GRPC_URL: '127.0.0.1:1', GOALS_GRPC_URL: goals.address });
    try {
      const r = await orphan.http().get('/readyz');
      expect(r.status).to.equal(503);
      expect(r.body.checks).to.include({ auth: 'ok', goals: 'ok', redis: 'ok' });
      expect(r.body.checks.expense).to.not.equal('ok');
    } finally {
      await orphan.stop();
    }
  });

  it('serves an OpenAPI 3.1 document with the auth and family paths, their schemas and bearer security', async () => {
    const r = await bff.http().get('/openapi.json');
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.match(/^application\/json/);
    const doc = r.body;
    expect(doc.openapi).to.match(/^3\.1\./);
    expect(doc.info.title).to.be.a('string');
    for (const path of [
      '/v1/auth/register',
      '/v1/auth/login',
      '/v1/auth/refresh',
      '/v1/auth/logout',
      '/v1/auth/social/{provider}',
      '/v1/me',
      '/.well-known/jwks.json',
      '/v1/families',
      '/v1/families/{familyId}',
      '/v1/families/{familyId}/members',
      '/v1/families/{familyId}/children',
      '/v1/families/{familyId}/members/{memberId}',
      '/v1/families/{familyId}/invites',
      '/v1/invites/{code}/accept',
    ]) {
      expect(doc.paths, path).to.have.property(path);
    }
    expect(doc.components.securitySchemes.bearerAuth).to.include({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/v1/me'].get.security).to.deep.equal([{ bearerAuth: [] }]);
    // Public: an empty requirement, which overrides any document-wide one.
    expect(doc.paths['/v1/auth/login'].post.security).to.deep.equal([]);
    // The documented request body is the schema that validates it.
    const register = doc.components.schemas.RegisterRequest;
    expect(register.required).to.have.members(['email', 'password', 'displayName']);
    const patch = doc.paths['/v1/families/{familyId}/members/{memberId}'].patch;
    expect(patch.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).to.include.members([
      'path:familyId',
      'path:memberId',
    ]);
    expect(doc.paths['/v1/families'].post.responses['201'].content['application/json'].schema.$ref).to.equal(
      '#/components/schemas/JoinedFamily',
    );
    expect(doc.components.schemas.Member.properties.role.$ref ?? doc.components.schemas.Member.properties.role.enum).to
      .exist;
  });

  it('serves Swagger UI at /docs from its own files, allowed by the CSP', async () => {
    const page = await bff.http().get('/docs');
    expect(page.status).to.equal(200);
    expect(page.headers['content-type']).to.match(/^text\/html/);
    expect(page.text).to.include('<div id="swagger-ui">');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).to.include("script-src 'self'");
    expect(page.text).not.to.match(/<script>[^<]/); // no inline script for the CSP to block

    const scripts = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.every((s) => s.startsWith('/docs/'))).to.equal(true);
    for (const asset of scripts) {
      const r = await bff.http().get(asset);
      expect(r.status, asset).to.equal(200);
    }
    const init = await bff.http().get('/docs/swagger-initializer.js');
    expect(init.text).to.include("url: '/openapi.json'");
  });

  it('exposes http_request_duration_seconds labelled with the route pattern, and the gRPC client histogram', async () => {
    const account = await register(bff);
    await bff.http().get('/v1/me').auth(account.accessToken, { type: 'bearer' });
    await bff
      .http()
      .get('/v1/families/0190a5c4-0000-7000-8000-000000000000')
      .auth(account.accessToken, { type: 'bearer' });
    const r = await bff.metrics().get('/metrics');
    expect(r.status).to.equal(200);
    expect(r.text).to.match(/http_request_duration_seconds_count\{method="GET",route="\/v1\/me",status="200"\} \d+/);
    expect(r.text).to.match(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/families\/:familyId",status="404"\} \d+/,
    );
    expect(r.text).not.to.include('route="/v1/families/0190a5c4');
    expect(r.text).to.match(
      /grpc_client_handling_seconds_count\{method="\/family\.auth\.v1\.AuthService\/GetMe",code="OK"\} \d+/,
    );
  });

  it('serves /metrics only on its own METRICS_PORT listener: the public port answers 404', async () => {
    expect(bff.metricsUrl).to.be.a('string').and.not.equal(bff.url);
    expectProblem(await bff.http().get('/metrics'), 404);
    const r = await bff.metrics().get('/metrics');
    expect(r.status).to.equal(200);
    expect(r.text).to.include('http_request_duration_seconds');
  });

  it('verifies access tokens against cached keys rather than fetching the JWKS per request', async () => {
    const jwksFetches = async () => {
      const line = (await bff.metrics().get('/metrics')).text
        .split('\n')
        .find((l) => l.startsWith('grpc_client_handling_seconds_count{method="/family.auth.v1.AuthService/GetJwks"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const account = await register(bff);
    expect((await bff.http().get('/v1/me').auth(account.accessToken, { type: 'bearer' })).status).to.equal(200);
    const before = await jwksFetches();
    expect(before).to.be.at.least(1);
    for (let i = 0; i < 5; i++) {
      expect((await bff.http().get('/v1/me').auth(account.accessToken, { type: 'bearer' })).status).to.equal(200);
    }
    expect(await jwksFetches()).to.equal(before);
  });

  it('answers an unknown path with a 404 problem', async () => {
    const r = await bff.http().get('/v1/nothing-here');
    expectProblem(r, 404, 'ROUTE_NOT_FOUND');
    expect(r.body.instance).to.equal('/v1/nothing-here');
  });

  it('echoes a sane X-Request-Id and replaces one that is not', async () => {
    const kept = await bff.http().get('/healthz').set('X-Request-Id', 'client-req-42');
    expect(kept.headers['x-request-id']).to.equal('client-req-42');
    const replaced = await bff
      .http()
      .get('/healthz')
      .set('X-Request-Id', `<script>${'x'.repeat(200)}`);
    expect(replaced.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    const fresh = await bff.http().get('/healthz');
    expect(fresh.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    const problem = await bff.http().get('/nope').set('X-Request-Id', 'trace-me');
    expect(problem.body.requestId).to.equal('trace-me');
  });

  describe('rate limits', () => {
    let tiny: TestBff;
    before(async () => {
      tiny = await startTestBff(auth, { RATE_LIMIT_PER_MINUTE: '3', AUTH_RATE_LIMIT_PER_MINUTE: '2' });
    });
    after(() => tiny?.stop());

    it('answers 429 with Retry-After once the per-minute budget is spent', async () => {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await tiny.http().get('/v1/families/0190a5c4-0000-7000-8000-000000000000');
        statuses.push(last.status);
      }
      expect(statuses).to.deep.equal([401, 401, 401, 429]);
      expectProblem(last!, 429, 'RATE_LIMITED');
      const retryAfter = Number(last!.headers['retry-after']);
      expect(retryAfter).to.be.within(1, 60);
      // Probes are not part of the budget.
      expect((await tiny.http().get('/healthz')).status).to.equal(200);
    });

    it('gives the credential endpoints a stricter budget', async () => {
      const other = await startTestBff(auth, { RATE_LIMIT_PER_MINUTE: '100', AUTH_RATE_LIMIT_PER_MINUTE: '2' });
      try {
        const login = () =>
          other.http().post('/v1/auth/login').send({ login: 'nobody@example.test', password: 'whatever you like' });
        expect((await login()).status).to.equal(401);
        expect((await login()).status).to.equal(401);
        const limited = await login();
        expectProblem(limited, 429, 'RATE_LIMITED');
        expect(Number(limited.headers['retry-after'])).to.be.within(1, 60);
        // Other routes still have budget.
        expect((await other.http().get('/v1/me')).status).to.equal(401);
      } finally {
        await other.stop();
      }
    });
  });

  describe('when the auth service stops', () => {
    it('answers /readyz with 503 naming the auth service, and calls to it with a 503 problem without internals', async () => {
      await auth.stop();
      try {
        const ready = await bff.http().get('/readyz');
        expect(ready.status).to.equal(503);
        expect(ready.body.status).to.equal('not_ready');
        expect(ready.body.checks.redis).to.equal('ok');
        expect(ready.body.checks.auth).to.not.equal('ok');

        const login = await bff
          .http()
          .post('/v1/auth/login')
          .send({ login: 'someone@example.test', password: 'whatever you like' });
        const problem = expectProblem(login, 503);
        expect(problem.detail).not.to.match(/127\.0\.0\.1|ECONNREFUSED|:\d{2,5}/);
      } finally {
        // after() stops it again; a second stop of the restarted instance must be harmless.
        auth = await startTestAuth();
      }
    });
  });
});

// CORS: the allow-listed web origin gets preflights answered and the headers it reads exposed; any
// other origin gets no Access-Control-Allow-* headers, so browsers keep the answer from its scripts.
import { expect } from 'chai';
import { register, startTestAuth, startTestBff, type AuthStack, type TestBff } from './bff.harness.js';

const WEB = 'https://app.family.test';
const STRANGER = 'https://evil.test';

describe('BFF CORS', () => {
  let auth: AuthStack;
  let bff: TestBff;
  let closed: TestBff;

  before(async () => {
    auth = await startTestAuth();
    bff = await startTestBff(auth, { CORS_ORIGINS: `${WEB}, https://admin.family.test` });
    closed = await startTestBff(auth);
  });
  after(async () => {
    await closed?.stop();
    await bff?.stop();
    await auth?.stop();
  });

  it('answers a preflight from an allowed origin with the methods and headers the API reads', async () => {
    const r = await bff
      .http()
      .options('/v1/me')
      .set('Origin', WEB)
      .set('Access-Control-Request-Method', 'PATCH')
      .set('Access-Control-Request-Headers', 'authorization, content-type, if-match, idempotency-key');
    expect(r.status).to.equal(204);
    expect(r.headers['access-control-allow-origin']).to.equal(WEB);
    expect(r.headers['access-control-allow-methods']).to.include('PATCH');
    const allowed = r.headers['access-control-allow-headers']!.toLowerCase();
    for (const h of ['authorization', 'content-type', 'if-match', 'idempotency-key']) expect(allowed).to.include(h);
    expect(r.headers['access-control-allow-credentials']).to.equal(undefined);
    expect(r.headers.vary).to.match(/origin/i);
  });

  it('lets an allowed origin read ETag, Location, Retry-After, RateLimit-* and X-Request-Id', async () => {
    const session = await register(bff);
    const r = await bff.http().get('/v1/me').set('Origin', WEB).auth(session.accessToken, { type: 'bearer' });
    expect(r.status).to.equal(200);
    expect(r.headers['access-control-allow-origin']).to.equal(WEB);
    const exposed = r.headers['access-control-expose-headers']!.split(',').map((h: string) => h.trim());
    expect(exposed).to.include.members([
      'ETag',
      'Location',
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'X-Request-Id',
    ]);
  });

  it('gives a refused origin no CORS headers, on the preflight and on the request', async () => {
    const preflight = await bff
      .http()
      .options('/v1/me')
      .set('Origin', STRANGER)
      .set('Access-Control-Request-Method', 'GET');
    expect(preflight.headers['access-control-allow-origin']).to.equal(undefined);
    expect(preflight.headers['access-control-allow-methods']).to.equal(undefined);
    const r = await bff.http().get('/healthz').set('Origin', STRANGER);
    expect(r.status).to.equal(200);
    expect(r.headers['access-control-allow-origin']).to.equal(undefined);
  });

  it('allows no origin at all by default', async () => {
    const r = await closed.http().options('/v1/me').set('Origin', WEB).set('Access-Control-Request-Method', 'GET');
    expect(r.headers['access-control-allow-origin']).to.equal(undefined);
  });
});

describe('BFF CORS with credentials', () => {
  let auth: AuthStack;
  let bff: TestBff;

  before(async () => {
    auth = await startTestAuth();
    bff = await startTestBff(auth, { CORS_ORIGINS: WEB, CORS_CREDENTIALS: 'true' });
  });
  after(async () => {
    await bff?.stop();
    await auth?.stop();
  });

  it('says so to the allowed origin only when CORS_CREDENTIALS is on', async () => {
    const r = await bff.http().options('/v1/me').set('Origin', WEB).set('Access-Control-Request-Method', 'GET');
    expect(r.headers['access-control-allow-origin']).to.equal(WEB);
    expect(r.headers['access-control-allow-credentials']).to.equal('true');
  });
});

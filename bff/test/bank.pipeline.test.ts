// The BFF's side of the bank routes over a stand-in BankService on a real gRPC port (the real service
// has its own suites, and bank.routes.test.ts runs the routes through it): webhooks reach the service
// byte for byte with lower-cased headers and the path, before any JSON parser; a refused signature
// is a 401 problem; a sync that continues in the background is a 202 with a Location to poll; and
// without BANK_GRPC_URL every bank route answers 503 while /readyz says the bank is not configured.
import { expect } from 'chai';
import { createServer as createGrpcServer, ServerError, Status } from 'nice-grpc';
import {
  AccountType,
  BankServiceDefinition,
  ConnectionStatus,
  SyncState,
  SyncTrigger,
  type Connection,
  type HandleWebhookRequest,
  type Sync,
} from '@family/contracts/bank/v1/bank';
import { BankProvider } from '@family/contracts/common/v1/common';
import { partialImplementation } from '@family/testing';
import {
  expectInvalidField,
  expectProblem,
  familyWithOwner,
  startTestAuth,
  startTestBff,
  type AuthStack,
  type FamilyOwner,
  type TestBff,
} from './bff.harness.js';

const CONNECTION = '0190a1b2-c3d4-7e5f-a000-0000000000c1';
const SYNC = '0190a1b2-c3d4-7e5f-a000-0000000000d1';
const ACCOUNT = '0190a1b2-c3d4-7e5f-a000-0000000000a1';
const SIGNED_BY = 'the-right-signature';

const sync: Sync = {
  id: SYNC,
  connectionId: CONNECTION,
  state: SyncState.SYNC_STATE_RUNNING,
  trigger: SyncTrigger.SYNC_TRIGGER_MANUAL,
  requestedAt: new Date('2026-12-01T09:00:00Z'),
  startedAt: new Date('2026-12-01T09:00:01Z'),
  finishedAt: undefined,
  added: 120,
  modified: 0,
  removed: 0,
  skipped: 3,
  fetched: 123,
  errorCode: '',
  errorMessage: '',
  retryAt: undefined,
};

const connection: Connection = {
  id: CONNECTION,
  provider: BankProvider.BANK_PROVIDER_TRUELAYER,
  institutionId: 'mock',
  institutionName: 'Mock Bank',
  status: ConnectionStatus.CONNECTION_STATUS_ACTIVE,
  errorCode: '',
  errorMessage: '',
  lastSyncedAt: undefined,
  consentExpiresAt: new Date('2027-03-01T09:00:00Z'),
  createdByMemberId: 'parent',
  createdAt: new Date('2026-12-01T08:59:00Z'),
  updatedAt: undefined,
  nextSyncAt: undefined,
  lastSync: sync,
};

describe('BFF bank pipeline (stand-in bank service)', () => {
  let auth: AuthStack;
  let bff: TestBff;
  let unconfigured: TestBff;
  let upstream: ReturnType<typeof createGrpcServer>;
  let pat: FamilyOwner;
  const webhooks: { request: HandleWebhookRequest; authorization: unknown }[] = [];
  let syncCompletes = false;

  before(async () => {
    upstream = createGrpcServer();
    upstream.add(
      BankServiceDefinition,
      partialImplementation({
        async handleWebhook(request: HandleWebhookRequest, context: { metadata: { get(k: string): unknown } }) {
          webhooks.push({ request, authorization: context.metadata.get('authorization') });
          if (request.headers['x-signature'] !== SIGNED_BY) {
            throw new ServerError(Status.UNAUTHENTICATED, 'The webhook signature is invalid');
          }
          return { accepted: true, connectionId: CONNECTION };
        },
        async syncConnection() {
          return syncCompletes
            ? {
                connection,
                sync: { ...sync, state: SyncState.SYNC_STATE_SUCCEEDED, finishedAt: new Date() },
                added: 120,
                modified: 0,
                removed: 0,
                completed: true,
              }
            : { connection, sync, added: 0, modified: 0, removed: 0, completed: false };
        },
        async getSyncStatus() {
          return { sync, connection };
        },
        async updateAccount() {
          return {
            account: {
              id: ACCOUNT,
              connectionId: CONNECTION,
              provider: BankProvider.BANK_PROVIDER_TRUELAYER,
              providerAccountId: 'acc-1',
              name: 'Kim’s card',
              mask: '4242',
              type: AccountType.ACCOUNT_TYPE_CREDIT_CARD,
              currency: 'GBP',
              currentBalanceMinor: -1250,
              availableBalanceMinor: 0,
              memberId: '',
              updatedAt: new Date('2026-12-01T09:00:00Z'),
              tracked: true,
              version: 4,
              balanceAsOf: new Date('2026-12-01T08:00:00Z'),
              hasCurrentBalance: true,
              hasAvailableBalance: false,
              institutionName: 'Mock Bank',
            },
          };
        },
      }),
    );
    const port = await upstream.listen('127.0.0.1:0');
    auth = await startTestAuth();
    bff = await startTestBff(auth, { BANK_GRPC_URL: `127.0.0.1:${port}` });
    unconfigured = await startTestBff(auth);
    pat = await familyWithOwner(bff, 'The Bankers');
  });

  after(async () => {
    await bff?.stop();
    await unconfigured?.stop();
    await auth?.stop();
    await upstream?.shutdown();
  });

  it('passes a webhook body byte for byte (whatever its type), with lower-cased headers, the path and no bearer', async () => {
    // Spacing, key order and a trailing newline a JSON parser would lose; the signature covers them.
    const raw = '{ "webhook_type":"TRANSACTIONS",  "webhook_code":"SYNC_UPDATES_AVAILABLE", "item_id":"i-1" }\n';
    const r = await bff
      .http()
      .post('/v1/webhooks/plaid?attempt=1')
      .set('Content-Type', 'application/json')
      .set('X-Signature', SIGNED_BY)
      .set('Plaid-Verification', 'eyJhbGciOiJFUzI1NiJ9.e30.sig')
      .send(raw);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.deep.equal({ received: true, accepted: true });
    const { request, authorization } = webhooks.at(-1)!;
    expect(Buffer.from(request.body).toString('utf8')).to.equal(raw);
    expect(request.provider).to.equal(BankProvider.BANK_PROVIDER_PLAID);
    expect(request.path).to.equal('/v1/webhooks/plaid');
    expect(request.headers).to.include({
      'content-type': 'application/json',
      'x-signature': SIGNED_BY,
      'plaid-verification': 'eyJhbGciOiJFUzI1NiJ9.e30.sig',
    });
    expect(authorization).to.equal(undefined);

    const form = await bff
      .http()
      .post('/v1/webhooks/saltedge')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('X-Signature', SIGNED_BY)
      .send('a=1&b=%20');
    expect(form.status, JSON.stringify(form.body)).to.equal(200);
    expect(Buffer.from(webhooks.at(-1)!.request.body).toString('utf8')).to.equal('a=1&b=%20');
  });

  it('answers 401 when the bank service refuses the signature', async () => {
    const r = await bff
      .http()
      .post('/v1/webhooks/truelayer')
      .set('Content-Type', 'application/json')
      .set('X-Signature', 'forged')
      .send('{"type":"sync"}');
    expectProblem(r, 401);
  });

  it('answers 400 naming the provider for a webhook of a provider it does not know', async () => {
    const before = webhooks.length;
    const r = await bff.http().post('/v1/webhooks/mybank').set('Content-Type', 'application/json').send('{}');
    expectInvalidField(r, 'provider');
    expect(webhooks.length, 'nothing reached the service').to.equal(before);
  });

  it('answers 202 with the sync’s status and a Location to poll when the sync continues in the background', async () => {
    syncCompletes = false;
    const base = `/v1/families/${pat.familyId}/bank/connections/${CONNECTION}`;
    const r = await bff.http().post(`${base}/sync`).auth(pat.accessToken, { type: 'bearer' });
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    expect(r.headers.location).to.equal(`${base}/syncs/${SYNC}`);
    expect(r.headers['retry-after']).to.equal('2');
    expect(r.body.sync).to.include({ id: SYNC, state: 'RUNNING', trigger: 'MANUAL', fetched: 123 });
    expect(r.body.connection).to.include({ id: CONNECTION, status: 'ACTIVE', provider: 'TRUELAYER' });

    const polled = await bff.http().get(r.headers.location!).auth(pat.accessToken, { type: 'bearer' });
    expect(polled.status, JSON.stringify(polled.body)).to.equal(200);
    expect(polled.body.sync).to.include({ id: SYNC, state: 'RUNNING' });

    syncCompletes = true;
    const done = await bff.http().post(`${base}/sync`).auth(pat.accessToken, { type: 'bearer' });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body).to.include({ added: 120, modified: 0, removed: 0 });
    expect(done.body.sync.state).to.equal('SUCCEEDED');
  });

  it('requires If-Match to change an account, and answers with its new ETag', async () => {
    const path = `/v1/families/${pat.familyId}/bank/accounts/${ACCOUNT}`;
    const missing = await bff.http().patch(path).auth(pat.accessToken, { type: 'bearer' }).send({ tracked: false });
    expectProblem(missing, 428);
    const empty = await bff
      .http()
      .patch(path)
      .auth(pat.accessToken, { type: 'bearer' })
      .set('If-Match', '"3"')
      .send({});
    expectInvalidField(empty, 'body');
    const r = await bff
      .http()
      .patch(path)
      .auth(pat.accessToken, { type: 'bearer' })
      .set('If-Match', '"3"')
      .send({ memberId: null });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.headers.etag).to.equal('"4"');
    expect(r.body).to.include({ memberId: null, currentBalanceMinor: -1250, availableBalanceMinor: null, version: 4 });
  });

  it('names the missing field of a connection to create, per provider', async () => {
    const path = `/v1/families/${pat.familyId}/bank/connections`;
    // Plaid's public token is not checked here: a Hosted Link session has none, and only the bank
    // service knows the session (bank.routes.test.ts: it names publicToken for a Plaid Link one).
    const noState = await bff
      .http()
      .post(path)
      .auth(pat.accessToken, { type: 'bearer' })
      .send({ provider: 'PLAID', publicToken: 'public-sandbox-1' });
    expectInvalidField(noState, 'state');
    const tl = await bff
      .http()
      .post(path)
      .auth(pat.accessToken, { type: 'bearer' })
      .send({ provider: 'TRUELAYER', state: 's' });
    expectInvalidField(tl, 'authorizationCode');
    const unknown = await bff.http().post(path).auth(pat.accessToken, { type: 'bearer' }).send({ provider: 'MYBANK' });
    expectInvalidField(unknown, 'provider');
  });

  it('answers 503 BANK_UNAVAILABLE on every bank route and webhook without BANK_GRPC_URL, and /readyz says so', async () => {
    const providers = await unconfigured.http().get('/v1/bank/providers');
    expectProblem(providers, 503, 'BANK_UNAVAILABLE');
    const accounts = await unconfigured
      .http()
      .get(`/v1/families/${pat.familyId}/bank/accounts`)
      .auth(pat.accessToken, { type: 'bearer' });
    expectProblem(accounts, 503, 'BANK_UNAVAILABLE');
    const hook = await unconfigured
      .http()
      .post('/v1/webhooks/plaid')
      .set('Content-Type', 'application/json')
      .send('{}');
    expectProblem(hook, 503, 'BANK_UNAVAILABLE');
    const ready = await unconfigured.http().get('/readyz');
    expect(ready.body.checks.bank).to.equal('not_configured');

    const configured = await bff.http().get('/readyz');
    expect(configured.body.checks).to.have.property('bank');
    expect(configured.body.checks.bank).to.not.equal('not_configured');
  });

  it('documents the bank routes and webhooks in the OpenAPI document', async () => {
    const doc = (await bff.http().get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    expect(doc.paths).to.include.keys(
      '/v1/bank/providers',
      '/v1/families/{familyId}/bank/link-sessions',
      '/v1/families/{familyId}/bank/connections',
      '/v1/families/{familyId}/bank/connections/{connectionId}',
      '/v1/families/{familyId}/bank/connections/{connectionId}/sync',
      '/v1/families/{familyId}/bank/connections/{connectionId}/syncs/{syncId}',
      '/v1/families/{familyId}/bank/accounts',
      '/v1/families/{familyId}/bank/accounts/{accountId}',
      '/v1/webhooks/{provider}',
    );
    expect((doc.paths['/v1/webhooks/{provider}']!.post as { security?: unknown }).security).to.deep.equal([]);
  });
});

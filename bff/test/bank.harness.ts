// A stack with bank links for BFF tests: the Plaid and TrueLayer emulators, and Tink's when asked (each
// over its own sandbox bank in EUR, the test families' currency), the auth and expense services, the bank service speaking
// to both emulators through the real client libraries, and the BFF in front, on a port chosen up
// front so the bank service knows where Plaid's webhooks go. Helpers link a sandbox bank over REST
// the way an app does.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import {
  BankSandbox,
  defaultUser,
  startPlaidEmulator,
  startSaltEdgeEmulator,
  startTinkEmulator,
  startTrueLayerEmulator,
  type PlaidEmulator,
  type SaltEdgeEmulator,
  type TinkEmulator,
  type TrueLayerEmulator,
} from '@family/emulators';
import { bankConfigSchema, startBankService, type RunningBankService } from '@family/bank-service';
import { silentLogger } from '@family/logger';
import { Scopes } from '@family/service-kit';
import { freePort, onFreshSchema } from '@family/testing';
import {
  STACK_SERVICE_CLIENTS,
  startTestAuth,
  startTestBff,
  startTestExpense,
  type AuthStack,
  type ExpenseStack,
  type TestBff,
} from './bff.harness.js';
import { bearer } from './expense.fixtures.js';

const BANK_CLIENT_SECRET = 'bank-secret';
export const BANK_SERVICE_CLIENT = `bank:${BANK_CLIENT_SECRET}:${Scopes.AUTH_READ} ${Scopes.EVENTS_WRITE} ${Scopes.EXPENSE_IMPORT}`;
const PLAID = { clientId: 'plaid-test-client', secret: 'plaid-test-secret' };
const TRUELAYER = { clientId: 'truelayer-test-client', clientSecret: 'truelayer-test-secret' };
export const TINK = {
  clientId: 'tink-test-client',
  clientSecret: 'tink-test-secret',
  webhookSecret: 'tink-test-webhook',
};
export const SALTEDGE = { appId: 'saltedge-test-app', secret: 'saltedge-test-secret' };
/** The key pair the bank service signs Salt Edge requests with (the emulator holds the public half). */
const SALTEDGE_CLIENT_KEYS = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** Where the TrueLayer sandbox sends the user back; nothing needs to listen there. */
export const REDIRECT_URI = 'https://app.family.test/bank/callback';

export type BankStack = Awaited<ReturnType<typeof startBankStack>>;

/** Emulators, auth, expense, bank and the BFF; `stop()` stops them all. */
export async function startBankStack(
  options: {
    bankEnv?: Record<string, string>;
    /** Also the Tink emulator, configured for the bank service. */
    tink?: boolean;
    /** Also the Salt Edge emulator, configured for the bank service. */
    saltEdge?: boolean;
  } = {},
) {
  const stopping: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stopping.splice(0).reverse()) await stop();
  };
  try {
    const plaid: PlaidEmulator = await startPlaidEmulator({ ...PLAID, sandbox: new BankSandbox([defaultUser('EUR')]) });
    stopping.push(() => plaid.stop());
    const trueLayer: TrueLayerEmulator = await startTrueLayerEmulator({
      ...TRUELAYER,
      sandbox: new BankSandbox([defaultUser('EUR')]),
    });
    stopping.push(() => trueLayer.stop());
    // Tink only when asked for, so the other bank tests keep seeing the providers they list.
    const tink: TinkEmulator | undefined = options.tink
      ? await startTinkEmulator({ ...TINK, sandbox: new BankSandbox([defaultUser('EUR')]) })
      : undefined;
    if (tink) stopping.push(() => tink.stop());
    const saltEdge: SaltEdgeEmulator | undefined = options.saltEdge
      ? await startSaltEdgeEmulator({
          ...SALTEDGE,
          clientPublicKey: SALTEDGE_CLIENT_KEYS.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
          sandbox: new BankSandbox([defaultUser('EUR')]),
        })
      : undefined;
    if (saltEdge) stopping.push(() => saltEdge.stop());
    const auth: AuthStack = await startTestAuth({
      AUTH_SERVICE_CLIENTS: [STACK_SERVICE_CLIENTS, BANK_SERVICE_CLIENT].join(','),
    });
    stopping.push(() => auth.stop());
    const expense: ExpenseStack = await startTestExpense(auth);
    stopping.push(() => expense.stop());
    const bffPort = await freePort();
    const bank: RunningBankService & { stop(): Promise<void> } = await onFreshSchema('bank', ({ sql, schema }) =>
      startBankService({
        config: bankConfigSchema.parse({
          DB_SCHEMA: schema,
          BANK_GRPC_HOST: '127.0.0.1',
          BANK_GRPC_PORT: '0',
          AUTH_GRPC_URL: auth.address,
          AUTH_CLIENT_ID: 'bank',
          AUTH_CLIENT_SECRET: BANK_CLIENT_SECRET,
          EXPENSE_GRPC_URL: expense.address,
          BANK_TOKEN_KEYS: `k1:${randomBytes(32).toString('base64')}`,
          PLAID_BASE_URL: plaid.url,
          PLAID_CLIENT_ID: PLAID.clientId,
          PLAID_SECRET: PLAID.secret,
          PLAID_WEBHOOK_URL: `http://127.0.0.1:${bffPort}/v1/webhooks/plaid`,
          TRUELAYER_AUTH_URL: trueLayer.authUrl,
          TRUELAYER_API_URL: trueLayer.apiUrl,
          TRUELAYER_CLIENT_ID: TRUELAYER.clientId,
          TRUELAYER_CLIENT_SECRET: TRUELAYER.clientSecret,
          TRUELAYER_WEBHOOK_JWKS_URL: trueLayer.jwksUrl,
          ...(tink && {
            TINK_API_URL: tink.apiUrl,
            TINK_LINK_URL: tink.linkUrl,
            TINK_CLIENT_ID: TINK.clientId,
            TINK_CLIENT_SECRET: TINK.clientSecret,
            TINK_WEBHOOK_SECRET: TINK.webhookSecret,
          }),
          ...(saltEdge && {
            SALTEDGE_API_URL: saltEdge.url,
            SALTEDGE_APP_ID: SALTEDGE.appId,
            SALTEDGE_SECRET: SALTEDGE.secret,
            SALTEDGE_PRIVATE_KEY: SALTEDGE_CLIENT_KEYS.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
            SALTEDGE_CALLBACK_PUBLIC_KEY: saltEdge.callbackPublicKey,
            SALTEDGE_CALLBACK_URL: `http://127.0.0.1:${bffPort}/v1/webhooks/saltedge`,
          }),
          // No timer-driven syncs; webhooks and retries are picked up quickly.
          BANK_SYNC_INTERVAL_MS: '0',
          BANK_SCHEDULER_POLL_MS: '200',
          OUTBOX_POLL_MS: '100',
          METRICS_PORT: '0',
          ...options.bankEnv,
        }),
        sql,
        logger: silentLogger(),
      }),
    );
    stopping.push(() => bank.stop());
    const bff: TestBff = await startTestBff(auth, {
      BFF_PORT: String(bffPort),
      EXPENSE_GRPC_URL: expense.address,
      BANK_GRPC_URL: bank.address,
    });
    stopping.push(() => bff.stop());
    return { plaid, trueLayer, tink, saltEdge, auth, expense, bank, bff, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export interface LinkedBank {
  connectionId: string;
  accounts: { id: string; name: string; type: string; memberId: string | null; tracked: boolean; version: number }[];
}

/** A parent links the TrueLayer sandbox: link session → follow the link URL (302 with code and state) → connection. */
export async function linkTrueLayer(bff: TestBff, familyId: string, token: string): Promise<LinkedBank> {
  const base = `/v1/families/${familyId}/bank`;
  const session = await bff
    .http()
    .post(`${base}/link-sessions`)
    .auth(token, bearer)
    .send({ provider: 'TRUELAYER', redirectUri: REDIRECT_URI });
  expect(session.status, JSON.stringify(session.body)).to.equal(201);
  expect(session.body.linkUrl).to.be.a('string');
  const consent = await fetch(session.body.linkUrl as string, { redirect: 'manual' });
  expect(consent.status).to.equal(302);
  const back = new URL(consent.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).to.equal(REDIRECT_URI);
  const created = await bff
    .http()
    .post(`${base}/connections`)
    .auth(token, bearer)
    .send({
      provider: 'TRUELAYER',
      authorizationCode: back.searchParams.get('code'),
      state: back.searchParams.get('state'),
      redirectUri: REDIRECT_URI,
    });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  return { connectionId: created.body.id, accounts: created.body.accounts };
}

/**
 * A parent links the Plaid sandbox: a link session (its state; the app would open Plaid Link with the
 * link token) → a sandbox public token, as Link returns → connection.
 */
export async function linkPlaid(
  bff: TestBff,
  plaid: PlaidEmulator,
  familyId: string,
  token: string,
): Promise<LinkedBank> {
  const session = await bff
    .http()
    .post(`/v1/families/${familyId}/bank/link-sessions`)
    .auth(token, bearer)
    .send({ provider: 'PLAID' });
  expect(session.status, JSON.stringify(session.body)).to.equal(201);
  expect(session.body.linkToken).to.match(/^link-sandbox-/);
  const r = await fetch(`${plaid.url}/sandbox/public_token/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: PLAID.clientId,
      secret: PLAID.secret,
      institution_id: 'ins_sandbox',
      initial_products: ['transactions'],
    }),
  });
  expect(r.status).to.equal(200);
  const { public_token: publicToken } = (await r.json()) as { public_token: string };
  const created = await bff
    .http()
    .post(`/v1/families/${familyId}/bank/connections`)
    .auth(token, bearer)
    .send({ provider: 'PLAID', publicToken, state: session.body.state });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  return { connectionId: created.body.id, accounts: created.body.accounts };
}

// The BFF as its own process (bff/src/main.ts), stopped with SIGTERM the way a container runtime
// stops it: requests in flight are answered (none reset, none lost), new connections are refused
// once the listener is closed, and the process exits 0 — also when its Redis is already gone.
import { Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import {
  freePort,
  httpOutcome,
  startSourceProcess,
  startTestRedisServer,
  uniqueName,
  waitFor,
  waitForHttp,
  type HttpOutcome,
  type SourceProcess,
  type TestRedisServer,
} from '@family/testing';
import { startTestAuth, type AuthStack } from './bff.harness.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('BFF process on SIGTERM', function () {
  // A process of its own compiles the BFF through tsx at start: slow on a busy machine.
  this.timeout(90_000);
  let auth: AuthStack;
  let redis: TestRedisServer;

  before(async () => {
    auth = await startTestAuth();
    redis = await startTestRedisServer();
  });
  after(async () => {
    await redis?.stop();
    await auth?.stop();
  });

  async function startProcess(): Promise<{ bff: SourceProcess; url: string }> {
    const port = await freePort();
    const bff = startSourceProcess(MAIN, {
      env: {
        AUTH_GRPC_URL: auth.address,
        EXPENSE_GRPC_URL: auth.address,
        GOALS_GRPC_URL: auth.address,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `${uniqueName('bff')}:`,
        BFF_HOST: '127.0.0.1',
        BFF_PORT: String(port),
        METRICS_PORT: String(await freePort()),
        BFF_MODE: 'api',
        RATE_LIMIT_PER_MINUTE: '100000',
        AUTH_RATE_LIMIT_PER_MINUTE: '100000',
        LOG_LEVEL: 'silent',
      },
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(bff, `${url}/healthz`, 30_000, 'the BFF process');
    return { bff, url };
  }

  it('answers every request in flight and on open connections, and exits 0', async () => {
    const { bff, url } = await startProcess();
    const agent = new Agent({ keepAlive: true, maxSockets: 40 });
    // Each request reaches auth (the signing keys) and the rate limiter's Redis.
    const send = (via: Agent | false = agent) => httpOutcome(`${url}/.well-known/jwks.json`, { agent: via });
    const statuses = (outcomes: HttpOutcome[]) => outcomes.map((o) => o.status ?? o.error);

    // 40 open keep-alive connections, all idle again.
    expect(statuses(await Promise.all(Array.from({ length: 40 }, () => send())))).to.deep.equal(Array(40).fill(200));
    // 20 requests on their way or in progress when the signal arrives…
    const inFlight = Array.from({ length: 20 }, () => send());
    bff.child.kill('SIGTERM');
    // …the listener closes (a new connection is refused)…
    await waitFor(async () => (await send(false)).error === 'ECONNREFUSED', { what: 'the listener to close' });
    // …but a request on a connection already open is still answered, not reset.
    const onOpen = await Promise.all(Array.from({ length: 20 }, () => send()));
    const answered = await Promise.all(inFlight);
    const code = await bff.exited;
    agent.destroy();

    expect(statuses(answered), 'requests in flight at SIGTERM').to.deep.equal(Array(20).fill(200));
    expect(statuses(onOpen), 'requests on open connections while draining').to.deep.equal(Array(20).fill(200));
    expect(code).to.equal(0);
  });

  it('exits 0 when its Redis is already gone (closing the clients cannot hang)', async () => {
    const { bff } = await startProcess();
    await redis.stop();
    try {
      bff.child.kill('SIGTERM');
      expect(await bff.exited).to.equal(0);
    } finally {
      await redis.start();
    }
  });
});

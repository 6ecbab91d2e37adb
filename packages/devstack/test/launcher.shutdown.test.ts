// The launcher of `npm start` (one process on the embedded database, with a private Redis) stopped
// with SIGTERM while requests are under way: every request is answered, the services stop before
// what they use and the private Redis stops last, the process exits 0, and what was written is
// there when it starts again on the same data.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { httpOutcome, startSourceProcess, waitFor, waitForHttp, type SourceProcess } from '@family/testing';
import { launcherPorts, launcherSteps, stopLeftLauncher, type LauncherPorts } from './launcher.fixtures.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('npm start launcher on SIGTERM', function () {
  // The whole system compiles through tsx at start, twice: slow on a busy machine.
  this.timeout(240_000);
  let dir: string;
  let ports: LauncherPorts;
  let launcher: SourceProcess | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'family-launcher-'));
    ports = await launcherPorts();
  });
  after(async () => {
    await stopLeftLauncher(launcher, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<{ url: string; process: SourceProcess }> {
    // In a folder of its own: the embedded database, the private Redis and the keys go to its .data/.
    const started = startSourceProcess(MAIN, {
      cwd: dir,
      env: {
        ...ports,
        WEB: 'off',
        LOG_LEVEL: 'info',
        DATABASE_URL: undefined,
        REDIS_URL: undefined,
        RATE_LIMIT_PER_MINUTE: '100000',
        AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      },
      keepStdout: true,
    });
    launcher = started;
    const url = `http://127.0.0.1:${ports.BFF_PORT}`;
    await waitForHttp(started, `${url}/readyz`, 180_000, 'the launcher');
    await waitFor(() => started.output().includes('Press Ctrl-C to stop.'), { timeoutMs: 30_000, what: 'the banner' });
    return { url, process: started };
  }

  it('answers every request under way, stops the private Redis last, exits 0 and keeps what was written', async () => {
    const first = await start();
    const redisUrl = /redis:\/\/[\d.]+:\d+(?= \(private redis-server\))/.exec(first.process.output())?.[0];
    expect(redisUrl, 'the private Redis in the banner').to.be.a('string');
    const redisPort = new URL(redisUrl!).port;

    const agent = new Agent({ keepAlive: true, maxSockets: 30 });
    const people = Array.from({ length: 10 }, (_, i) => ({
      email: `launcher-${i}-${Date.now()}@example.test`,
      password: 'correct horse battery',
      displayName: `Person ${i}`,
    }));
    // 30 open keep-alive connections, then writes and reads on them on their way when the signal arrives.
    const warm = await Promise.all(Array.from({ length: 30 }, () => httpOutcome(`${first.url}/healthz`, { agent })));
    expect(warm.map((o) => o.status ?? o.error)).to.deep.equal(Array(30).fill(200));
    const registering = people.map((p) =>
      httpOutcome(`${first.url}/v1/auth/register`, { agent, method: 'POST', json: p }),
    );
    const reading = Array.from({ length: 20 }, () => httpOutcome(`${first.url}/.well-known/jwks.json`, { agent }));
    first.process.child.kill('SIGTERM');
    const registered = await Promise.all(registering);
    const read = await Promise.all(reading);
    const code = await first.process.exited;
    agent.destroy();

    expect(
      registered.map((o) => o.status ?? o.error),
      'registrations under way',
    ).to.deep.equal(Array(10).fill(201));
    expect(
      read.map((o) => o.status ?? o.error),
      'reads under way',
    ).to.deep.equal(Array(20).fill(200));
    expect(code).to.equal(0);
    const steps = launcherSteps(first.process.output());
    expect(steps[0]).to.equal('bff');
    expect(steps.slice(-2)).to.deep.equal(['bank sandboxes', 'redis']);
    expect(steps.indexOf('database')).to.be.greaterThan(steps.indexOf('auth'));
    // The private Redis is gone with it.
    expect((await httpOutcome(`http://127.0.0.1:${redisPort}/`, { agent: false })).error).to.equal('ECONNREFUSED');

    // Started again on the same data: every registration answered 201 is there.
    const second = await start();
    const logins = await Promise.all(
      people.map((p) =>
        httpOutcome(`${second.url}/v1/auth/login`, { method: 'POST', json: { login: p.email, password: p.password } }),
      ),
    );
    expect(logins.map((o) => o.status ?? o.error)).to.deep.equal(Array(10).fill(200));
    second.process.child.kill('SIGTERM');
    expect(await second.process.exited).to.equal(0);
  });
});

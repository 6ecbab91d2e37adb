// Ctrl-C while `npm start` is still starting (a first `next build`, say): the launcher stops what has
// started so far, starts nothing more, and exits; no process it started is left behind, also not the
// one that was starting when the signal came, nor the private Redis.
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { freshDatabase, startSourceProcess, waitFor, type FreshDatabase, type SourceProcess } from '@family/testing';
import { launcherPorts, launcherSteps, stopLeftLauncher, type LauncherPorts } from './launcher.fixtures.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/** Inherited by everything the launcher starts: how the test finds what is left. */
const MARK = 'FAMILY_LAUNCHER_TEST_MARK';

/**
 * Processes whose environment carries the mark, or that run in `dir` (redis-server writes its
 * process title over its environment, and works in its data folder), with their command lines.
 */
function marked(mark: string, dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (!environ.includes(`${MARK}=${mark}`) && !cwd.startsWith(dir)) continue;
      found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim()}`);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

function accepts(port: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm start launcher interrupted while starting', function () {
  this.timeout(180_000);
  let dir: string;
  let ports: LauncherPorts;
  let mark: string;
  let launcher: SourceProcess | undefined;
  let database: FreshDatabase | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'family-launcher-'));
    ports = await launcherPorts();
    mark = `${process.pid}-${Date.now()}`;
  });
  afterEach(async () => {
    await stopLeftLauncher(launcher, 'SIGINT');
    // Whatever a failure left behind goes too.
    for (const line of marked(mark, dir)) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await database?.drop();
    database = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  function start(env: Record<string, string | undefined>): SourceProcess {
    launcher = startSourceProcess(MAIN, {
      cwd: dir,
      env: { ...ports, [MARK]: mark, WEB: 'off', LOG_LEVEL: 'info', REDIS_URL: undefined, ...env },
      keepStdout: true,
    });
    return launcher;
  }

  async function interruptedAndGone(started: SourceProcess): Promise<void> {
    started.child.kill('SIGINT');
    const code = await started.exited;
    expect(code, 'exit code').to.equal(0);
    expect(started.output(), 'the system never came up').not.to.include('Press Ctrl-C to stop.');
    expect(launcherSteps(started.output()).at(-1)).to.equal('redis');
    // Nothing it started is left: what had started was stopped, what was starting was killed.
    await waitFor(() => marked(mark, dir).length === 0, { timeoutMs: 10_000, what: 'no process left' }).catch(() => {
      throw new Error(`left behind:\n${marked(mark, dir).join('\n')}`);
    });
    for (const [name, port] of Object.entries(ports))
      expect(await accepts(port), `${name} after the launcher exited`).to.equal(false);
  }

  it('in processes of their own (Postgres): stops the services that started, and the one starting', async () => {
    database = await freshDatabase('launcher_interrupt');
    const started = start({ DATABASE_URL: database.url, DEVSTACK_PROCESSES: 'many' });
    // Auth is up and the expense service is starting: the BFF is far from up.
    await waitFor(
      () => {
        if (started.child.exitCode !== null) throw new Error(`the launcher exited with ${started.child.exitCode}`);
        return marked(mark, dir).some((line) => line.includes('services/expense/src/main.ts'));
      },
      { timeoutMs: 120_000, intervalMs: 20, what: 'the expense service starting' },
    );
    const running = marked(mark, dir);
    expect(
      running.some((line) => line.includes('redis-server')),
      `its Redis in ${running.join('; ')}`,
    ).to.equal(true);
    expect(await accepts(ports.AUTH_GRPC_PORT), 'the auth service').to.equal(true);
    await interruptedAndGone(started);
    expect(launcherSteps(started.output())).to.include('auth');
  });

  it('in one process (embedded database): stops the private Redis', async () => {
    const started = start({ DATABASE_URL: undefined, DEVSTACK_PROCESSES: undefined });
    await waitFor(
      () => {
        if (started.child.exitCode !== null) throw new Error(`the launcher exited with ${started.child.exitCode}`);
        return marked(mark, dir).some((line) => line.includes('redis-server'));
      },
      { timeoutMs: 60_000, intervalMs: 20, what: 'the private Redis' },
    );
    await interruptedAndGone(started);
  });
});

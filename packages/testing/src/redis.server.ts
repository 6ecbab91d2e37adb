// A redis-server of the test's own on a free port, which the test can stop (Redis "goes away") and
// start again on the same port (Redis "comes back"), or pause (Redis "hangs"), to check that clients
// fail fast and recover.
import { spawn, type ChildProcess } from 'node:child_process';
import { createClient } from 'redis';
import { freePort } from './free.port.js';
import { waitFor } from './wait.for.js';

export interface TestRedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGKILL: nothing is flushed, connections drop at once). */
  stop(): Promise<void>;
  /** Starts it again on the same port (if stopped) and waits until it answers. */
  start(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay up but nothing is answered — Redis "hangs". */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
}

async function answers(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    if (client.isOpen) client.destroy();
  }
}

export async function startTestRedisServer(): Promise<TestRedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const server: TestRedisServer = {
    url,
    port,
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      child = spawn(
        'redis-server',
        ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
        { stdio: 'ignore' },
      );
      await waitFor(() => answers(url), { timeoutMs: 10_000, what: `redis-server on ${url}` });
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGKILL');
      });
    },
  };
  // Never left running after the test process.
  process.once('exit', () => child?.kill('SIGKILL'));
  await server.start();
  return server;
}

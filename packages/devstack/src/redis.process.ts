// A private redis-server for local runs when REDIS_URL is not given.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { createClient } from 'redis';

export class RedisMissingError extends Error {
  override readonly name = 'RedisMissingError';
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const STOP_GRACE_MS = 5_000;

export async function startPrivateRedis(host: string, dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (found.error || found.status !== 0) {
    throw new RedisMissingError(
      'Redis is needed: set REDIS_URL to a running Redis 7, or install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) and run this again.',
    );
  }
  mkdirSync(dir, { recursive: true });
  const port = await freePort(host);
  const child: ChildProcess = spawn(
    'redis-server',
    [
      ...['--bind', host, '--port', String(port), '--dir', dir, '--loglevel', 'warning'],
      // Inboxes, quiet hours and parental controls survive a restart: an append-only file under
      // `dir` (fsync each second), no RDB snapshots.
      ...['--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--appenddirname', 'appendonly'],
    ],
    // Its own process group: Ctrl-C in the terminal reaches only the launcher, which stops the
    // services while Redis still answers (BullMQ and the inboxes need it to close cleanly), then Redis.
    { stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  );
  // Never left behind when the launcher exits some other way.
  process.once('exit', () => child.kill('SIGTERM'));
  const url = `redis://${host}:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      await client.close();
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on ${url}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    // SIGTERM makes redis-server flush the append-only file and exit; one that does not exit in
    // time is killed (the file is already fsync'ed up to a second ago).
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

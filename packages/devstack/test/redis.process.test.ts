import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { startPrivateRedis } from '../src/redis.process.js';

async function withClient<T>(url: string, run: (client: ReturnType<typeof createClient>) => Promise<T>): Promise<T> {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

describe('devstack private redis', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'family-redis-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what was written across a restart (append-only file under its directory)', async () => {
    const first = await startPrivateRedis('127.0.0.1', dir);
    try {
      await withClient(first.url, async (c) => {
        await c.set('inbox:family-1', 'three unread');
        await c.hSet('quiet-hours:member-1', { from: '22:00', to: '07:00' });
      });
    } finally {
      await first.stop();
    }

    const second = await startPrivateRedis('127.0.0.1', dir);
    try {
      await withClient(second.url, async (c) => {
        expect(await c.get('inbox:family-1')).to.equal('three unread');
        expect(await c.hGetAll('quiet-hours:member-1')).to.deep.equal({ from: '22:00', to: '07:00' });
      });
    } finally {
      await second.stop();
    }
  });

  it('stops once and again without waiting on a server already gone', async () => {
    const redis = await startPrivateRedis('127.0.0.1', dir);
    await redis.stop();
    await redis.stop();
  });
});

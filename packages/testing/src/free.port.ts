// A loopback port free right now, for a server whose address others must be told before it starts
// (a subscriber named in a producer's EVENT_SUBSCRIBERS, the BFF's METRICS_PORT).
//
// The port is drawn below the kernel's ephemeral range (ip_local_port_range): a port from that range
// is handed out again to the next outgoing connection or port-0 listener (a Postgres or Redis client,
// a gRPC channel) between the moment it is found free and the moment the server binds it, which made
// a server fail with EADDRINUSE now and then. Below the range only another freePort can pick it, and
// the draw is random over some twenty thousand ports.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const LOWEST = 10_000;

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const value = Number(low);
    return Number.isInteger(value) && value > LOWEST + 1000 ? value : 32_768;
  } catch {
    return 32_768;
  }
}

function bindable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

export async function freePort(): Promise<number> {
  const high = ephemeralLow();
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await bindable(LOWEST + Math.floor(Math.random() * (high - LOWEST)));
    if (port !== undefined) return port;
  }
  const any = await bindable(0);
  if (any === undefined) throw new Error('no free loopback port');
  return any;
}

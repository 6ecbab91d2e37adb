// Benchmark (not a test): create throughput through the BFF. Starts auth, expense and the BFF
// in-process on port 0 (fresh schemas in the test database, Redis as for the tests), creates a
// family through the REST API, then POSTs expenses from N concurrent HTTP clients over loopback
// (bounded by a count and a time limit) and prints expenses/second and p50/p95 latency.
// Run: pnpm --filter @family/bff bench
//   knobs: BENCH_CLIENTS (8), BENCH_CREATES (2000), BENCH_SECONDS (60), BENCH_WARMUP (50)
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { familyWithOwner, startTestStack } from '../test/bff.harness.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const CREATES = Number(process.env.BENCH_CREATES ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 50);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const stack = await startTestStack({ bffEnv: { RATE_LIMIT_PER_MINUTE: '10000000' } });
  try {
    const url = new URL(stack.bff.url);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error('loopback only');
    const owner = await familyWithOwner(stack.bff, 'Bench family');
    // One keep-alive socket per client, as N app instances would have.
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    const path = `/v1/families/${owner.familyId}/expenses`;
    const post = (i: number) =>
      new Promise<number>((resolve, reject) => {
        const day = 1 + (i % 28);
        const body = JSON.stringify({
          amountMinor: 100 + (i % 5000),
          description: `Bench expense ${i}`,
          merchant: ['Corner Shop', 'Bakery', 'Fuel Station', 'Cinema'][i % 4],
          occurredOn: `2024-03-${String(day).padStart(2, '0')}`,
          tags: i % 3 === 0 ? ['bench'] : [],
        });
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path,
            method: 'POST',
            agent,
            headers: {
              authorization: `Bearer ${owner.accessToken}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    let next = 0;
    const run = async (limit: number, deadline: number, ms: number[], failures: number[]) => {
      const worker = async () => {
        while (next < limit && performance.now() < deadline) {
          const i = next++;
          const t = performance.now();
          const status = await post(i);
          if (status === 201) ms.push(performance.now() - t);
          else failures.push(status);
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, worker));
    };

    const warmFailures: number[] = [];
    await run(WARMUP, performance.now() + 30_000, [], warmFailures);
    if (warmFailures.length) throw new Error(`warm-up failed: HTTP ${warmFailures[0]}`);
    next = 0;
    const ms: number[] = [];
    const failures: number[] = [];
    const started = performance.now();
    await run(CREATES, started + SECONDS * 1000, ms, failures);
    const seconds = (performance.now() - started) / 1000;
    agent.destroy();
    ms.sort((a, b) => a - b);
    console.log(
      `POST ${path.replace(owner.familyId, '{familyId}')}: ${ms.length} created in ${seconds.toFixed(1)} s ` +
        `with ${CLIENTS} concurrent HTTP clients (${failures.length} failed${failures.length ? `: HTTP ${[...new Set(failures)].join(', ')}` : ''})`,
    );
    console.log(`| clients | expenses/s | p50 ms | p95 ms | max ms |`);
    console.log(
      `| ${CLIENTS} | ${(ms.length / seconds).toFixed(0)} | ${percentile(ms, 50).toFixed(1)} | ` +
        `${percentile(ms, 95).toFixed(1)} | ${ms.at(-1)!.toFixed(1)} |`,
    );
    if (failures.length) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

await main();

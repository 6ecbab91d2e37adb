// Benchmark (not a test): a parent's home screen as one GraphQL query (the ParentDashboard persisted
// operation) against the REST calls an app makes for the same screen (me, family, members, budgets,
// goals, chores waiting for approval, family progress and the unread count in parallel, then each
// child's balance). Starts auth, expense, goals, gamification, notification and the BFF in-process
// over loopback, makes a family of 2 parents and 3 children with jars, goals, submitted chores,
// expenses and budgets, warms both paths, then loads each screen BENCH_SCREENS times one after the
// other and prints p50/p95 latency and gRPC calls per screen (from the BFF's /metrics).
// Run: pnpm --filter @family/bff bench:dashboard   knobs: BENCH_SCREENS (200), BENCH_WARMUP (20)
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startTestStack } from '../test/bff.harness.js';
import {
  callsBetween,
  dashboardFamily,
  grpcCallsMade,
  total,
  type DashboardFamily,
} from '../test/dashboard.fixtures.js';

const SCREENS = Number(process.env.BENCH_SCREENS ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const DASHBOARD = readFileSync(new URL('../src/graphql/operations/ParentDashboard.graphql', import.meta.url), 'utf8');

async function json(url: string, token: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(url, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers },
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function graphqlScreen(base: string, f: DashboardFamily): Promise<void> {
  const body = await json(`${base}/graphql`, f.owner.accessToken, {
    method: 'POST',
    body: JSON.stringify({ query: DASHBOARD, variables: { familyId: f.familyId } }),
  });
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

async function restScreen(base: string, f: DashboardFamily): Promise<void> {
  const t = f.owner.accessToken;
  const fam = `${base}/v1/families/${f.familyId}`;
  const [, , members] = await Promise.all([
    json(`${base}/v1/me`, t),
    json(fam, t),
    json(`${fam}/members`, t),
    json(`${fam}/budgets`, t),
    json(`${fam}/goals`, t),
    json(`${fam}/chores?status=SUBMITTED`, t),
    json(`${fam}/progress`, t),
    json(`${base}/v1/me/notifications?limit=1&unreadOnly=true`, t),
  ]);
  const children = (members.items as { id: string; role: string }[]).filter((m) => m.role === 'CHILD');
  await Promise.all(children.map((c) => json(`${fam}/members/${c.id}/balance`, t)));
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function run(name: string, base: string, screen: () => Promise<void>) {
  for (let i = 0; i < WARMUP; i++) await screen();
  const before = await grpcCallsMade(base);
  const times: number[] = [];
  for (let i = 0; i < SCREENS; i++) {
    const start = performance.now();
    await screen();
    times.push(performance.now() - start);
  }
  const calls = callsBetween(before, await grpcCallsMade(base));
  times.sort((a, b) => a - b);
  return {
    name,
    p50: quantile(times, 0.5),
    p95: quantile(times, 0.95),
    grpcPerScreen: total(calls) / SCREENS,
  };
}

async function main() {
  const stack = await startTestStack({
    gamification: true,
    notification: true,
    bffEnv: { LOG_LEVEL: 'silent' },
  });
  try {
    const base = stack.bff.url;
    const family = await dashboardFamily(base, { parents: 2, children: 3 });
    const load = loadavg().map((l) => l.toFixed(2));
    const graphql = await run('GraphQL', base, () => graphqlScreen(base, family));
    const rest = await run('REST', base, () => restScreen(base, family));
    const loadAfter = loadavg().map((l) => l.toFixed(2));
    const restRequests = 8 + family.children.length;
    console.log(`Parent dashboard, family of ${family.parents.length} parents and ${family.children.length} children`);
    console.log(`${SCREENS} screens each after ${WARMUP} warm-up; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
    console.log(`load average before ${load.join(' / ')}, after ${loadAfter.join(' / ')}`);
    console.log('| path | HTTP requests per screen | p50 ms | p95 ms | gRPC calls per screen |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const r of [graphql, rest]) {
      const requests = r.name === 'GraphQL' ? 1 : restRequests;
      console.log(
        `| ${r.name} | ${requests} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.grpcPerScreen.toFixed(1)} |`,
      );
    }
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

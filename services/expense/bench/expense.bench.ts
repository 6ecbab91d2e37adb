// Benchmark (not a test): seeds 100,000 expenses in one family on Postgres, then measures list and
// report latency (p50/p95) over real gRPC, CreateExpense throughput, and bank-import rows per second.
// Run: pnpm --filter @family/expense-service bench   (needs Postgres as for the tests; TEST_DATABASE_URL)
import { performance } from 'node:perf_hooks';
import { Metadata } from 'nice-grpc';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { onFreshSchema, testCipherKeys } from '@family/testing';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { BankProvider } from '@family/contracts/common/v1/common';
import {
  BankTransactionStatus,
  ExpenseServiceDefinition,
  SpendingReportGroupBy,
} from '@family/contracts/expense/v1/expense';
import { authConfigSchema, startAuthService } from '@family/auth-service';
import { expenseConfigSchema, startExpenseService } from '../src/index.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const BANK_ROWS = Number(process.env.BENCH_BANK_ROWS ?? 20_000);
const BANK_BATCH = 2000;

const bearer = (token: string) => {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return { metadata };
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time(name: string, n: number, call: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await call(i); // warm up
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const row = {
    name,
    p50: percentile(ms, 50).toFixed(1),
    p95: percentile(ms, 95).toFixed(1),
    max: ms.at(-1)!.toFixed(1),
  };
  console.log(`| ${row.name} | ${row.p50} | ${row.p95} | ${row.max} |`);
  return row;
}

async function main() {
  const auth = await onFreshSchema('bench_auth', async ({ sql, schema }) => {
    const config = authConfigSchema.parse({
      SIGNING_KEY_ENCRYPTION_KEYS: testCipherKeys(),
      DB_SCHEMA: schema,
      AUTH_GRPC_HOST: '127.0.0.1',
      AUTH_GRPC_PORT: '0',
      ACCESS_TOKEN_TTL_SECONDS: '7200',
      AUTH_SERVICE_CLIENTS: 'expense:expense-secret:auth:read events:write,bank:bank-secret:expense:import',
    });
    const service = await startAuthService({ config, sql, logger: silentLogger() });
    return { service, stop: () => service.stop() };
  });
  const expense = await onFreshSchema('bench_expense', async ({ sql, schema }) => {
    const config = expenseConfigSchema.parse({
      DB_SCHEMA: schema,
      EXPENSE_GRPC_HOST: '127.0.0.1',
      EXPENSE_GRPC_PORT: '0',
      AUTH_GRPC_URL: auth.service.address,
      AUTH_CLIENT_SECRET: 'expense-secret',
      SCHEDULER_INTERVAL_MS: '0',
    });
    const service = await startExpenseService({ config, sql, logger: silentLogger() });
    return { service, stop: () => service.stop() };
  });
  try {
    const authClient = createGrpcClient(AuthServiceDefinition, auth.service.address, { defaultDeadlineMs: 60_000 });
    const client = createGrpcClient(ExpenseServiceDefinition, expense.service.address, { defaultDeadlineMs: 300_000 });
    const parent = await authClient.register({
      email: `bench.${Date.now()}@example.test`,
      password: 'correct horse battery',
      displayName: 'Pat',
    });
    const created = await authClient.createFamily(
      { name: 'Bench', currency: 'EUR', timezone: 'Europe/Berlin' },
      bearer(parent.tokens!.accessToken),
    );
    const familyId = created.family!.id;
    const asParent = bearer(created.accessToken);
    const child = await authClient.createChild(
      { familyId, displayName: 'Sam', username: `bench${Date.now().toString(36)}`, password: 'sams secret pw' },
      asParent,
    );
    const members = [created.member!.id, child.member!.id];
    const categories = (await client.listCategories({ familyId, page: { limit: 200 } }, asParent)).categories;
    const leaves = categories.filter((c) => c.parentId);
    const paths = leaves.map((c) => `${categories.find((p) => p.id === c.parentId)!.name} > ${c.name}`);
    const merchants = ['Aldi', 'Lidl', 'Rewe', 'Shell', 'Aral', 'Starbucks', 'Amazon', 'IKEA', 'DB Bahn', 'Netflix'];
    const words = ['coffee', 'groceries', 'fuel', 'train', 'lunch', 'dinner', 'books', 'toys', 'rent', 'power'];

    // Seed through CSV import (20,000 rows per file): two years of spending, two members.
    console.log(`Seeding ${ROWS} expenses in one family through ImportExpensesCsv...`);
    const seedStart = performance.now();
    const start = Date.UTC(2023, 0, 1);
    for (let done = 0; done < ROWS;) {
      const n = Math.min(20_000, ROWS - done);
      const lines = ['date,amount,description,merchant,category,tags,member_id'];
      for (let i = 0; i < n; i++) {
        const k = done + i;
        const date = new Date(start + (k % 730) * 86_400_000).toISOString().slice(0, 10);
        lines.push(
          [
            date,
            `${1 + (k % 200)}.${String(k % 100).padStart(2, '0')}`,
            `${words[k % words.length]} ${k}`,
            merchants[(k * 7) % merchants.length],
            paths[(k * 13) % paths.length],
            k % 5 === 0 ? 'work' : k % 7 === 0 ? 'kids;school' : '',
            members[k % 9 === 0 ? 1 : 0],
          ].join(','),
        );
      }
      const r = await client.importExpensesCsv({ familyId, csv: Buffer.from(lines.join('\n')) }, asParent);
      if (r.errors.length) throw new Error(`seed failed: ${JSON.stringify(r.errors.slice(0, 3))}`);
      done += n;
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.log(`Seeded in ${seedSeconds.toFixed(1)} s (${Math.round(ROWS / seedSeconds)} rows/s through CSV import)`);
    await analyze(expense);

    const cafes = categories.find((c) => c.name === 'Dining')!.id;
    console.log(`\n| call (${ROWS} rows in the family, ${SAMPLES} samples) | p50 ms | p95 ms | max ms |`);
    console.log('| --- | --- | --- | --- |');
    const results = [];
    results.push(
      await time('ListExpenses, first page (50)', SAMPLES, () => client.listExpenses({ familyId }, asParent)),
    );
    let cursor = '';
    results.push(
      await time('ListExpenses, following pages (cursor)', SAMPLES, async () => {
        const r = await client.listExpenses({ familyId, page: { limit: 50, cursor } }, asParent);
        cursor = r.page!.nextCursor;
      }),
    );
    results.push(
      await time('ListExpenses, member = child', SAMPLES, () =>
        client.listExpenses({ familyId, memberId: members[1]! }, asParent),
      ),
    );
    results.push(
      await time('ListExpenses, category incl. subcategories', SAMPLES, () =>
        client.listExpenses({ familyId, categoryId: cafes }, asParent),
      ),
    );
    results.push(
      await time('ListExpenses, tag', SAMPLES, () => client.listExpenses({ familyId, tag: 'school' }, asParent)),
    );
    results.push(
      await time('ListExpenses, q (text search)', SAMPLES, (i) =>
        client.listExpenses({ familyId, q: `${words[i % words.length]}` }, asParent),
      ),
    );
    results.push(
      await time('ListExpenses, q rare word prefix', SAMPLES, (i) =>
        client.listExpenses({ familyId, q: `${1000 + i}` }, asParent),
      ),
    );
    results.push(
      await time('ListExpenses, one month', SAMPLES, () =>
        client.listExpenses(
          { familyId, from: { year: 2024, month: 3, day: 1 }, to: { year: 2024, month: 3, day: 31 } },
          asParent,
        ),
      ),
    );
    const month = { from: { year: 2024, month: 3, day: 1 }, to: { year: 2024, month: 3, day: 31 } };
    const year = { from: { year: 2024, month: 1, day: 1 }, to: { year: 2024, month: 12, day: 31 } };
    for (const [label, groupBy] of [
      ['category', SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_CATEGORY],
      ['member', SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_MEMBER],
      ['month', SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_MONTH],
      ['tag', SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_TAG],
    ] as const) {
      results.push(
        await time(`GetSpendingReport by ${label}, one month (+ previous)`, SAMPLES, () =>
          client.getSpendingReport({ familyId, groupBy, ...month }, asParent),
        ),
      );
    }
    results.push(
      await time('GetSpendingReport by category, one year (+ previous)', Math.max(20, SAMPLES / 4), () =>
        client.getSpendingReport(
          { familyId, groupBy: SpendingReportGroupBy.SPENDING_REPORT_GROUP_BY_CATEGORY, ...year },
          asParent,
        ),
      ),
    );

    // CreateExpense throughput over gRPC (8 concurrent callers).
    const creates = 2000;
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < creates) {
          const i = next++;
          await client.createExpense(
            { familyId, amountMinor: 100 + i, description: `bench ${i}`, merchant: 'Aldi' },
            asParent,
          );
        }
      }),
    );
    const createRate = creates / ((performance.now() - t0) / 1000);
    console.log(`\nCreateExpense: ${Math.round(createRate)} expenses/s (8 concurrent gRPC callers, ${creates} calls)`);

    // Bank import: batches of 2,000 new transactions, then the same batches again (idempotent no-ops).
    const bank = await authClient.issueServiceToken({
      clientId: 'bank',
      clientSecret: 'bank-secret',
      scopes: ['expense:import'],
    });
    const asBank = bearer(bank.accessToken);
    const batches = Array.from({ length: Math.ceil(BANK_ROWS / BANK_BATCH) }, (_, b) =>
      Array.from({ length: BANK_BATCH }, (_, i) => ({
        provider: BankProvider.BANK_PROVIDER_PLAID,
        providerTransactionId: `tx-${b}-${i}`,
        accountId: 'acc-1',
        memberId: members[0]!,
        amountMinor: 100 + i,
        currency: 'EUR',
        occurredOn: { year: 2024, month: 5, day: 1 + (i % 28) },
        description: `Card payment ${i}`,
        merchant: merchants[i % merchants.length]!,
        status: BankTransactionStatus.BANK_TRANSACTION_STATUS_POSTED,
      })),
    );
    const t1 = performance.now();
    for (const transactions of batches) await client.importBankTransactions({ familyId, transactions }, asBank);
    const bankRate = BANK_ROWS / ((performance.now() - t1) / 1000);
    const t2 = performance.now();
    for (const transactions of batches) await client.importBankTransactions({ familyId, transactions }, asBank);
    const replayRate = BANK_ROWS / ((performance.now() - t2) / 1000);
    console.log(
      `ImportBankTransactions: ${Math.round(bankRate)} new rows/s; ${Math.round(replayRate)} rows/s re-sent unchanged (batches of ${BANK_BATCH})`,
    );
  } finally {
    if (process.env.BENCH_KEEP) {
      // Leave the seeded schema for EXPLAIN sessions: psql -c 'set search_path to <schema>'.
      console.log(`kept schema ${expense.schema}`);
      await expense.service.stop();
      await expense.sql.close();
    } else await expense.stop();
    await auth.stop();
  }
}

/** Fresh planner statistics after the bulk load (autovacuum would get there on its own, later). */
async function analyze(expense: { sql: import('@family/db').SqlHandle; schema: string }) {
  const { createKysely, sql } = await import('@family/db');
  const db = createKysely<unknown>(expense.sql, 'public');
  await sql`vacuum analyze ${sql.id(expense.schema, 'expenses')}`.execute(db);
  await sql`vacuum analyze ${sql.id(expense.schema, 'expense_splits')}`.execute(db);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

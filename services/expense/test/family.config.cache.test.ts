// The write path keeps each family's categories, rules, limits and budgets in memory while their
// version holds. Two replicas on one database: what one changes, the other's next write obeys.
import { expect } from 'chai';
import { createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { ExpenseServiceDefinition, SpendingLimitPeriod } from '@family/contracts/expense/v1/expense';
import { startExpenseService } from '../src/index.js';
import {
  household,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
} from './expense.harness.js';

describe('ExpenseService family configuration in memory, across replicas', () => {
  let auth: AuthHarness;
  let a: ExpenseHarness;
  let b: { stop(): Promise<void> };
  let bClient: ReturnType<typeof createGrpcClient<typeof ExpenseServiceDefinition>>;
  before(async () => {
    auth = await startTestAuth();
    a = await startTestExpense(auth);
    const second = await startExpenseService({
      config: { ...a.config, EXPENSE_GRPC_PORT: 0 },
      sql: a.sql,
      logger: silentLogger(),
    });
    b = second;
    bClient = createGrpcClient(ExpenseServiceDefinition, second.address, { defaultDeadlineMs: 20_000 });
  });
  after(async () => {
    await b.stop();
    await a.stop();
    await auth.stop();
  });

  const spend = (
    client: typeof bClient,
    f: Awaited<ReturnType<typeof household>>,
    amountMinor: number,
    description: string,
  ) =>
    client.createExpense(
      {
        familyId: f.familyId,
        memberId: f.child.memberId,
        amountMinor,
        description,
        occurredOn: { year: 2026, month: 11, day: 20 },
      },
      f.asParent,
    );

  it('a category, a rule and a limit made on one replica govern the next expense on the other', async () => {
    const f = await household(auth);
    // Replica A reads (and keeps) the family's configuration.
    const first = (await spend(a.client, f, 100, 'coffee at Shell')).expense!;
    expect(first.categoryId).to.equal('');

    // Replica B adds a category and a rule for it, and a daily limit for the child.
    const fuel = (await bClient.createCategory({ familyId: f.familyId, name: 'Petrol' }, f.asParent)).category!.id;
    await bClient.createCategorizationRule(
      { familyId: f.familyId, priority: 1, pattern: 'shell', categoryId: fuel },
      f.asParent,
    );
    await bClient.putSpendingLimits(
      {
        familyId: f.familyId,
        memberId: f.child.memberId,
        limits: [{ period: SpendingLimitPeriod.SPENDING_LIMIT_PERIOD_DAY, amountMinor: 150 }],
        blockedCategoryIds: [],
      },
      f.asParent,
    );

    const second = (await spend(a.client, f, 100, 'fuel at Shell')).expense!;
    expect(second.categoryId).to.equal(fuel);
    expect(second.flagged).to.equal(true);
    expect(second.flagReason).to.equal('DAY_LIMIT');
  });

  it('a category deleted on one replica is refused by the other', async () => {
    const f = await household(auth);
    const gone = (await bClient.createCategory({ familyId: f.familyId, name: 'Short-lived' }, f.asParent)).category!.id;
    await a.client.createExpense(
      {
        familyId: f.familyId,
        amountMinor: 100,
        description: 'x',
        categoryId: gone,
        occurredOn: { year: 2026, month: 11, day: 20 },
      },
      f.asParent,
    );
    await bClient.deleteCategory({ familyId: f.familyId, categoryId: gone }, f.asParent);
    let refused = false;
    try {
      await a.client.createExpense(
        {
          familyId: f.familyId,
          amountMinor: 100,
          description: 'y',
          categoryId: gone,
          occurredOn: { year: 2026, month: 11, day: 20 },
        },
        f.asParent,
      );
    } catch {
      refused = true;
    }
    expect(refused).to.equal(true);
  });
});

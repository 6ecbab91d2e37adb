import { expect } from 'chai';
import { createGrpcClient } from '@family/grpc-kit';
import { waitFor } from '@family/testing';
import { BudgetPeriod, ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { GoalsServiceDefinition } from '@family/contracts/goals/v1/goals';
import {
  bearer,
  choreSubmitted,
  startNotificationHarness,
  type Household,
  type NotificationHarness,
} from './notification.harness.js';

const day = (iso: string) => {
  const [year, month, d] = iso.split('-').map(Number) as [number, number, number];
  return { year, month, day: d };
};

describe('daily digest', function () {
  let t: NotificationHarness;
  let expense: ReturnType<typeof createGrpcClient<typeof ExpenseServiceDefinition>>;
  let goals: ReturnType<typeof createGrpcClient<typeof GoalsServiceDefinition>>;

  before(async () => {
    t = await startNotificationHarness();
    expense = createGrpcClient(ExpenseServiceDefinition, t.producers.expense.address, { defaultDeadlineMs: 10_000 });
    goals = createGrpcClient(GoalsServiceDefinition, t.producers.goals.address, { defaultDeadlineMs: 10_000 });
  });
  after(async () => {
    await t?.stop();
  });

  const optIn = (token: string) =>
    t.client.updatePreferences(
      { settings: [], quietHours: undefined, dailyDigest: true, urgentOverride: true },
      bearer(token),
    );
  const mine = (h: Household, r: { sent: { userId: string; jobId: string }[] }) =>
    r.sent.filter((s) => s.userId === h.parent.userId);

  /** Spending of 2026-11: €50 on the 3rd (Dining), €15 + €8 on the 20th (Groceries, Dining). */
  async function spend(h: Household) {
    const { categories } = await expense.listCategories({ familyId: h.familyId }, bearer(h.parent.token));
    const id = (name: string) => categories.find((c) => c.name === name && !c.parentId)!.id;
    const expenses = [
      { on: '2026-11-03', amountMinor: 5000, categoryId: id('Dining') },
      { on: '2026-11-20', amountMinor: 1500, categoryId: id('Groceries') },
      { on: '2026-11-20', amountMinor: 800, categoryId: id('Dining') },
    ];
    for (const e of expenses) {
      await expense.createExpense(
        {
          familyId: h.familyId,
          amountMinor: e.amountMinor,
          occurredOn: day(e.on),
          description: 'Shop',
          categoryId: e.categoryId,
        },
        bearer(h.parent.token),
      );
    }
    await expense.createBudget(
      { familyId: h.familyId, name: 'Household', period: BudgetPeriod.BUDGET_PERIOD_MONTH, amountMinor: 8000 },
      bearer(h.parent.token),
    );
    await expense.createBudget(
      {
        familyId: h.familyId,
        name: 'Treats',
        period: BudgetPeriod.BUDGET_PERIOD_MONTH,
        amountMinor: 5000,
        categoryId: id('Dining'),
      },
      bearer(h.parent.token),
    );
  }

  async function choreWaiting(h: Household) {
    const kid = h.kids[0]!;
    const { chore } = await goals.createChore(
      { familyId: h.familyId, title: 'Dishes', assigneeMemberId: kid.memberId, rewardMinor: 100 },
      bearer(h.parent.token),
    );
    await goals.submitChore({ familyId: h.familyId, choreId: chore!.id, note: 'done' }, bearer(kid.token));
  }

  it("emails an opted-in parent one summary of the family's spending and what waits for them, once, after the digest hour in their zone", async () => {
    const h = await t.household(1);
    await optIn(h.parent.token);
    await spend(h);
    await choreWaiting(h);
    const chores = [choreSubmitted(h), choreSubmitted(h)];
    for (const e of chores) e.occurredAt = new Date('2026-11-20T09:00:00Z');
    await t.send(...chores);

    // 17:00 in Berlin: before the digest hour (18:00).
    expect(mine(h, await t.service.digest.run(new Date('2026-11-20T16:00:00Z')))).to.have.length(0);
    // 19:30 in Berlin.
    const sent = mine(h, await t.service.digest.run(new Date('2026-11-20T18:30:00Z')));
    expect(sent).to.have.length(1);
    const job = await t.service.queues.queues.email.getJob(sent[0]!.jobId);
    expect(job!.data).to.include({ to: h.parent.email, category: 'DIGEST', title: 'Your family today (2026-11-20)' });
    const body: string = job!.data.body;
    expect(body).to.contain('Smiths: €23.00 spent today (Groceries €15.00, Dining €8.00).');
    expect(body).to.contain('This month so far: €73.00 (the 20 days before: €0.00).');
    expect(body).to.contain('Budgets to watch: Treats at 116% (over by €8.00); Household at 91% (€7.00 left).');
    expect(body).to.contain('Waiting for you: 1 chore(s) to approve, 2 unread notification(s).');
    expect(body).to.contain("Today's notifications: chores 2.");
    expect(job!.data.data).to.include({
      'count.CHORES': '2',
      unread: '2',
      [`family.${h.familyId}.spentTodayMinor`]: '2300',
      [`family.${h.familyId}.monthMinor`]: '7300',
      [`family.${h.familyId}.choresWaiting`]: '1',
      [`family.${h.familyId}.currency`]: 'EUR',
    });
    // Later the same local day: nothing more.
    expect(mine(h, await t.service.digest.run(new Date('2026-11-20T22:00:00Z')))).to.have.length(0);
  });

  it('writes in the language of the user’s locale, falling back to English', async () => {
    const h = await t.household(1);
    await optIn(h.parent.token);
    await t.auth.client.updateMe({ locale: 'en-IE' }, bearer(h.parent.token));
    await spend(h);
    const sent = mine(h, await t.service.digest.run(new Date('2026-11-20T19:00:00Z')));
    const job = await t.service.queues.queues.email.getJob(sent[0]!.jobId);
    // Irish English formats euros like English; the texts are the English ones.
    expect(job!.data.body).to.contain('€23.00 spent today');
  });

  it('leaves the day unclaimed when a figure cannot be read, so the next pass sends it', async () => {
    const h = await t.household(1);
    await optIn(h.parent.token);
    await t.producers.goals.stop();
    try {
      expect(mine(h, await t.service.digest.run(new Date('2026-11-22T19:00:00Z')))).to.have.length(0);
    } finally {
      await t.producers.restartGoals();
    }
    // The client reconnects with backoff; each pass before that sends nothing and claims nothing.
    const sent = await waitFor(
      async () => {
        const r = mine(h, await t.service.digest.run(new Date('2026-11-22T19:05:00Z')));
        return r.length > 0 && r;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'the digest once goals is back' },
    );
    expect(sent).to.have.length(1);
    expect(mine(h, await t.service.digest.run(new Date('2026-11-22T19:10:00Z'))), 'still once').to.have.length(0);
  });

  it('finds the families of a parent who opts in even when this service never saw them', async () => {
    const h = await t.household(1);
    await t.service.redis.del([
      `${t.prefix}family:${h.familyId}:members`,
      `${t.prefix}family:${h.familyId}:synced`,
      `${t.prefix}user:${h.parent.userId}:families`,
    ]);
    await optIn(h.parent.token);
    expect(mine(h, await t.service.digest.run(new Date('2026-11-23T19:00:00Z')))).to.have.length(1);
  });

  it('sends nothing to a child, even opted in', async () => {
    const h = await t.household(1);
    await optIn(h.kids[0]!.token);
    const r = await t.service.digest.run(new Date('2026-11-21T19:00:00Z'));
    expect(r.sent.map((s) => s.userId)).not.to.include(h.kids[0]!.userId);
  });
});

import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError } from '@family/testing';
import { silentLogger } from '@family/logger';
import { ExpenseSource } from '@family/contracts/common/v1/common';
import { RecurringFrequency } from '@family/contracts/expense/v1/expense';
import { startExpenseService } from '../src/index.js';
import {
  d,
  day,
  household,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
  type Household,
} from './expense.harness.js';

describe('ExpenseService recurring expenses and the scheduler', () => {
  let auth: AuthHarness;
  let h: ExpenseHarness;
  before(async () => {
    auth = await startTestAuth();
    h = await startTestExpense(auth);
  });
  after(async () => {
    await h.stop();
    await auth.stop();
  });
  afterEach(() => h.clock.reset());

  const template = (extra: Record<string, unknown> = {}) => ({ amountMinor: 1000, description: 'Rent', ...extra });
  const create = (
    f: Household,
    frequency: RecurringFrequency,
    startOn: string,
    extra: Record<string, unknown> = {},
    as = f.asParent,
  ) =>
    h.client
      .createRecurringExpense(
        { familyId: f.familyId, template: template(), frequency, startOn: d(startOn), ...extra },
        as,
      )
      .then((r) => r.recurringExpense!);
  const run = (at: string) => h.service.app.scheduler.runOnce(new Date(at));
  const materialized = async (f: Household, ruleId: string) => {
    const days: string[] = [];
    let cursor = '';
    do {
      const r = await h.client.listExpenses(
        { familyId: f.familyId, source: ExpenseSource.EXPENSE_SOURCE_RECURRING, page: { limit: 200, cursor } },
        f.asParent,
      );
      days.push(...r.expenses.filter((e) => e.recurringExpenseId === ruleId).map((e) => day(e.occurredOn)));
      cursor = r.page!.nextCursor;
    } while (cursor);
    return days.sort();
  };

  it('puts a rule on the 31st on the last day of shorter months, catching up after downtime', async () => {
    h.clock.set('2024-01-31T10:00:00Z');
    const f = await household(auth);
    const rule = await create(f, RecurringFrequency.RECURRING_FREQUENCY_MONTHLY, '2024-01-31');
    expect(day(rule.nextOn)).to.equal('2024-01-31');
    await run('2024-05-01T08:00:00Z'); // the service was down from February to May
    expect(await materialized(f, rule.id)).to.deep.equal(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']);
    const after = await h.client.getRecurringExpense({ familyId: f.familyId, recurringExpenseId: rule.id }, f.asParent);
    expect([day(after.recurringExpense!.nextOn), day(after.recurringExpense!.lastRunOn)]).to.deep.equal([
      '2024-05-31',
      '2024-04-30',
    ]);
    await run('2024-05-01T09:00:00Z');
    expect(await materialized(f, rule.id)).to.have.length(4);
  });

  it('puts a 29 February rule on 28 February in other years', async () => {
    h.clock.set('2024-02-29T10:00:00Z');
    const f = await household(auth);
    const rule = await create(f, RecurringFrequency.RECURRING_FREQUENCY_YEARLY, '2024-02-29');
    await run('2025-03-01T10:00:00Z');
    expect(await materialized(f, rule.id)).to.deep.equal(['2024-02-29', '2025-02-28']);
    const preview = await h.client.previewRecurringExpense(
      { familyId: f.familyId, recurringExpenseId: rule.id, count: 3, after: d('2025-03-01') },
      f.asParent,
    );
    expect(preview.dates.map(day)).to.deep.equal(['2026-02-28', '2027-02-28', '2028-02-29']);
  });

  it('makes exactly one occurrence per day across a daylight-saving change in the family zone', async () => {
    h.clock.set('2024-03-09T15:00:00Z');
    const f = await household(auth, { currency: 'USD', timezone: 'America/New_York' });
    const rule = await create(f, RecurringFrequency.RECURRING_FREQUENCY_DAILY, '2024-03-09');
    const steps: [string, string[]][] = [
      ['2024-03-10T04:30:00Z', ['2024-03-09']], // 23:30 EST on the 9th
      ['2024-03-10T06:30:00Z', ['2024-03-09', '2024-03-10']], // 01:30 EST, just before the clocks jump
      ['2024-03-10T07:30:00Z', ['2024-03-09', '2024-03-10']], // 03:30 EDT, after
      ['2024-03-11T03:30:00Z', ['2024-03-09', '2024-03-10']], // 23:30 EDT on the 10th
      ['2024-03-11T04:30:00Z', ['2024-03-09', '2024-03-10', '2024-03-11']],
    ];
    for (const [at, dates] of steps) {
      await run(at);
      expect(await materialized(f, rule.id), at).to.deep.equal(dates);
    }
    // And when the clocks go back in November: the repeated hour is still one day.
    h.clock.set('2024-11-02T15:00:00Z');
    const fall = await create(f, RecurringFrequency.RECURRING_FREQUENCY_DAILY, '2024-11-03');
    for (const at of ['2024-11-03T05:30:00Z', '2024-11-03T06:30:00Z', '2024-11-04T04:30:00Z']) await run(at);
    expect(await materialized(f, fall.id)).to.deep.equal(['2024-11-03']);
    await run('2024-11-04T05:30:00Z');
    expect(await materialized(f, fall.id)).to.deep.equal(['2024-11-03', '2024-11-04']);
  });

  it('materializes each (rule, date) once with two schedulers running at the same time', async () => {
    h.clock.set('2024-06-01T10:00:00Z');
    const f = await household(auth);
    const rules = await Promise.all(
      Array.from({ length: 12 }, () => create(f, RecurringFrequency.RECURRING_FREQUENCY_DAILY, '2024-06-01')),
    );
    const second = await startExpenseService({
      config: h.config,
      sql: h.sql,
      logger: silentLogger(),
      now: h.clock.now,
    });
    try {
      const at = new Date('2024-06-30T10:00:00Z');
      const [a, b] = await Promise.all([h.service.app.scheduler.runOnce(at), second.app.scheduler.runOnce(at)]);
      expect(a + b).to.equal(12 * 30);
      expect(a).to.be.greaterThan(0);
      for (const rule of rules) expect(new Set(await materialized(f, rule.id)).size).to.equal(30);
      expect(await second.app.scheduler.runOnce(at)).to.equal(0);
    } finally {
      await second.stop();
    }
  });

  it('pauses without back-filling on resume, stops at the end date, and previews an unsaved schedule', async () => {
    h.clock.set('2024-06-01T10:00:00Z');
    const f = await household(auth);
    const rule = await create(f, RecurringFrequency.RECURRING_FREQUENCY_WEEKLY, '2024-06-01', {
      interval: 2,
      endOn: d('2024-08-01'),
    });
    await run('2024-06-01T12:00:00Z');
    const paused = await h.client.updateRecurringExpense(
      { familyId: f.familyId, recurringExpenseId: rule.id, expectedVersion: 1, paused: true },
      f.asParent,
    );
    expect(paused.recurringExpense).to.include({ paused: true, version: 2 });
    await run('2024-07-01T12:00:00Z');
    h.clock.set('2024-07-01T12:00:00Z');
    const resumed = await h.client.updateRecurringExpense(
      { familyId: f.familyId, recurringExpenseId: rule.id, paused: false },
      f.asParent,
    );
    expect(day(resumed.recurringExpense!.nextOn)).to.equal('2024-07-13');
    await run('2024-09-01T12:00:00Z');
    expect(await materialized(f, rule.id)).to.deep.equal(['2024-06-01', '2024-07-13', '2024-07-27']);
    const ended = await h.client.getRecurringExpense({ familyId: f.familyId, recurringExpenseId: rule.id }, f.asParent);
    expect(ended.recurringExpense!.nextOn).to.equal(undefined);
    const preview = await h.client.previewRecurringExpense(
      {
        familyId: f.familyId,
        frequency: RecurringFrequency.RECURRING_FREQUENCY_MONTHLY,
        startOn: d('2024-01-30'),
        after: d('2024-01-01'),
        count: 3,
      },
      f.asParent,
    );
    expect(preview.dates.map(day)).to.deep.equal(['2024-01-30', '2024-02-29', '2024-03-30']);
  });

  it("lets a child keep their own recurring expenses, but not another member's, and hides other families", async () => {
    h.clock.set('2024-06-01T10:00:00Z');
    const f = await household(auth);
    const own = await create(f, RecurringFrequency.RECURRING_FREQUENCY_WEEKLY, '2024-06-03', {}, f.asChild);
    expect(own.template!.memberId).to.equal(f.child.memberId);
    const parents = await create(f, RecurringFrequency.RECURRING_FREQUENCY_WEEKLY, '2024-06-03');
    await expectGrpcError(
      h.client.createRecurringExpense(
        {
          familyId: f.familyId,
          template: template({ memberId: f.parent.memberId }),
          frequency: RecurringFrequency.RECURRING_FREQUENCY_DAILY,
        },
        f.asChild,
      ),
      Status.PERMISSION_DENIED,
    );
    const list = await h.client.listRecurringExpenses({ familyId: f.familyId }, f.asChild);
    expect(list.recurringExpenses.map((r) => r.id)).to.deep.equal([own.id]);
    await expectGrpcError(
      h.client.deleteRecurringExpense({ familyId: f.familyId, recurringExpenseId: parents.id }, f.asChild),
      Status.NOT_FOUND,
    );
    const other = await household(auth);
    await expectGrpcError(
      h.client.getRecurringExpense({ familyId: other.familyId, recurringExpenseId: own.id }, other.asParent),
      Status.NOT_FOUND,
    );
    const bad = await expectGrpcError(
      h.client.createRecurringExpense(
        {
          familyId: f.familyId,
          template: { amountMinor: 0, description: '' },
          interval: 999,
          startOn: d('2024-06-10'),
          endOn: d('2024-06-01'),
        },
        f.asParent,
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(bad.violations.map((v) => v.field)).to.deep.equal(['template.amountMinor', 'template.description']);
    const badSchedule = await expectGrpcError(
      h.client.createRecurringExpense(
        { familyId: f.familyId, template: template(), interval: 999, startOn: d('2024-06-10'), endOn: d('2024-06-01') },
        f.asParent,
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(badSchedule.violations.map((v) => v.field)).to.deep.equal(['frequency', 'interval', 'endOn']);
    await h.client.deleteRecurringExpense(
      { familyId: f.familyId, recurringExpenseId: own.id, expectedVersion: 1 },
      f.asChild,
    );
  });
});

import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError, waitFor } from '@family/testing';
import { newEvent } from '@family/outbox';
import { ExpenseSource } from '@family/contracts/common/v1/common';
import { FxRateSource } from '@family/contracts/expense/v1/expense';
import { requireScope, TokenVerifier } from '@family/grpc-kit';
import {
  d,
  household,
  serviceToken,
  startSubscriber,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
  type Household,
} from './expense.harness.js';

describe('ExpenseService events', () => {
  let auth: AuthHarness;
  let h: ExpenseHarness;
  let subscriber: Awaited<ReturnType<typeof startSubscriber>>;
  let asGoals: Awaited<ReturnType<typeof serviceToken>>;
  before(async () => {
    subscriber = await startSubscriber();
    auth = await startTestAuth();
    h = await startTestExpense(auth, {
      EVENT_SUBSCRIBERS: `notification=${subscriber.address}`,
      OUTBOX_POLL_MS: '50',
    });
    asGoals = await serviceToken(auth, 'goals', ['events:write']);
  });
  after(async () => {
    await h.stop();
    await auth.stop();
    await subscriber.stop();
  });

  const jarSpent = (f: Household, ledgerEntryId: string) =>
    newEvent({
      source: 'goals',
      familyId: f.familyId,
      actorUserId: f.parent.userId,
      payload: {
        $case: 'jarSpent',
        value: {
          ledgerEntryId,
          memberId: f.child.memberId,
          amount: { amountMinor: 350, currency: 'EUR' },
          description: 'Stickers',
          merchant: 'Kiosk',
          categoryId: '',
          occurredOn: d('2024-05-04'),
        },
      },
    });
  const jarExpenses = async (f: Household) =>
    (await h.client.listExpenses({ familyId: f.familyId, source: ExpenseSource.EXPENSE_SOURCE_JAR }, f.asParent))
      .expenses;

  it('records jar.spent as one JAR expense even when the event is delivered twice', async () => {
    const f = await household(auth);
    const event = jarSpent(f, '0190a000-0000-7000-8000-000000000001');
    const other = newEvent({
      source: 'goals',
      familyId: f.familyId,
      payload: {
        $case: 'goalAchieved',
        value: { goalId: 'g', ownerMemberId: '', goalName: 'Bike', target: undefined },
      },
    });
    const [a, b] = await Promise.all([
      h.client.handleEvents({ events: [event, other] }, asGoals),
      h.client.handleEvents({ events: [event] }, asGoals),
    ]);
    expect([a.accepted, b.accepted]).to.deep.equal([2, 1]);
    await h.client.handleEvents({ events: [event] }, asGoals);
    // Another event about the same ledger entry is the same purchase.
    await h.client.handleEvents({ events: [jarSpent(f, '0190a000-0000-7000-8000-000000000001')] }, asGoals);
    const rows = await jarExpenses(f);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({
      memberId: f.child.memberId,
      amountMinor: 350,
      description: 'Stickers',
      merchant: 'Kiosk',
      ledgerEntryId: '0190a000-0000-7000-8000-000000000001',
    });
    const child = await h.client.listExpenses({ familyId: f.familyId }, f.asChild);
    expect(child.expenses.map((e) => e.id)).to.deep.equal([rows[0]!.id]);
  });

  it('needs a service token with events:write', async () => {
    const f = await household(auth);
    await expectGrpcError(h.client.handleEvents({ events: [] }, f.asParent), Status.PERMISSION_DENIED);
    const bank = await serviceToken(auth, 'bank', ['expense:import']);
    await expectGrpcError(h.client.handleEvents({ events: [] }, bank), Status.PERMISSION_DENIED, 'SCOPE_REQUIRED');
    await expectGrpcError(h.client.handleEvents({ events: [] }), Status.UNAUTHENTICATED);
  });

  it('delivers expense.created, updated and deleted through the outbox with a scoped service token', async () => {
    const f = await household(auth);
    const e = (
      await h.client.createExpense({ familyId: f.familyId, amountMinor: 700, description: 'Pizza' }, f.asParent)
    ).expense!;
    await h.client.updateExpense({ familyId: f.familyId, expenseId: e.id, amountMinor: 800 }, f.asParent);
    await h.client.deleteExpense({ familyId: f.familyId, expenseId: e.id }, f.asParent);
    const types = await waitFor(
      () => {
        const mine = subscriber.received.filter((x) => x.familyId === f.familyId).map((x) => x.type);
        return mine.length >= 3 ? mine : undefined;
      },
      { what: 'three expense events' },
    );
    expect(types).to.deep.equal(['expense.created', 'expense.updated', 'expense.deleted']);
    const created = subscriber.ofType(f.familyId, 'expense.created')[0]!;
    expect(created.source).to.equal('expense');
    expect(created.actorUserId).to.equal(f.parent.userId);
    expect(created.payload?.$case === 'expenseCreated' && created.payload.value.amount).to.deep.equal({
      amountMinor: 700,
      currency: 'EUR',
    });
  });

  it('records a jar purchase in a currency the family has no rate for, labelled as having no rate', async () => {
    const f = await household(auth);
    const event = jarSpent(f, '0190a000-0000-7000-8000-000000000002');
    if (event.payload?.$case === 'jarSpent') event.payload.value.amount = { amountMinor: 900, currency: 'USD' };
    expect((await h.client.handleEvents({ events: [event] }, asGoals)).accepted).to.equal(1);
    const [recorded] = await jarExpenses(f);
    expect(recorded).to.include({
      amountMinor: 900,
      currency: 'USD',
      baseAmountMinor: 900,
      baseCurrency: 'EUR',
      fxRateSource: FxRateSource.FX_RATE_SOURCE_UNAVAILABLE,
    });
  });

  it('verifies tokens against keys fetched once, not per request', async () => {
    const f = await household(auth);
    await h.client.listExpenses({ familyId: f.familyId }, f.asParent);
    const before = h.service.verifier.fetchCount;
    const familyFetches = h.service.families.fetchCount;
    for (let i = 0; i < 5; i++) await h.client.listExpenses({ familyId: f.familyId }, f.asParent);
    expect(h.service.verifier.fetchCount).to.equal(before);
    // The family's currency and time zone are asked of auth once, then cached.
    expect(h.service.families.fetchCount).to.equal(familyFetches);
    expect(before).to.be.at.most(1);
    const verifier = new TokenVerifier({
      keys: async () => (await auth.client.getJwks({})).keys as never,
      issuer: 'family-auth',
      audience: 'family-api',
    });
    expect(
      requireScope(await verifier.verify(asGoals.metadata.get('authorization')!.replace('Bearer ', '')), 'events:write')
        .clientId,
    ).to.equal('goals');
  });
});

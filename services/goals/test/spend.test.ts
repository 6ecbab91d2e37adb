import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { Jar } from '@family/contracts/common/v1/common';
import { LedgerEntryKind } from '@family/contracts/goals/v1/goals';
import { requireScope, TokenVerifier } from '@family/grpc-kit';
import { expectGrpcError, waitFor } from '@family/testing';
import { bearer, startGoalsHarness, type GoalsHarness, type Household } from './goals.harness.js';
import { startSubscriber, type RecordingSubscriber } from './subscriber.stub.js';

const SPEND = LedgerEntryKind.LEDGER_ENTRY_KIND_SPEND;

describe('GoalsService spending from a jar', () => {
  let h: GoalsHarness;
  let expense: RecordingSubscriber;
  let notification: RecordingSubscriber;
  let f: Household;

  before(async () => {
    expense = await startSubscriber('expense');
    notification = await startSubscriber('notification');
    h = await startGoalsHarness({
      EVENT_SUBSCRIBERS: `notification=${notification.address},expense=${expense.address}[jar.spent]`,
    });
    f = await h.household({ timezone: 'Pacific/Kiritimati' });
  });
  after(async () => {
    await h.stop();
    await expense.stop();
    await notification.stop();
  });

  const kid = () => f.kids[0]!;
  const spentFor = (s: RecordingSubscriber, ledgerEntryId: string) =>
    [...s.processed.values()].filter(
      (e) => e.payload?.$case === 'jarSpent' && e.payload.value.ledgerEntryId === ledgerEntryId,
    );

  it('debits the SPEND jar and sends jar.spent to the expense service with a scoped service token', async () => {
    await h.deposit(f, kid().memberId, Jar.JAR_SPEND, 1000);
    const categoryId = '01890a5d-ac96-774b-bcce-b302099a8057';
    const r = await h.client.postLedgerEntry(
      {
        familyId: f.familyId,
        memberId: kid().memberId,
        kind: SPEND,
        jar: Jar.JAR_SPEND,
        amountMinor: 250,
        description: 'Comic book',
        merchant: 'Corner shop',
        categoryId,
      },
      bearer(kid().token),
    );
    const entry = r.entries[0]!;
    expect(entry).to.include({ amountMinor: -250, balanceAfterMinor: 750, description: 'Comic book', categoryId });
    expect(r.balance?.spendMinor).to.equal(750);

    const [event] = await waitFor(
      () => (spentFor(expense, entry.id).length ? spentFor(expense, entry.id) : undefined),
      {
        what: 'jar.spent at the expense service',
      },
    );
    expect(event!.type).to.equal('jar.spent');
    expect(event!.source).to.equal('goals');
    expect(event!.familyId).to.equal(f.familyId);
    // Kiritimati is UTC+14: the purchase day is the family's day, not the server's.
    const familyDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati' }).format(new Date());
    const [year, month, day] = familyDay.split('-').map(Number);
    expect(event!.payload?.$case === 'jarSpent' && event!.payload.value).to.deep.equal({
      ledgerEntryId: entry.id,
      memberId: kid().memberId,
      amount: { amountMinor: 250, currency: 'EUR' },
      description: 'Comic book',
      merchant: 'Corner shop',
      categoryId,
      occurredOn: { year, month, day },
    });
    await waitFor(() => spentFor(notification, entry.id).length === 1, { what: 'jar.spent at notification' });

    const authorization = expense.authorizations.at(-1)!;
    const verifier = new TokenVerifier({
      keys: async () => (await h.auth.client.getJwks({})).keys as never,
      issuer: 'family-auth',
      audience: 'family-api',
    });
    const caller = await verifier.verify(authorization.replace('Bearer ', ''));
    expect(requireScope(caller, 'events:write').clientId).to.equal('goals');
  });

  it('turns a purchase into exactly one expense even when the event is delivered twice', async () => {
    expense.loseAcks(1);
    const r = await h.client.postLedgerEntry(
      {
        familyId: f.familyId,
        memberId: kid().memberId,
        kind: SPEND,
        jar: Jar.JAR_SPEND,
        amountMinor: 100,
        description: 'Ice cream',
      },
      bearer(kid().token),
    );
    const id = r.entries[0]!.id;
    await waitFor(
      () =>
        expense.deliveries.filter((e) => e.payload?.$case === 'jarSpent' && e.payload.value.ledgerEntryId === id)
          .length >= 2,
      {
        timeoutMs: 10_000,
        what: 'a second delivery after the lost acknowledgement',
      },
    );
    const deliveries = expense.deliveries.filter(
      (e) => e.payload?.$case === 'jarSpent' && e.payload.value.ledgerEntryId === id,
    );
    expect(new Set(deliveries.map((e) => e.id)).size).to.equal(1);
    expect(spentFor(expense, id)).to.have.length(1);
  });

  it('lets a parent record a purchase for a child', async () => {
    const r = await h.client.postLedgerEntry(
      {
        familyId: f.familyId,
        memberId: kid().memberId,
        kind: SPEND,
        jar: Jar.JAR_SPEND,
        amountMinor: 50,
        description: 'Stickers',
        occurredOn: { year: 2024, month: 5, day: 1 },
      },
      bearer(f.parentToken),
    );
    expect(r.entries[0]?.createdByMemberId).to.equal(f.parentMemberId);
    const [event] = await waitFor(() =>
      spentFor(expense, r.entries[0]!.id).length ? spentFor(expense, r.entries[0]!.id) : undefined,
    );
    expect(event!.payload?.$case === 'jarSpent' && event!.payload.value.occurredOn).to.deep.equal({
      year: 2024,
      month: 5,
      day: 1,
    });
  });

  it('refuses a purchase larger than the SPEND jar with the balance, and sends nothing', async () => {
    const before = expense.deliveries.length;
    const balance = (await h.client.getBalance({ familyId: f.familyId, memberId: kid().memberId }, bearer(kid().token)))
      .balance!;
    const failure = await expectGrpcError(
      h.client.postLedgerEntry(
        {
          familyId: f.familyId,
          memberId: kid().memberId,
          kind: SPEND,
          jar: Jar.JAR_SPEND,
          amountMinor: balance.spendMinor + 1,
          description: 'Bike',
        },
        bearer(kid().token),
      ),
      Status.FAILED_PRECONDITION,
      'INSUFFICIENT_FUNDS',
    );
    expect(failure.metadata.balanceMinor).to.equal(String(balance.spendMinor));
    await new Promise((r) => setTimeout(r, 200));
    expect(expense.deliveries.length).to.equal(before);
  });

  it('pays a donation from GIVE without an expense, and refuses spending straight from SAVE', async () => {
    await h.deposit(f, kid().memberId, Jar.JAR_GIVE, 300);
    const r = await h.client.postLedgerEntry(
      {
        familyId: f.familyId,
        memberId: kid().memberId,
        kind: SPEND,
        jar: Jar.JAR_GIVE,
        amountMinor: 300,
        description: 'Animal shelter',
      },
      bearer(kid().token),
    );
    expect(r.balance?.giveMinor).to.equal(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(spentFor(expense, r.entries[0]!.id)).to.have.length(0);
    const failure = await expectGrpcError(
      h.client.postLedgerEntry(
        {
          familyId: f.familyId,
          memberId: kid().memberId,
          kind: SPEND,
          jar: Jar.JAR_SAVE,
          amountMinor: 1,
          description: 'x',
        },
        bearer(kid().token),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal(['jar']);
  });

  it('names the invalid fields of a purchase', async () => {
    const failure = await expectGrpcError(
      h.client.postLedgerEntry(
        {
          familyId: f.familyId,
          memberId: kid().memberId,
          kind: SPEND,
          jar: Jar.JAR_SPEND,
          amountMinor: 10,
          description: ' ',
          merchant: 'm'.repeat(101),
          categoryId: 'food',
          occurredOn: { year: 2999, month: 1, day: 1 },
        },
        bearer(kid().token),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal([
      'description',
      'merchant',
      'categoryId',
      'occurredOn',
    ]);
  });

  it("refuses a child buying from a sibling's jar", async () => {
    await expectGrpcError(
      h.client.postLedgerEntry(
        {
          familyId: f.familyId,
          memberId: f.kids[1]!.memberId,
          kind: SPEND,
          jar: Jar.JAR_SPEND,
          amountMinor: 1,
          description: 'x',
        },
        bearer(kid().token),
      ),
      Status.PERMISSION_DENIED,
    );
  });
});

// Syncing a linked Plaid sandbox bank into expenses, through the Plaid adapter and emulator and the
// real expense service: accounts and balances, money out → expenses of the right member, money in
// and ignored accounts skipped, pending → posted (with and without the provider's link) never
// duplicated, modified and removed applied, transfers between the family's own accounts not
// spending, and a sync repeated adds nothing.
import { expect } from 'chai';
import { AccountType, ConnectionStatus, SyncState } from '@family/contracts/bank/v1/bank';
import { waitFor } from '@family/testing';
import { bearer, startBankHarness, type BankHarness, type Household } from './bank.harness.js';

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe('Bank sync into expenses (Plaid)', function () {
  this.timeout(60_000);
  let h: BankHarness;
  let f: Household;
  let connectionId: string;
  let accounts: Record<string, string>;

  const sync = async () => {
    const r = await h.client.syncConnection({ familyId: f.familyId, connectionId }, bearer(f.parentToken));
    expect(r.completed, 'finished within the call').to.equal(true);
    expect(r.sync?.state).to.equal(SyncState.SYNC_STATE_SUCCEEDED);
    return r;
  };
  const spend = (accountId: string, amount: string, description: string, extra: Record<string, unknown> = {}) =>
    h.sandbox.add({
      accountId,
      amount,
      direction: 'OUT',
      currency: 'USD',
      bookedOn: daysAgo(1),
      pending: false,
      description,
      merchant: description,
      ...extra,
    });

  before(async () => {
    h = await startBankHarness();
    f = await h.household();
    spend('acc_checking', '12.34', 'Groceries');
    spend('acc_card', '40.00', 'Fuel');
    h.sandbox.add({
      accountId: 'acc_checking',
      amount: '2500.00',
      direction: 'IN',
      currency: 'USD',
      bookedOn: daysAgo(2),
      pending: false,
      description: 'Salary',
    });
    spend('acc_savings', '5.00', 'Savings fee');
    const linked = await h.link(f);
    connectionId = linked.connection!.id;
    accounts = Object.fromEntries(linked.accounts.map((a) => [a.providerAccountId, a.id]));
    await h.idle();
  });
  after(() => h.stop());

  it('links the sandbox bank: accounts with kind, mask, balances as of now; savings ignored by default', async () => {
    const r = await h.client.getConnection({ familyId: f.familyId, connectionId }, bearer(f.parentToken));
    expect(r.connection?.status).to.equal(ConnectionStatus.CONNECTION_STATUS_ACTIVE);
    expect(r.connection?.institutionName).to.equal('Sandbox Bank');
    const byId = Object.fromEntries(r.accounts.map((a) => [a.providerAccountId, a]));
    expect(byId.acc_checking).to.include({
      type: AccountType.ACCOUNT_TYPE_CHECKING,
      mask: '0000',
      currency: 'USD',
      currentBalanceMinor: 125000,
      availableBalanceMinor: 120000,
      tracked: true,
      hasCurrentBalance: true,
    });
    expect(byId.acc_savings?.tracked).to.equal(false);
    expect(byId.acc_card?.tracked).to.equal(true);
    expect(byId.acc_checking!.balanceAsOf!.getTime()).to.be.closeTo(Date.now(), 60_000);
  });

  it('the first sync records money out as expenses of the parent who linked; income and savings are skipped', async () => {
    const r = await h.client.getSyncStatus({ familyId: f.familyId, connectionId }, bearer(f.parentToken));
    expect(r.sync?.state).to.equal(SyncState.SYNC_STATE_SUCCEEDED);
    expect(r.sync?.added).to.equal(2);
    const expenses = await h.bankExpenses(f);
    expect(expenses.map((e) => [e.description, e.amountMinor, e.memberId]).sort()).to.deep.equal(
      [
        ['Fuel', 4000, f.parentMemberId],
        ['Groceries', 1234, f.parentMemberId],
      ].sort(),
    );
  });

  it('syncing again adds nothing', async () => {
    const r = await sync();
    expect([r.added, r.modified, r.removed]).to.deep.equal([0, 0, 0]);
    expect(await h.bankExpenses(f)).to.have.length(2);
  });

  it('pending → posted with a new id and a new amount updates the one expense in place', async () => {
    const pending = spend('acc_card', '20.00', 'Trattoria', { pending: true });
    await sync();
    const before = (await h.bankExpenses(f)).find((e) => e.description === 'Trattoria')!;
    expect(before.pending).to.equal(true);
    h.sandbox.post(pending.id, { amount: '24.00' });
    await sync();
    const after = (await h.bankExpenses(f)).filter((e) => e.description === 'Trattoria');
    expect(after).to.have.length(1);
    expect(after[0]!.id).to.equal(before.id);
    expect(after[0]!.pending).to.equal(false);
    expect(after[0]!.amountMinor).to.equal(2400);
  });

  it('a posted one the provider does not link is matched to its pending one by account, amount and day', async () => {
    const pending = spend('acc_checking', '50.00', 'Hotel', { pending: true, bookedOn: daysAgo(4) });
    await sync();
    const before = (await h.bankExpenses(f)).find((e) => e.description === 'Hotel')!;
    // The bank drops the pending one and books the charge under a new id, with no link, a bit higher.
    h.sandbox.remove(pending.id);
    spend('acc_checking', '55.50', 'HOTEL BERLIN', { bookedOn: daysAgo(2) });
    await sync();
    const hotel = (await h.bankExpenses(f)).filter((e) => /hotel/i.test(e.description));
    expect(hotel.map((e) => [e.id, e.amountMinor, e.pending])).to.deep.equal([[before.id, 5550, false]]);
  });

  it('a modified transaction is updated and a removed one deleted', async () => {
    const t = spend('acc_checking', '9.99', 'Cinema');
    const gone = spend('acc_checking', '3.00', 'Parking');
    await sync();
    h.sandbox.modify(t.id, { amount: '11.99', description: 'Cinema (2 tickets)' });
    h.sandbox.remove(gone.id);
    const r = await sync();
    expect(r.modified).to.equal(1);
    expect(r.removed).to.equal(1);
    const all = await h.bankExpenses(f);
    expect(all.find((e) => e.description === 'Cinema (2 tickets)')?.amountMinor).to.equal(1199);
    expect(all.some((e) => e.description === 'Parking')).to.equal(false);
  });

  it('a transfer from checking to the family’s savings account is not spending', async () => {
    const before = (await h.bankExpenses(f)).length;
    spend('acc_checking', '300.00', 'Transfer to savings');
    h.sandbox.add({
      accountId: 'acc_savings',
      amount: '300.00',
      direction: 'IN',
      currency: 'USD',
      bookedOn: today(),
      pending: false,
      description: 'Transfer from checking',
    });
    const r = await sync();
    expect(r.sync?.skipped).to.be.greaterThan(0);
    const after = await h.bankExpenses(f);
    expect(after.length).to.equal(before);
    expect(after.some((e) => e.description === 'Transfer to savings')).to.equal(false);
  });

  it('an out leg already recorded is removed from expenses when its in leg turns up later', async () => {
    // The card payment leaves checking first; the card account shows the incoming payment a day later.
    spend('acc_checking', '410.25', 'Card payment');
    await sync();
    expect((await h.bankExpenses(f)).some((e) => e.description === 'Card payment')).to.equal(true);
    h.sandbox.add({
      accountId: 'acc_card',
      amount: '410.25',
      direction: 'IN',
      currency: 'USD',
      bookedOn: today(),
      pending: false,
      description: 'Payment received',
    });
    await sync();
    expect((await h.bankExpenses(f)).some((e) => e.description === 'Card payment')).to.equal(false);
  });

  it('a card assigned to a child makes its new transactions the child’s expenses', async () => {
    const kid = f.kids[0]!;
    const account = await h.client.updateAccount(
      { familyId: f.familyId, accountId: accounts.acc_card!, memberId: kid.memberId },
      bearer(f.parentToken),
    );
    expect(account.account?.memberId).to.equal(kid.memberId);
    spend('acc_card', '7.50', 'Comics');
    await sync();
    const comics = (await h.bankExpenses(f)).find((e) => e.description === 'Comics');
    expect(comics?.memberId).to.equal(kid.memberId);
  });

  it('tracking the savings account makes its later spending expenses; ignoring the card stops its new ones', async () => {
    await h.client.updateAccount(
      { familyId: f.familyId, accountId: accounts.acc_savings!, tracked: true },
      bearer(f.parentToken),
    );
    await h.client.updateAccount(
      { familyId: f.familyId, accountId: accounts.acc_card!, tracked: false },
      bearer(f.parentToken),
    );
    spend('acc_savings', '2.00', 'Savings withdrawal fee');
    spend('acc_card', '15.00', 'Ignored card purchase');
    await sync();
    const all = await h.bankExpenses(f);
    expect(all.some((e) => e.description === 'Savings withdrawal fee')).to.equal(true);
    expect(all.some((e) => e.description === 'Ignored card purchase')).to.equal(false);
  });

  it('a batch recorded in parts side by side: each transaction once, pending ones posted meanwhile replaced in place', async () => {
    const pending = Array.from({ length: 300 }, (_, i) =>
      spend('acc_checking', '3.00', `Kiosk ${i}`, { pending: true }),
    );
    await sync();
    const kiosk = (all: Awaited<ReturnType<typeof h.bankExpenses>>) =>
      all.filter((e) => /^Kiosk \d+$/.test(e.description));
    const pendingExpenses = kiosk(await h.bankExpenses(f));
    expect(pendingExpenses).to.have.length(300);
    const count = (await h.bankExpenses(f)).length;
    // One batch far over the size that is split: new purchases and every pending one posted under a
    // new id and a higher amount, the posted ones spread over the batch.
    for (let i = 0; i < 1000; i++) {
      spend('acc_checking', '1.25', `Stall ${i}`);
      if (i % 3 === 0 && i / 3 < 300) h.sandbox.post(pending[i / 3]!.id, { amount: '3.50' });
    }
    // A second charge naming a pending one already posted (a hotel's deposit settled in two).
    for (let i = 0; i < 50; i++) {
      spend('acc_checking', '0.75', `Kiosk ${i} extra`, { pendingTransactionId: pending[i]!.id });
    }
    const r = await sync();
    expect([r.added, r.modified, r.removed]).to.deep.equal([1050, 300, 0]);
    const all = await h.bankExpenses(f);
    expect(all).to.have.length(count + 1050);
    expect(new Set(all.map((e) => e.bankTransactionId)).size, 'each bank transaction once').to.equal(all.length);
    const posted = kiosk(all);
    expect(posted.map((e) => e.id).sort()).to.deep.equal(pendingExpenses.map((e) => e.id).sort());
    expect(posted.every((e) => !e.pending && e.amountMinor === 350)).to.equal(true);
    expect(all.filter((e) => e.description.startsWith('Stall')).reduce((s, e) => s + e.amountMinor, 0)).to.equal(
      125_000,
    );
    // Each second charge is an expense of its own: the one it names was already replaced.
    const extra = all.filter((e) => e.description.endsWith(' extra'));
    expect(extra.map((e) => e.amountMinor)).to.deep.equal(Array(50).fill(75));
    const again = await sync();
    expect([again.added, again.modified, again.removed]).to.deep.equal([0, 0, 0]);
  });

  it('tells subscribers about each completed sync', async () => {
    const r = await sync();
    await waitFor(() =>
      h.subscriber.events.some(
        (e) => e.payload?.$case === 'bankSyncCompleted' && e.payload.value.syncId === r.sync!.id,
      ),
    );
  });
});

describe('Bank sync in batches (Plaid)', function () {
  this.timeout(60_000);
  let h: BankHarness;
  // Two transactions a page and a batch: each batch is planned while the one before is recorded.
  before(async () => {
    h = await startBankHarness({ env: { BANK_SYNC_BATCH: '2', PLAID_PAGE_SIZE: '2' } });
  });
  after(() => h.stop());

  it('a transfer whose legs arrive in consecutive batches of one sync is not spending', async () => {
    const f = await h.household();
    const add = (accountId: string, direction: 'IN' | 'OUT', amount: string, description: string) =>
      h.sandbox.add({
        accountId,
        amount,
        direction,
        currency: 'USD',
        bookedOn: daysAgo(1),
        pending: false,
        description,
        merchant: description,
      });
    add('acc_checking', 'OUT', '10.00', 'Bakery');
    add('acc_checking', 'OUT', '300.00', 'Transfer to savings');
    add('acc_savings', 'IN', '300.00', 'Transfer from checking');
    add('acc_card', 'OUT', '12.00', 'Lunch');
    add('acc_card', 'OUT', '7.00', 'Tea');
    add('acc_checking', 'OUT', '4.00', 'Stamps');
    const linked = await h.link(f);
    await h.idle();
    const status = await h.client.getSyncStatus(
      { familyId: f.familyId, connectionId: linked.connection!.id },
      bearer(f.parentToken),
    );
    expect(status.sync?.state).to.equal(SyncState.SYNC_STATE_SUCCEEDED);
    expect(status.sync?.fetched).to.equal(6);
    const spent = (await h.bankExpenses(f)).map((e) => e.description).sort();
    expect(spent).to.deep.equal(['Bakery', 'Lunch', 'Stamps', 'Tea']);
  });
});

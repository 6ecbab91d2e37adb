import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { Jar } from '@family/contracts/common/v1/common';
import { LedgerEntryKind } from '@family/contracts/goals/v1/goals';
import { expectGrpcError } from '@family/testing';
import { anonymous, bearer, startGoalsHarness, type GoalsHarness, type Household } from './goals.harness.js';

const { JAR_SPEND: SPEND, JAR_SAVE: SAVE, JAR_GIVE: GIVE } = Jar;
const K = LedgerEntryKind;

describe('GoalsService jars and ledger', () => {
  let h: GoalsHarness;
  let f: Household;
  let other: Household;

  before(async () => {
    h = await startGoalsHarness();
    f = await h.household();
    other = await h.household({ name: 'Joneses' });
  });
  after(() => h.stop());

  const kid = () => f.kids[0]!;
  const sibling = () => f.kids[1]!;

  it('lets a parent deposit into a child’s jar and shows it in the balance and the ledger', async () => {
    const posted = await h.client.postLedgerEntry(
      {
        familyId: f.familyId,
        memberId: kid().memberId,
        kind: K.LEDGER_ENTRY_KIND_DEPOSIT,
        jar: SAVE,
        amountMinor: 1500,
        memo: 'Birthday',
      },
      bearer(f.parentToken),
    );
    expect(posted.entries).to.have.length(1);
    expect(posted.entries[0]).to.include({
      amountMinor: 1500,
      balanceAfterMinor: 1500,
      kind: K.LEDGER_ENTRY_KIND_DEPOSIT,
      jar: SAVE,
      memo: 'Birthday',
      currency: 'EUR',
      createdByMemberId: f.parentMemberId,
    });
    expect(posted.balance).to.include({ saveMinor: 1500, spendMinor: 0, giveMinor: 0, currency: 'EUR' });
    const balance = await h.client.getBalance({ familyId: f.familyId, memberId: kid().memberId }, bearer(kid().token));
    expect(balance.balance?.saveMinor).to.equal(1500);
  });

  it('lets a child move money between their own jars, both legs sharing a transfer id', async () => {
    await h.deposit(f, kid().memberId, SPEND, 1000);
    const r = await h.client.postLedgerEntry(
      {
        familyId: f.familyId,
        memberId: kid().memberId,
        kind: K.LEDGER_ENTRY_KIND_TRANSFER,
        jar: SPEND,
        toJar: GIVE,
        amountMinor: 300,
      },
      bearer(kid().token),
    );
    expect(r.entries.map((e) => [e.jar, e.amountMinor])).to.deep.equal([
      [SPEND, -300],
      [GIVE, 300],
    ]);
    expect(r.entries[0]!.transferId).to.equal(r.entries[1]!.transferId).and.not.equal('');
    expect(r.balance).to.include({ spendMinor: 700, giveMinor: 300 });
  });

  it('refuses a debit larger than the jar with 409-style FAILED_PRECONDITION and the balance', async () => {
    const failure = await expectGrpcError(
      h.client.postLedgerEntry(
        {
          familyId: f.familyId,
          memberId: kid().memberId,
          kind: K.LEDGER_ENTRY_KIND_WITHDRAWAL,
          jar: GIVE,
          amountMinor: 301,
        },
        bearer(f.parentToken),
      ),
      Status.FAILED_PRECONDITION,
      'INSUFFICIENT_FUNDS',
    );
    expect(failure.metadata).to.include({ jar: 'GIVE', balanceMinor: '300' });
    const balance = await h.client.getBalance(
      { familyId: f.familyId, memberId: kid().memberId },
      bearer(f.parentToken),
    );
    expect(balance.balance?.giveMinor).to.equal(300);
  });

  it('never lets concurrent debits take a jar below zero', async () => {
    const child = sibling();
    await h.deposit(f, child.memberId, SPEND, 1000);
    const attempts = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) =>
        i % 2 === 0
          ? h.client.postLedgerEntry(
              {
                familyId: f.familyId,
                memberId: child.memberId,
                kind: K.LEDGER_ENTRY_KIND_WITHDRAWAL,
                jar: SPEND,
                amountMinor: 100,
              },
              bearer(f.parentToken),
            )
          : h.client.postLedgerEntry(
              {
                familyId: f.familyId,
                memberId: child.memberId,
                kind: K.LEDGER_ENTRY_KIND_SPEND,
                jar: SPEND,
                amountMinor: 100,
                description: 'Sweets',
              },
              bearer(child.token),
            ),
      ),
    );
    const ok = attempts.filter((a) => a.status === 'fulfilled');
    expect(ok).to.have.length(10);
    for (const a of attempts) {
      if (a.status === 'rejected') expect(String(a.reason)).to.match(/holds only/);
    }
    const balance = await h.client.getBalance(
      { familyId: f.familyId, memberId: child.memberId },
      bearer(f.parentToken),
    );
    expect(balance.balance?.spendMinor).to.equal(0);
    const ledger = await h.client.listLedgerEntries(
      { familyId: f.familyId, memberId: child.memberId, jar: SPEND, page: { limit: 200, cursor: '' } },
      bearer(f.parentToken),
    );
    expect(ledger.entries.reduce((sum, e) => sum + e.amountMinor, 0)).to.equal(0);
    const after = ledger.entries.map((e) => e.balanceAfterMinor).sort((a, b) => a - b);
    expect(after).to.deep.equal([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it('never deadlocks transfers in opposite directions', async () => {
    const fam = await h.household({ kids: 1 });
    const c = fam.kids[0]!;
    await h.deposit(fam, c.memberId, SPEND, 500);
    await h.deposit(fam, c.memberId, SAVE, 500);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.client.postLedgerEntry(
          {
            familyId: fam.familyId,
            memberId: c.memberId,
            kind: K.LEDGER_ENTRY_KIND_TRANSFER,
            jar: i % 2 ? SPEND : SAVE,
            toJar: i % 2 ? SAVE : SPEND,
            amountMinor: 10,
          },
          bearer(c.token),
        ),
      ),
    );
    const balance = await h.client.getBalance({ familyId: fam.familyId, memberId: c.memberId }, bearer(c.token));
    expect(balance.balance).to.include({ spendMinor: 500, saveMinor: 500 });
  });

  it('refuses a child depositing or withdrawing (parent-only) with PERMISSION_DENIED', async () => {
    for (const kind of [K.LEDGER_ENTRY_KIND_DEPOSIT, K.LEDGER_ENTRY_KIND_WITHDRAWAL]) {
      await expectGrpcError(
        h.client.postLedgerEntry(
          { familyId: f.familyId, memberId: kid().memberId, kind, jar: SPEND, amountMinor: 100 },
          bearer(kid().token),
        ),
        Status.PERMISSION_DENIED,
        'ROLE_REQUIRED',
      );
    }
  });

  it("refuses a child reaching a sibling's jars, balance or ledger with PERMISSION_DENIED", async () => {
    const target = { familyId: f.familyId, memberId: sibling().memberId };
    await expectGrpcError(h.client.getBalance(target, bearer(kid().token)), Status.PERMISSION_DENIED, 'OWN_ONLY');
    await expectGrpcError(h.client.listLedgerEntries(target, bearer(kid().token)), Status.PERMISSION_DENIED);
    await expectGrpcError(h.client.getJarSettings(target, bearer(kid().token)), Status.PERMISSION_DENIED);
    await expectGrpcError(
      h.client.postLedgerEntry(
        { ...target, kind: K.LEDGER_ENTRY_KIND_TRANSFER, jar: SPEND, toJar: SAVE, amountMinor: 1 },
        bearer(kid().token),
      ),
      Status.PERMISSION_DENIED,
    );
  });

  it("answers NOT_FOUND for another family's family or members", async () => {
    const foreignKid = other.kids[0]!.memberId;
    await expectGrpcError(
      h.client.getBalance({ familyId: other.familyId, memberId: foreignKid }, bearer(f.parentToken)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.getBalance({ familyId: f.familyId, memberId: foreignKid }, bearer(f.parentToken)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.getBalance({ familyId: f.familyId, memberId: foreignKid }, bearer(kid().token)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.postLedgerEntry(
        { familyId: f.familyId, memberId: foreignKid, kind: K.LEDGER_ENTRY_KIND_DEPOSIT, jar: SPEND, amountMinor: 1 },
        bearer(f.parentToken),
      ),
      Status.NOT_FOUND,
    );
  });

  it('names every invalid field of a posted entry', async () => {
    const failure = await expectGrpcError(
      h.client.postLedgerEntry(
        {
          familyId: f.familyId,
          memberId: kid().memberId,
          kind: K.LEDGER_ENTRY_KIND_TRANSFER,
          jar: Jar.JAR_UNSPECIFIED,
          toJar: Jar.JAR_UNSPECIFIED,
          amountMinor: 0,
          memo: 'x'.repeat(201),
        },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal(['jar', 'toJar', 'amountMinor', 'memo']);
    const kind = await expectGrpcError(
      h.client.postLedgerEntry(
        {
          familyId: f.familyId,
          memberId: kid().memberId,
          kind: K.LEDGER_ENTRY_KIND_INTEREST,
          jar: SAVE,
          amountMinor: 1,
        },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(kind.violations.map((v) => v.field)).to.deep.equal(['kind']);
    const ids = await expectGrpcError(
      h.client.getBalance({ familyId: f.familyId, memberId: 'nope' }, bearer(f.parentToken)),
      Status.INVALID_ARGUMENT,
    );
    expect(ids.violations.map((v) => v.field)).to.deep.equal(['memberId']);
    const family = await expectGrpcError(
      h.client.getBalance({ familyId: 'nope', memberId: kid().memberId }, bearer(f.parentToken)),
      Status.INVALID_ARGUMENT,
    );
    expect(family.violations.map((v) => v.field)).to.deep.equal(['familyId']);
    await expectGrpcError(
      h.client.getBalance({ familyId: f.familyId, memberId: kid().memberId }, anonymous()),
      Status.UNAUTHENTICATED,
    );
  });

  it('refuses an enum value outside the contract with INVALID_ARGUMENT naming the field', async () => {
    const posted = await expectGrpcError(
      h.client.postLedgerEntry(
        {
          familyId: f.familyId,
          memberId: kid().memberId,
          kind: K.LEDGER_ENTRY_KIND_DEPOSIT,
          jar: Jar.UNRECOGNIZED,
          amountMinor: 1,
        },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(posted.violations.map((v) => v.field)).to.deep.equal(['jar']);
    // A filter with an unknown value is refused rather than ignored (which listed everything).
    const listed = await expectGrpcError(
      h.client.listLedgerEntries(
        { familyId: f.familyId, memberId: kid().memberId, kind: K.UNRECOGNIZED },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(listed.violations.map((v) => v.field)).to.deep.equal(['kind']);
  });

  it('reads an all-zero date as no date and refuses an impossible one, naming the field', async () => {
    const target = { familyId: f.familyId, memberId: kid().memberId };
    const all = await h.client.listLedgerEntries(target, bearer(f.parentToken));
    const unset = await h.client.listLedgerEntries(
      { ...target, from: { year: 0, month: 0, day: 0 } },
      bearer(f.parentToken),
    );
    expect(unset.entries.map((e) => e.id)).to.deep.equal(all.entries.map((e) => e.id));
    const impossible = await expectGrpcError(
      h.client.listLedgerEntries({ ...target, from: { year: 2031, month: 2, day: 30 } }, bearer(f.parentToken)),
      Status.INVALID_ARGUMENT,
    );
    expect(impossible.violations.map((v) => v.field)).to.deep.equal(['from']);
  });

  it('reads several members’ balances in one call, in the order asked, and a child only their own', async () => {
    const fresh = await h.household({ name: 'Batchers' });
    const [first, second] = [fresh.kids[0]!, fresh.kids[1]!];
    const deposit = (memberId: string, amountMinor: number) =>
      h.client.postLedgerEntry(
        { familyId: fresh.familyId, memberId, kind: K.LEDGER_ENTRY_KIND_DEPOSIT, jar: SPEND, amountMinor },
        bearer(fresh.parentToken),
      );
    await deposit(first.memberId, 300);
    await deposit(second.memberId, 700);
    const { balances } = await h.client.batchGetBalances(
      { familyId: fresh.familyId, memberIds: [second.memberId, first.memberId, second.memberId] },
      bearer(fresh.parentToken),
    );
    expect(balances.map((b) => [b.memberId, b.spendMinor])).to.deep.equal([
      [second.memberId, 700],
      [first.memberId, 300],
    ]);
    const own = await h.client.batchGetBalances({ familyId: fresh.familyId, memberIds: [] }, bearer(first.token));
    expect(own.balances.map((b) => b.spendMinor)).to.deep.equal([300]);
    await expectGrpcError(
      h.client.batchGetBalances(
        { familyId: fresh.familyId, memberIds: [first.memberId, second.memberId] },
        bearer(first.token),
      ),
      Status.PERMISSION_DENIED,
      'OWN_ONLY',
    );
    const tooMany = Array.from({ length: 101 }, () => first.memberId);
    const failure = await expectGrpcError(
      h.client.batchGetBalances({ familyId: fresh.familyId, memberIds: tooMany }, bearer(fresh.parentToken)),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal(['memberIds']);
  });

  it('reads the caller’s own jars when no member is named', async () => {
    const named = await h.client.getBalance({ familyId: f.familyId, memberId: kid().memberId }, bearer(kid().token));
    const own = await h.client.getBalance({ familyId: f.familyId }, bearer(kid().token));
    expect(own.balance).to.deep.equal(named.balance);
  });

  it('refuses a cursor no page handed out, naming page.cursor', async () => {
    const key = (k: unknown[]) => Buffer.from(JSON.stringify(k)).toString('base64url');
    for (const cursor of ['not a cursor', key([42]), key(['not-an-id']), key(['a', 'b'])]) {
      const failure = await expectGrpcError(
        h.client.listLedgerEntries(
          { familyId: f.familyId, memberId: kid().memberId, page: { limit: 2, cursor } },
          bearer(f.parentToken),
        ),
        Status.INVALID_ARGUMENT,
      );
      expect(
        failure.violations.map((v) => v.field),
        cursor,
      ).to.deep.equal(['page.cursor']);
    }
  });

  it('filters the ledger by jar, kind and day, newest first, in pages', async () => {
    const fam = await h.household({ kids: 1 });
    const child = fam.kids[0]!;
    for (const amount of [100, 200, 300]) await h.deposit(fam, child.memberId, SPEND, amount);
    await h.deposit(fam, child.memberId, SAVE, 50);
    const first = await h.client.listLedgerEntries(
      { familyId: fam.familyId, memberId: child.memberId, jar: SPEND, page: { limit: 2, cursor: '' } },
      bearer(child.token),
    );
    expect(first.entries.map((e) => e.amountMinor)).to.deep.equal([300, 200]);
    const second = await h.client.listLedgerEntries(
      {
        familyId: fam.familyId,
        memberId: child.memberId,
        jar: SPEND,
        page: { limit: 2, cursor: first.page!.nextCursor },
      },
      bearer(child.token),
    );
    expect(second.entries.map((e) => e.amountMinor)).to.deep.equal([100]);
    expect(second.page?.nextCursor).to.equal('');
    const none = await h.client.listLedgerEntries(
      {
        familyId: fam.familyId,
        memberId: child.memberId,
        kind: K.LEDGER_ENTRY_KIND_DEPOSIT,
        from: { year: 2000, month: 1, day: 1 },
        to: { year: 2000, month: 12, day: 31 },
      },
      bearer(child.token),
    );
    expect(none.entries).to.deep.equal([]);
    const thisYear = new Date().getUTCFullYear();
    const all = await h.client.listLedgerEntries(
      {
        familyId: fam.familyId,
        memberId: child.memberId,
        from: { year: thisYear - 1, month: 1, day: 1 },
        to: { year: thisYear + 1, month: 12, day: 31 },
      },
      bearer(child.token),
    );
    expect(all.entries).to.have.length(4);
    const save = await h.client.listLedgerEntries(
      { familyId: fam.familyId, memberId: child.memberId, kind: K.LEDGER_ENTRY_KIND_DEPOSIT, jar: SAVE },
      bearer(child.token),
    );
    expect(save.entries.map((e) => e.amountMinor)).to.deep.equal([50]);
    const bad = await expectGrpcError(
      h.client.listLedgerEntries(
        { familyId: fam.familyId, memberId: child.memberId, from: { year: 2025, month: 2, day: 30 } },
        bearer(child.token),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(bad.violations.map((v) => v.field)).to.deep.equal(['from']);
    await expectGrpcError(
      h.client.listLedgerEntries(
        { familyId: fam.familyId, memberId: child.memberId, page: { limit: 1, cursor: 'garbage' } },
        bearer(child.token),
      ),
      Status.INVALID_ARGUMENT,
    );
  });

  it('keeps jar settings: parents set the default split and interest, children only read theirs', async () => {
    const target = { familyId: f.familyId, memberId: kid().memberId };
    const initial = await h.client.getJarSettings(target, bearer(kid().token));
    expect(initial.settings?.defaultSplit).to.deep.equal({ spend: 100, save: 0, give: 0 });
    const updated = await h.client.updateJarSettings(
      {
        ...target,
        defaultSplit: { spend: 50, save: 40, give: 10 },
        interestMonthlyRateBps: 100,
        interestCapMinor: 500,
      },
      bearer(f.parentToken),
    );
    expect(updated.settings).to.deep.include({
      defaultSplit: { spend: 50, save: 40, give: 10 },
      interestMonthlyRateBps: 100,
      interestCapMinor: 500,
    });
    const again = await h.client.updateJarSettings({ ...target, interestCapMinor: 700 }, bearer(f.parentToken));
    expect(again.settings?.defaultSplit).to.deep.equal({ spend: 50, save: 40, give: 10 });
    expect(again.settings?.interestCapMinor).to.equal(700);
    await expectGrpcError(
      h.client.updateJarSettings({ ...target, interestMonthlyRateBps: 0 }, bearer(kid().token)),
      Status.PERMISSION_DENIED,
      'ROLE_REQUIRED',
    );
    const failure = await expectGrpcError(
      h.client.updateJarSettings(
        {
          ...target,
          defaultSplit: { spend: 50, save: 40, give: 20 },
          interestMonthlyRateBps: -1,
          interestCapMinor: -5,
        },
        bearer(f.parentToken),
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal([
      'defaultSplit',
      'interestMonthlyRateBps',
      'interestCapMinor',
    ]);
    await expectGrpcError(
      h.client.updateJarSettings({ familyId: f.familyId, memberId: other.kids[0]!.memberId }, bearer(f.parentToken)),
      Status.NOT_FOUND,
    );
  });
});

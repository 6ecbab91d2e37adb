// Who may do what with bank links: only OWNER/PARENT link, sync, rename, assign, track and delete;
// a child sees only the accounts assigned to them, read-only; another family's ids answer NOT_FOUND;
// bad input is INVALID_ARGUMENT naming the field; a link session's state belongs to the family and
// the parent who started it, works once, and expires; a stale If-Match version is refused.
import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { BankProvider } from '@family/contracts/common/v1/common';
import { expectGrpcError } from '@family/testing';
import { anonymous, bearer, startBankHarness, type BankHarness, type Household } from './bank.harness.js';

const PLAID = BankProvider.BANK_PROVIDER_PLAID;

describe('BankService access rules and validation', function () {
  this.timeout(60_000);
  let h: BankHarness;
  let f: Household;
  let other: Household;
  let connectionId: string;
  let foreignConnectionId: string;
  let cardId: string;
  let checkingId: string;
  let foreignAccountId: string;

  before(async () => {
    h = await startBankHarness();
    f = await h.household({ kids: 2 });
    other = await h.household({ name: 'Joneses' });
    const linked = await h.link(f);
    connectionId = linked.connection!.id;
    cardId = linked.accounts.find((a) => a.providerAccountId === 'acc_card')!.id;
    checkingId = linked.accounts.find((a) => a.providerAccountId === 'acc_checking')!.id;
    const foreign = await h.link(other);
    foreignConnectionId = foreign.connection!.id;
    foreignAccountId = foreign.accounts[0]!.id;
    await h.idle();
    await h.client.updateAccount(
      { familyId: f.familyId, accountId: cardId, memberId: f.kids[0]!.memberId },
      bearer(f.parentToken),
    );
  });
  after(() => h.stop());

  const kid = () => f.kids[0]!;

  it('lists the configured providers without a token', async () => {
    const r = await h.client.listProviders({}, anonymous());
    expect(r.providers.map((p) => p.provider)).to.deep.equal([PLAID]);
  });

  it('refuses calls without a token', async () => {
    await expectGrpcError(h.client.listConnections({ familyId: f.familyId }, anonymous()), Status.UNAUTHENTICATED);
  });

  it('a child may not link, sync, update, or delete (PERMISSION_DENIED)', async () => {
    const as = bearer(kid().token);
    await expectGrpcError(
      h.client.createLinkSession({ familyId: f.familyId, provider: PLAID }, as),
      Status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      h.client.syncConnection({ familyId: f.familyId, connectionId }, as),
      Status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      h.client.updateAccount({ familyId: f.familyId, accountId: cardId, name: 'Mine' }, as),
      Status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      h.client.deleteConnection({ familyId: f.familyId, connectionId }, as),
      Status.PERMISSION_DENIED,
    );
  });

  it('a child sees only the accounts assigned to them, and the connection holding them', async () => {
    const mine = await h.client.listAccounts({ familyId: f.familyId }, bearer(kid().token));
    expect(mine.accounts.map((a) => a.id)).to.deep.equal([cardId]);
    const connection = await h.client.getConnection({ familyId: f.familyId, connectionId }, bearer(kid().token));
    expect(connection.accounts.map((a) => a.id)).to.deep.equal([cardId]);
    const sibling = f.kids[1]!;
    expect((await h.client.listAccounts({ familyId: f.familyId }, bearer(sibling.token))).accounts).to.deep.equal([]);
    expect((await h.client.listConnections({ familyId: f.familyId }, bearer(sibling.token))).connections).to.deep.equal(
      [],
    );
    await expectGrpcError(
      h.client.getConnection({ familyId: f.familyId, connectionId }, bearer(sibling.token)),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.listAccounts({ familyId: f.familyId, memberId: kid().memberId }, bearer(sibling.token)),
      Status.PERMISSION_DENIED,
    );
  });

  it('a parent lists every account, and filters by member (assigned, or the linker’s by default)', async () => {
    const all = await h.client.listAccounts({ familyId: f.familyId }, bearer(f.parentToken));
    expect(all.accounts).to.have.length(3);
    const parents = await h.client.listAccounts(
      { familyId: f.familyId, memberId: f.parentMemberId },
      bearer(f.parentToken),
    );
    expect(parents.accounts.map((a) => a.id)).to.include(checkingId);
    expect(parents.accounts.map((a) => a.id)).to.not.include(cardId);
    const page = await h.client.listAccounts(
      { familyId: f.familyId, page: { limit: 2, cursor: '' } },
      bearer(f.parentToken),
    );
    expect(page.accounts).to.have.length(2);
    const rest = await h.client.listAccounts(
      { familyId: f.familyId, page: { limit: 2, cursor: page.page!.nextCursor } },
      bearer(f.parentToken),
    );
    expect(rest.accounts).to.have.length(1);
  });

  it('another family’s ids answer NOT_FOUND, never PERMISSION_DENIED', async () => {
    const as = bearer(f.parentToken);
    await expectGrpcError(
      h.client.getConnection({ familyId: f.familyId, connectionId: foreignConnectionId }, as),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.syncConnection({ familyId: f.familyId, connectionId: foreignConnectionId }, as),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.deleteConnection({ familyId: f.familyId, connectionId: foreignConnectionId }, as),
      Status.NOT_FOUND,
    );
    await expectGrpcError(
      h.client.updateAccount({ familyId: f.familyId, accountId: foreignAccountId, name: 'x' }, as),
      Status.NOT_FOUND,
    );
    await expectGrpcError(h.client.listConnections({ familyId: other.familyId }, as), Status.NOT_FOUND);
    await expectGrpcError(
      h.client.createLinkSession({ familyId: f.familyId, provider: PLAID, connectionId: foreignConnectionId }, as),
      Status.NOT_FOUND,
    );
  });

  it('bad input is INVALID_ARGUMENT naming the field', async () => {
    const as = bearer(f.parentToken);
    const field = async (p: Promise<unknown>, name: string) => {
      const err = await expectGrpcError(p, Status.INVALID_ARGUMENT);
      expect(JSON.stringify(err)).to.include(name);
    };
    await field(h.client.listConnections({ familyId: 'nope' }, as), 'familyId');
    await field(h.client.createLinkSession({ familyId: f.familyId }, as), 'provider');
    await field(h.client.createLinkSession({ familyId: f.familyId, provider: PLAID, country: 'USA' }, as), 'country');
    await field(h.client.getConnection({ familyId: f.familyId, connectionId: '42' }, as), 'connectionId');
    await field(h.client.updateAccount({ familyId: f.familyId, accountId: cardId, memberId: 'bob' }, as), 'memberId');
    await field(
      h.client.updateAccount({ familyId: f.familyId, accountId: cardId, memberId: other.parentMemberId }, as),
      'memberId',
    );
    await field(h.client.updateAccount({ familyId: f.familyId, accountId: cardId, name: 'x'.repeat(101) }, as), 'name');
    await field(h.client.listAccounts({ familyId: f.familyId, page: { limit: 1, cursor: 'junk' } }, as), 'cursor');
    // A Plaid Link session (no redirect URI) is completed with Link's public token, so it is named.
    const widget = await h.client.createLinkSession({ familyId: f.familyId, provider: PLAID }, as);
    const state = widget.session!.state;
    await field(h.client.createConnection({ familyId: f.familyId, provider: PLAID, state }, as), 'publicToken');
    await field(h.client.createConnection({ familyId: f.familyId, provider: PLAID, state: 's' }, as), 'state');
  });

  it('If-Match: a stale version is FAILED_PRECONDITION; the current one applies and moves the version on', async () => {
    const current = (await h.client.listAccounts({ familyId: f.familyId }, bearer(f.parentToken))).accounts.find(
      (a) => a.id === checkingId,
    )!;
    await expectGrpcError(
      h.client.updateAccount(
        { familyId: f.familyId, accountId: checkingId, name: 'Stale', expectedVersion: current.version + 5 },
        bearer(f.parentToken),
      ),
      Status.FAILED_PRECONDITION,
    );
    const r = await h.client.updateAccount(
      { familyId: f.familyId, accountId: checkingId, name: 'Household', expectedVersion: current.version },
      bearer(f.parentToken),
    );
    expect(r.account?.name).to.equal('Household');
    expect(r.account?.version).to.equal(current.version + 1);
    const cleared = await h.client.updateAccount(
      { familyId: f.familyId, accountId: checkingId, name: '' },
      bearer(f.parentToken),
    );
    expect(cleared.account?.name).to.equal('Everyday Checking');
  });

  it('a link state works once, only for the parent and family that started it', async () => {
    const coParent = await h.coParent(f);
    const session = await h.client.createLinkSession({ familyId: f.familyId, provider: PLAID }, bearer(f.parentToken));
    const publicToken = h.plaid.controls.completeLink(session.session!.linkToken);
    const input = { familyId: f.familyId, provider: PLAID, publicToken, state: session.session!.state };
    // Another parent of the same family, and a parent of another family, cannot use it…
    await expectGrpcError(h.client.createConnection(input, bearer(coParent.token)), Status.INVALID_ARGUMENT);
    await expectGrpcError(
      h.client.createConnection({ ...input, familyId: other.familyId }, bearer(other.parentToken)),
      Status.INVALID_ARGUMENT,
    );
    // …the parent who started it can, once.
    const r = await h.client.createConnection(input, bearer(f.parentToken));
    expect(r.connection?.createdByMemberId).to.equal(f.parentMemberId);
    await h.idle();
    await expectGrpcError(h.client.createConnection(input, bearer(f.parentToken)), Status.INVALID_ARGUMENT);
    const made = await expectGrpcError(
      h.client.createConnection({ ...input, state: 'made-up-state' }, bearer(f.parentToken)),
      Status.INVALID_ARGUMENT,
    );
    expect(JSON.stringify(made)).to.include('"state"');
  });

  it('a parent deletes a connection: gone from the lists, its expenses stay', async () => {
    const before = (await h.bankExpenses(f)).length;
    const linked = await h.link(f);
    await h.idle();
    await h.client.deleteConnection(
      { familyId: f.familyId, connectionId: linked.connection!.id },
      bearer(f.parentToken),
    );
    const ids = (await h.client.listConnections({ familyId: f.familyId }, bearer(f.parentToken))).connections.map(
      (c) => c.id,
    );
    expect(ids).to.not.include(linked.connection!.id);
    expect((await h.bankExpenses(f)).length).to.be.at.least(before);
  });
});

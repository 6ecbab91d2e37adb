// Linking Plaid through Plaid's Hosted Link, through the real bank service, the `plaid` client and the
// Plaid emulator: a link session asked for with a redirect URI answers Plaid's hosted page; the page
// sends the parent back with the state; the state alone then makes the connection (its public token
// read from Plaid). The state works once and only for the parent who started it; a session the parent
// has not finished at Plaid is refused (FAILED_PRECONDITION) and stays open for when they have.
import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { BankProvider } from '@family/contracts/common/v1/common';
import { expectGrpcError } from '@family/testing';
import { bearer, startBankHarness, type BankHarness, type Household } from './bank.harness.js';

const PLAID = BankProvider.BANK_PROVIDER_PLAID;
const REDIRECT_URI = 'https://app.family.test/bank/callback';
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe('Linking Plaid through Hosted Link', function () {
  this.timeout(60_000);
  let h: BankHarness;
  let f: Household;

  before(async () => {
    h = await startBankHarness();
    f = await h.household();
  });
  after(() => h.stop());

  async function hostedSession(token = f.parentToken) {
    const r = await h.client.createLinkSession(
      { familyId: f.familyId, provider: PLAID, redirectUri: REDIRECT_URI },
      bearer(token),
    );
    return r.session!;
  }

  /** The parent on Plaid's hosted page: it links and sends the browser back; the state it comes back with. */
  async function finishAtPlaid(linkUrl: string): Promise<string> {
    const page = await fetch(linkUrl, { redirect: 'manual' });
    expect(page.status).to.equal(302);
    const back = new URL(page.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).to.equal(REDIRECT_URI);
    return back.searchParams.get('state')!;
  }

  const complete = (state: string, token = f.parentToken) =>
    h.client.createConnection({ familyId: f.familyId, provider: PLAID, state }, bearer(token));

  it('offers Plaid as linkable through its hosted page', async () => {
    const { providers } = await h.client.listProviders({});
    expect(providers.find((p) => p.provider === PLAID)?.hostedLink).to.equal(true);
  });

  it('links with the state alone once the parent linked on Plaid’s page: accounts, then the bank’s spending', async () => {
    h.sandbox.add({
      accountId: 'acc_checking',
      amount: '12.30',
      direction: 'OUT',
      currency: 'USD',
      bookedOn: daysAgo(1),
      pending: false,
      description: 'Farmers market',
    });
    const session = await hostedSession();
    expect(session.linkUrl.startsWith(`${h.plaid.url}/hl/`), session.linkUrl).to.equal(true);
    const state = await finishAtPlaid(session.linkUrl);
    expect(state).to.equal(session.state);

    const r = await complete(state);
    expect(r.connection).to.deep.include({ institutionName: 'Sandbox Bank', createdByMemberId: f.parentMemberId });
    expect(r.accounts.map((a) => a.providerAccountId)).to.have.members(['acc_checking', 'acc_savings', 'acc_card']);
    await h.idle();
    expect((await h.bankExpenses(f)).map((e) => e.description)).to.include('Farmers market');

    const again = await expectGrpcError(complete(state), Status.INVALID_ARGUMENT);
    expect(JSON.stringify(again), 'a used state is refused').to.include('"state"');
  });

  it('refuses a session the parent has not finished at Plaid, and completes it once they have', async () => {
    const session = await hostedSession();
    await expectGrpcError(complete(session.state), Status.FAILED_PRECONDITION, 'LINK_NOT_FINISHED');
    // They opened Plaid's page and left it: still nothing to link, and the state is still theirs.
    h.plaid.controls.exitNextHostedLink();
    await finishAtPlaid(session.linkUrl);
    await expectGrpcError(complete(session.state), Status.FAILED_PRECONDITION, 'LINK_NOT_FINISHED');

    await finishAtPlaid(session.linkUrl);
    const r = await complete(session.state);
    expect(r.accounts).to.have.length(3);
    await h.idle();
  });

  it('binds the hosted session to the parent who started it: a co-parent or a child cannot complete it', async () => {
    const coParent = await h.coParent(f);
    const session = await hostedSession();
    await finishAtPlaid(session.linkUrl);
    await expectGrpcError(complete(session.state, coParent.token), Status.INVALID_ARGUMENT);
    await expectGrpcError(complete(session.state, f.kids[0]!.token), Status.PERMISSION_DENIED);
    const r = await complete(session.state);
    expect(r.connection?.createdByMemberId).to.equal(f.parentMemberId);
    await h.idle();
  });

  it('still takes Link’s public token for a session made without a redirect URI', async () => {
    const widget = (await h.client.createLinkSession({ familyId: f.familyId, provider: PLAID }, bearer(f.parentToken)))
      .session!;
    expect(widget.linkUrl).to.equal('');
    const missing = await expectGrpcError(complete(widget.state), Status.INVALID_ARGUMENT);
    expect(JSON.stringify(missing)).to.include('"publicToken"');
    // That refusal did not use the state up.
    const publicToken = h.plaid.controls.completeLink(widget.linkToken);
    const r = await h.client.createConnection(
      { familyId: f.familyId, provider: PLAID, publicToken, state: widget.state },
      bearer(f.parentToken),
    );
    expect(r.connection?.institutionName).to.equal('Sandbox Bank');
    await h.idle();
  });
});

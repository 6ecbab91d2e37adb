// Issue 4's "Done when" at REST level: a parent sets up jars, an allowance, a chore and a matched
// goal; the child completes the chore, gets paid, saves toward the goal and buys something from
// SPEND — through the BFF only (what `curl` against the local system does). The purchase reaches the
// expense service through the goals outbox as one expense with source JAR.
import { expect } from 'chai';
import type request from 'supertest';
import { waitFor } from '@family/testing';
import { startTestStack, type TestStack } from './bff.harness.js';
import { allExpenses, bearer, household } from './expense.fixtures.js';
import { todayInBerlin } from './goals.fixtures.js';

describe('BFF goals end to end: a parent and a child do issue 4’s "Done when" over REST', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startTestStack({ goals: true, goalsEnv: { OUTBOX_POLL_MS: '100' } });
  });
  after(async () => {
    await stack?.stop();
  });

  it('sets up jars, an allowance, a chore and a matched goal; the child earns, saves and spends', async () => {
    const bff = stack.bff;
    const home = await household(bff, 'The Jars');
    const { base } = home;
    const kid = home.child.memberId;
    const parent = (req: request.Test) => req.auth(home.owner.accessToken, bearer);
    const child = (req: request.Test) => req.auth(home.child.accessToken, bearer);
    const today = todayInBerlin();
    const balance = async () => (await child(bff.http().get(`${base}/members/${kid}/balance`))).body;

    // The parent sets up the jars: half to spend, 40% to save, 10% to give.
    const jars = await parent(bff.http().put(`${base}/members/${kid}/jar-settings`)).send({
      defaultSplit: { spend: 50, save: 40, give: 10 },
    });
    expect(jars.status, JSON.stringify(jars.body)).to.equal(200);

    // A weekly allowance paid today, a chore, and a goal the parents match at 50%.
    const allowance = await parent(bff.http().post(`${base}/allowances`)).send({
      memberId: kid,
      amountMinor: 1000,
      frequency: 'WEEKLY',
      dayOfWeek: today.weekday,
    });
    expect(allowance.status, JSON.stringify(allowance.body)).to.equal(201);
    expect(allowance.body.nextPayday).to.equal(today.day);
    const chore = await parent(bff.http().post(`${base}/chores`)).send({
      title: 'Tidy your room',
      assigneeMemberId: kid,
      rewardMinor: 500,
      points: 10,
    });
    expect(chore.status, JSON.stringify(chore.body)).to.equal(201);
    const goal = await parent(bff.http().post(`${base}/goals`)).send({
      ownerMemberId: kid,
      name: 'Football',
      targetMinor: 3000,
      matching: { percent: 50, monthlyCapMinor: 1000 },
    });
    expect(goal.status, JSON.stringify(goal.body)).to.equal(201);

    // The child completes the chore; the parent approves it and the reward is split into the jars.
    const submitted = await child(bff.http().post(`${base}/chores/${chore.body.id}/submit`)).send({ note: 'done!' });
    expect(submitted.body.status).to.equal('SUBMITTED');
    const approved = await parent(bff.http().post(`${base}/chores/${chore.body.id}/approve`));
    expect(approved.status, JSON.stringify(approved.body)).to.equal(200);
    expect(await balance()).to.include({ spendMinor: 250, saveMinor: 200, giveMinor: 50 });

    // Payday: the scheduler pays the allowance once by the same split.
    await stack.goals.runScheduler(new Date(), home.owner.familyId);
    await stack.goals.runScheduler(new Date(), home.owner.familyId);
    expect(await balance()).to.include({ spendMinor: 750, saveMinor: 600, giveMinor: 150 });

    // The child saves toward the goal; the parents' match is added.
    const saved = await child(bff.http().post(`${base}/goals/${goal.body.id}/contributions`)).send({
      amountMinor: 400,
    });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(201);
    expect(saved.body.contribution).to.include({ amountMinor: 400, matchedMinor: 200 });
    expect(saved.body.goal).to.include({ savedMinor: 600, status: 'ACTIVE' });
    expect(saved.body.balance).to.include({ saveMinor: 200, goalsMinor: 600 });

    // The child buys something from SPEND.
    const bought = await child(bff.http().post(`${base}/members/${kid}/ledger`)).send({
      kind: 'SPEND',
      jar: 'SPEND',
      amountMinor: 300,
      description: 'Sticker album',
      merchant: 'Kiosk',
    });
    expect(bought.status, JSON.stringify(bought.body)).to.equal(201);
    expect(bought.body.balance).to.include({ spendMinor: 450 });

    // The purchase shows up as exactly one expense of the child, source JAR.
    const expenses = await waitFor(
      async () => {
        const items = await allExpenses(bff, home, home.owner.accessToken, { source: 'JAR' });
        return items.length > 0 ? items : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'the jar purchase as an expense' },
    );
    expect(expenses).to.have.length(1);
    expect(expenses[0]).to.include({
      memberId: kid,
      amountMinor: 300,
      currency: 'EUR',
      description: 'Sticker album',
      merchant: 'Kiosk',
      source: 'JAR',
      occurredOn: today.day,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await allExpenses(bff, home, home.child.accessToken, { source: 'JAR' })).to.have.length(1);

    // The child's ledger tells the whole story, newest first.
    const ledger = await child(bff.http().get(`${base}/members/${kid}/ledger`)).query({ limit: '50' });
    const kinds = ledger.body.items.map((e: { kind: string }) => e.kind);
    expect(kinds[0]).to.equal('SPEND');
    expect(kinds).to.include.members(['GOAL_CONTRIBUTION', 'ALLOWANCE', 'CHORE_REWARD']);
    expect(kinds.filter((k: string) => k === 'ALLOWANCE')).to.have.length(3);
  });
});

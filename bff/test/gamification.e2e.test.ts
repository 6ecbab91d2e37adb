// Gamification end to end through the real services: a chore approved in the goals service reaches
// the gamification service through the goals event log, the child's progress, badge and leaderboard
// place show over REST, and the gamification service's own events become news in the parent's inbox
// at the notification service; a parent-made badge's reward is paid into the child's jar once.
import { expect } from 'chai';
import { freePort, uniqueName, waitFor } from '@family/testing';
import { type RunningNotificationService } from '@family/notification-service';
import {
  EXPENSE_SERVICE_CLIENT,
  GAMIFICATION_SERVICE_CLIENT,
  GOALS_SERVICE_CLIENT,
  startTestAuth,
  startTestBff,
  startTestExpense,
  startTestGamification,
  startTestGoals,
  type AuthStack,
  type ExpenseStack,
  type GamificationStack,
  type GoalsStack,
  type TestBff,
  NOTIFICATION_SERVICE_CLIENT,
  startTestNotification,
} from './bff.harness.js';
import { bearer, household, type Household } from './expense.fixtures.js';
import { balanceOf } from './goals.fixtures.js';

describe('Gamification end to end', () => {
  const prefix = `${uniqueName('gam')}:`;
  let auth: AuthStack;
  let expense: ExpenseStack;
  let goals: GoalsStack;
  let gamification: GamificationStack;
  let notification: RunningNotificationService;
  let bff: TestBff;

  before(async () => {
    const notificationUrl = `127.0.0.1:${await freePort()}`;
    const gamificationPort = await freePort();
    const gamificationUrl = `127.0.0.1:${gamificationPort}`;
    const subscribers = `notification=${notificationUrl},gamification=${gamificationUrl}`;
    auth = await startTestAuth({
      AUTH_SERVICE_CLIENTS: [
        EXPENSE_SERVICE_CLIENT,
        GOALS_SERVICE_CLIENT,
        GAMIFICATION_SERVICE_CLIENT,
        NOTIFICATION_SERVICE_CLIENT,
      ].join(','),
      EVENT_SUBSCRIBERS: subscribers,
      OUTBOX_POLL_MS: '50',
    });
    // Producers first: their relays retry until the subscribers are up.
    expense = await startTestExpense(auth, { EVENT_SUBSCRIBERS: subscribers, OUTBOX_POLL_MS: '50' });
    goals = await startTestGoals(auth, expense, { EVENT_SUBSCRIBERS: subscribers, OUTBOX_POLL_MS: '50' });
    // Its news goes to the notification service; a badge's reward to the goals service, which pays it.
    gamification = await startTestGamification(auth, gamificationPort, {
      EVENT_SUBSCRIBERS: `notification=${notificationUrl},goals=${goals.address}[achievement.unlocked]`,
    });
    notification = await startTestNotification({
      address: notificationUrl,
      redisPrefix: prefix,
      auth,
      expense,
      goals,
    });
    bff = await startTestBff(auth, {
      EXPENSE_GRPC_URL: expense.address,
      GOALS_GRPC_URL: goals.address,
      GAMIFICATION_GRPC_URL: gamificationUrl,
      NOTIFICATION_GRPC_URL: notificationUrl,
      REDIS_KEY_PREFIX: prefix,
    });
  });

  after(async () => {
    // The BFF's stop() deletes every key under the shared prefix, so it goes after the notification service.
    await gamification?.stop();
    await goals?.stop();
    await expense?.stop();
    await notification?.stop();
    await bff?.stop();
    await auth?.stop();
  });

  /** A chore for the child, submitted by them and approved by the parent; resolves at the approval. */
  async function doChore(home: Household, body: Record<string, unknown>) {
    const parent = home.owner.accessToken;
    const chore = await bff
      .http()
      .post(`${home.base}/chores`)
      .auth(parent, bearer)
      .send({ assigneeMemberId: home.child.memberId, ...body });
    expect(chore.status, JSON.stringify(chore.body)).to.equal(201);
    const submitted = await bff
      .http()
      .post(`${home.base}/chores/${chore.body.id}/submit`)
      .auth(home.child.accessToken, bearer)
      .send({ note: 'done!' });
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(200);
    const approved = await bff.http().post(`${home.base}/chores/${chore.body.id}/approve`).auth(parent, bearer).send();
    expect(approved.status, JSON.stringify(approved.body)).to.equal(200);
    return chore.body as { id: string };
  }

  it("an approved chore shows within 2 s in the child's progress and first-chore badge, ranks them, and tells the parent", async () => {
    const home = await household(bff, 'The Achievers');
    await doChore(home, { title: 'Tidy your room', points: 40 });
    const approvedAt = Date.now();
    const left = () => Math.max(2000 - (Date.now() - approvedAt), 1);

    const progress = await waitFor(
      async () => {
        const r = await bff
          .http()
          .get(`${home.base}/members/${home.child.memberId}/progress`)
          .auth(home.child.accessToken, bearer);
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        return r.body.badges.some((b: { achievementId: string }) => b.achievementId === 'first-chore') && r.body;
      },
      { timeoutMs: left(), intervalMs: 50, what: "the child's first-chore badge" },
    );
    expect(progress.points, 'the chore’s XP (what the leaderboard counts)').to.equal(40);
    expect(progress.xp, 'with the badge’s bonus').to.be.greaterThan(40);
    const history = progress.xpHistory.items as { reason: string; xp: number }[];
    expect(history.find((e) => e.reason === 'CHORE_APPROVED')?.xp).to.equal(40);
    const firstChore = progress.badgeProgress.find((b: { badgeId: string }) => b.badgeId === 'first-chore');
    expect(firstChore).to.include({ complete: true, progress: '1 / 1' });
    const champion = progress.badgeProgress.find((b: { badgeId: string }) => b.badgeId === 'chore-champion');
    expect(champion).to.include({ nextStep: 'bronze', progress: '1 / 10' });

    const board = await bff.http().get(`${home.base}/leaderboard`).auth(home.child.accessToken, bearer);
    expect(board.status, JSON.stringify(board.body)).to.equal(200);
    expect(board.body.entries[0]).to.include({ rank: 1, memberId: home.child.memberId, points: 40 });
    expect(board.body.entries.find((e: { memberId: string }) => e.memberId === home.owner.memberId)).to.include({
      rank: 2,
      points: 0,
    });

    const news = await waitFor(
      async () => {
        const r = await bff.http().get('/v1/me/notifications').auth(home.owner.accessToken, bearer);
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        return r.body.items.find((n: { category: string }) => n.category === 'ACHIEVEMENTS');
      },
      { timeoutMs: left(), intervalMs: 50, what: "the parent's achievement news" },
    );
    expect(news.title).to.equal('Kim earned a badge');
    expect(Date.now() - approvedAt, 'all within 2 s of the approval').to.be.at.most(2000);
    const kid = await bff.http().get('/v1/me/notifications').auth(home.child.accessToken, bearer);
    expect(kid.body.items.map((n: { title: string }) => n.title)).to.include('New badge: First chore!');
  });

  it("a parent-made badge with a €2 reward pays €2 into the child's SAVE jar exactly once", async () => {
    const home = await household(bff, 'The Rewarded');
    const badge = await bff
      .http()
      .post(`${home.base}/badges`)
      .auth(home.owner.accessToken, bearer)
      .send({ title: 'Helping hand', eventType: 'chore.approved', count: 1, rewardMinor: 200 });
    expect(badge.status, JSON.stringify(badge.body)).to.equal(201);
    const before = await balanceOf(bff, home, home.child.memberId, home.owner.accessToken);

    // Two chores without money: the badge is earned by the first, never again.
    await doChore(home, { title: 'Water the plants', points: 10 });
    await doChore(home, { title: 'Walk the dog', points: 10 });
    const paid = await waitFor(
      async () => {
        const b = await balanceOf(bff, home, home.child.memberId, home.owner.accessToken);
        return b.saveMinor > before.saveMinor && b;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the reward in the SAVE jar' },
    );
    expect(paid.saveMinor - before.saveMinor).to.equal(200);

    // Give any redelivery time to land, then look again: still exactly one payout.
    await new Promise((r) => setTimeout(r, 1000));
    const after = await balanceOf(bff, home, home.child.memberId, home.owner.accessToken);
    expect(after.saveMinor - before.saveMinor).to.equal(200);
    const ledger = await bff
      .http()
      .get(`${home.base}/members/${home.child.memberId}/ledger`)
      .auth(home.owner.accessToken, bearer);
    const rewards = (ledger.body.items as { amountMinor: number; jar: string }[]).filter(
      (e) => e.jar === 'SAVE' && e.amountMinor === 200,
    );
    expect(rewards, JSON.stringify(ledger.body.items)).to.have.length(1);

    const progress = await bff
      .http()
      .get(`${home.base}/members/${home.child.memberId}/progress`)
      .auth(home.child.accessToken, bearer);
    expect(progress.body.badges.map((b: { badgeId: string }) => b.badgeId)).to.include(badge.body.id);
  });
});

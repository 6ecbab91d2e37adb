// A parent-made badge's money reward, end to end over the real goals and gamification services: the
// chore approved in goals reaches gamification through goals' event log, the badge is earned, and
// gamification's achievement.unlocked (with the reward) reaches goals, which pays the SAVE jar once.
import { expect } from 'chai';
import { createGrpcClient } from '@family/grpc-kit';
import { waitFor } from '@family/testing';
import { BadgePeriod, GamificationServiceDefinition } from '@family/contracts/gamification/v1/gamification';
import { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import { startTestAuth } from '@family/auth-service/testing';
import { Jar } from '@family/contracts/common/v1/common';
import { DomainEvent } from '@family/contracts/events/v1/events';
import {
  bearer,
  createHousehold,
  freePort,
  SERVICE_CLIENTS,
  startGamification,
  startGoals,
} from './gamification.harness.js';

describe('parent-made badge rewards', function () {
  let auth: Awaited<ReturnType<typeof startTestAuth>>;
  let gamification: Awaited<ReturnType<typeof startGamification>>;
  let goals: Awaited<ReturnType<typeof startGoals>>;

  before(async () => {
    auth = await startTestAuth({ AUTH_SERVICE_CLIENTS: SERVICE_CLIENTS });
    const goalsPort = await freePort();
    gamification = await startGamification(auth, {
      EVENT_SUBSCRIBERS: `goals=127.0.0.1:${goalsPort}[achievement.unlocked]`,
    });
    goals = await startGoals(auth, {
      GOALS_GRPC_PORT: String(goalsPort),
      EVENT_SUBSCRIBERS: `gamification=${gamification.service.address}`,
    });
  });
  after(async () => {
    await goals.stop();
    await gamification.stop();
    await auth.stop();
  });

  it('pays a €2 badge reward into the SAVE jar exactly once, even when the event is delivered twice', async () => {
    const h = await createHousehold(auth.client, { kids: 1 });
    const kid = h.kids[0]!;
    const client = createGrpcClient(GamificationServiceDefinition, gamification.service.address);
    const { badge } = await client.createCustomBadge(
      {
        familyId: h.familyId,
        title: 'First helper',
        description: '',
        icon: '',
        eventType: 'chore.approved',
        count: 1,
        period: BadgePeriod.BADGE_PERIOD_ALL,
        categoryId: '',
        goalId: '',
        memberIds: [kid.memberId],
        reward: { amountMinor: 200, currency: 'EUR' },
        xp: undefined,
      },
      bearer(h.parentToken),
    );
    const { chore } = await goals.client.createChore(
      {
        familyId: h.familyId,
        title: 'Feed the cat',
        description: '',
        assigneeMemberId: kid.memberId,
        rewardMinor: 0,
        points: 20,
        dueOn: undefined,
        recurrence: undefined,
      },
      bearer(h.parentToken),
    );
    await goals.client.submitChore({ familyId: h.familyId, choreId: chore!.id, note: '' }, bearer(kid.token));
    await goals.client.approveChore({ familyId: h.familyId, choreId: chore!.id }, bearer(h.parentToken));

    const save = async () =>
      (await goals.client.getBalance({ familyId: h.familyId, memberId: kid.memberId }, bearer(h.parentToken))).balance!
        .saveMinor;
    await waitFor(async () => (await save()) === 200, { timeoutMs: 10_000, what: 'the reward in the SAVE jar' });
    const { entries } = await goals.client.listLedgerEntries(
      { familyId: h.familyId, memberId: kid.memberId, jar: Jar.JAR_SAVE },
      bearer(h.parentToken),
    );
    expect(entries.map((e) => [e.memo, e.amountMinor])).to.deep.equal([['Badge: First helper', 200]]);

    // The same announcement delivered again, twice, changes nothing.
    const rows = await gamification.db.selectFrom('event_log').select('payload').orderBy('position').execute();
    const unlocked = rows
      .map((r) => DomainEvent.decode(r.payload))
      .filter((e) => e.payload?.$case === 'achievementUnlocked' && e.payload.value.badgeId === badge!.id);
    expect(unlocked).to.have.length(1);
    expect(unlocked[0]!.payload).to.deep.include({ $case: 'achievementUnlocked' });
    const token = (
      await auth.client.issueServiceToken({ clientId: 'gamification', clientSecret: 'gamification-secret', scopes: [] })
    ).accessToken;
    const consumer = createGrpcClient(EventConsumerServiceDefinition, goals.service.address);
    await consumer.handleEvents({ events: unlocked }, bearer(token));
    await consumer.handleEvents({ events: [...unlocked, ...unlocked] }, bearer(token));
    expect(await save()).to.equal(200);
  });
});

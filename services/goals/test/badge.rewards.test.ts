// Badge rewards from the gamification service's achievement.unlocked events, delivered through
// EventConsumerService: the reward lands in the SAVE jar once per reward key and event.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Status } from 'nice-grpc';
import { createGrpcClient } from '@family/grpc-kit';
import { expectGrpcError } from '@family/testing';
import { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import { Jar } from '@family/contracts/common/v1/common';
import { bearer, startGoalsHarness, type GoalsHarness } from './goals.harness.js';

function unlocked(familyId: string, memberId: string, reward?: { amountMinor: number; currency: string }): DomainEvent {
  return {
    id: randomUUID(),
    type: 'achievement.unlocked',
    familyId,
    occurredAt: new Date(),
    actorUserId: '',
    source: 'gamification',
    payload: {
      $case: 'achievementUnlocked',
      value: {
        memberId,
        achievementId: 'custom.b1',
        title: 'Tidy room',
        badgeId: 'b1',
        badgeKind: 'CUSTOM',
        step: 'earned',
        xp: 25,
        reward,
        rewardKey: reward ? `custom-badge:b1:${memberId}` : '',
      },
    },
  };
}

describe('goals badge rewards', function () {
  let t: GoalsHarness;
  before(async () => {
    t = await startGoalsHarness();
  });
  after(async () => {
    await t.stop();
  });

  it('pays a badge reward into the SAVE jar once, however often it is delivered', async () => {
    const h = await t.household({ kids: 1 });
    const kid = h.kids[0]!;
    const consumer = createGrpcClient(EventConsumerServiceDefinition, t.goals.service.address);
    const token = await t.serviceToken('goals', []);
    const event = unlocked(h.familyId, kid.memberId, { amountMinor: 200, currency: 'EUR' });
    // The same unlock announced again under another event id (a retried write) carries the same key.
    const again = { ...event, id: randomUUID() };
    const plain = unlocked(h.familyId, kid.memberId);
    await consumer.handleEvents({ events: [event, plain] }, bearer(token));
    await consumer.handleEvents({ events: [event, again] }, bearer(token));
    const { balance } = await t.client.getBalance(
      { familyId: h.familyId, memberId: kid.memberId },
      bearer(h.parentToken),
    );
    expect(balance).to.include({ saveMinor: 200, spendMinor: 0, giveMinor: 0 });
    const { entries } = await t.client.listLedgerEntries(
      { familyId: h.familyId, memberId: kid.memberId, jar: Jar.JAR_SAVE },
      bearer(h.parentToken),
    );
    expect(entries.map((e) => e.memo)).to.deep.equal(['Badge: Tidy room']);
  });

  it('refuses deliveries without the events:write scope', async () => {
    const h = await t.household({ kids: 1 });
    const consumer = createGrpcClient(EventConsumerServiceDefinition, t.goals.service.address);
    const event = unlocked(h.familyId, h.kids[0]!.memberId, { amountMinor: 200, currency: 'EUR' });
    await expectGrpcError(consumer.handleEvents({ events: [event] }, bearer(h.parentToken)), Status.PERMISSION_DENIED);
    await expectGrpcError(
      consumer.handleEvents({ events: [event] }, bearer(await t.serviceToken('notification', []))),
      Status.PERMISSION_DENIED,
    );
  });
});

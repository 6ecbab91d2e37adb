// The events gamification announces, written to its own event log in the store's transaction:
// achievement.unlocked (catalog badges, missions, parent-made badges with their reward),
// level.reached, quest.completed and streak.milestone. Other effects stay internal.
import type { Kysely } from 'kysely';
import { newEvent, type EventPayload, type Outbox } from '@family/outbox';
import { achievementIdOf, type GamificationCatalog } from '../domain/badge.catalog.js';
import type { GamificationEffect } from '../domain/gamification.records.js';
import type { Announcement } from '../store/gamification.repository.js';

export class GamificationEvents {
  constructor(
    private readonly outbox: Outbox,
    private readonly catalog: GamificationCatalog,
    private readonly clock: () => Date,
  ) {}

  /** The store's Announce: builds the events of a batch and enqueues them in `trx`. */
  readonly announce = async (trx: unknown, a: Announcement): Promise<void> => {
    const payloads = this.payloadsOf(a);
    if (payloads.length === 0) return;
    const occurredAt = this.clock();
    await this.outbox.enqueue(
      trx as Kysely<any>,
      payloads.map((payload) => newEvent({ source: 'gamification', familyId: a.familyId, payload, occurredAt })),
    );
  };

  payloadsOf(a: Announcement): EventPayload[] {
    const stepXp = new Map<string, number>();
    for (const badge of this.catalog.badges)
      for (const step of badge.steps) stepXp.set(achievementIdOf(badge, step), step.xp);
    const badges = new Map(a.customBadges.map((b) => [b.id, b]));
    const quests = new Map(a.quests.map((q) => [q.id, q]));
    const payloads: EventPayload[] = [];
    a.effects.forEach((e, i) => {
      switch (e.kind) {
        case 'achievement.unlocked': {
          const payout = e.badgeKind === 'CUSTOM' ? payoutAfter(a.effects, i, e.memberId, e.badgeId) : undefined;
          const xp = e.badgeKind === 'CUSTOM' ? (badges.get(e.badgeId)?.xp ?? 0) : (stepXp.get(e.achievementId) ?? 0);
          payloads.push({
            $case: 'achievementUnlocked',
            value: {
              memberId: e.memberId,
              achievementId: e.achievementId,
              title: e.title,
              badgeId: e.badgeId,
              badgeKind: e.badgeKind,
              step: e.step,
              xp,
              reward: payout ? { amountMinor: payout.amountMinor, currency: payout.currency } : undefined,
              rewardKey: payout?.payoutKey ?? '',
            },
          });
          break;
        }
        case 'mission.completed': {
          const mission = this.catalog.missions.find((m) => m.id === e.missionId);
          payloads.push({
            $case: 'achievementUnlocked',
            value: {
              memberId: e.memberId,
              achievementId: e.missionId,
              title: e.title,
              badgeId: e.missionId,
              badgeKind: 'MISSION',
              step: e.periodStart,
              xp: mission?.xp ?? 0,
              reward: undefined,
              rewardKey: '',
            },
          });
          break;
        }
        case 'level.reached':
          payloads.push({ $case: 'levelReached', value: { memberId: e.memberId, level: e.level } });
          break;
        case 'streak.milestone':
          payloads.push({ $case: 'streakMilestone', value: { memberId: e.memberId, days: e.days } });
          break;
        case 'quest.completed': {
          const quest = quests.get(e.questId);
          payloads.push({
            $case: 'questCompleted',
            value: {
              questId: e.questId,
              title: e.title,
              memberIds: quest?.memberIds ?? [],
              target: quest?.target ?? 0,
              progress: quest?.progress ?? 0,
              measure: quest?.measure ?? 'COUNT',
              contributorMemberIds: Object.keys(quest?.contributions ?? {}).sort(),
            },
          });
          break;
        }
        default:
          break;
      }
    });
    return payloads;
  }
}

function payoutAfter(effects: readonly GamificationEffect[], index: number, memberId: string, badgeId: string) {
  for (const e of effects.slice(index + 1, index + 3)) {
    if (e.kind === 'reward.payout' && e.memberId === memberId && e.badgeId === badgeId) return e;
  }
  return undefined;
}

// Money rewards of parent-made badges: the gamification service announces achievement.unlocked with
// the reward and a reward key; this pays it into the member's SAVE jar once per key (the event id is
// unique too), in the transaction that records the payout, so a redelivered event pays nothing more.
import { isUuid } from '@family/errors';
import { requireScope, type Caller } from '@family/grpc-kit';
import type { Logger } from '@family/logger';
import { Scopes } from '@family/service-kit';
import type { AchievementUnlocked, DomainEvent } from '@family/contracts/events/v1/events';
import type { GoalsDeps } from './goals.deps.js';

export class BadgeRewards {
  constructor(
    private readonly deps: GoalsDeps,
    private readonly logger: Logger,
  ) {}

  /** EventConsumerService.HandleEvents: every event is acknowledged; only rewarded unlocks do anything. */
  async handle(caller: Caller, events: readonly DomainEvent[]): Promise<number> {
    requireScope(caller, Scopes.EVENTS_WRITE);
    for (const event of events) {
      if (event.familyId) this.deps.familyDirectory.handleEvent({ type: event.type, familyId: event.familyId });
      if (event.payload?.$case === 'achievementUnlocked') await this.pay(event, event.payload.value);
    }
    return events.length;
  }

  private async pay(event: DomainEvent, unlocked: AchievementUnlocked): Promise<void> {
    const amount = unlocked.reward?.amountMinor ?? 0;
    if (amount <= 0 || !isUuid(unlocked.memberId) || !isUuid(event.familyId) || !isUuid(event.id)) return;
    const family = await this.deps.familyDirectory.settings(event.familyId);
    if (unlocked.reward!.currency !== family.currency) {
      // A jar holds the family currency only; gamification refuses other currencies when a badge is made.
      this.logger.warn(
        { eventId: event.id, currency: unlocked.reward!.currency, familyCurrency: family.currency },
        'badge reward in another currency than the family: not paid',
      );
      return;
    }
    const rewardKey = unlocked.rewardKey || `event:${event.id}`;
    const at = this.deps.clock();
    await this.deps.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .insertInto('badge_rewards')
        .values({
          reward_key: rewardKey,
          event_id: event.id,
          family_id: event.familyId,
          member_id: unlocked.memberId,
          amount_minor: amount,
          currency: family.currency,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('reward_key')
        .executeTakeFirst();
      if (!claimed) return;
      const entry = await this.deps.postings.credit(
        trx,
        { familyId: event.familyId, currency: family.currency, timezone: family.timezone, at, createdByMemberId: null },
        { memberId: unlocked.memberId, jar: 'SAVE', amount, kind: 'DEPOSIT', memo: `Badge: ${unlocked.title}` },
      );
      await trx
        .updateTable('badge_rewards')
        .set({ ledger_entry_id: entry.id })
        .where('reward_key', '=', rewardKey)
        .execute();
    });
  }
}

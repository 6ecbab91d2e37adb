// Family quests: a shared target the included members reach together ("20 chores together this
// month", "save €100 together"). Progress is a sum, so the order events arrive in does not matter;
// completion is announced once.
import { charLength, type FieldViolation } from '@family/errors';
import { dayIn, daysBetween, isDay, type Day } from '@family/service-kit/calendar';
import { byOccurrence } from './activity.order.js';
import type { ActivityEvent, ActivityType, GamificationEffect, Quest, QuestStatus } from './gamification.records.js';

/** Events a quest can count; AMOUNT quests add up the saved amount and so take goal.contributed only. */
export const QUEST_EVENT_TYPES: readonly ActivityType[] = [
  'chore.approved',
  'goal.contributed',
  'goal.achieved',
  'spending_limit.week_kept',
];
export const QUEST_MAX_DAYS = 366;

export type QuestDraft = Pick<Quest, 'title' | 'measure' | 'eventType' | 'target' | 'startsOn' | 'endsOn'>;

/** What is wrong with a parent's quest, field by field (empty when it can be saved). */
export function questViolations(draft: QuestDraft): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (draft.title.trim().length === 0 || charLength(draft.title) > 80) {
    violations.push({ field: 'title', message: 'must be 1 to 80 characters' });
  }
  if (!QUEST_EVENT_TYPES.includes(draft.eventType)) {
    violations.push({ field: 'eventType', message: `must be one of ${QUEST_EVENT_TYPES.join(', ')}` });
  } else if (draft.measure === 'AMOUNT' && draft.eventType !== 'goal.contributed') {
    violations.push({ field: 'measure', message: 'AMOUNT quests count goal.contributed' });
  }
  if (!Number.isSafeInteger(draft.target) || draft.target < 1) {
    violations.push({ field: 'target', message: 'must be a whole number above 0' });
  }
  if (!isDay(draft.startsOn)) violations.push({ field: 'startsOn', message: 'must be a day (YYYY-MM-DD)' });
  if (!isDay(draft.endsOn)) violations.push({ field: 'endsOn', message: 'must be a day (YYYY-MM-DD)' });
  else if (isDay(draft.startsOn)) {
    const days = daysBetween(draft.startsOn, draft.endsOn) + 1;
    if (days < 1) violations.push({ field: 'endsOn', message: 'must not be before startsOn' });
    else if (days > QUEST_MAX_DAYS)
      violations.push({ field: 'endsOn', message: `must be at most ${QUEST_MAX_DAYS} days after startsOn` });
  }
  return violations;
}

/** How much the event adds to the quest (0 when it does not count). `day` is the event's day in the family zone. */
export function questContribution(quest: Quest, event: ActivityEvent, day: Day): number {
  if (event.familyId !== quest.familyId || event.type !== quest.eventType) return 0;
  if (quest.memberIds.length > 0 && !quest.memberIds.includes(event.memberId)) return 0;
  if (quest.categoryId !== undefined && event.categoryId !== quest.categoryId) return 0;
  if (quest.goalId !== undefined && event.goalId !== quest.goalId) return 0;
  if (day < quest.startsOn || day > quest.endsOn) return 0;
  // A quest counts from when it was set, not from history already recorded before it existed.
  if (event.occurredAt < quest.createdAt) return 0;
  if (quest.archivedAt !== undefined && event.occurredAt >= quest.archivedAt) return 0;
  return quest.measure === 'AMOUNT' ? Math.max(event.amountMinor ?? 0, 0) : 1;
}

/** Applies a batch of the family's events to its quests. */
export function applyQuestEvents(
  quests: readonly Quest[],
  events: readonly ActivityEvent[],
  timeZone: string,
): { quests: Quest[]; effects: GamificationEffect[] } {
  const ordered = [...events].sort(byOccurrence);
  const effects: GamificationEffect[] = [];
  const updated = quests.map((original) => {
    let quest = original;
    for (const event of ordered) {
      const by = questContribution(quest, event, dayIn(timeZone, event.occurredAt));
      if (by === 0) continue;
      quest = {
        ...quest,
        progress: quest.progress + by,
        contributions: { ...quest.contributions, [event.memberId]: (quest.contributions[event.memberId] ?? 0) + by },
      };
      if (quest.completedAt === undefined && quest.progress >= quest.target) {
        quest = { ...quest, completedAt: event.occurredAt };
        effects.push({
          kind: 'quest.completed',
          familyId: quest.familyId,
          questId: quest.id,
          title: quest.title,
          completedAt: event.occurredAt,
          eventId: event.eventId,
        });
      }
    }
    return quest;
  });
  return { quests: updated, effects };
}

export function questStatus(quest: Quest, today: Day): QuestStatus {
  if (quest.completedAt !== undefined) return 'COMPLETED';
  if (quest.archivedAt !== undefined) return 'ARCHIVED';
  if (today < quest.startsOn) return 'UPCOMING';
  return today > quest.endsOn ? 'EXPIRED' : 'ACTIVE';
}

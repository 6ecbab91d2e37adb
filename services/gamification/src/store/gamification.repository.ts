// The one repository of the gamification service, implemented over Postgres (JSONB) and MongoDB. Both
// take a batch of activity events and apply it exactly once per event id, with no read-modify-write
// race between concurrent batches (docs/decisions/0019-gamification-service.md). One contract suite
// (test/store.contract.ts) runs against both.
import type { GamificationCatalog } from '../domain/badge.catalog.js';
import type {
  ActivityEvent,
  ActivityType,
  CustomBadge,
  GamificationEffect,
  LeaderboardBoard,
  LeaderboardSettings,
  MemberProgress,
  Quest,
  XpReason,
} from '../domain/gamification.records.js';

export interface RecordContext {
  /** The family's IANA time zone. */
  timeZone: string;
  catalog: GamificationCatalog;
}

export interface RecordOutcome {
  /** Events seen for the first time and applied. */
  recorded: number;
  /** Events already recorded before (dropped). */
  duplicates: number;
}

/** What a batch announces, handed over in the store's transaction for the service's outbox. */
export interface Announcement {
  familyId: string;
  effects: GamificationEffect[];
  /** The quests the batch touched, after it (for quest.completed). */
  quests: Quest[];
  customBadges: CustomBadge[];
}

/** Writes the events out in the given Postgres transaction (a `Kysely` over the service's schema). */
export type Announce = (trx: unknown, announcement: Announcement) => Promise<void>;

export interface XpHistoryEntry {
  id: string;
  eventId: string;
  xp: number;
  reason: XpReason;
  day: string;
  occurredAt: Date;
  scoresOnLeaderboard: boolean;
}

export interface PageQuery {
  limit: number;
  /** The cursor key of the last item of the previous page: [ISO instant, id]. */
  after?: readonly [string, string] | undefined;
}

export interface Page<T> {
  items: T[];
  /** The cursor key of the last item when there are more. */
  nextAfter?: [string, string];
}

export type Versioned<T> = T & { version: number };

export interface ListQuery extends PageQuery {
  includeArchived: boolean;
}

export interface GamificationRepository {
  /** Records the family's events: new ones are applied to progress, boards and quests; duplicates dropped. */
  record(familyId: string, events: readonly ActivityEvent[], context: RecordContext): Promise<RecordOutcome>;
  /** The family's recorded events of `type` with `from <= occurredAt < to`, oldest first. */
  activities(familyId: string, type: ActivityType, from: Date, to: Date): Promise<ActivityEvent[]>;
  progress(familyId: string, memberId: string): Promise<MemberProgress | undefined>;
  familyProgress(familyId: string): Promise<MemberProgress[]>;
  /** Newest first. */
  xpHistory(familyId: string, memberId: string, page: PageQuery): Promise<Page<XpHistoryEntry>>;
  board(familyId: string, periodKey: string): Promise<LeaderboardBoard | undefined>;

  leaderboardSettings(familyId: string): Promise<LeaderboardSettings>;
  saveLeaderboardSettings(familyId: string, settings: LeaderboardSettings): Promise<LeaderboardSettings>;

  insertQuest(quest: Quest): Promise<Versioned<Quest>>;
  quest(familyId: string, questId: string): Promise<Versioned<Quest> | undefined>;
  /** Newest first. */
  listQuests(familyId: string, query: ListQuery): Promise<Page<Versioned<Quest>>>;
  /**
   * Changes what a parent may edit (title, description, target, end, members, archivedAt) when the
   * version matches (0: any); progress is left as the events made it. Undefined when not found.
   */
  updateQuest(
    familyId: string,
    questId: string,
    expectedVersion: number,
    change: QuestChange,
  ): Promise<Versioned<Quest> | 'VERSION_MISMATCH' | undefined>;

  /** Every parent-made badge of the family, archived ones included (what the rules read). */
  customBadges(familyId: string): Promise<CustomBadge[]>;
  insertCustomBadge(badge: CustomBadge): Promise<Versioned<CustomBadge>>;
  customBadge(familyId: string, badgeId: string): Promise<Versioned<CustomBadge> | undefined>;
  listCustomBadges(familyId: string, query: ListQuery): Promise<Page<Versioned<CustomBadge>>>;
  updateCustomBadge(
    familyId: string,
    badgeId: string,
    expectedVersion: number,
    change: CustomBadgeChange,
  ): Promise<Versioned<CustomBadge> | 'VERSION_MISMATCH' | undefined>;

  close(): Promise<void>;
}

export type QuestChange = Partial<
  Pick<Quest, 'title' | 'description' | 'target' | 'endsOn' | 'memberIds'> & { archivedAt: Date }
>;
export type CustomBadgeChange = Partial<
  Pick<CustomBadge, 'title' | 'description' | 'icon' | 'memberIds' | 'xp'> & {
    archivedAt: Date;
    reward: CustomBadge['reward'] | null;
  }
>;

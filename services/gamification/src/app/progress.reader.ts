// What members read: a member's progress (with every badge's current / target and a page of XP
// history), the whole family's progress, and the family leaderboard with its settings.
import { AppError, requireUuid } from '@family/errors';
import type { Caller } from '@family/grpc-kit';
import type { Actor } from '@family/service-kit';
import { dayIn, type Day, type Period } from '@family/service-kit/calendar';
import type { MemberProgress } from '../domain/gamification.records.js';
import type { LeaderboardEntry, LeaderboardPeriodKind, LeaderboardSettings } from '../domain/gamification.records.js';
import { leaderboardKeyOf, leaderboardPeriodOf, rankLeaderboard } from '../domain/leaderboard.rules.js';
import { emptyProgress, type ProgressContext } from '../domain/progress.rules.js';
import { progressView, type ProgressView } from '../domain/progress.view.js';
import type { Page, XpHistoryEntry } from '../store/gamification.repository.js';
import type { GamificationDeps } from './gamification.deps.js';
import { pageQuery, type PageInput } from './page.input.js';

export interface MemberProgressView extends ProgressView {
  displayName: string;
  /** Activity XP (what leaderboards count), all time. */
  points: number;
  /** The first day of the streak still alive. */
  streakStartedOn?: Day;
}

export interface LeaderboardView {
  period: LeaderboardPeriodKind;
  range?: Period;
  hidden: boolean;
  entries: LeaderboardEntry[];
}

export class ProgressReader {
  constructor(private readonly deps: GamificationDeps) {}

  async memberProgress(
    caller: Caller,
    familyId: string,
    memberId: string,
    historyPage: PageInput | undefined,
  ): Promise<{ progress: MemberProgressView; history: Page<XpHistoryEntry> }> {
    const actor = await this.deps.access.actor(caller, familyId);
    const subject = await this.deps.access.subject(actor, memberId);
    const page = pageQuery(historyPage, 'historyPage');
    // Progress first, then the board: the board read is never older than the progress it is shown
    // with (an event recorded in between shows in both, or in the board only, until the next read).
    const stored = await this.deps.store.progress(actor.familyId, subject);
    const [member, context, history, board] = await Promise.all([
      this.deps.families.member(actor.familyId, subject, actor.token),
      this.context(actor),
      this.deps.store.xpHistory(actor.familyId, subject, page),
      this.deps.store.board(actor.familyId, 'ALL'),
    ]);
    const progress = stored ?? emptyProgress(actor.familyId, subject);
    const view = withStart(progressView(progress, context, this.deps.clock()), progress);
    return {
      progress: { ...view, displayName: member?.displayName ?? '', points: board?.scores[subject]?.points ?? 0 },
      history,
    };
  }

  /** Every member's progress in the family's member order; a child sees only their own. */
  async familyProgress(caller: Caller, familyId: string): Promise<MemberProgressView[]> {
    const actor = await this.deps.access.actor(caller, familyId);
    const stored = await this.deps.store.familyProgress(actor.familyId);
    const [members, context, board] = await Promise.all([
      this.deps.families.members(actor.familyId, actor.token),
      this.context(actor),
      this.deps.store.board(actor.familyId, 'ALL'),
    ]);
    const byMember = new Map(stored.map((p) => [p.memberId, p]));
    const now = this.deps.clock();
    return [...members.values()]
      .filter((m) => actor.isParent || m.id === actor.memberId)
      .map((m) => {
        const progress = byMember.get(m.id) ?? emptyProgress(actor.familyId, m.id);
        return {
          ...withStart(progressView(progress, context, now), progress),
          displayName: m.displayName,
          points: board?.scores[m.id]?.points ?? 0,
        };
      });
  }

  async leaderboard(caller: Caller, familyId: string, period: LeaderboardPeriodKind): Promise<LeaderboardView> {
    const actor = await this.deps.access.actor(caller, familyId);
    const today = dayIn(actor.family.timezone, this.deps.clock());
    const [settings, members, board] = await Promise.all([
      this.deps.store.leaderboardSettings(actor.familyId),
      this.deps.families.members(actor.familyId, actor.token),
      this.deps.store.board(actor.familyId, leaderboardKeyOf(period, today)),
    ]);
    const range = leaderboardPeriodOf(period, today);
    const listed = [...members.values()].map((m) => ({ memberId: m.id, displayName: m.displayName }));
    return {
      period,
      ...(range ? { range } : {}),
      hidden: settings.hidden,
      entries: rankLeaderboard(board, listed, settings),
    };
  }

  async settings(caller: Caller, familyId: string): Promise<LeaderboardSettings> {
    const actor = await this.deps.access.actor(caller, familyId);
    return this.deps.store.leaderboardSettings(actor.familyId);
  }

  async updateSettings(caller: Caller, familyId: string, settings: LeaderboardSettings): Promise<LeaderboardSettings> {
    const actor = await this.deps.access.parent(caller, familyId);
    const excluded = await memberIdsIn(this.deps, actor, settings.excludedMemberIds, 'settings.excludedMemberIds');
    return this.deps.store.saveLeaderboardSettings(actor.familyId, {
      hidden: settings.hidden,
      excludedMemberIds: excluded,
    });
  }

  private async context(actor: Actor): Promise<ProgressContext> {
    return {
      timeZone: actor.family.timezone,
      catalog: this.deps.catalog,
      customBadges: await this.deps.store.customBadges(actor.familyId),
    };
  }
}

/** The view with the first day of the streak, while it is alive. */
function withStart(view: ProgressView, progress: MemberProgress): ProgressView & { streakStartedOn?: Day } {
  const startedOn = progress.streak.startedOn;
  return view.streak.current > 0 && startedOn ? { ...view, streakStartedOn: startedOn } : view;
}

/** Member ids named in a request body: each a member of the family (a violation on `field[i]` otherwise), deduplicated. */
export async function memberIdsIn(
  deps: GamificationDeps,
  actor: Actor,
  ids: readonly string[],
  field: string,
): Promise<string[]> {
  const unique: string[] = [];
  for (const [i, raw] of ids.entries()) {
    const id = requireUuid(raw, `${field}[${i}]`);
    if (!(await deps.families.member(actor.familyId, id, actor.token))) {
      throw AppError.invalidField(`${field}[${i}]`, 'is not a member of this family');
    }
    if (!unique.includes(id)) unique.push(id);
  }
  return unique;
}

// "A week within the spending limit", run by the `weekly-limits` task: for every family the service
// knows, once the family's week is over (Monday 00:00 in its zone), the members whose limit was in
// force all week come from the expense service (one ListSpendingLimits call per family and week), the
// week's spending_limit.exceeded events from the store, and the spending_limit.week_kept activities
// that limit.week.rules makes are recorded like delivered events. Their ids are fixed by family,
// member and week, so a second run, or a second replica, changes nothing
// (docs/decisions/0019-gamification-service.md).
import type { Kysely } from 'kysely';
import type { Logger } from '@family/logger';
import type { FamilySettings } from '@family/service-kit';
import { addDays, dayIn, periodContaining, type Day } from '@family/service-kit/calendar';
import { weekKeptEvents, weekToJudge } from '../domain/limit.week.rules.js';
import type { GamificationDatabase } from '../db/schema.js';
import type { GamificationDeps } from './gamification.deps.js';
import type { EventRecorder } from './event.recorder.js';

/** One member's limits as the expense service lists them. */
export interface MemberLimits {
  memberId: string;
  /** Amount limits in force (day, week, month); blocked categories alone are not a limit. */
  periods: number;
  /** When the limits were last set or changed. */
  updatedAt: Date | undefined;
}

/** Every member of the family with limits (the expense service's ListSpendingLimits). */
export type LimitsSource = (familyId: string) => Promise<MemberLimits[]>;

export interface WeekJudgement {
  familyId: string;
  week: Day;
  limited: number;
  recorded: number;
}

/** Judged weeks are kept this long (a week is only ever judged on the Monday after it). */
const KEEP_JUDGED_DAYS = 56;

export class WeekWithinLimit {
  constructor(
    private readonly deps: GamificationDeps & {
      db: Kysely<GamificationDatabase>;
      recorder: EventRecorder;
      limits: LimitsSource;
      logger: Logger;
    },
  ) {}

  /**
   * One pass over every known family: judges the week that ended before the family's today, unless
   * it was judged already. A family that fails (expense unreachable, say) is retried on the next
   * pass; the others go on. Throws at the end when any failed, so the task counts the failure.
   */
  async run(): Promise<WeekJudgement[]> {
    const now = this.deps.clock();
    const families = await this.deps.families.known();
    const due = families.map((family) => ({ family, week: weekToJudge(dayIn(family.timezone, now)) }));
    if (due.length === 0) return [];
    const weeks = [...new Set(due.map((d) => d.week))];
    const judged = new Set(
      (
        await this.deps.db
          .selectFrom('limit_weeks_judged')
          .select(['family_id', 'week_start'])
          .where('week_start', 'in', weeks)
          .execute()
      ).map((r) => `${r.family_id}|${r.week_start}`),
    );
    const done: WeekJudgement[] = [];
    let failed = 0;
    for (const { family, week } of due) {
      if (judged.has(`${family.familyId}|${week}`)) continue;
      try {
        done.push(await this.judge(family, week, dayIn(family.timezone, now)));
      } catch (err) {
        failed++;
        this.deps.logger.warn(
          { err, familyId: family.familyId, week },
          'week within the limit not judged; retried later',
        );
      }
    }
    const oldest = weeks.reduce((a, b) => (a < b ? a : b));
    await this.deps.db
      .deleteFrom('limit_weeks_judged')
      .where('week_start', '<', addDays(oldest, -KEEP_JUDGED_DAYS))
      .execute();
    if (failed > 0) throw new Error(`${failed} of ${due.length} families could not be judged`);
    return done;
  }

  /** Judges the family's week `week` (its Monday) on the family's day `today`, and marks it judged. */
  private async judge(family: FamilySettings, week: Day, today: Day): Promise<WeekJudgement> {
    const { familyId, timezone } = family;
    // In force all week: an amount limit set (or last changed) before the week's Monday. A limit
    // changed during a week counts from the next one.
    const limited = (await this.deps.limits(familyId))
      .filter((l) => l.periods > 0 && l.updatedAt !== undefined && dayIn(timezone, l.updatedAt) < week)
      .map((l) => l.memberId);
    let recorded = 0;
    if (limited.length > 0) {
      const { start, end } = periodContaining('WEEK', week);
      // A day's margin either side of the week in UTC; the rules keep the days of the family's zone.
      const exceeded = await this.deps.store.activities(
        familyId,
        'spending_limit.exceeded',
        new Date(`${addDays(start, -1)}T00:00:00Z`),
        new Date(`${addDays(end, 2)}T00:00:00Z`),
      );
      const events = weekKeptEvents({ familyId, timeZone: timezone, week, limitedMemberIds: limited, exceeded, today });
      if (events.length > 0) recorded = (await this.deps.recorder.recordActivities(events)).recorded;
    }
    await this.deps.db
      .insertInto('limit_weeks_judged')
      .values({ family_id: familyId, week_start: week })
      .onConflict((oc) => oc.columns(['family_id', 'week_start']).doNothing())
      .execute();
    return { familyId, week, limited: limited.length, recorded };
  }
}

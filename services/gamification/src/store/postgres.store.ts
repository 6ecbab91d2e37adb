// The Postgres store (schema `gamification`, used when no MongoDB URL is set). A batch is one
// transaction under the family's advisory lock, which serialises the read-apply-write of progress,
// quests and boards per family: its event ids are inserted (the unique key drops duplicates), the
// rules run on what is stored, progress, history and boards are written in one statement, and the
// events out go to the event log in the same transaction.
import { sql, type Kysely } from 'kysely';
import { applyMemberEvents, emptyProgress } from '../domain/progress.rules.js';
import { applyQuestEvents } from '../domain/quest.rules.js';
import { dayIn, minDay } from '@family/service-kit/calendar';
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
import type { GamificationDatabase } from '../db/schema.js';
import {
  activityFromDocument,
  activityToDocument,
  applyCustomBadgeChange,
  applyQuestChange,
  boardIncrementsOf,
  customBadgeFromDocument,
  customBadgeToDocument,
  membersOf,
  progressFromDocument,
  progressToDocument,
  questFromDocument,
  questToDocument,
  type ActivityDocument,
  type CustomBadgeDocument,
  type ProgressDocument,
  type QuestDocument,
} from './gamification.documents.js';
import type {
  Announce,
  CustomBadgeChange,
  GamificationRepository,
  ListQuery,
  Page,
  PageQuery,
  QuestChange,
  RecordContext,
  RecordOutcome,
  Versioned,
  XpHistoryEntry,
} from './gamification.repository.js';

type Db = Kysely<GamificationDatabase>;

export class PostgresGamificationStore implements GamificationRepository {
  /** `schema` is the one `db` works in (raw statements name their tables with it). */
  constructor(
    private readonly db: Db,
    private readonly schema: string,
    private readonly announce: Announce,
  ) {}

  /** Serialises everything that reads and rewrites a family's documents (held to the end of `trx`). */
  private async lockFamily(trx: Db, familyId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`gamification:${familyId}`}, 0))`.execute(trx);
  }

  private table(name: keyof GamificationDatabase) {
    return sql.id(this.schema, name);
  }

  async record(familyId: string, events: readonly ActivityEvent[], context: RecordContext): Promise<RecordOutcome> {
    const unique = uniqueById(events.filter((e) => e.familyId === familyId));
    if (unique.length === 0) return { recorded: 0, duplicates: events.length };
    return this.db.transaction().execute(async (trx) => {
      // The family's lock first: everything below (which ids are new, what progress holds) is read
      // after the previous batch of the family committed.
      await this.lockFamily(trx, familyId);
      const members = membersOf(unique);
      const earliest = unique.map((e) => dayIn(context.timeZone, e.occurredAt)).reduce((a, b) => minDay(a, b));
      const recorded = unique.map((e) => ({
        event_id: e.eventId,
        family_id: e.familyId,
        member_id: e.memberId,
        event_type: e.type,
        occurred_at: e.occurredAt.toISOString(),
        activity: activityToDocument(e),
      }));
      // One round trip: the new ids (the unique key drops those seen before), the members' progress,
      // the family's badges and its quests still running on the batch's earliest day.
      const { rows } = await sql<{
        fresh: string[];
        progress: unknown[] | null;
        badges: unknown[] | null;
        quests: unknown[] | null;
      }>`
        with inserted as (
          insert into ${this.table('recorded_events')} (event_id, family_id, member_id, event_type, occurred_at, activity)
          select event_id, family_id, member_id, event_type, occurred_at, activity
          from jsonb_to_recordset(${JSON.stringify(recorded)}::jsonb)
            as x(event_id text, family_id uuid, member_id uuid, event_type text, occurred_at timestamptz, activity jsonb)
          on conflict (event_id) do nothing
          returning event_id
        )
        select
          (select coalesce(jsonb_agg(event_id), '[]'::jsonb) from inserted) as fresh,
          (select jsonb_agg(doc) from ${this.table('member_progress')}
            where family_id = ${familyId} and member_id = any(${members}::uuid[])) as progress,
          (select jsonb_agg(doc) from ${this.table('custom_badges')} where family_id = ${familyId}) as badges,
          (select jsonb_agg(doc) from ${this.table('quests')}
            where family_id = ${familyId} and ends_on >= ${earliest}) as quests
      `.execute(trx);
      const read = rows[0]!;
      const freshIds = new Set(read.fresh);
      const fresh = unique.filter((e) => freshIds.has(e.eventId));
      const outcome = { recorded: fresh.length, duplicates: events.length - fresh.length };
      if (fresh.length === 0) return outcome;
      const progressRows = (read.progress ?? []).map((doc) => ({ doc }));
      const badgeRows = (read.badges ?? []).map((doc) => ({ doc }));
      const questRows = (read.quests ?? []).map((doc) => ({ doc }));
      const customBadges = badgeRows.map((r) => customBadgeFromDocument(r.doc as CustomBadgeDocument));
      const stored = new Map(
        progressRows.map((r) => {
          const p = progressFromDocument(r.doc as ProgressDocument);
          return [p.memberId, p];
        }),
      );

      const effects: GamificationEffect[] = [];
      const updated: MemberProgress[] = [];
      for (const memberId of membersOf(fresh)) {
        const before = stored.get(memberId) ?? emptyProgress(familyId, memberId);
        const result = applyMemberEvents(before, fresh, { ...context, customBadges });
        updated.push(result.progress);
        effects.push(...result.effects);
      }
      const quests = questRows.map((r) => questFromDocument(r.doc as QuestDocument));
      const questResult = applyQuestEvents(quests, fresh, context.timeZone);
      const changedQuests = questResult.quests.filter((q, i) => q.progress !== quests[i]!.progress);
      effects.push(...questResult.effects);

      await this.write(trx, familyId, updated, effects);
      for (const q of changedQuests) {
        await trx
          .updateTable('quests')
          .set({ doc: JSON.stringify(questToDocument(q)) })
          .where('id', '=', q.id)
          .execute();
      }
      await this.announce(trx, { familyId, effects, quests: changedQuests, customBadges });
      return outcome;
    });
  }

  /** Progress, XP history and board points of a batch in one statement (data-modifying CTEs). */
  private async write(trx: Db, familyId: string, progress: MemberProgress[], effects: GamificationEffect[]) {
    const members = progress.map((p) => ({
      member_id: p.memberId,
      family_id: p.familyId,
      xp: p.xp,
      level: p.level,
      doc: progressToDocument(p),
    }));
    const history = effects.flatMap((e) =>
      e.kind === 'xp.awarded'
        ? [
            {
              member_id: e.memberId,
              event_id: e.eventId,
              xp: e.xp,
              reason: e.reason,
              day: e.day,
              occurred_at: e.occurredAt.toISOString(),
              scores: e.scoresOnLeaderboard,
            },
          ]
        : [],
    );
    const boards = boardIncrementsOf(effects).map((b) => ({
      period_key: b.periodKey,
      member_id: b.memberId,
      points: b.points,
      reached_at: b.reachedAt.toISOString(),
    }));
    const progressTable = this.table('member_progress');
    const scores = this.table('leaderboard_scores');
    await sql`
      with saved as (
        insert into ${progressTable} as p (member_id, family_id, xp, level, doc)
        select member_id, family_id, xp, level, doc
        from jsonb_to_recordset(${JSON.stringify(members)}::jsonb)
          as x(member_id uuid, family_id uuid, xp bigint, level integer, doc jsonb)
        on conflict (member_id) do update set
          xp = excluded.xp, level = excluded.level, doc = excluded.doc, version = p.version + 1, updated_at = now()
      ), logged as (
        insert into ${this.table('xp_history')}
          (family_id, member_id, event_id, xp, reason, day, occurred_at, scores_on_leaderboard)
        select ${familyId}::uuid, member_id, event_id, xp, reason, day, occurred_at, scores
        from jsonb_to_recordset(${JSON.stringify(history)}::jsonb)
          as x(member_id uuid, event_id text, xp integer, reason text, day date, occurred_at timestamptz, scores boolean)
      )
      insert into ${scores} as s (family_id, period_key, member_id, points, reached_at)
      select ${familyId}::uuid, period_key, member_id, points, reached_at
      from jsonb_to_recordset(${JSON.stringify(boards)}::jsonb)
        as x(period_key text, member_id uuid, points bigint, reached_at timestamptz)
      on conflict (family_id, period_key, member_id) do update set
        points = s.points + excluded.points, reached_at = greatest(s.reached_at, excluded.reached_at)
    `.execute(trx);
  }

  async activities(familyId: string, type: ActivityType, from: Date, to: Date): Promise<ActivityEvent[]> {
    const rows = await this.db
      .selectFrom('recorded_events')
      .select('activity')
      .where('family_id', '=', familyId)
      .where('event_type', '=', type)
      .where('occurred_at', '>=', from)
      .where('occurred_at', '<', to)
      .orderBy('occurred_at')
      .orderBy('event_id')
      .execute();
    return rows.map((r) => activityFromDocument(r.activity as ActivityDocument));
  }

  async progress(familyId: string, memberId: string): Promise<MemberProgress | undefined> {
    const row = await this.db
      .selectFrom('member_progress')
      .select('doc')
      .where('member_id', '=', memberId)
      .where('family_id', '=', familyId)
      .executeTakeFirst();
    return row ? progressFromDocument(row.doc as ProgressDocument) : undefined;
  }

  async familyProgress(familyId: string): Promise<MemberProgress[]> {
    const rows = await this.db.selectFrom('member_progress').select('doc').where('family_id', '=', familyId).execute();
    return rows.map((r) => progressFromDocument(r.doc as ProgressDocument));
  }

  async xpHistory(familyId: string, memberId: string, page: PageQuery): Promise<Page<XpHistoryEntry>> {
    let q = this.db
      .selectFrom('xp_history')
      .selectAll()
      .where('member_id', '=', memberId)
      .where('family_id', '=', familyId);
    if (page.after) {
      const [at, id] = page.after;
      // History ids here are numbers; a key from elsewhere starts after nothing.
      const after = /^\d{1,18}$/.test(id) ? id : '0';
      q = q.where(sql<boolean>`(occurred_at, id) < (${new Date(at)}, ${after}::bigint)`);
    }
    const rows = await q
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit + 1)
      .execute();
    const items = rows.slice(0, page.limit).map((r) => ({
      id: String(r.id),
      eventId: r.event_id,
      xp: r.xp,
      reason: r.reason as XpReason,
      day: r.day,
      occurredAt: r.occurred_at,
      scoresOnLeaderboard: r.scores_on_leaderboard,
    }));
    return pageOf(items, rows.length > page.limit, (e) => [e.occurredAt.toISOString(), e.id]);
  }

  async board(familyId: string, periodKey: string): Promise<LeaderboardBoard | undefined> {
    const rows = await this.db
      .selectFrom('leaderboard_scores')
      .select(['member_id', 'points', 'reached_at'])
      .where('family_id', '=', familyId)
      .where('period_key', '=', periodKey)
      .execute();
    if (rows.length === 0) return undefined;
    const scores: LeaderboardBoard['scores'] = {};
    for (const r of rows) scores[r.member_id] = { memberId: r.member_id, points: r.points, reachedAt: r.reached_at };
    return { familyId, periodKey, scores };
  }

  async leaderboardSettings(familyId: string): Promise<LeaderboardSettings> {
    const row = await this.db
      .selectFrom('leaderboard_settings')
      .select(['hidden', 'excluded_member_ids'])
      .where('family_id', '=', familyId)
      .executeTakeFirst();
    return row
      ? { hidden: row.hidden, excludedMemberIds: row.excluded_member_ids as string[] }
      : { hidden: false, excludedMemberIds: [] };
  }

  async saveLeaderboardSettings(familyId: string, settings: LeaderboardSettings): Promise<LeaderboardSettings> {
    const excluded = JSON.stringify(settings.excludedMemberIds);
    await this.db
      .insertInto('leaderboard_settings')
      .values({ family_id: familyId, hidden: settings.hidden, excluded_member_ids: excluded })
      .onConflict((oc) =>
        oc
          .column('family_id')
          .doUpdateSet({ hidden: settings.hidden, excluded_member_ids: excluded, updated_at: new Date() }),
      )
      .execute();
    return settings;
  }

  async insertQuest(quest: Quest): Promise<Versioned<Quest>> {
    await this.db
      .insertInto('quests')
      .values({
        id: quest.id,
        family_id: quest.familyId,
        ends_on: quest.endsOn,
        archived_at: quest.archivedAt ?? null,
        created_at: quest.createdAt,
        doc: JSON.stringify(questToDocument(quest)),
      })
      .execute();
    return { ...quest, version: 1 };
  }

  async quest(familyId: string, questId: string): Promise<Versioned<Quest> | undefined> {
    const row = await this.db
      .selectFrom('quests')
      .select(['doc', 'version'])
      .where('id', '=', questId)
      .where('family_id', '=', familyId)
      .executeTakeFirst();
    return row ? { ...questFromDocument(row.doc as QuestDocument), version: row.version } : undefined;
  }

  async listQuests(familyId: string, query: ListQuery): Promise<Page<Versioned<Quest>>> {
    const rows = await this.listRows('quests', familyId, query);
    const items = rows
      .slice(0, query.limit)
      .map((r) => ({ ...questFromDocument(r.doc as QuestDocument), version: r.version }));
    return pageOf(items, rows.length > query.limit, (q) => [q.createdAt.toISOString(), q.id]);
  }

  async updateQuest(
    familyId: string,
    questId: string,
    expectedVersion: number,
    change: QuestChange,
  ): Promise<Versioned<Quest> | 'VERSION_MISMATCH' | undefined> {
    // The family lock, as a batch holds it while it adds to the quest: neither overwrites the other.
    return this.db.transaction().execute(async (trx) => {
      await this.lockFamily(trx, familyId);
      const row = await trx
        .selectFrom('quests')
        .select(['doc', 'version'])
        .where('id', '=', questId)
        .where('family_id', '=', familyId)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return undefined;
      if (expectedVersion !== 0 && expectedVersion !== row.version) return 'VERSION_MISMATCH';
      const next = applyQuestChange(questFromDocument(row.doc as QuestDocument), change);
      await trx
        .updateTable('quests')
        .set({
          doc: JSON.stringify(questToDocument(next)),
          ends_on: next.endsOn,
          archived_at: next.archivedAt ?? null,
          version: row.version + 1,
        })
        .where('id', '=', questId)
        .execute();
      return { ...next, version: row.version + 1 };
    });
  }

  async customBadges(familyId: string): Promise<CustomBadge[]> {
    const rows = await this.db.selectFrom('custom_badges').select('doc').where('family_id', '=', familyId).execute();
    return rows.map((r) => customBadgeFromDocument(r.doc as CustomBadgeDocument));
  }

  async insertCustomBadge(badge: CustomBadge): Promise<Versioned<CustomBadge>> {
    await this.db
      .insertInto('custom_badges')
      .values({
        id: badge.id,
        family_id: badge.familyId,
        archived_at: badge.archivedAt ?? null,
        created_at: badge.createdAt,
        doc: JSON.stringify(customBadgeToDocument(badge)),
      })
      .execute();
    return { ...badge, version: 1 };
  }

  async customBadge(familyId: string, badgeId: string): Promise<Versioned<CustomBadge> | undefined> {
    const row = await this.db
      .selectFrom('custom_badges')
      .select(['doc', 'version'])
      .where('id', '=', badgeId)
      .where('family_id', '=', familyId)
      .executeTakeFirst();
    return row ? { ...customBadgeFromDocument(row.doc as CustomBadgeDocument), version: row.version } : undefined;
  }

  async listCustomBadges(familyId: string, query: ListQuery): Promise<Page<Versioned<CustomBadge>>> {
    const rows = await this.listRows('custom_badges', familyId, query);
    const items = rows
      .slice(0, query.limit)
      .map((r) => ({ ...customBadgeFromDocument(r.doc as CustomBadgeDocument), version: r.version }));
    return pageOf(items, rows.length > query.limit, (b) => [b.createdAt.toISOString(), b.id]);
  }

  async updateCustomBadge(
    familyId: string,
    badgeId: string,
    expectedVersion: number,
    change: CustomBadgeChange,
  ): Promise<Versioned<CustomBadge> | 'VERSION_MISMATCH' | undefined> {
    // The family lock: a batch reading the badge list sees it before or after the change, never half.
    return this.db.transaction().execute(async (trx) => {
      await this.lockFamily(trx, familyId);
      const row = await trx
        .selectFrom('custom_badges')
        .select(['doc', 'version'])
        .where('id', '=', badgeId)
        .where('family_id', '=', familyId)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return undefined;
      if (expectedVersion !== 0 && expectedVersion !== row.version) return 'VERSION_MISMATCH';
      const next = applyCustomBadgeChange(customBadgeFromDocument(row.doc as CustomBadgeDocument), change);
      await trx
        .updateTable('custom_badges')
        .set({
          doc: JSON.stringify(customBadgeToDocument(next)),
          archived_at: next.archivedAt ?? null,
          version: row.version + 1,
        })
        .where('id', '=', badgeId)
        .execute();
      return { ...next, version: row.version + 1 };
    });
  }

  private listRows(table: 'quests' | 'custom_badges', familyId: string, query: ListQuery) {
    let q = this.db.selectFrom(table).select(['doc', 'version', 'id', 'created_at']).where('family_id', '=', familyId);
    if (!query.includeArchived) q = q.where('archived_at', 'is', null);
    if (query.after) {
      const [at, id] = query.after;
      q = q.where(sql<boolean>`(created_at, id) < (${new Date(at)}, ${id}::uuid)`);
    }
    return q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
  }

  async close(): Promise<void> {
    // The SqlHandle belongs to the caller.
  }
}

function uniqueById(events: readonly ActivityEvent[]): ActivityEvent[] {
  const byId = new Map<string, ActivityEvent>();
  for (const e of events) if (!byId.has(e.eventId)) byId.set(e.eventId, e);
  // A fixed insert order, so two overlapping batches never wait on each other's ids in a cycle.
  return [...byId.values()].sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}

export function pageOf<T>(items: T[], more: boolean, keyOf: (item: T) => [string, string]): Page<T> {
  const last = items.at(-1);
  return more && last ? { items, nextAfter: keyOf(last) } : { items };
}

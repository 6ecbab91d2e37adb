// The MongoDB store (GAMIFICATION_MONGODB_URL). No multi-document transactions: every write is one
// atomic document update, and a batch is applied per member under an optimistic version check.
//   1. Events are inserted with `_id` = event id (the unique key drops duplicates), state `pending`.
//   2. For each member: read progress (version v), finish what version v left `applying`, read the
//      member's pending events, apply them, and write version v + 1 with `{_id, version: v}` as the
//      filter, carrying the batch's side effects as `applying`. A concurrent writer makes the filter
//      miss and the loop starts again from a fresh read: no read-modify-write race.
//   3. Finishing a batch is idempotent: events marked applied, XP history inserted under ids derived
//      from the batch, boards updated with `$inc` / `$max` guarded by the batch id, quest counts with
//      `$inc` guarded by the event id, and the events out written once to the Postgres event log
//      (keyed by the batch id in `published_batches`).
// Collections, indexes and validators: docs/decisions/0019-gamification-service.md.
import { MongoClient, MongoServerError, type Collection, type Db as MongoDb } from 'mongodb';
import type { Kysely } from 'kysely';
import { dayIn } from '@family/service-kit/calendar';
import { applyMemberEvents, emptyProgress } from '../domain/progress.rules.js';
import { questContribution } from '../domain/quest.rules.js';
import type {
  ActivityEvent,
  ActivityType,
  CustomBadge,
  GamificationEffect,
  LeaderboardBoard,
  LeaderboardSettings,
  MemberProgress,
  Quest,
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
  type BoardIncrement,
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
import { pageOf } from './postgres.store.js';

const DUPLICATE_KEY = 11000;
const MAX_ATTEMPTS = 50;
/** Batch ids a board remembers (a batch is finished within moments; this only has to outlive retries). */
const BOARD_BATCHES_KEPT = 1000;

interface EventDoc {
  _id: string;
  familyId: string;
  memberId: string;
  type: string;
  occurredAt: Date;
  activity: ActivityDocument;
  state: 'pending' | 'applied';
  recordedAt: Date;
}

interface QuestIncrement {
  questId: string;
  eventId: string;
  memberId: string;
  by: number;
  occurredAt: Date;
}

interface HistoryDoc {
  _id: string;
  familyId: string;
  memberId: string;
  eventId: string;
  xp: number;
  reason: string;
  day: string;
  occurredAt: Date;
  scoresOnLeaderboard: boolean;
}

interface Applying {
  batchId: string;
  familyId: string;
  eventIds: string[];
  history: HistoryDoc[];
  boards: BoardIncrement[];
  quests: QuestIncrement[];
  effects: GamificationEffect[];
}

interface ProgressDoc {
  _id: string;
  familyId: string;
  xp: number;
  level: number;
  doc: ProgressDocument;
  version: number;
  applying?: Applying;
}

interface BoardDoc {
  _id: string;
  familyId: string;
  periodKey: string;
  scores: Record<string, { points: number; reachedAt: Date }>;
  batches: string[];
}

interface SettingsDoc {
  _id: string;
  hidden: boolean;
  excludedMemberIds: string[];
}

type QuestDoc = QuestDocument & {
  _id: string;
  version: number;
  createdAtDate: Date;
  appliedEvents: string[];
  completionAnnounced?: boolean;
};
type BadgeDoc = CustomBadgeDocument & { _id: string; version: number; createdAtDate: Date };

/** Collection name → `$jsonSchema` validator (the fields every document must have). */
export const MONGO_VALIDATORS: Record<string, object> = {
  events: {
    bsonType: 'object',
    required: ['_id', 'familyId', 'memberId', 'type', 'occurredAt', 'activity', 'state'],
    properties: {
      _id: { bsonType: 'string' },
      familyId: { bsonType: 'string' },
      memberId: { bsonType: 'string' },
      type: { bsonType: 'string' },
      occurredAt: { bsonType: 'date' },
      state: { enum: ['pending', 'applied'] },
    },
  },
  progress: {
    bsonType: 'object',
    required: ['_id', 'familyId', 'xp', 'level', 'doc', 'version'],
    properties: {
      xp: { bsonType: ['int', 'long', 'double'], minimum: 0 },
      level: { bsonType: ['int', 'long', 'double'], minimum: 1 },
      version: { bsonType: ['int', 'long', 'double'], minimum: 1 },
      doc: { bsonType: 'object' },
    },
  },
  xp_history: {
    bsonType: 'object',
    required: ['_id', 'familyId', 'memberId', 'eventId', 'xp', 'reason', 'day', 'occurredAt'],
    properties: { occurredAt: { bsonType: 'date' }, xp: { bsonType: ['int', 'long', 'double'] } },
  },
  leaderboards: {
    bsonType: 'object',
    required: ['_id', 'familyId', 'periodKey', 'scores'],
    properties: { scores: { bsonType: 'object' }, batches: { bsonType: 'array' } },
  },
  leaderboard_settings: {
    bsonType: 'object',
    required: ['_id', 'hidden', 'excludedMemberIds'],
    properties: { hidden: { bsonType: 'bool' }, excludedMemberIds: { bsonType: 'array' } },
  },
  quests: {
    bsonType: 'object',
    required: ['_id', 'familyId', 'title', 'target', 'progress', 'startsOn', 'endsOn', 'version', 'createdAtDate'],
    properties: { target: { bsonType: ['int', 'long', 'double'], minimum: 1 } },
  },
  custom_badges: {
    bsonType: 'object',
    required: ['_id', 'familyId', 'title', 'eventType', 'count', 'period', 'version', 'createdAtDate'],
    properties: { count: { bsonType: ['int', 'long', 'double'], minimum: 1 } },
  },
};

/** Collection name → indexes (besides `_id`, which is the unique event id / member id / board key). */
export const MONGO_INDEXES: Record<string, { key: Record<string, 1 | -1>; name: string; unique?: boolean }[]> = {
  events: [
    { key: { memberId: 1, state: 1 }, name: 'member_state' },
    { key: { familyId: 1, type: 1, occurredAt: 1 }, name: 'family_type_time' },
  ],
  progress: [{ key: { familyId: 1 }, name: 'family' }],
  xp_history: [{ key: { memberId: 1, occurredAt: -1, _id: -1 }, name: 'member_time' }],
  leaderboards: [{ key: { familyId: 1, periodKey: 1 }, name: 'family_period', unique: true }],
  leaderboard_settings: [],
  quests: [{ key: { familyId: 1, createdAtDate: -1, _id: -1 }, name: 'family_created' }],
  custom_badges: [{ key: { familyId: 1, createdAtDate: -1, _id: -1 }, name: 'family_created' }],
};

/** Creates missing collections with their validators (updating the validators of existing ones) and indexes. */
export async function ensureMongoCollections(db: MongoDb): Promise<void> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const [name, schema] of Object.entries(MONGO_VALIDATORS)) {
    if (existing.has(name)) await db.command({ collMod: name, validator: { $jsonSchema: schema } });
    else await db.createCollection(name, { validator: { $jsonSchema: schema } });
    const indexes = MONGO_INDEXES[name] ?? [];
    if (indexes.length > 0) await db.collection(name).createIndexes(indexes);
  }
}

export class MongoGamificationStore implements GamificationRepository {
  private readonly events: Collection<EventDoc>;
  private readonly progressDocs: Collection<ProgressDoc>;
  private readonly history: Collection<HistoryDoc>;
  private readonly boards: Collection<BoardDoc>;
  private readonly settings: Collection<SettingsDoc>;
  private readonly quests: Collection<QuestDoc>;
  private readonly badges: Collection<BadgeDoc>;

  private constructor(
    private readonly client: MongoClient,
    db: MongoDb,
    private readonly sqlDb: Kysely<GamificationDatabase>,
    private readonly announce: Announce,
  ) {
    this.events = db.collection('events');
    this.progressDocs = db.collection('progress');
    this.history = db.collection('xp_history');
    this.boards = db.collection('leaderboards');
    this.settings = db.collection('leaderboard_settings');
    this.quests = db.collection('quests');
    this.badges = db.collection('custom_badges');
  }

  /** Connects, creates the collections, validators and indexes, and returns the store. */
  static async open(input: {
    url: string;
    database: string;
    /** The service's Postgres schema, for the event log. */
    db: Kysely<GamificationDatabase>;
    announce: Announce;
  }): Promise<MongoGamificationStore> {
    const client = new MongoClient(input.url);
    await client.connect();
    const db = client.db(input.database);
    await ensureMongoCollections(db);
    return new MongoGamificationStore(client, db, input.db, input.announce);
  }

  async record(familyId: string, events: readonly ActivityEvent[], context: RecordContext): Promise<RecordOutcome> {
    const mine = events.filter((e) => e.familyId === familyId);
    const byId = new Map(mine.map((e) => [e.eventId, e]));
    let recorded = 0;
    if (byId.size > 0) {
      const docs: EventDoc[] = [...byId.values()].map((e) => ({
        _id: e.eventId,
        familyId: e.familyId,
        memberId: e.memberId,
        type: e.type,
        occurredAt: e.occurredAt,
        activity: activityToDocument(e),
        state: 'pending',
        recordedAt: new Date(),
      }));
      try {
        recorded = (await this.events.insertMany(docs, { ordered: false })).insertedCount;
      } catch (error) {
        if (!isDuplicateOnly(error)) throw error;
        recorded = (error as { result?: { insertedCount?: number } }).result?.insertedCount ?? 0;
      }
    }
    // Every member of the batch, duplicates included: an event stored by a call that failed halfway
    // is still pending and is applied now.
    for (const memberId of membersOf(mine)) await this.applyMember(familyId, memberId, context);
    return { recorded, duplicates: events.length - recorded };
  }

  private async applyMember(familyId: string, memberId: string, context: RecordContext): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.progressDocs.findOne({ _id: memberId });
      if (current?.applying) await this.finish(current.applying);
      const skip = current?.applying?.eventIds ?? [];
      const pending = await this.events.find({ memberId, familyId, state: 'pending', _id: { $nin: skip } }).toArray();
      if (pending.length === 0) return;
      const activities = pending.map((d) => activityFromDocument(d.activity));
      const customBadges = await this.allCustomBadges(familyId);
      const before = current ? progressFromDocument(current.doc) : emptyProgress(familyId, memberId);
      const result = applyMemberEvents(before, activities, { ...context, customBadges });
      const version = (current?.version ?? 0) + 1;
      const batchId = `${memberId}:${version}`;
      const applying: Applying = {
        batchId,
        familyId,
        eventIds: pending.map((d) => d._id),
        history: historyOf(batchId, familyId, result.effects),
        boards: boardIncrementsOf(result.effects),
        quests: await this.questIncrements(familyId, activities, context.timeZone),
        effects: result.effects,
      };
      const fields = {
        familyId,
        xp: result.progress.xp,
        level: result.progress.level,
        doc: progressToDocument(result.progress),
        applying,
      };
      let written: boolean;
      if (current) {
        const r = await this.progressDocs.updateOne(
          { _id: memberId, version: current.version },
          { $set: fields, $inc: { version: 1 } },
        );
        written = r.modifiedCount === 1;
      } else {
        try {
          await this.progressDocs.insertOne({ _id: memberId, ...fields, version: 1 });
          written = true;
        } catch (error) {
          if (!isDuplicateOnly(error)) throw error;
          written = false;
        }
      }
      if (written) {
        await this.finish(applying);
        return;
      }
    }
    throw new Error(`progress of member ${memberId} kept changing under ${MAX_ATTEMPTS} attempts`);
  }

  private async questIncrements(
    familyId: string,
    events: ActivityEvent[],
    timeZone: string,
  ): Promise<QuestIncrement[]> {
    const quests = (await this.quests.find({ familyId }).toArray()).map((d) => questFromDocument(d));
    const increments: QuestIncrement[] = [];
    for (const quest of quests) {
      for (const event of events) {
        const by = questContribution(quest, event, dayIn(timeZone, event.occurredAt));
        if (by > 0) {
          increments.push({
            questId: quest.id,
            eventId: event.eventId,
            memberId: event.memberId,
            by,
            occurredAt: event.occurredAt,
          });
        }
      }
    }
    return increments;
  }

  /** Carries out a written batch's side effects; safe to run again. */
  private async finish(a: Applying): Promise<void> {
    await this.events.updateMany({ _id: { $in: a.eventIds } }, { $set: { state: 'applied' } });
    if (a.history.length > 0) {
      try {
        await this.history.insertMany(a.history, { ordered: false });
      } catch (error) {
        if (!isDuplicateOnly(error)) throw error;
      }
    }
    const byBoard = new Map<string, BoardIncrement[]>();
    for (const inc of a.boards) byBoard.set(inc.periodKey, [...(byBoard.get(inc.periodKey) ?? []), inc]);
    for (const [periodKey, incs] of byBoard) {
      const $inc: Record<string, number> = {};
      const $max: Record<string, Date> = {};
      for (const inc of incs) {
        $inc[`scores.${inc.memberId}.points`] = inc.points;
        $max[`scores.${inc.memberId}.reachedAt`] = inc.reachedAt;
      }
      try {
        await this.boards.updateOne(
          { _id: `${a.familyId}|${periodKey}`, batches: { $ne: a.batchId } },
          {
            $inc,
            $max,
            $push: { batches: { $each: [a.batchId], $slice: -BOARD_BATCHES_KEPT } },
            $setOnInsert: { familyId: a.familyId, periodKey },
          },
          { upsert: true },
        );
      } catch (error) {
        // The board exists and already holds this batch: the upsert's insert collided.
        if (!isDuplicateOnly(error)) throw error;
      }
    }
    const touched = new Set<string>();
    for (const q of a.quests) {
      touched.add(q.questId);
      await this.quests.updateOne(
        { _id: q.questId, appliedEvents: { $ne: q.eventId } },
        {
          $inc: { progress: q.by, [`contributions.${q.memberId}`]: q.by },
          $push: { appliedEvents: q.eventId },
        },
      );
      await this.quests.updateOne(
        { _id: q.questId, completedAt: { $exists: false }, $expr: { $gte: ['$progress', '$target'] } },
        { $set: { completedAt: q.occurredAt.toISOString() } },
      );
    }
    const completed = touched.size
      ? await this.quests
          .find({ _id: { $in: [...touched] }, completedAt: { $exists: true }, completionAnnounced: { $ne: true } })
          .toArray()
      : [];
    const questEffects: GamificationEffect[] = completed.map((d) => ({
      kind: 'quest.completed',
      familyId: d.familyId,
      questId: d._id,
      title: d.title,
      completedAt: new Date(d.completedAt!),
      eventId: d._id,
    }));
    const customBadges = await this.allCustomBadges(a.familyId);
    await this.publishOnce(a.batchId, a.effects, [], customBadges, a.familyId);
    for (const d of completed) {
      await this.publishOnce(
        `quest:${d._id}`,
        questEffects.filter((e) => e.kind === 'quest.completed' && e.questId === d._id),
        [questFromDocument(d)],
        customBadges,
        a.familyId,
      );
      await this.quests.updateOne({ _id: d._id }, { $set: { completionAnnounced: true } });
    }
  }

  private async publishOnce(
    key: string,
    effects: GamificationEffect[],
    quests: Quest[],
    customBadges: CustomBadge[],
    familyId: string,
  ): Promise<void> {
    await this.sqlDb.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('published_batches')
        .values({ batch_id: key })
        .onConflict((oc) => oc.column('batch_id').doNothing())
        .returning('batch_id')
        .executeTakeFirst();
      if (inserted) await this.announce(trx, { familyId, effects, quests, customBadges });
    });
  }

  private async allCustomBadges(familyId: string): Promise<CustomBadge[]> {
    return (await this.badges.find({ familyId }).toArray()).map((d) => customBadgeFromDocument(d));
  }

  async activities(familyId: string, type: ActivityType, from: Date, to: Date): Promise<ActivityEvent[]> {
    const docs = await this.events
      .find({ familyId, type, occurredAt: { $gte: from, $lt: to } })
      .sort({ occurredAt: 1, _id: 1 })
      .toArray();
    return docs.map((d) => activityFromDocument(d.activity));
  }

  async progress(familyId: string, memberId: string): Promise<MemberProgress | undefined> {
    const d = await this.progressDocs.findOne({ _id: memberId, familyId });
    return d ? progressFromDocument(d.doc) : undefined;
  }

  async familyProgress(familyId: string): Promise<MemberProgress[]> {
    const docs = await this.progressDocs.find({ familyId }).toArray();
    return docs.map((d) => progressFromDocument(d.doc));
  }

  async xpHistory(familyId: string, memberId: string, page: PageQuery): Promise<Page<XpHistoryEntry>> {
    const filter: Record<string, unknown> = { memberId, familyId };
    if (page.after) {
      const at = new Date(page.after[0]);
      filter.$or = [{ occurredAt: { $lt: at } }, { occurredAt: at, _id: { $lt: page.after[1] } }];
    }
    const docs = await this.history
      .find(filter)
      .sort({ occurredAt: -1, _id: -1 })
      .limit(page.limit + 1)
      .toArray();
    const items = docs.slice(0, page.limit).map((d) => ({
      id: d._id,
      eventId: d.eventId,
      xp: d.xp,
      reason: d.reason as XpHistoryEntry['reason'],
      day: d.day,
      occurredAt: d.occurredAt,
      scoresOnLeaderboard: d.scoresOnLeaderboard,
    }));
    return pageOf(items, docs.length > page.limit, (e) => [e.occurredAt.toISOString(), e.id]);
  }

  async board(familyId: string, periodKey: string): Promise<LeaderboardBoard | undefined> {
    const d = await this.boards.findOne({ _id: `${familyId}|${periodKey}` });
    if (!d) return undefined;
    const scores: LeaderboardBoard['scores'] = {};
    for (const [memberId, s] of Object.entries(d.scores))
      scores[memberId] = { memberId, points: s.points, reachedAt: s.reachedAt };
    return { familyId, periodKey, scores };
  }

  async leaderboardSettings(familyId: string): Promise<LeaderboardSettings> {
    const d = await this.settings.findOne({ _id: familyId });
    return d ? { hidden: d.hidden, excludedMemberIds: d.excludedMemberIds } : { hidden: false, excludedMemberIds: [] };
  }

  async saveLeaderboardSettings(familyId: string, settings: LeaderboardSettings): Promise<LeaderboardSettings> {
    await this.settings.updateOne(
      { _id: familyId },
      { $set: { hidden: settings.hidden, excludedMemberIds: settings.excludedMemberIds } },
      { upsert: true },
    );
    return settings;
  }

  async insertQuest(quest: Quest): Promise<Versioned<Quest>> {
    await this.quests.insertOne({
      ...questToDocument(quest),
      _id: quest.id,
      version: 1,
      createdAtDate: quest.createdAt,
      appliedEvents: [],
    });
    return { ...quest, version: 1 };
  }

  async quest(familyId: string, questId: string): Promise<Versioned<Quest> | undefined> {
    const d = await this.quests.findOne({ _id: questId, familyId });
    return d ? { ...questFromDocument(stripQuest(d)), version: d.version } : undefined;
  }

  async listQuests(familyId: string, query: ListQuery): Promise<Page<Versioned<Quest>>> {
    const docs = await this.listDocs(this.quests, familyId, query);
    const items = docs.slice(0, query.limit).map((d) => ({ ...questFromDocument(stripQuest(d)), version: d.version }));
    return pageOf(items, docs.length > query.limit, (q) => [q.createdAt.toISOString(), q.id]);
  }

  async updateQuest(
    familyId: string,
    questId: string,
    expectedVersion: number,
    change: QuestChange,
  ): Promise<Versioned<Quest> | 'VERSION_MISMATCH' | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const d = await this.quests.findOne({ _id: questId, familyId });
      if (!d) return undefined;
      if (expectedVersion !== 0 && d.version !== expectedVersion) return 'VERSION_MISMATCH';
      const next = applyQuestChange(questFromDocument(stripQuest(d)), change);
      // Only the fields a parent edits: progress keeps its own atomic $inc.
      const $set: Record<string, unknown> = {};
      for (const k of Object.keys(change) as (keyof QuestChange)[]) {
        const v = next[k];
        $set[k] = v instanceof Date ? v.toISOString() : v;
      }
      const r = await this.quests.updateOne({ _id: questId, version: d.version }, { $set, $inc: { version: 1 } });
      if (r.modifiedCount === 1) return { ...next, progress: d.progress, version: d.version + 1 };
    }
    throw new Error(`quest ${questId} kept changing`);
  }

  customBadges(familyId: string): Promise<CustomBadge[]> {
    return this.allCustomBadges(familyId);
  }

  async insertCustomBadge(badge: CustomBadge): Promise<Versioned<CustomBadge>> {
    await this.badges.insertOne({
      ...customBadgeToDocument(badge),
      _id: badge.id,
      version: 1,
      createdAtDate: badge.createdAt,
    });
    return { ...badge, version: 1 };
  }

  async customBadge(familyId: string, badgeId: string): Promise<Versioned<CustomBadge> | undefined> {
    const d = await this.badges.findOne({ _id: badgeId, familyId });
    return d ? { ...customBadgeFromDocument(stripBadge(d)), version: d.version } : undefined;
  }

  async listCustomBadges(familyId: string, query: ListQuery): Promise<Page<Versioned<CustomBadge>>> {
    const docs = await this.listDocs(this.badges, familyId, query);
    const items = docs
      .slice(0, query.limit)
      .map((d) => ({ ...customBadgeFromDocument(stripBadge(d)), version: d.version }));
    return pageOf(items, docs.length > query.limit, (b) => [b.createdAt.toISOString(), b.id]);
  }

  async updateCustomBadge(
    familyId: string,
    badgeId: string,
    expectedVersion: number,
    change: CustomBadgeChange,
  ): Promise<Versioned<CustomBadge> | 'VERSION_MISMATCH' | undefined> {
    const d = await this.badges.findOne({ _id: badgeId, familyId });
    if (!d) return undefined;
    if (expectedVersion !== 0 && d.version !== expectedVersion) return 'VERSION_MISMATCH';
    const next = applyCustomBadgeChange(customBadgeFromDocument(stripBadge(d)), change);
    const r = await this.badges.replaceOne(
      { _id: badgeId, version: d.version },
      { ...customBadgeToDocument(next), version: d.version + 1, createdAtDate: d.createdAtDate },
    );
    return r.modifiedCount === 1 ? { ...next, version: d.version + 1 } : 'VERSION_MISMATCH';
  }

  private listDocs<T extends QuestDoc | BadgeDoc>(collection: Collection<T>, familyId: string, query: ListQuery) {
    const filter: Record<string, unknown> = { familyId };
    if (!query.includeArchived) filter.archivedAt = { $exists: false };
    if (query.after) {
      const at = new Date(query.after[0]);
      filter.$or = [{ createdAtDate: { $lt: at } }, { createdAtDate: at, _id: { $lt: query.after[1] } }];
    }
    return collection
      .find(filter as never)
      .sort({ createdAtDate: -1, _id: -1 })
      .limit(query.limit + 1)
      .toArray() as Promise<T[]>;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function stripQuest(d: QuestDoc): QuestDocument {
  const { _id, version, createdAtDate, appliedEvents, completionAnnounced, ...rest } = d;
  void [_id, version, createdAtDate, appliedEvents, completionAnnounced];
  return rest;
}

function stripBadge(d: BadgeDoc): CustomBadgeDocument {
  const { _id, version, createdAtDate, ...rest } = d;
  void [_id, version, createdAtDate];
  return rest;
}

function historyOf(batchId: string, familyId: string, effects: readonly GamificationEffect[]): HistoryDoc[] {
  const rows: HistoryDoc[] = [];
  effects.forEach((e, i) => {
    if (e.kind !== 'xp.awarded') return;
    rows.push({
      _id: `${batchId}:${String(i).padStart(4, '0')}`,
      familyId,
      memberId: e.memberId,
      eventId: e.eventId,
      xp: e.xp,
      reason: e.reason,
      day: e.day,
      occurredAt: e.occurredAt,
      scoresOnLeaderboard: e.scoresOnLeaderboard,
    });
  });
  return rows;
}

/** A write that failed only on duplicate keys (single or bulk). */
function isDuplicateOnly(error: unknown): boolean {
  if (!(error instanceof MongoServerError)) return false;
  if (error.code === DUPLICATE_KEY) return true;
  const writeErrors = (error as { writeErrors?: { code: number }[] | { code: number } }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return list.length > 0 && list.every((w) => w.code === DUPLICATE_KEY);
}

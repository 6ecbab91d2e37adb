// The one contract suite of the gamification repository: run against the Postgres store always
// (postgres.store.test.ts) and against MongoDB when GAMIFICATION_MONGODB_URL is set (mongo.store.test.ts).
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { DEFAULT_CATALOG } from '../src/domain/badge.catalog.js';
import type { ActivityEvent, ActivityType, CustomBadge, Quest } from '../src/domain/gamification.records.js';
import type { Announcement, GamificationRepository, RecordContext } from '../src/store/gamification.repository.js';
import { shuffled } from './activity.events.js';

export interface StoreUnderTest {
  store: GamificationRepository;
  /** Every announcement the store handed to the outbox. */
  announced: Announcement[];
  stop(): Promise<void>;
}

const context: RecordContext = { timeZone: 'Europe/Berlin', catalog: DEFAULT_CATALOG };

function family() {
  return { familyId: randomUUID(), kid: randomUUID(), sibling: randomUUID() };
}

function event(
  familyId: string,
  memberId: string,
  type: ActivityType,
  at: string,
  extra: Partial<ActivityEvent> = {},
): ActivityEvent {
  return { eventId: randomUUID(), familyId, memberId, type, occurredAt: new Date(at), ...extra };
}

/** Two weeks of a child's life: chores submitted and approved, saving, a goal reached. */
function history(familyId: string, memberId: string): ActivityEvent[] {
  const events: ActivityEvent[] = [];
  for (let d = 1; d <= 14; d++) {
    const day = `2026-03-${String(d).padStart(2, '0')}`;
    events.push(event(familyId, memberId, 'chore.submitted', `${day}T08:00:00Z`));
    events.push(event(familyId, memberId, 'chore.approved', `${day}T09:00:00Z`, { points: 15 }));
    if (d % 2 === 0)
      events.push(event(familyId, memberId, 'goal.contributed', `${day}T10:00:00Z`, { amountMinor: 100 }));
  }
  events.push(event(familyId, memberId, 'goal.achieved', '2026-03-14T11:00:00Z'));
  return events;
}

function totals(p: Awaited<ReturnType<GamificationRepository['progress']>>) {
  if (!p) return undefined;
  return {
    xp: p.xp,
    level: p.level,
    counts: p.counts,
    longest: p.streak.longest,
    current: p.streak.current,
    earned: p.earned.map((e) => e.achievementId).sort(),
  };
}

function quest(familyId: string, target: number, extra: Partial<Quest> = {}): Quest {
  return {
    id: randomUUID(),
    familyId,
    title: 'Twenty chores together',
    description: '',
    measure: 'COUNT',
    eventType: 'chore.approved',
    target,
    memberIds: [],
    startsOn: '2026-03-01',
    endsOn: '2026-03-31',
    progress: 0,
    contributions: {},
    createdAt: new Date('2026-02-28T00:00:00Z'),
    ...extra,
  };
}

function customBadge(familyId: string, extra: Partial<CustomBadge> = {}): CustomBadge {
  return {
    id: randomUUID(),
    familyId,
    title: 'Three chores',
    description: '',
    icon: 'star',
    eventType: 'chore.approved',
    count: 3,
    period: 'ALL',
    memberIds: [],
    reward: { amountMinor: 200, currency: 'EUR' },
    xp: 25,
    createdAt: new Date('2026-02-28T00:00:00Z'),
    ...extra,
  };
}

export function gamificationStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`gamification store contract: ${name}`, function () {
    let t: StoreUnderTest;
    beforeEach(async () => {
      t = await open();
    });
    afterEach(async () => {
      await t.stop();
    });

    it('records a batch into progress, XP history and the boards', async () => {
      const f = family();
      const outcome = await t.store.record(
        f.familyId,
        [event(f.familyId, f.kid, 'chore.approved', '2026-03-02T09:00:00Z', { points: 40 })],
        context,
      );
      expect(outcome).to.deep.equal({ recorded: 1, duplicates: 0 });
      const p = await t.store.progress(f.familyId, f.kid);
      // 40 for the chore and 25 for the first-chore badge.
      expect(p?.xp).to.equal(65);
      expect(p?.earned.map((e) => e.achievementId)).to.deep.equal(['first-chore']);
      const history = await t.store.xpHistory(f.familyId, f.kid, { limit: 10 });
      expect(history.items.map((h) => [h.reason, h.xp]).sort()).to.deep.equal([
        ['BADGE', 25],
        ['CHORE_APPROVED', 40],
      ]);
      const all = await t.store.board(f.familyId, 'ALL');
      // Bonus XP counts toward levels, not the board.
      expect(all?.scores[f.kid]?.points).to.equal(40);
      const week = await t.store.board(f.familyId, 'WEEK:2026-03-02');
      expect(week?.scores[f.kid]?.points).to.equal(40);
      const unlocked = t.announced.flatMap((a) => a.effects).filter((e) => e.kind === 'achievement.unlocked');
      expect(unlocked).to.have.length(1);
    });

    it('drops an event it has seen, in a later batch and within one batch', async () => {
      const f = family();
      const e = event(f.familyId, f.kid, 'chore.approved', '2026-03-02T09:00:00Z', { points: 40 });
      await t.store.record(f.familyId, [e], context);
      const again = await t.store.record(f.familyId, [e, e], context);
      expect(again).to.deep.equal({ recorded: 0, duplicates: 2 });
      const twice = await t.store.record(
        f.familyId,
        [event(f.familyId, f.kid, 'goal.contributed', '2026-03-02T10:00:00Z', { amountMinor: 5 }), e],
        context,
      );
      expect(twice).to.deep.equal({ recorded: 1, duplicates: 1 });
      const p = await t.store.progress(f.familyId, f.kid);
      expect(p?.counts['chore.approved']).to.equal(1);
      expect((await t.store.board(f.familyId, 'ALL'))?.scores[f.kid]?.points).to.equal(50);
      const unlocked = t.announced.flatMap((a) => a.effects).filter((e) => e.kind === 'achievement.unlocked');
      expect(unlocked.map((u) => u.kind === 'achievement.unlocked' && u.achievementId).sort()).to.deep.equal([
        'first-chore',
        'first-save',
      ]);
    });

    it('gives the same totals whatever order and batches the history arrives in', async () => {
      const a = family();
      const b = family();
      const inOrder = history(a.familyId, a.kid);
      const copy = inOrder.map((e) => ({ ...e, familyId: b.familyId, memberId: b.kid, eventId: randomUUID() }));
      await t.store.record(a.familyId, inOrder, context);
      const mixed = shuffled(copy, 7);
      for (let i = 0; i < mixed.length; i += 5) await t.store.record(b.familyId, mixed.slice(i, i + 5), context);
      expect(totals(await t.store.progress(b.familyId, b.kid))).to.deep.equal(
        totals(await t.store.progress(a.familyId, a.kid)),
      );
      const boardA = await t.store.board(a.familyId, 'ALL');
      const boardB = await t.store.board(b.familyId, 'ALL');
      expect(boardB?.scores[b.kid]?.points).to.equal(boardA?.scores[a.kid]?.points);
      expect(boardB?.scores[b.kid]?.reachedAt.toISOString()).to.equal(boardA?.scores[a.kid]?.reachedAt.toISOString());
    });

    it('gives two overlapping batches recorded in parallel the totals of one', async () => {
      const a = family();
      const b = family();
      const events = history(a.familyId, a.kid);
      await t.store.record(a.familyId, events, context);
      const copy = events.map((e) => ({ ...e, familyId: b.familyId, memberId: b.kid, eventId: `${e.eventId}-b` }));
      const first = copy.slice(0, 30);
      const second = copy.slice(15);
      const outcomes = await Promise.all([
        t.store.record(b.familyId, first, context),
        t.store.record(b.familyId, second, context),
        t.store.record(b.familyId, shuffled(copy, 3), context),
      ]);
      expect(outcomes.reduce((n, o) => n + o.recorded, 0)).to.equal(copy.length);
      expect(totals(await t.store.progress(b.familyId, b.kid))).to.deep.equal(
        totals(await t.store.progress(a.familyId, a.kid)),
      );
      expect((await t.store.board(b.familyId, 'ALL'))?.scores[b.kid]?.points).to.equal(
        (await t.store.board(a.familyId, 'ALL'))?.scores[a.kid]?.points,
      );
      const levels = (familyId: string) =>
        t.announced
          .filter((x) => x.familyId === familyId)
          .flatMap((x) => x.effects)
          .filter((e) => e.kind === 'level.reached').length;
      expect(levels(b.familyId)).to.equal(levels(a.familyId));
    });

    it('keeps members of a family and families apart', async () => {
      const f = family();
      const other = family();
      await t.store.record(
        f.familyId,
        [
          event(f.familyId, f.kid, 'chore.approved', '2026-03-02T09:00:00Z', { points: 10 }),
          event(f.familyId, f.sibling, 'chore.approved', '2026-03-02T09:00:00Z', { points: 30 }),
          // Another family's event in this family's batch is not this family's.
          event(other.familyId, other.kid, 'chore.approved', '2026-03-02T09:00:00Z', { points: 30 }),
        ],
        context,
      );
      expect((await t.store.familyProgress(f.familyId)).map((p) => p.memberId).sort()).to.deep.equal(
        [f.kid, f.sibling].sort(),
      );
      expect(await t.store.progress(other.familyId, other.kid)).to.equal(undefined);
      expect(await t.store.progress(other.familyId, f.kid)).to.equal(undefined);
      const board = await t.store.board(f.familyId, 'ALL');
      expect(Object.keys(board?.scores ?? {}).sort()).to.deep.equal([f.kid, f.sibling].sort());
    });

    it("lists a family's recorded events of one type within a time range, oldest first", async () => {
      const f = family();
      const other = family();
      const over = (memberId: string, at: string) => event(f.familyId, memberId, 'spending_limit.exceeded', at);
      const late = over(f.sibling, '2026-03-25T18:00:00Z');
      const early = over(f.kid, '2026-03-23T08:00:00Z');
      await t.store.record(
        f.familyId,
        [
          late,
          early,
          over(f.kid, '2026-03-30T00:00:00Z'), // the range's end: outside
          event(f.familyId, f.kid, 'expense.created', '2026-03-24T08:00:00Z', { amountMinor: 100 }),
        ],
        context,
      );
      await t.store.record(
        other.familyId,
        [event(other.familyId, other.kid, 'spending_limit.exceeded', '2026-03-24T08:00:00Z')],
        context,
      );
      const listed = await t.store.activities(
        f.familyId,
        'spending_limit.exceeded',
        new Date('2026-03-23T00:00:00Z'),
        new Date('2026-03-30T00:00:00Z'),
      );
      expect(listed).to.deep.equal([early, late]);
    });

    it('completes a quest once, from events of any member, and keeps counting', async () => {
      const f = family();
      const q = await t.store.insertQuest(quest(f.familyId, 3));
      const chores = [f.kid, f.sibling, f.kid, f.sibling].map((m, i) =>
        event(f.familyId, m, 'chore.approved', `2026-03-0${i + 2}T09:00:00Z`, { points: 10 }),
      );
      await Promise.all([
        t.store.record(f.familyId, chores.slice(0, 2), context),
        t.store.record(f.familyId, chores.slice(1), context),
      ]);
      const stored = await t.store.quest(f.familyId, q.id);
      expect(stored?.progress).to.equal(4);
      expect(stored?.contributions).to.deep.equal({ [f.kid]: 2, [f.sibling]: 2 });
      expect(stored?.completedAt).to.be.instanceOf(Date);
      const completions = t.announced.flatMap((a) => a.effects).filter((e) => e.kind === 'quest.completed');
      expect(completions).to.have.length(1);
    });

    it('earns a parent-made badge once and hands its reward over once', async () => {
      const f = family();
      const badge = await t.store.insertCustomBadge(customBadge(f.familyId));
      const chores = [1, 2, 3, 4].map((d) =>
        event(f.familyId, f.kid, 'chore.approved', `2026-03-0${d + 1}T09:00:00Z`, { points: 10 }),
      );
      await t.store.record(f.familyId, chores.slice(0, 2), context);
      await t.store.record(f.familyId, chores, context);
      await t.store.record(f.familyId, chores.slice(2), context);
      const p = await t.store.progress(f.familyId, f.kid);
      expect(p?.earned.filter((e) => e.achievementId === `custom.${badge.id}`)).to.have.length(1);
      const payouts = t.announced.flatMap((a) => a.effects).filter((e) => e.kind === 'reward.payout');
      expect(payouts).to.have.length(1);
      expect(t.announced.some((a) => a.customBadges.some((b) => b.id === badge.id))).to.equal(true);
    });

    it('pages XP history newest first', async () => {
      const f = family();
      const events = [1, 2, 3, 4, 5].map((d) =>
        event(f.familyId, f.kid, 'chore.approved', `2026-03-0${d}T09:00:00Z`, { points: 10 + d }),
      );
      await t.store.record(f.familyId, events, context);
      const first = await t.store.xpHistory(f.familyId, f.kid, { limit: 3 });
      expect(first.items).to.have.length(3);
      expect(first.nextAfter).to.be.an('array');
      const second = await t.store.xpHistory(f.familyId, f.kid, { limit: 3, after: first.nextAfter });
      const all = [...first.items, ...second.items];
      // Five chores and the first-chore badge.
      expect(all).to.have.length(6);
      const times = all.map((h) => h.occurredAt.getTime());
      expect(times).to.deep.equal([...times].sort((a, b) => b - a));
      expect(second.nextAfter).to.equal(undefined);
      expect((await t.store.xpHistory(randomUUID(), f.kid, { limit: 3 })).items).to.deep.equal([]);
    });

    it('keeps leaderboard settings per family', async () => {
      const f = family();
      expect(await t.store.leaderboardSettings(f.familyId)).to.deep.equal({ hidden: false, excludedMemberIds: [] });
      await t.store.saveLeaderboardSettings(f.familyId, { hidden: true, excludedMemberIds: [f.kid] });
      await t.store.saveLeaderboardSettings(f.familyId, { hidden: false, excludedMemberIds: [f.sibling] });
      expect(await t.store.leaderboardSettings(f.familyId)).to.deep.equal({
        hidden: false,
        excludedMemberIds: [f.sibling],
      });
      expect((await t.store.leaderboardSettings(family().familyId)).hidden).to.equal(false);
    });

    it('updates quests and badges under their version, and lists them newest first without archived ones', async () => {
      const f = family();
      const older = await t.store.insertQuest(quest(f.familyId, 5, { createdAt: new Date('2026-02-01T00:00:00Z') }));
      const newer = await t.store.insertQuest(quest(f.familyId, 5, { createdAt: new Date('2026-02-02T00:00:00Z') }));
      const renamed = await t.store.updateQuest(f.familyId, older.id, 1, { title: 'Renamed', target: 7 });
      expect(renamed).to.include({ title: 'Renamed', target: 7, version: 2 });
      expect(await t.store.updateQuest(f.familyId, older.id, 1, { title: 'Stale' })).to.equal('VERSION_MISMATCH');
      expect(await t.store.updateQuest(randomUUID(), older.id, 0, { title: 'Foreign' })).to.equal(undefined);
      await t.store.updateQuest(f.familyId, newer.id, 0, { archivedAt: new Date('2026-02-03T00:00:00Z') });
      const listed = await t.store.listQuests(f.familyId, { limit: 10, includeArchived: false });
      expect(listed.items.map((q) => q.id)).to.deep.equal([older.id]);
      const everything = await t.store.listQuests(f.familyId, { limit: 1, includeArchived: true });
      expect(everything.items.map((q) => q.id)).to.deep.equal([newer.id]);
      const rest = await t.store.listQuests(f.familyId, {
        limit: 1,
        includeArchived: true,
        after: everything.nextAfter,
      });
      expect(rest.items.map((q) => q.id)).to.deep.equal([older.id]);

      const badge = await t.store.insertCustomBadge(customBadge(f.familyId));
      const changed = await t.store.updateCustomBadge(f.familyId, badge.id, 1, { reward: null, title: 'Renamed' });
      expect(changed).to.include({ title: 'Renamed', version: 2 });
      expect((changed as CustomBadge).reward).to.equal(undefined);
      expect(await t.store.updateCustomBadge(f.familyId, badge.id, 1, { title: 'Stale' })).to.equal('VERSION_MISMATCH');
      expect((await t.store.customBadges(f.familyId)).map((b) => b.title)).to.deep.equal(['Renamed']);
      expect(await t.store.customBadge(randomUUID(), badge.id)).to.equal(undefined);
    });
  });
}

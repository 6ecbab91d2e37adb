import { expect } from 'chai';
import {
  expectInvalidField,
  expectProblem,
  familyWithOwner,
  register,
  startTestAuth,
  startTestBff,
  startTestStack,
  type FamilyOwner,
  type TestStack,
} from './bff.harness.js';
import { bearer, NO_SUCH_ID } from './expense.fixtures.js';
import { siblings, todayInBerlin, type Siblings } from './goals.fixtures.js';

interface Versioned {
  id: string;
  version: number;
}

/** A day `days` after today in Berlin (the families' zone). */
function dayFromToday(days: number): string {
  const [y, m, d] = todayInBerlin().day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

describe('BFF gamification routes', () => {
  let stack: TestStack;
  let home: Siblings;
  let stranger: FamilyOwner;
  const bff = () => stack.bff;
  const quests = () => `${home.base}/quests`;
  const badges = () => `${home.base}/badges`;

  before(async () => {
    stack = await startTestStack({ gamification: true });
    home = await siblings(stack.bff, 'The Players');
    stranger = await familyWithOwner(stack.bff, 'The Strangers');
  });
  after(async () => {
    await stack?.stop();
  });

  async function createQuest(body: Record<string, unknown> = {}): Promise<Versioned & Record<string, unknown>> {
    const r = await bff()
      .http()
      .post(quests())
      .auth(home.owner.accessToken, bearer)
      .send({
        title: '20 chores together',
        eventType: 'chore.approved',
        target: 20,
        endsOn: dayFromToday(30),
        ...body,
      });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body;
  }

  async function createBadge(body: Record<string, unknown> = {}): Promise<Versioned & Record<string, unknown>> {
    const r = await bff()
      .http()
      .post(badges())
      .auth(home.owner.accessToken, bearer)
      .send({ title: 'Tidy week', eventType: 'chore.approved', count: 5, period: 'WEEK', rewardMinor: 200, ...body });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body;
  }

  describe('achievements and progress', () => {
    it('lists the achievement catalog with kinds and steps', async () => {
      const r = await bff().http().get('/v1/achievements').query({ limit: '200' }).auth(home.child.accessToken, bearer);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      const byId = new Map(r.body.items.map((a: { id: string }) => [a.id, a]));
      expect(byId.get('first-chore')).to.deep.include({ kind: 'ONE_OFF' });
      const champion = byId.get('chore-champion') as { kind: string; tiers: { key: string; target: number }[] };
      expect(champion.kind).to.equal('TIERED');
      expect(champion.tiers.map((t) => [t.key, t.target])).to.deep.equal([
        ['bronze', 10],
        ['silver', 50],
        ['gold', 200],
      ]);
    });

    it('shows a child their own progress with every badge in progress, and a page of XP history', async () => {
      const r = await bff()
        .http()
        .get(`${home.base}/members/${home.child.memberId}/progress`)
        .auth(home.child.accessToken, bearer);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body).to.include({ memberId: home.child.memberId, displayName: 'Kim', level: 1 });
      expect(r.body.streak).to.include({ current: 0, longest: 0, freezesHeld: 0 });
      const firstChore = r.body.badgeProgress.find((b: { badgeId: string }) => b.badgeId === 'first-chore');
      expect(firstChore).to.include({ kind: 'ONE_OFF', complete: false, current: 0, target: 1, progress: '0 / 1' });
      expect(r.body.xpHistory).to.deep.equal({ items: [], nextCursor: null });
    });

    it("refuses a child another member's progress (403) and lets a parent read every member's", async () => {
      const sibling = await bff()
        .http()
        .get(`${home.base}/members/${home.sibling.memberId}/progress`)
        .auth(home.child.accessToken, bearer);
      expectProblem(sibling, 403);
      const parent = await bff()
        .http()
        .get(`${home.base}/members/${home.sibling.memberId}/progress`)
        .auth(home.owner.accessToken, bearer);
      expect(parent.status, JSON.stringify(parent.body)).to.equal(200);
      expect(parent.body.memberId).to.equal(home.sibling.memberId);
    });

    it('gives a parent every member in one call and a child only themselves', async () => {
      const parent = await bff().http().get(`${home.base}/progress`).auth(home.owner.accessToken, bearer);
      expect(parent.status, JSON.stringify(parent.body)).to.equal(200);
      expect(parent.body.members.map((m: { memberId: string }) => m.memberId)).to.include.members([
        home.owner.memberId,
        home.child.memberId,
        home.sibling.memberId,
      ]);
      const child = await bff().http().get(`${home.base}/progress`).auth(home.child.accessToken, bearer);
      expect(child.status, JSON.stringify(child.body)).to.equal(200);
      expect(child.body.members.map((m: { memberId: string }) => m.memberId)).to.deep.equal([home.child.memberId]);
    });
  });

  describe('leaderboard', () => {
    it('lets a child read the family leaderboard for the week, the month and all time', async () => {
      for (const period of ['week', 'month', 'all'] as const) {
        const r = await bff()
          .http()
          .get(`${home.base}/leaderboard`)
          .query(period === 'week' ? {} : { period })
          .auth(home.child.accessToken, bearer);
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        expect(r.body).to.include({ period, hidden: false });
        expect(r.body.entries.map((e: { memberId: string }) => e.memberId)).to.include(home.child.memberId);
        if (period === 'all') expect(r.body).not.to.have.property('periodStart');
        else expect(r.body.periodStart).to.match(/^\d{4}-\d{2}-\d{2}$/);
      }
    });

    it('lets a parent hide the leaderboard or leave a member out, and refuses a child changing it', async () => {
      const child = await bff()
        .http()
        .put(`${home.base}/leaderboard-settings`)
        .auth(home.child.accessToken, bearer)
        .send({ hidden: true });
      expectProblem(child, 403);

      const out = await bff()
        .http()
        .put(`${home.base}/leaderboard-settings`)
        .auth(home.owner.accessToken, bearer)
        .send({ hidden: false, excludedMemberIds: [home.sibling.memberId] });
      expect(out.status, JSON.stringify(out.body)).to.equal(200);
      expect(out.body).to.deep.equal({ hidden: false, excludedMemberIds: [home.sibling.memberId] });
      const read = await bff().http().get(`${home.base}/leaderboard-settings`).auth(home.child.accessToken, bearer);
      expect(read.body).to.deep.equal(out.body);
      const board = await bff().http().get(`${home.base}/leaderboard`).auth(home.child.accessToken, bearer);
      expect(board.body.entries.map((e: { memberId: string }) => e.memberId)).not.to.include(home.sibling.memberId);

      const hidden = await bff()
        .http()
        .put(`${home.base}/leaderboard-settings`)
        .auth(home.owner.accessToken, bearer)
        .send({ hidden: true });
      expect(hidden.body).to.deep.equal({ hidden: true, excludedMemberIds: [] });
      const none = await bff().http().get(`${home.base}/leaderboard`).auth(home.child.accessToken, bearer);
      expect(none.body).to.include({ hidden: true });
      expect(none.body.entries).to.deep.equal([]);

      await bff()
        .http()
        .put(`${home.base}/leaderboard-settings`)
        .auth(home.owner.accessToken, bearer)
        .send({ hidden: false });
    });
  });

  describe('quests', () => {
    it('lets a parent set a quest (201, Location, ETag) that every member reads', async () => {
      const r = await bff()
        .http()
        .post(quests())
        .auth(home.owner.accessToken, bearer)
        .send({
          title: 'Save €100 together',
          measure: 'AMOUNT',
          eventType: 'goal.contributed',
          target: 10000,
          memberIds: [home.child.memberId, home.sibling.memberId],
          endsOn: dayFromToday(60),
        });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.headers.location).to.equal(`${quests()}/${r.body.id}`);
      expect(r.headers.etag).to.equal(`"${r.body.version}"`);
      expect(r.body).to.include({
        title: 'Save €100 together',
        measure: 'AMOUNT',
        eventType: 'goal.contributed',
        target: 10000,
        progress: 0,
        status: 'ACTIVE',
        startsOn: todayInBerlin().day,
        currency: 'EUR',
      });
      expect(r.body.memberIds).to.have.members([home.child.memberId, home.sibling.memberId]);

      const one = await bff().http().get(`${quests()}/${r.body.id}`).auth(home.child.accessToken, bearer);
      expect(one.status, JSON.stringify(one.body)).to.equal(200);
      expect(one.headers.etag).to.equal(`"${r.body.version}"`);
      const list = await bff().http().get(quests()).auth(home.child.accessToken, bearer);
      expect(list.status).to.equal(200);
      expect(list.body.items.map((q: { id: string }) => q.id)).to.include(r.body.id);
    });

    it('refuses a child setting, changing or archiving a quest', async () => {
      const quest = await createQuest();
      expectProblem(
        await bff()
          .http()
          .post(quests())
          .auth(home.child.accessToken, bearer)
          .send({ title: 'Mine', eventType: 'chore.approved', target: 1, endsOn: dayFromToday(3) }),
        403,
      );
      expectProblem(
        await bff()
          .http()
          .patch(`${quests()}/${quest.id}`)
          .set('If-Match', `"${quest.version}"`)
          .auth(home.child.accessToken, bearer)
          .send({ target: 1 }),
        403,
      );
      expectProblem(await bff().http().delete(`${quests()}/${quest.id}`).auth(home.child.accessToken, bearer), 403);
    });

    it('changes a quest only with its current version in If-Match (428 without, 412 when stale)', async () => {
      const quest = await createQuest();
      const url = `${quests()}/${quest.id}`;
      const token = home.owner.accessToken;
      expectProblem(await bff().http().patch(url).auth(token, bearer).send({ target: 25 }), 428);
      const changed = await bff()
        .http()
        .patch(url)
        .set('If-Match', `"${quest.version}"`)
        .auth(token, bearer)
        .send({ target: 25, description: 'Everyone helps', memberIds: [home.child.memberId] });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body).to.include({ target: 25, description: 'Everyone helps' });
      expect(changed.body.memberIds).to.deep.equal([home.child.memberId]);
      expect(changed.body.version).to.be.greaterThan(quest.version);
      expect(changed.headers.etag).to.equal(`"${changed.body.version}"`);
      expectProblem(
        await bff().http().patch(url).set('If-Match', `"${quest.version}"`).auth(token, bearer).send({ target: 30 }),
        412,
      );
      const cleared = await bff()
        .http()
        .patch(url)
        .set('If-Match', `"${changed.body.version}"`)
        .auth(token, bearer)
        .send({ description: null, memberIds: [] });
      expect(cleared.status, JSON.stringify(cleared.body)).to.equal(200);
      expect(cleared.body).not.to.have.property('description');
      expect(cleared.body.memberIds).to.deep.equal([]);
    });

    it('archives a quest on DELETE: it stays readable and leaves the list unless archived ones are asked for', async () => {
      const quest = await createQuest({ title: 'Old quest' });
      const r = await bff().http().delete(`${quests()}/${quest.id}`).auth(home.owner.accessToken, bearer);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.status).to.equal('ARCHIVED');
      expect(r.body.archivedAt).to.be.a('string');
      const one = await bff().http().get(`${quests()}/${quest.id}`).auth(home.child.accessToken, bearer);
      expect(one.body.status).to.equal('ARCHIVED');
      const active = await bff().http().get(quests()).auth(home.owner.accessToken, bearer);
      expect(active.body.items.map((q: { id: string }) => q.id)).not.to.include(quest.id);
      const all = await bff()
        .http()
        .get(quests())
        .query({ includeArchived: 'true', limit: '200' })
        .auth(home.owner.accessToken, bearer);
      expect(all.body.items.map((q: { id: string }) => q.id)).to.include(quest.id);
    });

    it('replays a quest POST with the same Idempotency-Key instead of setting it twice', async () => {
      const body = { title: 'Once only', eventType: 'goal.achieved', target: 2, endsOn: dayFromToday(10) };
      const key = `quest-${Date.now()}`;
      const send = () =>
        bff().http().post(quests()).set('Idempotency-Key', key).auth(home.owner.accessToken, bearer).send(body);
      const first = await send();
      const again = await send();
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      expect(again.status).to.equal(201);
      expect(again.body.id).to.equal(first.body.id);
    });

    it('names the field of a bad quest (400)', async () => {
      const token = home.owner.accessToken;
      const post = (body: Record<string, unknown>) => bff().http().post(quests()).auth(token, bearer).send(body);
      const valid = { title: 'Q', eventType: 'chore.approved', target: 5, endsOn: dayFromToday(5) };
      expectInvalidField(await post({ ...valid, eventType: 'expense.created' }), 'eventType');
      expectInvalidField(await post({ ...valid, target: 0 }), 'target');
      expectInvalidField(await post({ ...valid, title: '' }), 'title');
      expectInvalidField(await post({ ...valid, endsOn: '2026-13-01' }), 'endsOn');
      expectInvalidField(await post({ ...valid, memberIds: ['nope'] }), 'memberIds.0');
      expectInvalidField(await post({ ...valid, measure: 'SUM' }), 'measure');
      // The service's own rules name their field too.
      expectInvalidField(await post({ ...valid, measure: 'AMOUNT' }), 'measure');
      expectInvalidField(await post({ ...valid, startsOn: dayFromToday(5), endsOn: dayFromToday(1) }), 'endsOn');
      const quest = await createQuest();
      expectInvalidField(
        await bff().http().patch(`${quests()}/${quest.id}`).set('If-Match', '"1"').auth(token, bearer).send({}),
        'body',
      );
      expectInvalidField(await bff().http().get(`${quests()}/nope`).auth(token, bearer), 'questId');
    });
  });

  describe('parent-made badges', () => {
    it('lets a parent make a badge with a reward that every member can see', async () => {
      const badge = await createBadge();
      expect(badge).to.include({
        title: 'Tidy week',
        eventType: 'chore.approved',
        count: 5,
        period: 'WEEK',
        rewardMinor: 200,
        currency: 'EUR',
        xp: 25,
        archived: false,
        achievementId: `custom.${badge.id}`,
      });
      const list = await bff().http().get(badges()).auth(home.child.accessToken, bearer);
      expect(list.status, JSON.stringify(list.body)).to.equal(200);
      expect(list.body.items.map((b: { id: string }) => b.id)).to.include(badge.id);
      // It shows in a child's progress, from 0.
      const progress = await bff()
        .http()
        .get(`${home.base}/members/${home.child.memberId}/progress`)
        .auth(home.child.accessToken, bearer);
      const mine = progress.body.badgeProgress.find((b: { badgeId: string }) => b.badgeId === badge.id);
      expect(mine).to.include({ kind: 'CUSTOM', current: 0, target: 5, progress: '0 / 5' });
    });

    it('changes a badge with If-Match, removes its reward with null, and archives it on DELETE', async () => {
      const badge = await createBadge({ title: 'Saver', eventType: 'goal.contributed', count: 3, period: 'MONTH' });
      const url = `${badges()}/${badge.id}`;
      const token = home.owner.accessToken;
      expectProblem(await bff().http().patch(url).auth(token, bearer).send({ xp: 50 }), 428);
      const changed = await bff()
        .http()
        .patch(url)
        .set('If-Match', `"${badge.version}"`)
        .auth(token, bearer)
        .send({ xp: 50, rewardMinor: null, title: 'Super saver' });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body).to.include({ xp: 50, title: 'Super saver' });
      expect(changed.body).not.to.have.any.keys('rewardMinor', 'currency');
      expect(changed.headers.etag).to.equal(`"${changed.body.version}"`);
      expectProblem(
        await bff().http().patch(url).set('If-Match', `"${badge.version}"`).auth(token, bearer).send({ xp: 10 }),
        412,
      );
      const archived = await bff().http().delete(url).auth(token, bearer);
      expect(archived.status, JSON.stringify(archived.body)).to.equal(200);
      expect(archived.body).to.include({ archived: true });
      const list = await bff().http().get(badges()).auth(token, bearer);
      expect(list.body.items.map((b: { id: string }) => b.id)).not.to.include(badge.id);
    });

    it('refuses a child making, changing or archiving a badge', async () => {
      const badge = await createBadge();
      expectProblem(
        await bff()
          .http()
          .post(badges())
          .auth(home.child.accessToken, bearer)
          .send({ title: 'Me', eventType: 'chore.approved', count: 1 }),
        403,
      );
      expectProblem(
        await bff()
          .http()
          .patch(`${badges()}/${badge.id}`)
          .set('If-Match', `"${badge.version}"`)
          .auth(home.child.accessToken, bearer)
          .send({ rewardMinor: 100_000 }),
        403,
      );
      expectProblem(await bff().http().delete(`${badges()}/${badge.id}`).auth(home.child.accessToken, bearer), 403);
    });

    it('names the field of a bad badge (400)', async () => {
      const post = (body: Record<string, unknown>) =>
        bff().http().post(badges()).auth(home.owner.accessToken, bearer).send(body);
      const valid = { title: 'B', eventType: 'chore.approved', count: 1 };
      expectInvalidField(await post({ ...valid, count: 0 }), 'count');
      expectInvalidField(await post({ ...valid, count: 1001 }), 'count');
      expectInvalidField(await post({ ...valid, rewardMinor: 100_001 }), 'rewardMinor');
      expectInvalidField(await post({ ...valid, xp: 201 }), 'xp');
      expectInvalidField(await post({ ...valid, period: 'YEAR' }), 'period');
      expectInvalidField(await post({ ...valid, eventType: 'chore.submitted' }), 'eventType');
      expectInvalidField(await post({ title: 'B', count: 1 }), 'eventType');
      // The service's rules: a category applies to expense events only.
      expectInvalidField(await post({ ...valid, categoryId: NO_SUCH_ID }), 'categoryId');
    });
  });

  describe('tenancy', () => {
    it("answers 404 for another family's family, member, quest and badge ids", async () => {
      const quest = await createQuest();
      const badge = await createBadge();
      const theirs = `/v1/families/${stranger.familyId}`;
      const token = home.owner.accessToken;
      for (const path of [
        `${theirs}/progress`,
        `${theirs}/leaderboard`,
        `${theirs}/leaderboard-settings`,
        `${theirs}/quests`,
        `${theirs}/badges`,
        `${theirs}/members/${stranger.memberId}/progress`,
        `${home.base}/members/${stranger.memberId}/progress`,
        `${home.base}/members/${NO_SUCH_ID}/progress`,
        `${home.base}/quests/${NO_SUCH_ID}`,
      ]) {
        expectProblem(await bff().http().get(path).auth(token, bearer), 404);
      }
      // The stranger reaching into this family with its own ids.
      expectProblem(await bff().http().get(`${quests()}/${quest.id}`).auth(stranger.accessToken, bearer), 404);
      expectProblem(
        await bff()
          .http()
          .patch(`${theirs}/quests/${quest.id}`)
          .set('If-Match', `"${quest.version}"`)
          .auth(stranger.accessToken, bearer)
          .send({ target: 1 }),
        404,
      );
      expectProblem(await bff().http().delete(`${theirs}/badges/${badge.id}`).auth(stranger.accessToken, bearer), 404);
      expectProblem(
        await bff().http().put(`${theirs}/leaderboard-settings`).auth(token, bearer).send({ hidden: true }),
        404,
      );
    });

    it('asks for a token first (401)', async () => {
      expectProblem(await bff().http().get(`${home.base}/leaderboard`), 401);
      expectProblem(await bff().http().get('/v1/achievements'), 401);
    });
  });

  describe('the API document and readiness', () => {
    it('documents every gamification route in OpenAPI, with If-Match on changes and Idempotency-Key on creates', async () => {
      const doc = (await bff().http().get('/openapi.json')).body;
      const f = '/v1/families/{familyId}';
      expect(Object.keys(doc.paths['/v1/achievements'])).to.deep.equal(['get']);
      expect(Object.keys(doc.paths[`${f}/members/{memberId}/progress`])).to.deep.equal(['get']);
      expect(Object.keys(doc.paths[`${f}/progress`])).to.deep.equal(['get']);
      expect(Object.keys(doc.paths[`${f}/leaderboard`])).to.deep.equal(['get']);
      expect(Object.keys(doc.paths[`${f}/leaderboard-settings`])).to.have.members(['get', 'put']);
      expect(Object.keys(doc.paths[`${f}/quests`])).to.have.members(['get', 'post']);
      expect(Object.keys(doc.paths[`${f}/quests/{questId}`])).to.have.members(['get', 'patch', 'delete']);
      expect(Object.keys(doc.paths[`${f}/badges`])).to.have.members(['get', 'post']);
      expect(Object.keys(doc.paths[`${f}/badges/{badgeId}`])).to.have.members(['patch', 'delete']);
      const headers = (op: { parameters?: { in: string; name: string; required?: boolean }[] }) =>
        (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => [p.name, p.required ?? false]);
      expect(headers(doc.paths[`${f}/quests`].post)).to.deep.equal([['Idempotency-Key', false]]);
      expect(headers(doc.paths[`${f}/badges/{badgeId}`].patch)).to.deep.equal([['If-Match', true]]);
      const period = doc.paths[`${f}/leaderboard`].get.parameters.find((p: { name: string }) => p.name === 'period');
      expect(period.schema.enum ?? doc.components.schemas.LeaderboardPeriod.enum).to.deep.equal([
        'week',
        'month',
        'all',
      ]);
      expect(doc.components.schemas.BadgeProgress.required).to.include.members(['current', 'target', 'progress']);
    });

    it('lists the gamification service in /readyz', async () => {
      const r = await bff().http().get('/readyz');
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.checks).to.include({ gamification: 'ok' });
    });

    it('answers 503 GAMIFICATION_UNAVAILABLE on every gamification route of a BFF without the service', async () => {
      const auth = await startTestAuth();
      const plain = await startTestBff(auth);
      try {
        const user = await register(plain);
        for (const path of ['/v1/achievements', `${home.base}/leaderboard`, `${home.base}/quests/${NO_SUCH_ID}`]) {
          expectProblem(await plain.http().get(path).auth(user.accessToken, bearer), 503, 'GAMIFICATION_UNAVAILABLE');
        }
        const ready = await plain.http().get('/readyz');
        expect(ready.body.checks).not.to.have.property('gamification');
      } finally {
        await plain.stop();
        await auth.stop();
      }
    });
  });
});

// Revocation at every service: after a member is removed, a role changes, "log out everywhere" or a
// password change, the old access token loses its power at auth, expense, goals, gamification and
// notification — over REST through the BFF and on direct gRPC calls — for parents and children.
import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { callMetadata, ClientError, createGrpcClient } from '@family/grpc-kit';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { GoalsServiceDefinition } from '@family/contracts/goals/v1/goals';
import { GamificationServiceDefinition } from '@family/contracts/gamification/v1/gamification';
import { NotificationServiceDefinition } from '@family/contracts/notification/v1/notification';
import { waitFor } from '@family/testing';
import {
  childOf,
  familyWithOwner,
  PASSWORD,
  register,
  startTestStack,
  type FamilyOwner,
  type TestStack,
} from './bff.harness.js';

/** Polls until `call` answers `status`; a token that keeps its power times out the test. */
async function refusedWith(call: () => Promise<number>, status: number, what: string): Promise<void> {
  let last = 0;
  await waitFor(
    async () => {
      last = await call();
      return last === status;
    },
    { timeoutMs: 5000, what: `${what} to answer ${status}` },
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last answer ${last})`);
  });
}

async function grpcStatus(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return Status.OK;
  } catch (err) {
    if (err instanceof ClientError) return err.code;
    throw err;
  }
}

describe('revocation reaches every service within a second', function () {
  this.timeout(60_000);
  let stack: TestStack;
  let grpc: ReturnType<typeof clients>;

  function clients() {
    return {
      expense: createGrpcClient(ExpenseServiceDefinition, stack.expense.address),
      goals: createGrpcClient(GoalsServiceDefinition, stack.goals.address),
      gamification: createGrpcClient(GamificationServiceDefinition, stack.gamification.address),
      notification: createGrpcClient(NotificationServiceDefinition, stack.notification.address),
    };
  }

  before(async () => {
    stack = await startTestStack({ gamification: true, notification: true });
    grpc = clients();
  });
  after(() => stack.stop());

  const http = () => stack.bff.http();
  const as = (token: string) => ({ metadata: callMetadata({ token }) });

  /** The family-scoped reads of every service, over REST, with their statuses. */
  function familyReads(familyId: string, token: string) {
    const get = async (path: string) => (await http().get(path).auth(token, { type: 'bearer' })).status;
    return {
      'auth (members)': () => get(`/v1/families/${familyId}/members`),
      'expense (expenses)': () => get(`/v1/families/${familyId}/expenses`),
      'goals (goals)': () => get(`/v1/families/${familyId}/goals`),
      'gamification (leaderboard)': () => get(`/v1/families/${familyId}/leaderboard`),
    };
  }

  /** The same reads on direct gRPC calls, with their gRPC status codes. */
  function familyCalls(familyId: string, token: string) {
    return {
      'expense.ListExpenses': () => grpcStatus(grpc.expense.listExpenses({ familyId }, as(token))),
      'goals.ListGoals': () => grpcStatus(grpc.goals.listGoals({ familyId }, as(token))),
      'gamification.GetLeaderboard': () => grpcStatus(grpc.gamification.getLeaderboard({ familyId }, as(token))),
    };
  }

  async function expectAll(calls: Record<string, () => Promise<number>>, status: number): Promise<void> {
    for (const [what, call] of Object.entries(calls)) expect(await call(), what).to.equal(status);
  }

  async function expectAllRefused(calls: Record<string, () => Promise<number>>, status: number): Promise<void> {
    for (const [what, call] of Object.entries(calls)) await refusedWith(call, status, what);
  }

  async function secondParent(owner: FamilyOwner) {
    const invite = await http()
      .post(`/v1/families/${owner.familyId}/invites`)
      .auth(owner.accessToken, { type: 'bearer' })
      .send({ role: 'PARENT', ttlSeconds: 3600 });
    const partner = await register(stack.bff, 'Partner');
    const accepted = await http()
      .post(`/v1/invites/${invite.body.code}/accept`)
      .auth(partner.accessToken, { type: 'bearer' });
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
    return {
      ...partner,
      accessToken: accepted.body.accessToken as string,
      memberId: accepted.body.member.id as string,
    };
  }

  for (const who of ['parent', 'child'] as const) {
    async function memberOf(owner: FamilyOwner) {
      return who === 'parent' ? secondParent(owner) : childOf(stack.bff, owner);
    }

    it(`refuses a removed ${who}'s old token at every service (REST 404, gRPC NOT_FOUND)`, async () => {
      const owner = await familyWithOwner(stack.bff);
      const member = await memberOf(owner);
      await expectAll(familyReads(owner.familyId, member.accessToken), 200);
      await expectAll(familyCalls(owner.familyId, member.accessToken), Status.OK);

      const removed = await http()
        .delete(`/v1/families/${owner.familyId}/members/${member.memberId}`)
        .auth(owner.accessToken, { type: 'bearer' });
      expect(removed.status, JSON.stringify(removed.body)).to.equal(204);

      await expectAllRefused(familyReads(owner.familyId, member.accessToken), 404);
      await expectAllRefused(familyCalls(owner.familyId, member.accessToken), Status.NOT_FOUND);
      // The owner, untouched, keeps working.
      await expectAll(familyReads(owner.familyId, owner.accessToken), 200);
    });

    for (const trigger of ['logout-all', 'password change'] as const) {
      it(`ends a ${who}'s old tokens at every service after ${trigger} (REST 401, gRPC UNAUTHENTICATED)`, async () => {
        const owner = await familyWithOwner(stack.bff);
        const member = await memberOf(owner);
        const inbox = async (token: string) =>
          (await http().get('/v1/me/notifications').auth(token, { type: 'bearer' })).status;
        const reads = {
          ...familyReads(owner.familyId, member.accessToken),
          notification: () => inbox(member.accessToken),
        };
        const calls = {
          ...familyCalls(owner.familyId, member.accessToken),
          'notification.ListNotifications': () =>
            grpcStatus(grpc.notification.listNotifications({}, as(member.accessToken))),
        };
        await expectAll(reads, 200);
        await expectAll(calls, Status.OK);

        let fresh: string | undefined;
        if (trigger === 'logout-all') {
          const r = await http().post('/v1/auth/logout-all').auth(member.accessToken, { type: 'bearer' });
          expect(r.status, JSON.stringify(r.body)).to.equal(204);
        } else {
          const r = await http()
            .post('/v1/auth/password')
            .auth(member.accessToken, { type: 'bearer' })
            .send({ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
          expect(r.status, JSON.stringify(r.body)).to.equal(200);
          fresh = r.body.tokens.accessToken;
        }

        await expectAllRefused(reads, 401);
        await expectAllRefused(calls, Status.UNAUTHENTICATED);
        // The session the password change started is a new one and works everywhere.
        if (fresh) await expectAll(familyReads(owner.familyId, fresh), 200);
      });
    }
  }

  it('ends a child’s old tokens at every service when a parent resets their password', async () => {
    const owner = await familyWithOwner(stack.bff);
    const child = await childOf(stack.bff, owner);
    const reads = {
      ...familyReads(owner.familyId, child.accessToken),
      notification: async () =>
        (await http().get('/v1/me/notifications').auth(child.accessToken, { type: 'bearer' })).status,
    };
    const calls = familyCalls(owner.familyId, child.accessToken);
    await expectAll(reads, 200);
    await expectAll(calls, Status.OK);

    const reset = await http()
      .post(`/v1/families/${owner.familyId}/members/${child.memberId}/password`)
      .auth(owner.accessToken, { type: 'bearer' })
      .send({ newPassword: 'a brand new passphrase' });
    expect(reset.status, JSON.stringify(reset.body)).to.equal(204);

    await expectAllRefused(reads, 401);
    await expectAllRefused(calls, Status.UNAUTHENTICATED);
    const old = await http().post('/v1/auth/login').send({ login: child.username, password: PASSWORD });
    expect(old.status).to.equal(401);
    const fresh = await http()
      .post('/v1/auth/login')
      .send({ login: child.username, password: 'a brand new passphrase' });
    expect(fresh.status).to.equal(200);
  });

  it('lets only a parent reset a password, and only a child’s', async () => {
    const owner = await familyWithOwner(stack.bff);
    const parent = await secondParent(owner);
    const child = await childOf(stack.bff, owner);
    const reset = (token: string, memberId: string) =>
      http()
        .post(`/v1/families/${owner.familyId}/members/${memberId}/password`)
        .auth(token, { type: 'bearer' })
        .send({ newPassword: 'a brand new passphrase' });
    expect((await reset(child.accessToken, child.memberId)).status).to.equal(403);
    expect((await reset(owner.accessToken, parent.memberId)).status).to.equal(403);
    const weak = await http()
      .post(`/v1/families/${owner.familyId}/members/${child.memberId}/password`)
      .auth(owner.accessToken, { type: 'bearer' })
      .send({ newPassword: 'short' });
    expect(weak.status).to.equal(400);
    expect(weak.body.errors.map((e: { field: string }) => e.field)).to.include('newPassword');
  });

  it('takes a demoted parent’s power to manage categories (REST 403, gRPC PERMISSION_DENIED)', async () => {
    const owner = await familyWithOwner(stack.bff);
    const parent = await secondParent(owner);
    const create = async (name: string) =>
      (
        await http()
          .post(`/v1/families/${owner.familyId}/categories`)
          .auth(parent.accessToken, { type: 'bearer' })
          .send({ name })
      ).status;
    expect(await create('Before')).to.equal(201);

    const changed = await http()
      .patch(`/v1/families/${owner.familyId}/members/${parent.memberId}`)
      .auth(owner.accessToken, { type: 'bearer' })
      .send({ role: 'CHILD' });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200);

    let n = 0;
    await refusedWith(() => create(`After ${n++}`), 403, 'expense (create category)');
    await refusedWith(
      () =>
        grpcStatus(
          grpc.expense.createCategory({ familyId: owner.familyId, name: `Grpc ${n++}` }, as(parent.accessToken)),
        ),
      Status.PERMISSION_DENIED,
      'expense.CreateCategory',
    );
    // Still a member: the family's reads keep answering.
    await expectAll(familyReads(owner.familyId, parent.accessToken), 200);
  });

  it('gives a promoted child’s old token the new role at once', async () => {
    const owner = await familyWithOwner(stack.bff);
    const child = await childOf(stack.bff, owner);
    const create = async (token: string, name: string) =>
      (await http().post(`/v1/families/${owner.familyId}/categories`).auth(token, { type: 'bearer' }).send({ name }))
        .status;
    expect(await create(child.accessToken, 'Before')).to.equal(403);

    const changed = await http()
      .patch(`/v1/families/${owner.familyId}/members/${child.memberId}`)
      .auth(owner.accessToken, { type: 'bearer' })
      .send({ role: 'PARENT' });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200);

    let n = 0;
    await refusedWith(() => create(child.accessToken, `After ${n++}`), 201, 'the promoted child creating a category');
  });
});

// The notification, preference, device and parental-control routes over a stand-in
// NotificationService on a real gRPC port (the real service has its own suite): what the BFF sends
// upstream, what it answers, and 503 when no notification service is configured.
import { expect } from 'chai';
import { createServer as createGrpcServer, ServerError, Status } from 'nice-grpc';
import { Channel, NotificationCategory } from '@family/contracts/common/v1/common';
import {
  DevicePlatform,
  NotificationServiceDefinition,
  type Notification,
} from '@family/contracts/notification/v1/notification';
import { partialImplementation } from '@family/testing';
import {
  expectInvalidField,
  expectProblem,
  register,
  startTestAuth,
  startTestBff,
  type AuthStack,
  type Session,
  type TestBff,
} from './bff.harness.js';

const N1 = '0190a1b2-c3d4-8e5f-a000-000000000001';
const DEVICE = '0190a1b2-c3d4-7e5f-a000-000000000002';
const FAMILY = '0190a1b2-c3d4-7e5f-a000-000000000003';
const MEMBER = '0190a1b2-c3d4-7e5f-a000-000000000004';

const notification: Notification = {
  id: N1,
  familyId: FAMILY,
  category: NotificationCategory.NOTIFICATION_CATEGORY_SPENDING_LIMIT,
  title: 'Kim went over the weekly limit',
  body: 'Kim spent 42.00 EUR of 30.00 EUR',
  data: { expenseId: 'e-1' },
  createdAt: new Date('2026-11-24T06:00:00Z'),
  readAt: undefined,
  urgent: true,
  eventId: 'event-1',
};

describe('BFF notification routes', () => {
  let auth: AuthStack;
  let bff: TestBff;
  let unconfigured: TestBff;
  let upstream: ReturnType<typeof createGrpcServer>;
  let pat: Session;
  const calls: { method: string; request: unknown; authorization: unknown }[] = [];

  function record(method: string) {
    return (request: unknown, context: { metadata: { get(k: string): unknown } }) => {
      calls.push({ method, request, authorization: context.metadata.get('authorization') });
    };
  }

  before(async () => {
    upstream = createGrpcServer();
    upstream.add(
      NotificationServiceDefinition,
      partialImplementation({
        async listNotifications(request: never, context: never) {
          record('listNotifications')(request, context);
          return { notifications: [notification], page: { nextCursor: 'next' }, unreadCount: 7 };
        },
        async markNotificationRead(request: { notificationId: string }, context: never) {
          record('markNotificationRead')(request, context);
          if (request.notificationId !== N1) throw new ServerError(Status.NOT_FOUND, 'notification not found');
          return { notification: { ...notification, readAt: new Date('2026-11-24T06:05:00Z') }, unreadCount: 6 };
        },
        async markAllNotificationsRead(request: never, context: never) {
          record('markAllNotificationsRead')(request, context);
          return { markedCount: 6, unreadCount: 0 };
        },
        async getPreferences(request: never, context: never) {
          record('getPreferences')(request, context);
          return {
            preferences: {
              settings: [
                {
                  category: NotificationCategory.NOTIFICATION_CATEGORY_BUDGET,
                  channel: Channel.CHANNEL_EMAIL,
                  enabled: true,
                },
              ],
              quietHours: { enabled: true, start: '22:00', end: '07:00', timezone: '' },
              dailyDigest: false,
              urgentOverride: true,
              updatedAt: undefined,
            },
          };
        },
        async updatePreferences(request: never, context: never) {
          record('updatePreferences')(request, context);
          return { preferences: undefined };
        },
        async registerDevice(request: { expoPushToken: string }, context: never) {
          record('registerDevice')(request, context);
          return {
            device: {
              id: DEVICE,
              platform: DevicePlatform.DEVICE_PLATFORM_IOS,
              expoPushToken: request.expoPushToken,
              name: 'Pat’s phone',
              appVersion: '1.0.0',
              createdAt: new Date('2026-11-24T06:00:00Z'),
              lastSeenAt: undefined,
            },
          };
        },
        async unregisterDevice(request: never, context: never) {
          record('unregisterDevice')(request, context);
          return {};
        },
        async updateChildNotificationSettings(request: never, context: never) {
          record('updateChildNotificationSettings')(request, context);
          return {
            settings: {
              memberId: MEMBER,
              settings: [],
              updatedByMemberId: 'parent',
              updatedAt: new Date('2026-11-24T06:00:00Z'),
            },
          };
        },
        async updateChildNewsSettings(request: never, context: never) {
          record('updateChildNewsSettings')(request, context);
          return {
            settings: {
              memberId: MEMBER,
              parentMemberId: 'parent',
              settings: [
                {
                  category: NotificationCategory.NOTIFICATION_CATEGORY_CHORES,
                  channel: Channel.CHANNEL_PUSH,
                  enabled: false,
                },
              ],
              spendingLimitSmsEscalation: true,
              updatedAt: new Date('2026-11-24T06:00:00Z'),
            },
          };
        },
      }),
    );
    const port = await upstream.listen('127.0.0.1:0');
    auth = await startTestAuth();
    bff = await startTestBff(auth, { NOTIFICATION_GRPC_URL: `127.0.0.1:${port}` });
    unconfigured = await startTestBff(auth);
    pat = await register(bff, 'Pat');
  });

  after(async () => {
    await bff?.stop();
    await unconfigured?.stop();
    await auth?.stop();
    await upstream?.shutdown();
  });

  const as = (r: ReturnType<ReturnType<TestBff['http']>['get']>) => r.auth(pat.accessToken, { type: 'bearer' });

  it('lists the caller’s notifications with the caller’s token and the REST shapes', async () => {
    const r = await as(bff.http().get('/v1/me/notifications?limit=10&unreadOnly=true'));
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.deep.equal({
      items: [
        {
          id: N1,
          familyId: FAMILY,
          category: 'SPENDING_LIMIT',
          title: notification.title,
          body: notification.body,
          data: { expenseId: 'e-1' },
          urgent: true,
          createdAt: '2026-11-24T06:00:00.000Z',
          readAt: null,
        },
      ],
      nextCursor: 'next',
      unreadCount: 7,
    });
    const call = calls.findLast((c) => c.method === 'listNotifications')!;
    expect(call.authorization).to.equal(`Bearer ${pat.accessToken}`);
    expect(call.request).to.deep.include({ unreadOnly: true, page: { limit: 10, cursor: '' } });
  });

  it('marks one notification read, and answers 404 for one not in the inbox', async () => {
    const r = await bff.http().post(`/v1/me/notifications/${N1}/read`).auth(pat.accessToken, { type: 'bearer' });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body.notification.readAt).to.equal('2026-11-24T06:05:00.000Z');
    expect(r.body.unreadCount).to.equal(6);
    const missing = await bff
      .http()
      .post(`/v1/me/notifications/${DEVICE}/read`)
      .auth(pat.accessToken, { type: 'bearer' });
    expectProblem(missing, 404);
  });

  it('marks all read', async () => {
    const r = await bff.http().post('/v1/me/notifications/read-all').auth(pat.accessToken, { type: 'bearer' }).send({});
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.deep.equal({ markedCount: 6, unreadCount: 0 });
  });

  it('reads and replaces preferences with REST enum names', async () => {
    const got = await as(bff.http().get('/v1/me/notification-preferences'));
    expect(got.status, JSON.stringify(got.body)).to.equal(200);
    expect(got.body.settings).to.deep.equal([{ category: 'BUDGET', channel: 'EMAIL', enabled: true }]);
    expect(got.body.quietHours).to.deep.equal({ enabled: true, start: '22:00', end: '07:00', timezone: '' });
    const put = await bff
      .http()
      .put('/v1/me/notification-preferences')
      .auth(pat.accessToken, { type: 'bearer' })
      .send({ settings: [{ category: 'CHORES', channel: 'SMS', enabled: false }], dailyDigest: true });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    expect(calls.findLast((c) => c.method === 'updatePreferences')!.request).to.deep.include({
      settings: [
        {
          category: NotificationCategory.NOTIFICATION_CATEGORY_CHORES,
          channel: Channel.CHANNEL_SMS,
          enabled: false,
        },
      ],
      dailyDigest: true,
    });
    const bad = await bff
      .http()
      .put('/v1/me/notification-preferences')
      .auth(pat.accessToken, { type: 'bearer' })
      .send({ quietHours: { enabled: true, start: '25:00', end: '07:00' } });
    expectInvalidField(bad, 'quietHours.start');
  });

  it('registers and unregisters a device', async () => {
    const created = await bff
      .http()
      .post('/v1/me/devices')
      .auth(pat.accessToken, { type: 'bearer' })
      .send({ expoPushToken: 'ExponentPushToken[abc]', platform: 'IOS', name: 'Pat’s phone' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body).to.include({ id: DEVICE, platform: 'IOS', expoPushToken: 'ExponentPushToken[abc]' });
    const bad = await bff
      .http()
      .post('/v1/me/devices')
      .auth(pat.accessToken, { type: 'bearer' })
      .send({ expoPushToken: 'not-a-token', platform: 'IOS' });
    expectInvalidField(bad, 'expoPushToken');
    const deleted = await bff.http().delete(`/v1/me/devices/${DEVICE}`).auth(pat.accessToken, { type: 'bearer' });
    expect(deleted.status).to.equal(204);
  });

  it('updates a child’s notification settings (parental controls)', async () => {
    const r = await bff
      .http()
      .put(`/v1/families/${FAMILY}/members/${MEMBER}/notification-settings`)
      .auth(pat.accessToken, { type: 'bearer' })
      .send({ settings: [] });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.include({ memberId: MEMBER, updatedByMemberId: 'parent' });
  });

  it('updates the calling parent’s news settings for a child', async () => {
    const r = await bff
      .http()
      .put(`/v1/families/${FAMILY}/members/${MEMBER}/news-settings`)
      .auth(pat.accessToken, { type: 'bearer' })
      .send({ settings: [{ category: 'CHORES', channel: 'PUSH', enabled: false }], spendingLimitSmsEscalation: true });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.deep.include({
      memberId: MEMBER,
      parentMemberId: 'parent',
      spendingLimitSmsEscalation: true,
      settings: [{ category: 'CHORES', channel: 'PUSH', enabled: false }],
    });
    const sent = calls.filter((c) => c.method === 'updateChildNewsSettings').at(-1)!;
    expect(sent.request).to.deep.include({ familyId: FAMILY, memberId: MEMBER, spendingLimitSmsEscalation: true });
    const bad = await bff
      .http()
      .put(`/v1/families/${FAMILY}/members/${MEMBER}/news-settings`)
      .auth(pat.accessToken, { type: 'bearer' })
      .send({ settings: [{ category: 'CHORES', channel: 'PIGEON', enabled: false }] });
    expectInvalidField(bad, 'settings.0.channel');
  });

  it('refuses without a token', async () => {
    expectProblem(await bff.http().get('/v1/me/notifications'), 401);
  });

  it('answers 503 on every notification route when no notification service is configured', async () => {
    const token = (await register(unconfigured, 'Sam')).accessToken;
    expectProblem(
      await unconfigured.http().get('/v1/me/notifications').auth(token, { type: 'bearer' }),
      503,
      'NOTIFICATIONS_UNAVAILABLE',
    );
    expectProblem(
      await unconfigured.http().post('/v1/me/devices').auth(token, { type: 'bearer' }).send({}),
      503,
      'NOTIFICATIONS_UNAVAILABLE',
    );
    const ready = await unconfigured.http().get('/readyz');
    expect(Object.keys(ready.body.checks)).to.not.include('notification');
  });
});

// Notifications end to end through the real services: a child's expense over their limit becomes a
// spending_limit.exceeded event in the expense outbox, the notification service turns it into an
// inbox entry for the parent (published for SSE) and delivery jobs, and the BFF's workers deliver
// them to the SMTP, Expo and Twilio emulators; a parent's per-child SMS escalation set over REST; and
// the daily digest with the family's spending read from the expense and goals services.
import { expect } from 'chai';
import {
  startExpoEmulator,
  startSmtpEmulator,
  startTwilioEmulator,
  type ExpoEmulator,
  type SmtpEmulator,
  type TwilioEmulator,
} from '@family/emulators';
import { Scopes } from '@family/service-kit';
import { uniqueName, waitFor, freePort } from '@family/testing';
import { type RunningNotificationService } from '@family/notification-service';
import {
  EXPENSE_SERVICE_CLIENT,
  GOALS_SERVICE_CLIENT,
  startTestAuth,
  startTestBff,
  startTestExpense,
  startTestGoals,
  type AuthStack,
  type ExpenseStack,
  type GoalsStack,
  type TestBff,
  NOTIFICATION_SERVICE_CLIENT,
  startTestNotification,
} from './bff.harness.js';
import { bearer, household } from './expense.fixtures.js';
import { openSse, type SseStream } from './sse.client.js';
import { verifyByMail } from './account.mail.js';

const BFF_SECRET = 'bff-secret';

describe('Notifications end to end', () => {
  const prefix = `${uniqueName('e2e')}:`;
  let smtp: SmtpEmulator;
  let expo: ExpoEmulator;
  let twilio: TwilioEmulator;
  let auth: AuthStack;
  let expense: ExpenseStack;
  let goals: GoalsStack;
  let notification: RunningNotificationService;
  let bff: TestBff;
  let stream: SseStream | undefined;

  before(async () => {
    [smtp, expo, twilio] = await Promise.all([startSmtpEmulator(), startExpoEmulator(), startTwilioEmulator()]);
    const notificationUrl = `127.0.0.1:${await freePort()}`;
    auth = await startTestAuth({
      AUTH_SERVICE_CLIENTS: [
        EXPENSE_SERVICE_CLIENT,
        GOALS_SERVICE_CLIENT,
        NOTIFICATION_SERVICE_CLIENT,
        `bff:${BFF_SECRET}:${Scopes.NOTIFICATIONS_DELIVER}`,
      ].join(','),
      EVENT_SUBSCRIBERS: `notification=${notificationUrl}`,
      OUTBOX_POLL_MS: '50',
    });
    // Producers first: their relays retry until the notification service is up.
    expense = await startTestExpense(auth, {
      EVENT_SUBSCRIBERS: `notification=${notificationUrl}`,
      OUTBOX_POLL_MS: '50',
    });
    goals = await startTestGoals(auth, expense, { EVENT_SUBSCRIBERS: `notification=${notificationUrl}` });
    notification = await startTestNotification({
      address: notificationUrl,
      redisPrefix: prefix,
      auth,
      expense,
      goals,
      env: { DIGEST_HOUR: '0' },
    });
    bff = await startTestBff(auth, {
      EXPENSE_GRPC_URL: expense.address,
      GOALS_GRPC_URL: goals.address,
      NOTIFICATION_GRPC_URL: notificationUrl,
      AUTH_CLIENT_ID: 'bff',
      AUTH_CLIENT_SECRET: BFF_SECRET,
      REDIS_KEY_PREFIX: prefix,
      BFF_MODE: 'both',
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Family <noreply@family.test>',
      EXPO_ACCESS_TOKEN: 'expo-test-token',
      EXPO_BASE_URL: expo.url,
      TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000001',
      TWILIO_AUTH_TOKEN: 'twilio-secret',
      TWILIO_FROM: '+15005550006',
      TWILIO_BASE_URL: twilio.url,
      DELIVERY_TIMEOUT_MS: '5000',
    });
  });

  after(async () => {
    stream?.close();
    // The BFF's stop() deletes every key under the shared prefix, so it goes after the notification service.
    await goals?.stop();
    await expense?.stop();
    await notification?.stop();
    await bff?.stop();
    await auth?.stop();
    await Promise.all([smtp?.stop(), expo?.stop(), twilio?.stop()]);
  });

  it("a child's expense over their DAY limit reaches the parent's inbox, open SSE stream, email and push", async () => {
    const home = await household(bff, 'The Notified');
    const parent = home.owner;
    // Email notifications go only to a verified address.
    await verifyByMail(bff, smtp, parent);
    const pushToken = `ExponentPushToken[${uniqueName('e2e')}]`;

    const device = await bff
      .http()
      .post('/v1/me/devices')
      .auth(parent.accessToken, bearer)
      .send({ expoPushToken: pushToken, platform: 'IOS' });
    expect(device.status, JSON.stringify(device.body)).to.equal(201);

    stream = await openSse(`${bff.url}/v1/events`, { authorization: `Bearer ${parent.accessToken}` });
    expect(stream.status).to.equal(200);

    const limits = await bff
      .http()
      .put(`${home.base}/members/${home.child.memberId}/spending-limits`)
      .auth(parent.accessToken, bearer)
      .send({ limits: [{ period: 'DAY', amountMinor: 500 }], blockedCategoryIds: [] });
    expect(limits.status, JSON.stringify(limits.body)).to.equal(200);

    const spent = await bff
      .http()
      .post(`${home.base}/expenses`)
      .auth(home.child.accessToken, bearer)
      .send({ amountMinor: 900, description: 'Video game' });
    expect(spent.status, JSON.stringify(spent.body)).to.equal(201);
    expect(spent.body.flagged).to.equal(true);

    const patient = { timeoutMs: 30_000, intervalMs: 100 };
    const inbox = await waitFor(
      async () => {
        const r = await bff.http().get('/v1/me/notifications').auth(parent.accessToken, bearer);
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        return r.body.items.length > 0 && r.body;
      },
      { ...patient, what: "the parent's inbox entry" },
    );
    expect(inbox.items).to.have.length(1);
    const [entry] = inbox.items;
    expect(entry.category).to.equal('SPENDING_LIMIT');
    expect(inbox.unreadCount).to.equal(1);

    const [live] = await stream.next(1, 30_000);
    expect(live!.id).to.equal(entry.id);
    expect(live!.event).to.equal('notification');
    expect(JSON.parse(live!.data)).to.include({ id: entry.id, category: 'SPENDING_LIMIT' });

    const mail = await waitFor(() => smtp.mails.find((m) => m.headers['x-notification-id'] === entry.id), {
      ...patient,
      what: 'the email',
    });
    expect(mail.to).to.deep.equal([parent.email]);

    const push = await waitFor(() => expo.messages.find((m) => m.to === pushToken), { ...patient, what: 'the push' });
    expect(push.data).to.include({ notificationId: entry.id, category: 'SPENDING_LIMIT' });
  });

  it("a parent's SMS escalation for one child, set over REST, texts them through Twilio when that child overspends", async () => {
    const home = await household(bff, 'The Texted');
    const parent = home.owner;
    const profile = await bff
      .http()
      .patch('/v1/me')
      .auth(parent.accessToken, bearer)
      .send({ phone: '+44 7700 900123' });
    expect(profile.status, JSON.stringify(profile.body)).to.equal(200);
    expect(profile.body.phone).to.equal('+447700900123');

    const news = await bff
      .http()
      .put(`${home.base}/members/${home.child.memberId}/news-settings`)
      .auth(parent.accessToken, bearer)
      .send({
        settings: [{ category: 'SPENDING_LIMIT', channel: 'PUSH', enabled: false }],
        spendingLimitSmsEscalation: true,
      });
    expect(news.status, JSON.stringify(news.body)).to.equal(200);
    expect(news.body).to.include({ memberId: home.child.memberId, spendingLimitSmsEscalation: true });
    const refused = await bff
      .http()
      .get(`${home.base}/members/${home.child.memberId}/news-settings`)
      .auth(home.child.accessToken, bearer);
    expect(refused.status).to.equal(403);

    await bff
      .http()
      .put(`${home.base}/members/${home.child.memberId}/spending-limits`)
      .auth(parent.accessToken, bearer)
      .send({ limits: [{ period: 'DAY', amountMinor: 500 }], blockedCategoryIds: [] })
      .expect(200);
    await bff
      .http()
      .post(`${home.base}/expenses`)
      .auth(home.child.accessToken, bearer)
      .send({ amountMinor: 700, description: 'Sweets' })
      .expect(201);

    const sms = await waitFor(() => twilio.messages.find((m) => m.to === '+447700900123'), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'the text message',
    });
    expect(sms.body).to.contain('Kim went over their spending limit');
  });

  it("the daily digest emails an opted-in parent the family's spending and the chores waiting, read from the real services", async () => {
    const home = await household(bff, 'The Digest');
    const parent = home.owner;
    // Email notifications go only to a verified address.
    await verifyByMail(bff, smtp, parent);
    await bff
      .http()
      .put('/v1/me/notification-preferences')
      .auth(parent.accessToken, bearer)
      .send({ dailyDigest: true })
      .expect(200);
    await bff
      .http()
      .post(`${home.base}/expenses`)
      .auth(home.child.accessToken, bearer)
      .send({ amountMinor: 1234, description: 'Comics' })
      .expect(201);
    const chore = await bff
      .http()
      .post(`${home.base}/chores`)
      .auth(parent.accessToken, bearer)
      .send({ title: 'Feed the cat', assigneeMemberId: home.child.memberId });
    expect(chore.status, JSON.stringify(chore.body)).to.equal(201);
    await bff
      .http()
      .post(`${home.base}/chores/${chore.body.id}/submit`)
      .auth(home.child.accessToken, bearer)
      .send({})
      .expect(200);

    // The digest hour is 0 here: any time of the family's day qualifies.
    const pass = await notification.digest.run();
    const sent = pass.sent.find((s) => s.userId === parent.userId);
    expect(sent, JSON.stringify(pass)).to.not.equal(undefined);
    const mail = await waitFor(
      () => smtp.mails.find((m) => m.headers['x-notification-id'] === `digest-${parent.userId}-${sent!.date}`),
      { timeoutMs: 30_000, intervalMs: 100, what: 'the digest email' },
    );
    expect(mail.to).to.deep.equal([parent.email]);
    // The emulator decodes the quoted-printable body.
    const text = mail.body;
    expect(text).to.contain('The Digest: €12.34 spent today');
    expect(text).to.contain('Waiting for you: 1 chore(s) to approve');
  });
});

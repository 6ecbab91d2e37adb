// Email verification and password reset by email, end to end through the real services: auth writes
// the single-use link token (as SHA-256) and an account.email_requested event, the notification
// service turns it into an email job, the BFF's email worker sends it to the SMTP emulator, and the
// test follows the link read from the emulator's mailbox. An unverified address gets no email
// notifications; a reset ends every session everywhere.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { startSmtpEmulator, type SmtpEmulator } from '@family/emulators';
import { DELIVERY_QUEUES, deliveryJobId, queuePrefix } from '@family/delivery-jobs';
import { Scopes } from '@family/service-kit';
import { freePort, testRedisUrl, uniqueName, waitFor } from '@family/testing';
import { type RunningNotificationService } from '@family/notification-service';
import {
  EXPENSE_SERVICE_CLIENT,
  GOALS_SERVICE_CLIENT,
  PASSWORD,
  register,
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
import { linkToken, mailsTo, RESET_SUBJECT, VERIFY_SUBJECT, verifyByMail } from './account.mail.js';

const BFF_SECRET = 'bff-secret';
const NEW_PASSWORD = 'a brand new passphrase';
const patient = { timeoutMs: 30_000, intervalMs: 100 };

describe('Email verification and password reset by email', () => {
  const prefix = `${uniqueName('recovery')}:`;
  let smtp: SmtpEmulator;
  let auth: AuthStack;
  let expense: ExpenseStack;
  let goals: GoalsStack;
  let notification: RunningNotificationService;
  let bff: TestBff;
  let emailQueue: Queue;

  before(async () => {
    smtp = await startSmtpEmulator();
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
    expense = await startTestExpense(auth, {
      EVENT_SUBSCRIBERS: `notification=${notificationUrl}`,
      OUTBOX_POLL_MS: '50',
    });
    goals = await startTestGoals(auth, expense);
    notification = await startTestNotification({
      address: notificationUrl,
      redisPrefix: prefix,
      auth,
      expense,
      goals,
      env: { APP_URL: 'http://app.family.test:8080' },
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
      DELIVERY_TIMEOUT_MS: '5000',
    });
    emailQueue = new Queue(DELIVERY_QUEUES.email, { connection: { url: testRedisUrl() }, prefix: queuePrefix(prefix) });
  });

  after(async () => {
    await emailQueue?.close();
    await goals?.stop();
    await expense?.stop();
    await notification?.stop();
    await bff?.stop();
    await auth?.stop();
    await smtp?.stop();
  });

  const login = (email: string, password: string) => bff.http().post('/v1/auth/login').send({ login: email, password });
  const requestReset = (email: string) => bff.http().post('/v1/auth/password/reset-request').send({ email });

  it('mails a verification link on registration; following it marks the email verified, once', async () => {
    const pat = await register(bff, 'Pat');
    const before = await bff.http().get('/v1/me').auth(pat.accessToken, bearer);
    expect(before.status).to.equal(200);
    expect(before.body.user.emailVerified).to.equal(false);

    const token = await linkToken(smtp, pat.email, VERIFY_SUBJECT);
    const [mail] = await mailsTo(smtp, pat.email, VERIFY_SUBJECT);
    expect(mail!.body).to.contain('http://app.family.test:8080/verify-email?token=');

    const verified = await bff.http().post('/v1/auth/email/verify').send({ token });
    expect(verified.status, JSON.stringify(verified.body)).to.equal(200);
    expect(verified.body).to.include({ id: pat.userId, emailVerified: true });
    const after = await bff.http().get('/v1/me').auth(pat.accessToken, bearer);
    expect(after.body.user.emailVerified).to.equal(true);

    const again = await bff.http().post('/v1/auth/email/verify').send({ token });
    expect(again.status).to.equal(400);
    expect(again.body.errors?.map((e: { field: string }) => e.field) ?? []).to.include('token');
    const more = await bff.http().post('/v1/me/email/verification').auth(pat.accessToken, bearer);
    expect(more.status).to.equal(409);
  });

  it('a requested verification link replaces the earlier one', async () => {
    const sam = await register(bff, 'Sam');
    const first = await linkToken(smtp, sam.email, VERIFY_SUBJECT);
    const asked = await bff.http().post('/v1/me/email/verification').auth(sam.accessToken, bearer);
    expect(asked.status, JSON.stringify(asked.body)).to.equal(202);
    const second = await linkToken(smtp, sam.email, VERIFY_SUBJECT, 2);
    expect(second).not.to.equal(first);
    expect((await bff.http().post('/v1/auth/email/verify').send({ token: first })).status).to.equal(400);
    expect((await bff.http().post('/v1/auth/email/verify').send({ token: second })).status).to.equal(200);
  });

  it('sends no email notification to an unverified parent, and does once the address is verified', async () => {
    const home = await household(bff, 'The Unproven');
    const parent = home.owner;
    const limits = await bff
      .http()
      .put(`${home.base}/members/${home.child.memberId}/spending-limits`)
      .auth(parent.accessToken, bearer)
      .send({ limits: [{ period: 'DAY', amountMinor: 500 }], blockedCategoryIds: [] });
    expect(limits.status, JSON.stringify(limits.body)).to.equal(200);
    const overspend = async (description: string) => {
      const spent = await bff
        .http()
        .post(`${home.base}/expenses`)
        .auth(home.child.accessToken, bearer)
        .send({ amountMinor: 900, description });
      expect(spent.status, JSON.stringify(spent.body)).to.equal(201);
    };
    const inboxOf = (count: number) =>
      waitFor(
        async () => {
          const r = await bff.http().get('/v1/me/notifications').auth(parent.accessToken, bearer);
          return r.body.items.length >= count && (r.body.items as { id: string; category: string }[]);
        },
        { ...patient, what: `${count} inbox entries` },
      );

    await overspend('Unverified game');
    const [unverifiedEntry] = await inboxOf(1);
    expect(unverifiedEntry!.category).to.equal('SPENDING_LIMIT');

    await verifyByMail(bff, smtp, parent);
    await overspend('Verified game');
    const entries = await inboxOf(2);
    const verifiedEntry = entries.find((e) => e.id !== unverifiedEntry!.id)!;
    const mail = await waitFor(() => smtp.mails.find((m) => m.headers['x-notification-id'] === verifiedEntry.id), {
      ...patient,
      what: 'the email to the verified parent',
    });
    expect(mail.to).to.deep.equal([parent.email]);
    // Events reach the fan-out in order: by the time the second is mailed the first was long decided.
    expect(await emailQueue.getJob(deliveryJobId(verifiedEntry.id, 'email'))).to.not.equal(undefined);
    expect(await emailQueue.getJob(deliveryJobId(unverifiedEntry!.id, 'email'))).to.equal(undefined);
    expect(smtp.mails.some((m) => m.headers['x-notification-id'] === unverifiedEntry!.id)).to.equal(false);
  });

  it('answers a reset request for an unknown email exactly as for a known one', async () => {
    const kim = await register(bff, 'Kim');
    await verifyByMail(bff, smtp, kim);
    const known = await requestReset(kim.email);
    const unknown = await requestReset(`nobody.${uniqueName('x')}@example.test`);
    expect(known.status).to.equal(202);
    expect(unknown.status).to.equal(202);
    expect(unknown.body).to.deep.equal(known.body);
    expect(unknown.headers['content-type']).to.equal(known.headers['content-type']);
    await linkToken(smtp, kim.email, RESET_SUBJECT);
  });

  it('resets the password once by the mailed link and ends every old session', async () => {
    const lee = await register(bff, 'Lee');
    await verifyByMail(bff, smtp, lee);
    const other = await login(lee.email, PASSWORD);
    expect(other.status).to.equal(200);

    expect((await requestReset(lee.email)).status).to.equal(202);
    const token = await linkToken(smtp, lee.email, RESET_SUBJECT);
    const [mail] = await mailsTo(smtp, lee.email, RESET_SUBJECT);
    expect(mail!.body).to.contain('http://app.family.test:8080/reset-password?token=');

    const weak = await bff.http().post('/v1/auth/password/reset').send({ token, newPassword: 'short' });
    expect(weak.status).to.equal(400);
    const reset = await bff.http().post('/v1/auth/password/reset').send({ token, newPassword: NEW_PASSWORD });
    expect(reset.status, JSON.stringify(reset.body)).to.equal(204);

    const reused = await bff
      .http()
      .post('/v1/auth/password/reset')
      .send({ token, newPassword: 'yet another passphrase' });
    expect(reused.status).to.equal(400);

    for (const old of [
      lee,
      { accessToken: other.body.tokens.accessToken, refreshToken: other.body.tokens.refreshToken },
    ]) {
      const me = await bff.http().get('/v1/me').auth(old.accessToken, bearer);
      expect(me.status, JSON.stringify(me.body)).to.equal(401);
      const refreshed = await bff.http().post('/v1/auth/refresh').send({ refreshToken: old.refreshToken });
      expect(refreshed.status).to.equal(401);
    }
    expect((await login(lee.email, PASSWORD)).status).to.equal(401);
    expect((await login(lee.email, NEW_PASSWORD)).status).to.equal(200);
  });

  it('refuses an expired reset link', async () => {
    const max = await register(bff, 'Max');
    await verifyByMail(bff, smtp, max);
    expect((await requestReset(max.email)).status).to.equal(202);
    const token = await linkToken(smtp, max.email, RESET_SUBJECT);
    if (auth.sql.kind !== 'pg') throw new Error('tests run on Postgres');
    const hash = createHash('sha256').update(token).digest('base64url');
    const moved = await auth.sql.pool.query(
      `update ${auth.schema}.account_tokens set expires_at = now() - interval '1 second' where token_hash = $1`,
      [hash],
    );
    expect(moved.rowCount).to.equal(1);
    const reset = await bff.http().post('/v1/auth/password/reset').send({ token, newPassword: NEW_PASSWORD });
    expect(reset.status).to.equal(400);
    expect((await login(max.email, PASSWORD)).status).to.equal(200);
  });

  it('rate-limits reset requests, resets and verifications per address like sign-in', async () => {
    const tight = await startTestBff(auth, { RATE_LIMIT_PER_MINUTE: '100', AUTH_RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const ask = () => tight.http().post('/v1/auth/password/reset-request').send({ email: 'nobody@example.test' });
      expect((await ask()).status).to.equal(202);
      expect((await ask()).status).to.equal(202);
      const limited = await ask();
      expect(limited.status).to.equal(429);
      expect(Number(limited.headers['retry-after'])).to.be.within(1, 60);
      const reset = await tight.http().post('/v1/auth/password/reset').send({ token: 'x', newPassword: NEW_PASSWORD });
      expect(reset.status).to.equal(429);
      expect((await tight.http().post('/v1/auth/email/verify').send({ token: 'x' })).status).to.equal(429);
    } finally {
      await tight.stop();
    }
  });

  it('sends no reset link to an unverified address', async () => {
    const ada = await register(bff, 'Ada');
    // The verification mail arriving shows auth's events for this account have been through the relay.
    await linkToken(smtp, ada.email, VERIFY_SUBJECT);
    const asked = await requestReset(ada.email);
    expect(asked.status).to.equal(202);
    // A later account's reset mail is proof the relay has passed Ada's request.
    const bea = await register(bff, 'Bea');
    await verifyByMail(bff, smtp, bea);
    expect((await requestReset(bea.email)).status).to.equal(202);
    await linkToken(smtp, bea.email, RESET_SUBJECT);
    expect(await mailsTo(smtp, ada.email, RESET_SUBJECT)).to.deep.equal([]);
    if (auth.sql.kind !== 'pg') throw new Error('tests run on Postgres');
    const tokens = await auth.sql.pool.query(
      `select 1 from ${auth.schema}.account_tokens where user_id = $1 and purpose = 'PASSWORD_RESET'`,
      [ada.userId],
    );
    expect(tokens.rowCount).to.equal(0);
  });
});

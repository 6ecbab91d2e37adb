// Following account links from the SMTP emulator's mailbox over HTTP, as a person would from their inbox.
import { expect } from 'chai';
import type { SmtpEmulator } from '@family/emulators';
import { waitFor } from '@family/testing';
import { bearer } from './expense.fixtures.js';
import type { TestBff } from './bff.harness.js';

interface MailboxItem {
  id: string;
  to: string[];
  subject: string;
}

/** The mailbox's mails to `to` with that subject, newest first, read over its HTTP API. */
export async function mailsTo(
  smtp: SmtpEmulator,
  to: string,
  subject: string,
): Promise<{ id: string; body: string }[]> {
  const list = (await (await fetch(`${smtp.mailboxUrl}/messages`)).json()) as { items: MailboxItem[] };
  const mine = list.items.filter((m) => m.to.includes(to) && m.subject === subject);
  return Promise.all(
    mine.map(async (m) => ({
      id: m.id,
      body: ((await (await fetch(`${smtp.mailboxUrl}/messages/${m.id}`)).json()) as { body: string }).body,
    })),
  );
}

/** Waits for the `count`-th mail to `to` with that subject and returns the token of the link it carries. */
export async function linkToken(smtp: SmtpEmulator, to: string, subject: string, count = 1): Promise<string> {
  const mails = await waitFor(
    async () => {
      const found = await mailsTo(smtp, to, subject);
      return found.length >= count && found;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `mail "${subject}" to ${to}` },
  );
  const link = /https?:\/\/\S+/.exec(mails[0]!.body)?.[0];
  expect(link, mails[0]!.body).to.be.a('string');
  const token = new URL(link!).searchParams.get('token');
  expect(token).to.be.a('string').and.not.empty;
  return token!;
}

export const VERIFY_SUBJECT = 'Confirm your email address';
export const RESET_SUBJECT = 'Reset your password';

/** Verifies the account's email by the link sent at registration. */
export async function verifyByMail(bff: TestBff, smtp: SmtpEmulator, user: { email: string; accessToken: string }) {
  const token = await linkToken(smtp, user.email, VERIFY_SUBJECT);
  const r = await bff.http().post('/v1/auth/email/verify').send({ token });
  expect(r.status, JSON.stringify(r.body)).to.equal(200);
  const me = await bff.http().get('/v1/me').auth(user.accessToken, bearer);
  expect(me.body.user.emailVerified).to.equal(true);
}

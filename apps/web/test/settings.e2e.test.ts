// The settings screens in a real browser against the real services, the BFF (with its email worker)
// and the SMTP emulator: a parent changes their notifications and quiet hours and finds them kept after
// a reload, sets what they hear about a child and what the child is notified about, asks for a new
// verification link and follows it from the mailbox, then forgets the password, follows the reset
// link, sets a new one and logs in with it. Every page passes axe-core and is photographed.
import { expect } from 'chai';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startSmtpEmulator, type SmtpEmulator } from '../../../packages/emulators/src/index.js';
import { PASSWORD, startTestStack, username, type TestStack } from '../../../bff/test/bff.harness.js';
import { linkToken, mailsTo, RESET_SUBJECT, VERIFY_SUBJECT } from '../../../bff/test/account.mail.js';
import {
  checkPage,
  ensureBuilt,
  launchBrowser,
  signUpWithFamily,
  startWeb,
  type RunningWeb,
  addChild,
  reportPagesOnFailure,
} from './web.harness.js';

const NEW_PASSWORD = 'a brand new passphrase';

describe('The settings screens in a browser', function () {
  this.timeout(300_000);
  let browser: Browser;
  let smtp: SmtpEmulator;
  let stack: TestStack;
  let web: RunningWeb;
  let parentContext: BrowserContext;
  let parent: Page;
  let login: string;

  before(async function () {
    this.timeout(600_000);
    ensureBuilt();
    browser = await launchBrowser();
    smtp = await startSmtpEmulator();
    stack = await startTestStack({
      notification: true,
      bffEnv: { BFF_MODE: 'both', SMTP_URL: smtp.url, MAIL_FROM: 'Family <noreply@family.test>' },
    });
    web = await startWeb(stack.bff.url);
    parentContext = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin' });
    parent = await parentContext.newPage();
  });
  reportPagesOnFailure(() => [parent]);
  after(async () => {
    await parentContext?.close();
    await browser?.close();
    await web?.stop();
    await stack?.stop();
    await smtp?.stop();
  });

  /** The newest mailed link to `to` with that subject, on the web app under test. */
  async function mailedLink(to: string, subject: string, page: string, count = 1): Promise<string> {
    const token = await linkToken(smtp, to, subject, count);
    const [mail] = await mailsTo(smtp, to, subject);
    const link = new URL(/https?:\/\/\S+/.exec(mail!.body)![0]);
    expect(link.pathname).to.equal(page);
    expect(link.searchParams.get('token')).to.equal(token);
    return `${web.url}${link.pathname}${link.search}`;
  }

  const pair = (scope: Page | Locator, name: string) => scope.getByLabel(name, { exact: true });

  it('reminds a parent to confirm the email and sends a new link', async () => {
    login = await signUpWithFamily(parent, web, 'Robin', false);
    await addChild(parent, 'Kim', username('kim'));

    await parent.goto(`${web.url}/settings`);
    const notice = parent.getByRole('region', { name: 'Your email address' });
    await notice.getByText(`${login} is not confirmed yet`).waitFor();
    await notice.getByRole('button', { name: 'Send the confirmation link again' }).click();
    await notice.getByText('A new link is on its way').waitFor();
    await checkPage(parent, 'settings');
  });

  it('keeps a changed name and phone number, refusing one that is not a number', async () => {
    await parent.goto(`${web.url}/settings`);
    const profile = parent.getByRole('region', { name: 'Your profile' });
    await profile.getByLabel('Your name').fill('Robin Q.');
    await profile.getByLabel('Mobile number for texts (with country code)').fill('not a number');
    await profile.getByRole('button', { name: 'Save' }).click();
    await profile.locator('p.error').waitFor();
    await profile.getByLabel('Mobile number for texts (with country code)').fill('+49 151 2345 6789');
    await profile.getByRole('button', { name: 'Save' }).click();
    await profile.getByText('Saved.').waitFor();
    await parent.reload();
    await profile.getByLabel('Your name').waitFor();
    expect(await profile.getByLabel('Mobile number for texts (with country code)').inputValue()).to.equal(
      '+4915123456789',
    );
    expect(await profile.getByLabel('Your name').inputValue()).to.equal('Robin Q.');
  });

  it('keeps a changed preference, quiet hours and the digest after a reload', async () => {
    await parent.goto(`${web.url}/settings`);
    const mine = parent.getByRole('region', { name: 'My notifications' });
    expect(await pair(mine, 'Budgets: Email').isChecked()).to.equal(false);
    expect(await pair(mine, 'Chores: Push').isChecked()).to.equal(true);
    await pair(mine, 'Budgets: Email').check();
    await pair(mine, 'Chores: Push').uncheck();
    await mine.getByLabel('Hold back push, email and SMS during quiet hours').check();
    await mine.getByLabel('Quiet from').fill('21:30');
    await mine.getByLabel('Quiet until').fill('06:45');
    await mine.getByLabel('Time zone of the quiet hours').fill('Europe/Lisbon');
    await mine.getByLabel('Send me a daily summary by email').check();
    await mine.getByRole('button', { name: 'Save my notifications' }).click();
    await mine.getByText('Saved.').waitFor();

    await parent.reload();
    await pair(mine, 'Budgets: Email').waitFor();
    expect(await pair(mine, 'Budgets: Email').isChecked()).to.equal(true);
    expect(await pair(mine, 'Chores: Push').isChecked()).to.equal(false);
    expect(await pair(mine, 'Chores: In the app').isChecked()).to.equal(true);
    expect(await mine.getByLabel('Hold back push, email and SMS during quiet hours').isChecked()).to.equal(true);
    expect(await mine.getByLabel('Quiet from').inputValue()).to.equal('21:30');
    expect(await mine.getByLabel('Quiet until').inputValue()).to.equal('06:45');
    expect(await mine.getByLabel('Time zone of the quiet hours').inputValue()).to.equal('Europe/Lisbon');
    expect(await mine.getByLabel('Send me a daily summary by email').isChecked()).to.equal(true);
  });

  it('sets what a parent hears about a child and what the child is notified about', async () => {
    await parent.goto(`${web.url}/settings`);
    const news = parent.getByRole('region', { name: 'What I hear about Kim' });
    // Only the kinds of news that are about a child.
    await pair(news, 'Chores: In the app').waitFor();
    expect(await news.getByLabel('Budgets: Email', { exact: true }).count()).to.equal(0);
    await pair(news, 'Chores: In the app').uncheck();
    await news.getByLabel('Text me when Kim goes over a spending limit').check();
    await news.getByRole('button', { name: 'Save what I hear about Kim' }).click();
    await news.getByText('Saved.').waitFor();

    const gets = parent.getByRole('region', { name: 'What Kim is notified about' });
    expect(await pair(gets, 'Badges and levels: Email').isChecked()).to.equal(true);
    await pair(gets, 'Badges and levels: Email').uncheck();
    await gets.getByRole('button', { name: 'Save what Kim is notified about' }).click();
    await gets.getByText('Saved.').waitFor();
    await checkPage(parent, 'settings-child');

    await parent.reload();
    await pair(news, 'Chores: In the app').waitFor();
    expect(await pair(news, 'Chores: In the app').isChecked()).to.equal(false);
    expect(await pair(news, 'Savings goals: In the app').isChecked()).to.equal(true);
    expect(await news.getByLabel('Text me when Kim goes over a spending limit').isChecked()).to.equal(true);
    await pair(gets, 'Badges and levels: Email').waitFor();
    expect(await pair(gets, 'Badges and levels: Email').isChecked()).to.equal(false);
    expect(await pair(gets, 'Badges and levels: Push').isChecked()).to.equal(true);
  });

  it('confirms the email with the link from the mail, signed out, and says when a link is used up', async () => {
    // The second mail (asked for on the settings page) replaced the one sent at sign-up.
    const link = await mailedLink(login, VERIFY_SUBJECT, '/verify-email', 2);
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin' });
    try {
      const page = await context.newPage();
      await page.goto(link);
      await page.getByText('your email address is confirmed').waitFor();
      await page.getByRole('link', { name: 'Log in' }).waitFor();
      await checkPage(page, 'verify-email');
      await page.reload();
      await page.getByRole('alert').getByText('This link does not work any more').waitFor();
      await checkPage(page, 'verify-email-used');
    } finally {
      await context.close();
    }
    await parent.reload();
    await parent.getByRole('region', { name: 'My notifications' }).getByRole('table').waitFor();
    expect(await parent.getByRole('region', { name: 'Your email address' }).count()).to.equal(0);
  });

  it('resets a forgotten password by the mailed link; the new one logs in', async () => {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin' });
    try {
      const page = await context.newPage();
      await page.goto(`${web.url}/login`);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.waitForURL('**/forgot-password');
      await checkPage(page, 'forgot-password');
      // The same answer whether or not the address has an account.
      await page.getByLabel('Email').fill('nobody-here@example.com');
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.getByText('If nobody-here@example.com belongs to an account').waitFor();
      await page.getByLabel('Email').fill(login);
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.getByText(`If ${login} belongs to an account`).waitFor();
      await checkPage(page, 'forgot-password-sent');

      await page.goto(await mailedLink(login, RESET_SUBJECT, '/reset-password'));
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('Repeat the new password').fill('something else entirely');
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.getByRole('alert').getByText('The two passwords are not the same.').waitFor();
      await checkPage(page, 'reset-password');
      await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.getByText('Your password is changed').waitFor();
      await checkPage(page, 'reset-password-done');

      await page.getByRole('link', { name: 'Log in with the new password' }).click();
      await page.waitForURL('**/login');
      await page.getByLabel('Email or username').fill(login);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('alert').getByText('not right').waitFor();
      await page.getByLabel('Password').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL('**/dashboard');
    } finally {
      await context.close();
    }
  });
});

// The family web app in a real browser (Debian's chromium through playwright-core) against the real
// services and BFF: a parent signs up, creates a family, adds a child, sets a budget, records
// expenses and sees the budget bar move, edits one and is told kindly of a version conflict; the child
// logs in, submits a chore, the parent approves it and the child's jars and badges update live; a
// parent links the TrueLayer sandbox and then Plaid's through its hosted page, and their transactions
// appear. Every page passes axe-core with no
// serious or critical violation and is photographed at 360 px and 1280 px.
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PASSWORD, email, startTestStack, username, type TestStack } from '../../../bff/test/bff.harness.js';
import { startBankStack, type BankStack } from '../../../bff/test/bank.harness.js';
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

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe('The web app in a browser', function () {
  this.timeout(300_000);
  let browser: Browser;

  before(async function () {
    this.timeout(600_000);
    ensureBuilt();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  describe('a family: budgets, expenses, chores, jars and badges', () => {
    let stack: TestStack;
    let web: RunningWeb;
    let parentContext: BrowserContext;
    let childContext: BrowserContext;
    let parent: Page;
    let child: Page;
    reportPagesOnFailure(() => [parent, child]);
    const kidLogin = username('kim');

    before(async () => {
      // Only persisted operations, as deployed (k8s bff-config): the homes and the chore mutations
      // are sent by their ids.
      stack = await startTestStack({
        gamification: true,
        notification: true,
        bffEnv: { GRAPHQL_PERSISTED_ONLY: 'true' },
      });
      web = await startWeb(stack.bff.url);
      parentContext = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin' });
      childContext = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin' });
      parent = await parentContext.newPage();
      child = await childContext.newPage();
    });
    after(async () => {
      await parentContext?.close();
      await childContext?.close();
      await web?.stop();
      await stack?.stop();
    });

    it('refuses a wrong password with a readable message', async () => {
      await parent.goto(`${web.url}/login`);
      await parent.getByLabel('Email or username').fill('nobody@example.com');
      await parent.getByLabel('Password').fill('not the password');
      await parent.getByRole('button', { name: 'Log in' }).click();
      const alert = parent.locator('p.error');
      await alert.waitFor();
      expect(await alert.textContent()).to.match(/not right/);
      await checkPage(parent, 'login');
    });

    it('lets a parent sign up, create a family and add a child', async () => {
      await signUpWithFamily(parent, web, 'Pat', true);
      await checkPage(parent, 'dashboard-empty');
      await addChild(parent, 'Kim', kidLogin);
      await checkPage(parent, 'members');
    });

    it('lets a second parent join the family with the invite code', async () => {
      await parent.getByRole('button', { name: 'Invite a second parent' }).click();
      const code = (await parent.getByTestId('invite-code').textContent())!.trim();
      const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin' });
      try {
        const second = await context.newPage();
        await second.goto(`${web.url}/signup`);
        await second.getByLabel('Your name').fill('Sam');
        await second.getByLabel('Email').fill(email('sam'));
        await second.getByLabel('Password').fill(PASSWORD);
        await second.getByRole('button', { name: 'Sign up' }).click();
        await second.waitForURL('**/family/new');
        await second.getByRole('textbox', { name: 'Invite code' }).fill(code);
        await checkPage(second, 'family-join');
        await second.getByRole('button', { name: 'Join' }).click();
        await second.waitForURL('**/dashboard');
        await second.getByRole('heading', { name: 'The Pats' }).waitFor();
      } finally {
        await context.close();
      }
    });

    it('moves the budget bar as expenses are recorded', async () => {
      await parent.getByRole('link', { name: 'Budgets' }).click();
      await parent.getByLabel('Budget name').fill('Household');
      await parent.getByLabel('Amount (EUR)').fill('200');
      await parent.getByRole('button', { name: 'Add a budget' }).click();
      await parent.getByTestId('budget-Household').waitFor();
      await checkPage(parent, 'budgets');

      await parent.getByRole('link', { name: 'Overview' }).click();
      const bar = parent.getByTestId('budget-Household').getByRole('progressbar');
      await bar.waitFor();
      expect(await bar.getAttribute('aria-valuenow')).to.equal('0');

      await parent.getByRole('link', { name: 'Expenses' }).click();
      for (const [amount, what] of [
        ['42,50', 'Groceries'],
        ['7.50', 'Bakery'],
      ] as const) {
        await parent.getByLabel('Amount (EUR)').fill(amount);
        await parent.getByLabel('Description').first().fill(what);
        await parent.getByRole('button', { name: 'Add an expense' }).click();
        await parent.getByTestId('expense-list').getByText(what).waitFor();
      }
      expect(await parent.getByTestId('expense-list').textContent()).to.include('€42.50');
      await checkPage(parent, 'expenses');

      await parent.getByRole('link', { name: 'Overview' }).click();
      await parent.getByTestId('budget-Household').getByText('€50.00 of €200.00').waitFor();
      expect(
        await parent.getByTestId('budget-Household').getByRole('progressbar').getAttribute('aria-valuenow'),
      ).to.equal('25');
      await checkPage(parent, 'dashboard');
    });

    it('tells a parent kindly when someone else changed the expense first', async () => {
      await parent.getByRole('link', { name: 'Expenses' }).click();
      await parent.getByRole('button', { name: 'Edit Bakery' }).click();
      // Meanwhile, the same expense is changed from another device.
      const changed = await parent.evaluate(async () => {
        const tokens = JSON.parse(sessionStorage.getItem('family.session')!) as { accessToken: string };
        const auth = { Authorization: `Bearer ${tokens.accessToken}` };
        const me = await (await fetch('/v1/me', { headers: auth })).json();
        const familyId = me.memberships[0].family.id as string;
        const list = await (await fetch(`/v1/families/${familyId}/expenses?q=Bakery`, { headers: auth })).json();
        const x = list.items[0];
        const r = await fetch(`/v1/families/${familyId}/expenses/${x.id}`, {
          method: 'PATCH',
          headers: { ...auth, 'Content-Type': 'application/json', 'If-Match': `"${x.version}"` },
          body: JSON.stringify({ description: 'Bakery (rolls)' }),
        });
        return r.status;
      });
      expect(changed).to.equal(200);
      await parent.getByLabel('Amount', { exact: true }).fill('8');
      await parent.getByRole('button', { name: 'Save' }).click();
      await parent.getByText('Someone else changed this expense meanwhile').waitFor();
      await checkPage(parent, 'expense-conflict');
      // Saving again on the version now shown goes through.
      await parent.getByRole('button', { name: 'Save' }).click();
      await parent.getByTestId('expense-list').getByText('€8.00').waitFor();
    });

    // A second try (mocha's retries) finds the first try's chore and money: it adds a chore of its own
    // and counts what the jars gained.
    let choreTries = 0;
    it("pays a child's approved chore into their jars and shows the badge live", async () => {
      choreTries += 1;
      const chore = choreTries === 1 ? 'Tidy room' : `Tidy room ${choreTries}`;
      await parent.getByRole('link', { name: 'Chores' }).click();
      await parent.getByLabel('Chore', { exact: true }).fill(chore);
      await parent.getByLabel('Reward (EUR)').fill('2');
      await parent.getByRole('button', { name: 'Add a chore' }).click();
      await parent.getByText(chore, { exact: true }).first().waitFor();

      await child.goto(`${web.url}/login`);
      await child.getByLabel('Email or username').fill(kidLogin);
      await child.getByLabel('Password').fill(PASSWORD);
      await child.getByRole('button', { name: 'Log in' }).click();
      await child.waitForURL('**/child');
      await child.getByTestId('jar-spend').waitFor();
      // The three jars together, in cents.
      const jarsTotal = async () => {
        const amounts = ['jar-spend', 'jar-save', 'jar-give'].map(async (id) =>
          Math.round(Number((await child.getByTestId(id).textContent())!.replace(/[^\d.]/g, '')) * 100),
        );
        return (await Promise.all(amounts)).reduce((a, b) => a + b, 0);
      };
      const before = await jarsTotal();
      if (choreTries === 1) expect(await child.getByTestId('jar-spend').textContent()).to.equal('€0.00');
      await child.getByRole('button', { name: `Done! ${chore}`, exact: true }).click();
      await child.getByTestId(`chore-status-${chore}`).getByText('Waiting for approval').waitFor();
      await checkPage(child, 'child-home');

      await parent.reload();
      await parent.getByRole('button', { name: `Approve ${chore}`, exact: true }).click();
      await parent.getByText('Nothing to approve.').waitFor();
      await checkPage(parent, 'chores');

      // No reload on the child's page: the notifications arrive over SSE and the page re-reads.
      await child.getByTestId(`chore-status-${chore}`).getByText('Approved').waitFor();
      await child.getByTestId('badges').getByText('🏅 First chore').waitFor();
      await child.getByTestId('unread-badge').waitFor();
      expect(await child.getByTestId('jars').textContent()).to.not.equal(null);
      expect((await jarsTotal()) - before).to.equal(200);
      await checkPage(child, 'child-home-after');
    });

    it('shows the news, the reports and a child the parent-only pages refuse', async () => {
      await child.getByRole('link', { name: /News/ }).click();
      await child.getByTestId('inbox').getByText('Chore approved!').waitFor();
      await checkPage(child, 'notifications');
      await child.goto(`${web.url}/budgets`);
      await child.waitForURL('**/child');

      await parent.getByRole('link', { name: 'Reports' }).click();
      await parent
        .getByRole('row', { name: /€50\.50|€50\.00|€8\.00/ })
        .first()
        .waitFor();
      await checkPage(parent, 'reports');
      await parent.getByRole('button', { name: 'By member' }).click();
      await parent.getByRole('row', { name: /Pat/ }).waitFor();
    });

    it('keeps the session when the server cannot be reached, and reads it again on request', async () => {
      // The session's first read fails as on a dropped connection (or a page left mid-request).
      await parent.route('**/v1/me', (route) => route.abort('connectionrefused'), { times: 1 });
      await parent.goto(`${web.url}/budgets`);
      await parent.locator('main p.error').getByText('The server cannot be reached').waitFor();
      expect(new URL(parent.url()).pathname).to.equal('/budgets');
      await checkPage(parent, 'session-unreadable');
      await parent.getByRole('button', { name: 'Try again' }).click();
      await parent.getByRole('link', { name: 'Budgets' }).waitFor();
      await parent.locator('main p.error').waitFor({ state: 'detached' });
      expect(new URL(parent.url()).pathname).to.equal('/budgets');
    });

    it('logs out back to the login page', async () => {
      await parent.getByRole('button', { name: 'Log out' }).click();
      await parent.waitForURL('**/login');
      await parent.goto(`${web.url}/dashboard`);
      await parent.waitForURL('**/login');
    });
  });

  describe('bank linking', () => {
    let bank: BankStack;
    let web: RunningWeb;
    let context: BrowserContext;
    /** The parent's tab (the session lives in it), signed up by the first test and kept for the next. */
    let page: Page | undefined;
    reportPagesOnFailure(() => [page]);

    before(async () => {
      bank = await startBankStack({ bankEnv: { BANK_SYNC_WAIT_MS: '10000' } });
      web = await startWeb(bank.bff.url);
      context = await browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    });
    after(async () => {
      await context?.close();
      await web?.stop();
      await bank?.stop();
    });

    it("links the TrueLayer sandbox and shows the bank's transactions, in German", async () => {
      bank.trueLayer.sandbox.add({
        accountId: 'acc_checking',
        amount: '23.40',
        direction: 'OUT',
        currency: 'EUR',
        bookedOn: daysAgo(2),
        pending: false,
        description: 'Cinema tickets',
        merchant: 'Cineworld',
      });
      page = await context.newPage();
      await page.goto(`${web.url}/signup`);
      // The browser's language is German: the texts are.
      await page.getByRole('button', { name: 'Registrieren' }).waitFor();
      await page.getByRole('combobox', { name: 'Sprache' }).selectOption('en');
      await signUpWithFamily(page, web, 'Alex', false);
      await page.getByRole('combobox', { name: 'Language' }).selectOption('de');
      await page.getByRole('link', { name: 'Bank' }).click();
      await page.getByRole('combobox', { name: 'Bankanbieter' }).selectOption('TRUELAYER');
      await checkPage(page, 'bank-empty');
      await page.getByRole('button', { name: 'Bank verbinden' }).click();
      await page.waitForURL('**/bank');
      await page.getByTestId('connections').getByText('Verbunden').waitFor();
      // The first sync may still be running when the page comes back: the button comes back once it is
      // done (the page reads again meanwhile); ask for one more and wait for it.
      await page.getByRole('button', { name: 'Jetzt abgleichen' }).click();
      await page.getByTestId('bank-transactions').getByText('Cinema tickets').waitFor();
      // German formatting: decimal comma, the sign after the amount (a no-break space between).
      expect((await page.getByTestId('bank-transactions').textContent())!.replace(/\s/g, ' ')).to.include('23,40 €');
      await checkPage(page, 'bank');
    });

    it('links the Plaid sandbox through Plaid’s hosted page, back with the state alone', async () => {
      if (!page) throw new Error('the TrueLayer test signs the parent up first');
      bank.plaid.sandbox.add({
        accountId: 'acc_checking',
        amount: '4.80',
        direction: 'OUT',
        currency: 'EUR',
        bookedOn: daysAgo(1),
        pending: false,
        description: 'Bakery',
        merchant: 'Bäckerei Schmidt',
      });
      await page.getByRole('combobox', { name: 'Bankanbieter' }).selectOption('PLAID');
      // Plaid's page (the sandbox's) signs the parent in and sends the browser back to /bank/callback?state=…
      const hostedPage = page.waitForRequest((r) => r.url().startsWith(`${bank.plaid.url}/hl/`));
      await page.getByRole('button', { name: 'Bank verbinden' }).click();
      await hostedPage;
      const plaid = page.getByTestId('connections').locator('li').nth(1);
      await plaid.getByText('Verbunden').waitFor();
      expect(bank.plaid.controls.items(), 'linked on the hosted page').to.have.length(1);
      await plaid.getByRole('button', { name: 'Jetzt abgleichen' }).click();
      await page.getByTestId('bank-transactions').getByText('Bakery').waitFor();
      expect((await page.getByTestId('bank-transactions').textContent())!.replace(/\s/g, ' ')).to.include('4,80 €');
    });
  });
});

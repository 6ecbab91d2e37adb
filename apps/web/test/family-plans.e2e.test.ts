// The family-plans screens in a real browser (Debian's chromium through playwright-core) against the
// real services and BFF: a parent gives a child a weekly allowance with a jar split (still there after
// a reload, then changed), a goal the parents match at 50 % that fills with the match, and an expense
// split across two categories whose shares are checked before sending, refused by the BFF when a
// category appears twice, and edited. Every page passes axe-core and is photographed.
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestStack, username, type TestStack } from '../../../bff/test/bff.harness.js';
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

describe('The family-plans screens in a browser', function () {
  this.timeout(300_000);
  let browser: Browser;
  let stack: TestStack;
  let web: RunningWeb;
  let context: BrowserContext;
  let parent: Page;
  const kidLogin = username('kai');

  before(async function () {
    this.timeout(600_000);
    ensureBuilt();
    browser = await launchBrowser();
    // The BFF runs only persisted operations, as a deployment serving only its own apps would: the
    // dashboard is sent by its id.
    stack = await startTestStack({
      gamification: true,
      notification: true,
      bffEnv: { GRAPHQL_PERSISTED_ONLY: 'true' },
    });
    web = await startWeb(stack.bff.url);
    context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin' });
    parent = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await web?.stop();
    await stack?.stop();
    await browser?.close();
  });
  reportPagesOnFailure(() => [parent]);

  it('lets a parent sign up and add a child', async () => {
    await signUpWithFamily(parent, web, 'Robin', false);
    await parent.getByRole('heading', { name: 'The Robins' }).waitFor();
    await parent.getByRole('heading', { name: 'Children' }).waitFor();
    expect(await parent.locator('p.error').count()).to.equal(0);
    await checkPage(parent, 'plans-dashboard');
    await addChild(parent, 'Kai', kidLogin);
    await checkPage(parent, 'plans-members');
  });

  it('gives the child a weekly allowance with a jar split, kept after a reload and changed', async () => {
    await parent.goto(`${web.url}/allowances`);
    await parent.getByText('No allowances yet.').waitFor();
    await checkPage(parent, 'allowances-empty');
    await parent.getByLabel('Amount (EUR)').fill('5');
    await parent.getByLabel('How often').selectOption('WEEKLY');
    await parent.getByLabel('Payday').selectOption({ label: 'Saturday' });
    await parent.getByLabel('Use the child’s default split').uncheck();
    await parent.getByLabel('Give (%)').fill('20');
    await parent.getByRole('button', { name: 'Add an allowance' }).click();
    // Checked before sending: 50 + 40 + 20 is not 100.
    await parent.getByRole('alert').getByText('must add up to 100 % (now 110 %)').waitFor();
    await parent.getByLabel('Give (%)').fill('10');
    await parent.getByRole('button', { name: 'Add an allowance' }).click();
    const item = parent.getByTestId('allowance-Kai');
    await item.waitFor();
    const text = (await item.textContent())!;
    for (const part of ['€5.00', 'Every week', 'Saturday', 'Spend 50 % / Save 40 % / Give 10 %', 'Next payday:'])
      expect(text).to.include(part);
    await checkPage(parent, 'allowances');

    await parent.reload();
    await parent.getByTestId('allowance-Kai').getByText('€5.00').waitFor();

    await parent.getByRole('button', { name: 'Edit Allowance for Kai' }).click();
    const form = parent.getByRole('form', { name: 'Edit Allowance for Kai' });
    await form.getByLabel('Amount (EUR)').fill('6');
    await checkPage(parent, 'allowance-edit');
    await form.getByRole('button', { name: 'Save' }).click();
    await parent.getByTestId('allowance-Kai').getByText('€6.00').waitFor();
  });

  it('fills a goal the parents match at 50 %', async () => {
    // Kai has €10 in the Save jar (a parent's deposit, through the API).
    const deposited = await parent.evaluate(async () => {
      const tokens = JSON.parse(sessionStorage.getItem('family.session')!) as { accessToken: string };
      const auth = { Authorization: `Bearer ${tokens.accessToken}` };
      const me = await (await fetch('/v1/me', { headers: auth })).json();
      const familyId = me.memberships[0].family.id as string;
      const members = await (await fetch(`/v1/families/${familyId}/members`, { headers: auth })).json();
      const kid = (members.items as { id: string; role: string }[]).find((m) => m.role === 'CHILD')!;
      const r = await fetch(`/v1/families/${familyId}/members/${kid.id}/ledger`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind: 'DEPOSIT', jar: 'SAVE', amountMinor: 1000, memo: 'pocket money' }),
      });
      return r.status;
    });
    expect(deposited).to.equal(201);

    await parent.goto(`${web.url}/goals`);
    const kai = parent.getByTestId('goals-of-Kai');
    await kai.getByText('Save jar: €10.00').waitFor();
    await checkPage(parent, 'goals-empty');
    await parent.getByLabel('Goal name').fill('Bike');
    await parent.getByLabel('Target (EUR)').fill('30');
    await parent.getByLabel('Parents add (% of each saving)').fill('50');
    await parent.getByRole('button', { name: 'Add a goal' }).click();
    const goal = parent.getByTestId('goal-Bike');
    await goal.getByText('€0.00 of €30.00').waitFor();
    expect(await goal.textContent()).to.include('Parents add 50 %');

    await goal.getByLabel('From').selectOption('SAVE_JAR');
    await goal.getByLabel('Amount (EUR)').fill('4');
    await goal.getByRole('button', { name: 'Add money to Bike' }).click();
    // €4 from the jar and €2 of match.
    await goal.getByText('€6.00 of €30.00').waitFor();
    await goal.getByText('Added by parents: €2.00').waitFor();
    expect(await goal.getByRole('progressbar').getAttribute('aria-valuenow')).to.equal('20');
    await kai.getByText('Save jar: €6.00').waitFor();
    await checkPage(parent, 'goals');

    await parent.reload();
    await parent.getByTestId('goal-Bike').getByText('Added by parents: €2.00').waitFor();
  });

  it('splits an expense across two categories and edits a share', async () => {
    await parent.getByRole('link', { name: 'Expenses' }).click();
    const add = parent.getByRole('region', { name: 'Add an expense' });
    await add.getByLabel('Amount (EUR)').fill('30');
    await add.getByLabel('Description').fill('Weekly shop');
    await add.getByLabel('Split across categories').check();
    await add.getByLabel('Part 1: category').selectOption({ label: 'Groceries' });
    await add.getByLabel('Part 1: amount').fill('20');
    await add.getByLabel('Part 2: category').selectOption({ label: 'Dining' });
    await add.getByLabel('Part 2: amount').fill('5');
    await add.getByText('Left to assign: €5.00').waitFor();
    await checkPage(parent, 'expense-split-add');
    await add.getByRole('button', { name: 'Add an expense' }).click();
    // Checked before sending: the parts must add up to the expense.
    await add.getByRole('alert').getByText('The parts add up to €25.00, but the expense is €30.00.').waitFor();
    await add.getByLabel('Part 2: amount').fill('10');
    await add.getByRole('button', { name: 'Add an expense' }).click();
    const list = parent.getByTestId('expense-list');
    await list.getByText('Split: Groceries €20.00, Dining €10.00').waitFor();
    await checkPage(parent, 'expenses-split');

    await parent.getByRole('button', { name: 'Edit Weekly shop' }).click();
    const form = parent.getByRole('form', { name: 'Edit Weekly shop' });
    expect(await form.getByLabel('Part 1: amount').inputValue()).to.equal('20.00');
    // The same category twice: the BFF refuses, and says which field.
    await form.getByLabel('Part 2: category').selectOption({ label: 'Groceries' });
    await form.getByRole('button', { name: 'Save' }).click();
    await form
      .getByRole('alert')
      .getByText(/splits\.1\.categoryId: appears twice/)
      .waitFor();
    await checkPage(parent, 'expense-split-error');
    await form.getByLabel('Part 2: category').selectOption({ label: 'Dining' });
    await form.getByLabel('Part 1: amount').fill('18');
    await form.getByLabel('Part 2: amount').fill('12');
    await form.getByRole('button', { name: 'Save' }).click();
    await list.getByText('Split: Groceries €18.00, Dining €12.00').waitFor();
    await checkPage(parent, 'expenses-split-edited');
  });
});

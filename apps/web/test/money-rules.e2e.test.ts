// The money-rules screens in a real browser against the real services and BFF: a parent builds a
// category tree, adds a rule ("bakery" → Bread) and applies it to an expense recorded before, which
// then shows its category; a regular expression that does not compile is refused at its field; a
// child's daily limit is set and still there after a reload; a monthly recurring expense shows its
// next dates. Every page passes axe-core and is photographed at 360 px and 1280 px.
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

describe('The money-rules screens in a browser', function () {
  this.timeout(300_000);
  let browser: Browser;
  let stack: TestStack;
  let web: RunningWeb;
  let context: BrowserContext;
  let parent: Page;

  before(async function () {
    this.timeout(600_000);
    ensureBuilt();
    browser = await launchBrowser();
    stack = await startTestStack();
    web = await startWeb(stack.bff.url);
    context = await browser.newContext({ locale: 'en-GB', timezoneId: 'America/Los_Angeles' });
    parent = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await web?.stop();
    await stack?.stop();
    await browser?.close();
  });
  reportPagesOnFailure(() => [parent]);

  it('lets a parent sign up, add a child and record an uncategorized expense', async () => {
    await signUpWithFamily(parent, web, 'Robin', false);
    await addChild(parent, 'Kim', username('kim'));

    await parent.getByRole('link', { name: 'Expenses' }).click();
    await parent.getByLabel('Amount (EUR)').fill('3,20');
    await parent.getByLabel('Description').first().fill('Bakery');
    await parent.getByRole('button', { name: 'Add an expense' }).click();
    await parent.getByTestId('expense-list').getByText('Bakery').waitFor();
    expect(await parent.getByTestId('expense-list').textContent()).to.include('Uncategorized');
  });

  it('builds a category tree, applies a rule to existing expenses and shows the category', async () => {
    await parent.goto(`${web.url}/categories`);
    // A new family starts with the default categories.
    await parent.getByTestId('category-tree').waitFor();
    await checkPage(parent, 'categories-defaults');
    const addCategory = parent.getByRole('region', { name: 'Add a category' });
    await addCategory.getByLabel('Category name').fill('Food');
    await addCategory.getByRole('button', { name: 'Add a category' }).click();
    await parent.getByTestId('category-Food').waitFor();
    await addCategory.getByLabel('Category name').fill('Bread');
    await addCategory.getByLabel('Inside').selectOption({ label: 'Food' });
    await addCategory.getByRole('button', { name: 'Add a category' }).click();
    // Bread is listed inside Food's item, one level down.
    await parent.getByTestId('category-Food').getByTestId('category-Bread').waitFor();

    const addRule = parent.getByRole('form', { name: 'Add a rule' });
    await addRule.getByLabel('Rule name').fill('Bakery rule');
    await addRule.getByLabel('Pattern').fill('bakery');
    await addRule.getByLabel('Then category').selectOption({ label: 'Food › Bread' });
    await addRule.getByRole('button', { name: 'Add a rule' }).click();
    await parent
      .getByTestId('rule-Bakery rule')
      .getByText('description or merchant contains “bakery” → Bread')
      .waitFor();

    await parent.getByRole('button', { name: 'Apply to existing expenses' }).click();
    const result = parent.getByText(/uncategorized expenses got a category/);
    await result.waitFor();
    expect(await result.textContent()).to.match(/^1 of [1-9]\d* uncategorized expenses got a category\.$/);
    await checkPage(parent, 'categories');

    await parent.getByRole('link', { name: 'Expenses' }).click();
    const bakery = parent.getByTestId('expense-list').getByRole('listitem').filter({ hasText: 'Bakery' });
    await bakery.waitFor();
    await bakery.getByText('Bread').waitFor();
    expect(await bakery.textContent()).to.not.include('Uncategorized');
    await checkPage(parent, 'expenses-categorized');
  });

  it('shows why a regular expression is refused, at its field', async () => {
    await parent.goto(`${web.url}/categories`);
    const rules = parent.getByTestId('rules').getByRole('listitem');
    await parent.getByTestId('rule-Bakery rule').waitFor();
    const before = await rules.count();
    const addRule = parent.getByRole('form', { name: 'Add a rule' });
    await addRule.getByLabel(/^Match/).selectOption('REGEX');
    await addRule.getByLabel('Pattern').fill('(unclosed');
    await addRule.getByLabel('Then category').selectOption({ label: 'Food' });
    await addRule.getByRole('button', { name: 'Add a rule' }).click();
    const error = parent.getByTestId('pattern-error');
    await error.waitFor();
    expect(await error.getAttribute('role')).to.equal('alert');
    expect(await error.textContent()).to.match(/^Pattern “\(unclosed”: .+/);
    expect(await addRule.getByLabel('Pattern').getAttribute('aria-invalid')).to.equal('true');
    await checkPage(parent, 'categories-bad-regex');
    // Nothing was created.
    expect(await rules.count()).to.equal(before);
  });

  it("keeps a child's daily limit after a reload", async () => {
    await parent.goto(`${web.url}/limits`);
    const kim = parent.getByTestId('limits-Kim');
    await kim.getByLabel('Per day (EUR)').waitFor();
    await checkPage(parent, 'limits-empty');
    await kim.getByLabel('Per day (EUR)').fill('5');
    await kim.getByRole('button', { name: 'Save limits' }).click();
    await kim.getByText('Saved.').waitFor();
    await parent.reload();
    await kim.getByTestId('limits-summary-Kim').getByText('Per day: €5.00 · Per week: — · Per month: —').waitFor();
    expect(await kim.getByLabel('Per day (EUR)').inputValue()).to.equal('5.00');
    expect(await kim.getByLabel('Per week (EUR)').inputValue()).to.equal('');
    await checkPage(parent, 'limits');
  });

  it('creates a monthly recurring expense and previews its next dates', async () => {
    await parent.goto(`${web.url}/recurring`);
    await parent.getByText('No recurring expenses yet.').waitFor();
    await checkPage(parent, 'recurring-empty');
    const add = parent.getByRole('form', { name: 'Add a recurring expense' });
    await add.getByLabel('Description').fill('Music lessons');
    await add.getByLabel('Amount (EUR)').fill('30');
    await add.getByLabel('Repeats').selectOption('MONTHLY');
    await add.getByLabel('First date').fill('2030-01-15');
    await add.getByRole('button', { name: 'Add a recurring expense' }).click();
    const item = parent.getByTestId('recurring-Music lessons');
    // The day stays the family's 15 January (English: US style), whatever the viewer's zone (here: Los Angeles).
    await item.getByText('Next: Jan 15, 2030').waitFor();
    expect(await item.textContent()).to.include('€30.00');

    await item.getByRole('button', { name: 'Next dates: Music lessons' }).click();
    const dates = parent.getByTestId('preview-Music lessons').getByRole('listitem');
    await dates.first().waitFor();
    expect(await dates.allTextContents()).to.deep.equal([
      'Jan 15, 2030',
      'Feb 15, 2030',
      'Mar 15, 2030',
      'Apr 15, 2030',
      'May 15, 2030',
    ]);
    await checkPage(parent, 'recurring');
  });
});

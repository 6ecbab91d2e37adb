import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { expectGrpcError } from '@family/testing';
import { CategorizationMatchField, CategorizationMatchType } from '@family/contracts/expense/v1/expense';
import {
  household,
  startTestAuth,
  startTestExpense,
  type AuthHarness,
  type ExpenseHarness,
  type Household,
} from './expense.harness.js';

describe('ExpenseService categorization rules', () => {
  let auth: AuthHarness;
  let h: ExpenseHarness;
  before(async () => {
    auth = await startTestAuth();
    h = await startTestExpense(auth);
  });
  after(async () => {
    await h.stop();
    await auth.stop();
  });

  const cat = async (f: Household, name: string) =>
    (await h.client.listCategories({ familyId: f.familyId, page: { limit: 200 } }, f.asParent)).categories.find(
      (c) => c.name === name,
    )!.id;

  it('categorizes a new expense by the first matching rule in priority order, adding its tags', async () => {
    const f = await household(auth);
    const [cafes, fuel, supermarket] = [await cat(f, 'Cafes'), await cat(f, 'Fuel'), await cat(f, 'Supermarket')];
    await h.client.createCategorizationRule(
      { familyId: f.familyId, priority: 20, pattern: 'shell', categoryId: fuel, addTags: ['car'] },
      f.asParent,
    );
    await h.client.createCategorizationRule(
      {
        familyId: f.familyId,
        priority: 10,
        matchField: CategorizationMatchField.CATEGORIZATION_MATCH_FIELD_DESCRIPTION,
        matchType: CategorizationMatchType.CATEGORIZATION_MATCH_TYPE_REGEX,
        pattern: '^(latte|espresso)\\b',
        maxAmountMinor: 1000,
        categoryId: cafes,
      },
      f.asParent,
    );
    await h.client.createCategorizationRule(
      { familyId: f.familyId, priority: 30, pattern: 'shop', minAmountMinor: 5000, categoryId: supermarket },
      f.asParent,
    );
    const e = (payload: { description: string; merchant?: string; amountMinor: number }) =>
      h.client.createExpense({ familyId: f.familyId, ...payload }, f.asChild).then((r) => r.expense!);
    const latte = await e({ description: 'Latte to go', merchant: 'Shell station', amountMinor: 450 });
    expect(latte.categoryId).to.equal(cafes);
    const petrol = await e({ description: 'Petrol', merchant: 'SHELL', amountMinor: 6000 });
    expect(petrol.categoryId).to.equal(fuel);
    expect(petrol.tags).to.deep.equal(['car']);
    expect((await e({ description: 'Corner shop', amountMinor: 100 })).categoryId).to.equal('');
    expect((await e({ description: 'Corner shop', amountMinor: 6000 })).categoryId).to.equal(supermarket);
    const rules = await h.client.listCategorizationRules({ familyId: f.familyId }, f.asParent);
    expect(rules.rules.map((r) => r.priority)).to.deep.equal([10, 20, 30]);
  });

  it('learns a merchant rule when a parent recategorizes an expense', async () => {
    const f = await household(auth);
    const toys = await cat(f, 'Toys');
    const first = (
      await h.client.createExpense(
        { familyId: f.familyId, amountMinor: 999, description: 'Lego', merchant: 'Toy Palace' },
        f.asParent,
      )
    ).expense!;
    expect(first.categoryId).to.equal('');
    await h.client.updateExpense({ familyId: f.familyId, expenseId: first.id, categoryId: toys }, f.asParent);
    const next = (
      await h.client.createExpense(
        { familyId: f.familyId, amountMinor: 500, description: 'Puzzle', merchant: ' toy palace ' },
        f.asChild,
      )
    ).expense!;
    expect(next.categoryId).to.equal(toys);
    const rules = await h.client.listCategorizationRules({ familyId: f.familyId }, f.asParent);
    expect(rules.rules.map((r) => [r.name, r.pattern, r.matchType])).to.deep.equal([
      ['Learned: Toy Palace', 'toy palace', CategorizationMatchType.CATEGORIZATION_MATCH_TYPE_EQUALS],
    ]);
    // Re-categorizing again re-points the same learned rule rather than adding another.
    const games = await cat(f, 'Games');
    await h.client.updateExpense({ familyId: f.familyId, expenseId: next.id, categoryId: games }, f.asParent);
    const again = await h.client.listCategorizationRules({ familyId: f.familyId }, f.asParent);
    expect(again.rules.map((r) => r.categoryId)).to.deep.equal([games]);
  });

  it('re-applies rules to past uncategorized expenses, with a dry run first', async () => {
    const f = await household(auth);
    const streaming = await cat(f, 'Streaming');
    for (const description of ['Netflix March', 'Netflix April', 'Bakery']) {
      await h.client.createExpense({ familyId: f.familyId, amountMinor: 1299, description }, f.asParent);
    }
    const rule = await h.client.createCategorizationRule(
      { familyId: f.familyId, pattern: 'netflix', categoryId: streaming, addTags: ['tv'] },
      f.asParent,
    );
    const dry = await h.client.applyCategorizationRules({ familyId: f.familyId, dryRun: true }, f.asParent);
    expect(dry).to.deep.equal({ examinedCount: 3, categorizedCount: 2 });
    const none = await h.client.listExpenses({ familyId: f.familyId, uncategorizedOnly: true }, f.asParent);
    expect(none.expenses).to.have.length(3);
    const run = await h.client.applyCategorizationRules({ familyId: f.familyId, ruleIds: [rule.rule!.id] }, f.asParent);
    expect(run).to.deep.equal({ examinedCount: 3, categorizedCount: 2 });
    const tv = await h.client.listExpenses({ familyId: f.familyId, tag: 'tv' }, f.asParent);
    expect(tv.expenses.map((e) => [e.categoryId, e.version])).to.deep.equal([
      [streaming, 2],
      [streaming, 2],
    ]);
  });

  it('validates rules, refuses children, and hides other families', async () => {
    const f = await household(auth);
    const other = await household(auth);
    const failure = await expectGrpcError(
      h.client.createCategorizationRule(
        {
          familyId: f.familyId,
          matchType: CategorizationMatchType.CATEGORIZATION_MATCH_TYPE_REGEX,
          pattern: '(unclosed',
          minAmountMinor: 10,
          maxAmountMinor: 5,
          categoryId: '',
        },
        f.asParent,
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal(['pattern', 'maxAmountMinor', 'categoryId']);
    const fuel = await cat(f, 'Fuel');
    await expectGrpcError(
      h.client.createCategorizationRule({ familyId: f.familyId, pattern: 'x', categoryId: fuel }, f.asChild),
      Status.PERMISSION_DENIED,
    );
    await expectGrpcError(
      h.client.applyCategorizationRules({ familyId: f.familyId }, f.asChild),
      Status.PERMISSION_DENIED,
    );
    const rule = await h.client.createCategorizationRule(
      { familyId: f.familyId, pattern: 'x', categoryId: fuel },
      f.asParent,
    );
    await expectGrpcError(
      h.client.updateCategorizationRule({ familyId: other.familyId, ruleId: rule.rule!.id, name: 'y' }, other.asParent),
      Status.NOT_FOUND,
    );
    const updated = await h.client.updateCategorizationRule(
      { familyId: f.familyId, ruleId: rule.rule!.id, expectedVersion: 1, enabled: false },
      f.asParent,
    );
    expect(updated.rule).to.include({ enabled: false, version: 2 });
    await expectGrpcError(
      h.client.deleteCategorizationRule(
        { familyId: f.familyId, ruleId: rule.rule!.id, expectedVersion: 1 },
        f.asParent,
      ),
      Status.FAILED_PRECONDITION,
      'VERSION_MISMATCH',
    );
    await h.client.deleteCategorizationRule(
      { familyId: f.familyId, ruleId: rule.rule!.id, expectedVersion: 2 },
      f.asParent,
    );
  });
  it('matches regex rules in linear time: a catastrophic pattern answers on a long description', async () => {
    const f = await household(auth);
    const fuel = await cat(f, 'Fuel');
    await h.client.createCategorizationRule(
      {
        familyId: f.familyId,
        matchField: CategorizationMatchField.CATEGORIZATION_MATCH_FIELD_DESCRIPTION,
        matchType: CategorizationMatchType.CATEGORIZATION_MATCH_TYPE_REGEX,
        pattern: '(a+)+$',
        categoryId: fuel,
      },
      f.asParent,
    );
    const hostile = await h.client.createExpense(
      { familyId: f.familyId, description: `${'a'.repeat(150)}!`, amountMinor: 100 },
      f.asChild,
    );
    expect(hostile.expense!.categoryId).to.equal('');
    const plain = await h.client.createExpense(
      { familyId: f.familyId, description: 'a'.repeat(150), amountMinor: 100 },
      f.asChild,
    );
    expect(plain.expense!.categoryId).to.equal(fuel);
  });

  it('refuses a regex pattern RE2 cannot run, naming pattern, at creation and update', async () => {
    const f = await household(auth);
    const fuel = await cat(f, 'Fuel');
    const regex = CategorizationMatchType.CATEGORIZATION_MATCH_TYPE_REGEX;
    for (const pattern of ['(?<=shell )station', '(a)\\1']) {
      const failure = await expectGrpcError(
        h.client.createCategorizationRule(
          { familyId: f.familyId, matchType: regex, pattern, categoryId: fuel },
          f.asParent,
        ),
        Status.INVALID_ARGUMENT,
      );
      expect(failure.violations.map((v) => v.field)).to.deep.equal(['pattern']);
    }
    const rule = await h.client.createCategorizationRule(
      { familyId: f.familyId, matchType: regex, pattern: 'shell', categoryId: fuel },
      f.asParent,
    );
    const failure = await expectGrpcError(
      h.client.updateCategorizationRule(
        { familyId: f.familyId, ruleId: rule.rule!.id, expectedVersion: 1, pattern: '(?=shell)' },
        f.asParent,
      ),
      Status.INVALID_ARGUMENT,
    );
    expect(failure.violations.map((v) => v.field)).to.deep.equal(['pattern']);
  });
});

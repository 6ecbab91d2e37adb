// What a valid expense looks like, independent of where it came from (app, CSV, bank, jar, schedule).
import { hash } from 'node:crypto';
import { charLength, type Violations } from '@family/errors';
import { currencyRefusal } from '@family/service-kit/money';
import { MAX_AMOUNT_MINOR } from './money.rules.js';

export const MAX_TAGS = 20;
export const MAX_SPLITS = 20;

export interface SplitInput {
  categoryId: string;
  amountMinor: number;
}

export interface ExpenseFields {
  amountMinor: number;
  currency: string;
  description: string;
  merchant: string;
  categoryId: string | null;
  tags: string[];
  note: string;
  splits: SplitInput[];
}

/** Tags are compared case-insensitively: stored trimmed, lower-cased, single-spaced, unique. */
export function normalizeTag(tag: string): string {
  return tag.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map(normalizeTag).filter(Boolean))];
}

export function checkTags(v: Violations, field: string, tags: readonly string[]): void {
  v.check(tags.length <= MAX_TAGS, field, `at most ${MAX_TAGS} tags`);
  tags.forEach((t, i) => {
    const n = normalizeTag(t);
    v.check(charLength(n) >= 1 && charLength(n) <= 40, `${field}.${i}`, 'must be 1-40 characters');
  });
}

export function checkAmount(v: Violations, field: string, amountMinor: number): void {
  v.check(
    Number.isInteger(amountMinor) && amountMinor > 0 && amountMinor <= MAX_AMOUNT_MINOR,
    field,
    'must be a positive whole number of minor units',
  );
}

/**
 * Field checks shared by every way an expense is written; names are the REST (camelCase) ones.
 * `kept` are currencies already in place (the family's, the expense's own): accepted even when
 * withdrawn from ISO 4217 since, so old data stays editable; any other currency must be current.
 */
export function checkExpenseFields(v: Violations, e: ExpenseFields, prefix = '', kept: readonly string[] = []): void {
  checkAmount(v, `${prefix}amountMinor`, e.amountMinor);
  const refusal = kept.includes(e.currency) ? undefined : currencyRefusal(e.currency);
  if (refusal) v.add(`${prefix}currency`, refusal);
  const description = e.description.trim();
  v.check(
    charLength(description) >= 1 && charLength(description) <= 200,
    `${prefix}description`,
    'must be 1-200 characters',
  );
  v.check(charLength(e.merchant.trim()) <= 100, `${prefix}merchant`, 'must be at most 100 characters');
  v.check(charLength(e.note) <= 1000, `${prefix}note`, 'must be at most 1000 characters');
  checkTags(v, `${prefix}tags`, e.tags);
  checkSplits(v, prefix, e);
}

export function checkSplits(
  v: Violations,
  prefix: string,
  e: Pick<ExpenseFields, 'amountMinor' | 'categoryId' | 'splits'>,
) {
  if (e.splits.length === 0) return;
  const field = `${prefix}splits`;
  if (e.categoryId) v.add(`${prefix}categoryId`, 'must be empty when the expense is split');
  if (e.splits.length < 2 || e.splits.length > MAX_SPLITS) {
    v.add(field, `must have 2-${MAX_SPLITS} parts`);
    return;
  }
  const seen = new Set<string>();
  let sum = 0;
  e.splits.forEach((s, i) => {
    checkAmount(v, `${field}.${i}.amountMinor`, s.amountMinor);
    if (seen.has(s.categoryId)) v.add(`${field}.${i}.categoryId`, 'appears twice in the splits');
    seen.add(s.categoryId);
    sum += s.amountMinor;
  });
  v.check(sum === e.amountMinor, field, `parts must add up to amountMinor (${e.amountMinor}), they add up to ${sum}`);
}

/**
 * What makes two expenses "the same" for duplicate detection on CSV import: who, when, how much,
 * and the text, compared case- and space-insensitively.
 */
export function expenseFingerprint(e: {
  memberId: string;
  occurredOn: string;
  amountMinor: number;
  currency: string;
  description: string;
  merchant: string;
}): string {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  const text = [e.memberId, e.occurredOn, e.amountMinor, e.currency, norm(e.description), norm(e.merchant)].join(
    '\u001f',
  );
  return hash('sha256', text, 'base64url').slice(0, 32);
}

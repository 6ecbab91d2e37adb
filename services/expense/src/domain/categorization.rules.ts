// Categorization rules: conditions on an expense's text, amount, member and source → a category and
// tags. The first enabled rule in priority order that matches wins.
import { RE2JS } from 're2js';
import { charLength, type Violations } from '@family/errors';
import type { ExpenseSourceName } from './expense.records.js';

export type MatchField = 'DESCRIPTION' | 'MERCHANT' | 'ANY';
export type MatchType = 'CONTAINS' | 'EQUALS' | 'STARTS_WITH' | 'REGEX';

export interface Rule {
  id: string;
  priority: number;
  matchField: MatchField;
  matchType: MatchType;
  pattern: string;
  minAmountMinor: number | null;
  maxAmountMinor: number | null;
  memberId: string | null;
  source: ExpenseSourceName | null;
  categoryId: string;
  addTags: string[];
  enabled: boolean;
}

export interface Categorizable {
  description: string;
  merchant: string;
  baseAmountMinor: number;
  memberId: string;
  source: ExpenseSourceName;
}

/** Priority of learned merchant rules: after every rule a person wrote with a default priority. */
export const LEARNED_RULE_PRIORITY = 1000;
export const DEFAULT_RULE_PRIORITY = 100;
/** Regexes run on short texts only and are short themselves; RE2 matches in linear time anyway. */
const MAX_PATTERN = 200;
const MAX_TEXT = 300;

export function checkRulePattern(v: Violations, matchType: MatchType, pattern: string): void {
  v.check(
    pattern.trim().length >= 1 && charLength(pattern) <= MAX_PATTERN,
    'pattern',
    `must be 1-${MAX_PATTERN} characters`,
  );
  if (matchType === 'REGEX' && compileRegex(pattern) === undefined) {
    v.add('pattern', 'is not a regular expression this service accepts (RE2 syntax: no backreferences or lookaround)');
  }
}

/**
 * A REGEX rule's pattern compiled by RE2 (no backtracking: matching is linear in the text, so no
 * pattern can stall the process), case-insensitive; undefined when RE2 refuses it.
 */
function compileRegex(pattern: string): RE2JS | undefined {
  try {
    return RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch {
    return undefined;
  }
}

export function normalizeText(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

type Matcher = (text: string) => boolean;

function matcherFor(rule: Rule): Matcher | undefined {
  const p = normalizeText(rule.pattern);
  switch (rule.matchType) {
    case 'CONTAINS':
      return (t) => normalizeText(t).includes(p);
    case 'EQUALS':
      return (t) => normalizeText(t) === p;
    case 'STARTS_WITH':
      return (t) => normalizeText(t).startsWith(p);
    case 'REGEX': {
      const re = compileRegex(rule.pattern);
      if (!re) return undefined;
      return (t) => re.matcher(Array.from(t).slice(0, MAX_TEXT).join('')).find();
    }
  }
}

/**
 * Rules compiled once (regexes built once) for applying to many expenses. A stored REGEX pattern
 * RE2 refuses (saved before patterns were checked with RE2) is skipped, never a failure: it is
 * listed in `skipped` for the caller to log.
 */
export class RuleSet {
  private readonly compiled: { rule: Rule; match: Matcher }[] = [];
  readonly skipped: Rule[] = [];

  constructor(rules: readonly Rule[]) {
    const ordered = rules.filter((r) => r.enabled).sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : 1));
    for (const rule of ordered) {
      const match = matcherFor(rule);
      if (match) this.compiled.push({ rule, match });
      else this.skipped.push(rule);
    }
  }

  get size(): number {
    return this.compiled.length;
  }

  /** The first rule that matches, or undefined. */
  firstMatch(e: Categorizable): Rule | undefined {
    for (const { rule, match } of this.compiled) {
      if (rule.memberId && rule.memberId !== e.memberId) continue;
      if (rule.source && rule.source !== e.source) continue;
      if (rule.minAmountMinor !== null && e.baseAmountMinor < rule.minAmountMinor) continue;
      if (rule.maxAmountMinor !== null && e.baseAmountMinor > rule.maxAmountMinor) continue;
      const texts =
        rule.matchField === 'DESCRIPTION'
          ? [e.description]
          : rule.matchField === 'MERCHANT'
            ? [e.merchant]
            : [e.description, e.merchant];
      if (texts.some((t) => t !== '' && match(t))) return rule;
    }
    return undefined;
  }
}

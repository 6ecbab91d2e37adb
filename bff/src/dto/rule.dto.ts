// REST shapes for categorization rules and their mapping from the expense service's protos.
import { z } from 'zod';
import {
  CategorizationMatchField,
  CategorizationMatchType,
  type ApplyCategorizationRulesResponse,
  type CategorizationRule,
} from '@family/contracts/expense/v1/expense';
import { ExpenseSource } from '@family/contracts/common/v1/common';
import { present } from './auth.dto.js';
import { Source, withOptional } from './expense.dto.js';
import { protoEnum } from './proto.enum.js';

export const MatchField = protoEnum(
  CategorizationMatchField,
  'CATEGORIZATION_MATCH_FIELD_',
  ['DESCRIPTION', 'MERCHANT', 'ANY'],
  'RuleMatchField',
);
export const MatchType = protoEnum(
  CategorizationMatchType,
  'CATEGORIZATION_MATCH_TYPE_',
  ['CONTAINS', 'EQUALS', 'STARTS_WITH', 'REGEX'],
  'RuleMatchType',
);

export const CategorizationRuleDto = z
  .object({
    id: z.string(),
    name: z.string(),
    priority: z.int().meta({ description: 'Lower runs first; the first matching rule wins' }),
    matchField: MatchField.schema,
    matchType: MatchType.schema,
    pattern: z.string().meta({ description: 'Compared case-insensitively' }),
    minAmountMinor: z.int().optional().meta({ description: 'Inclusive bound on the base amount' }),
    maxAmountMinor: z.int().optional().meta({ description: 'Inclusive bound on the base amount' }),
    memberId: z.string().optional().meta({ description: "Only this member's expenses; absent means anyone's" }),
    source: Source.schema.optional().meta({ description: 'Only expenses from this source; absent means any' }),
    categoryId: z.string(),
    addTags: z.array(z.string()),
    enabled: z.boolean(),
    version: z.int(),
    createdAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'CategorizationRule' });

export const RulesAppliedDto = z
  .object({
    examinedCount: z.int().meta({ description: 'Uncategorized expenses looked at' }),
    categorizedCount: z.int().meta({ description: 'Expenses that got a category' }),
    dryRun: z.boolean(),
  })
  .meta({ id: 'CategorizationRulesApplied' });

export type CategorizationRuleDto = z.infer<typeof CategorizationRuleDto>;

export function toCategorizationRuleDto(rule: CategorizationRule | undefined): CategorizationRuleDto {
  const r = present(rule, 'rule');
  const dto = withOptional<CategorizationRuleDto>(
    {
      id: r.id,
      name: r.name,
      priority: r.priority,
      matchField: MatchField.fromProto(r.matchField),
      matchType: MatchType.fromProto(r.matchType),
      pattern: r.pattern,
      categoryId: r.categoryId,
      addTags: r.addTags,
      enabled: r.enabled,
      version: r.version,
    },
    { memberId: r.memberId },
  );
  if (r.minAmountMinor !== undefined) dto.minAmountMinor = r.minAmountMinor;
  if (r.maxAmountMinor !== undefined) dto.maxAmountMinor = r.maxAmountMinor;
  if (r.source !== ExpenseSource.EXPENSE_SOURCE_UNSPECIFIED) dto.source = Source.fromProto(r.source);
  if (r.createdAt) dto.createdAt = r.createdAt.toISOString();
  return dto;
}

export function toRulesAppliedDto(r: ApplyCategorizationRulesResponse, dryRun: boolean) {
  return { examinedCount: r.examinedCount, categorizedCount: r.categorizedCount, dryRun };
}

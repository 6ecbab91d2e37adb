// REST shapes for a member's jars (balance, ledger entries, jar settings) and their mapping from the
// goals service's protos: enums without their prefix, timestamps as ISO strings, empty ids dropped.
import { z } from 'zod';
import { Jar } from '@family/contracts/common/v1/common';
import {
  LedgerEntryKind,
  type Balance,
  type JarSettings,
  type JarSplit,
  type LedgerEntry,
} from '@family/contracts/goals/v1/goals';
import { present } from './auth.dto.js';
import { withOptional } from './expense.dto.js';
import { protoEnum } from './proto.enum.js';

export const JarName = protoEnum(Jar, 'JAR_', ['SPEND', 'SAVE', 'GIVE'], 'Jar');
export const LedgerKind = protoEnum(
  LedgerEntryKind,
  'LEDGER_ENTRY_KIND_',
  [
    'DEPOSIT',
    'WITHDRAWAL',
    'TRANSFER',
    'SPEND',
    'ALLOWANCE',
    'CHORE_REWARD',
    'INTEREST',
    'GOAL_CONTRIBUTION',
    'GOAL_REFUND',
  ],
  'LedgerEntryKind',
);
/** The kinds a client may post; the others are written by the service. */
export const PostableKinds = ['DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'SPEND'] as const;

const percent = z.int().min(0).max(100);

/** Whole percentages of incoming money per jar; the service checks they sum to 100. */
export const JarSplitDto = z
  .object({ spend: percent, save: percent, give: percent })
  .meta({ id: 'JarSplit', description: 'Percent of incoming money per jar, summing to 100' });

export const BalanceDto = z
  .object({
    memberId: z.string(),
    currency: z.string(),
    spendMinor: z.int(),
    saveMinor: z.int(),
    giveMinor: z.int(),
    goalsMinor: z.int().meta({ description: "Held in the member's goals (not part of saveMinor)" }),
  })
  .meta({ id: 'Balance' });

export const LedgerEntryDto = z
  .object({
    id: z.string(),
    memberId: z.string(),
    jar: JarName.schema,
    amountMinor: z.int().meta({ description: 'Signed: positive credits the jar, negative debits it' }),
    currency: z.string(),
    kind: LedgerKind.schema,
    memo: z.string(),
    at: z.iso.datetime(),
    balanceAfterMinor: z.int().meta({ description: "The jar's balance after this entry" }),
    transferId: z.string().optional().meta({ description: 'Shared by both legs of a TRANSFER' }),
    description: z.string().optional().meta({ description: 'SPEND: what was bought' }),
    merchant: z.string().optional(),
    categoryId: z.string().optional(),
    goalId: z.string().optional(),
    choreId: z.string().optional(),
    allowanceId: z.string().optional(),
    createdByMemberId: z.string().optional().meta({ description: 'Absent for scheduled entries' }),
  })
  .meta({ id: 'LedgerEntry' });

export const PostedLedgerDto = z
  .object({
    entries: z.array(LedgerEntryDto).meta({ description: 'One entry, or two for a TRANSFER (debit, credit)' }),
    balance: BalanceDto,
  })
  .meta({ id: 'PostedLedgerEntries' });

export const JarSettingsDto = z
  .object({
    memberId: z.string(),
    defaultSplit: JarSplitDto,
    interestMonthlyRateBps: z.int().meta({ description: 'Monthly interest on SAVE in basis points; 0 = none' }),
    interestCapMinor: z.int().meta({ description: 'Most interest paid per month; 0 = no cap' }),
    currency: z.string(),
    updatedAt: z.iso.datetime().optional().meta({ description: 'Absent until first set' }),
  })
  .meta({ id: 'JarSettings' });

export type BalanceDto = z.infer<typeof BalanceDto>;
export type LedgerEntryDto = z.infer<typeof LedgerEntryDto>;
export type JarSettingsDto = z.infer<typeof JarSettingsDto>;
export type JarSplitDto = z.infer<typeof JarSplitDto>;

export function toJarSplitDto(split: JarSplit | undefined): JarSplitDto | undefined {
  return split && { spend: split.spend, save: split.save, give: split.give };
}

export function toBalanceDto(balance: Balance | undefined): BalanceDto {
  const b = present(balance, 'balance');
  return {
    memberId: b.memberId,
    currency: b.currency,
    spendMinor: b.spendMinor,
    saveMinor: b.saveMinor,
    giveMinor: b.giveMinor,
    goalsMinor: b.goalsMinor,
  };
}

export function toLedgerEntryDto(entry: LedgerEntry): LedgerEntryDto {
  return withOptional<LedgerEntryDto>(
    {
      id: entry.id,
      memberId: entry.memberId,
      jar: JarName.fromProto(entry.jar),
      amountMinor: entry.amountMinor,
      currency: entry.currency,
      kind: LedgerKind.fromProto(entry.kind),
      memo: entry.memo,
      at: present(entry.at, 'ledgerEntry.at').toISOString(),
      balanceAfterMinor: entry.balanceAfterMinor,
    },
    {
      transferId: entry.transferId,
      description: entry.description,
      merchant: entry.merchant,
      categoryId: entry.categoryId,
      goalId: entry.goalId,
      choreId: entry.choreId,
      allowanceId: entry.allowanceId,
      createdByMemberId: entry.createdByMemberId,
    },
  );
}

export function toJarSettingsDto(settings: JarSettings | undefined): JarSettingsDto {
  const s = present(settings, 'settings');
  const dto: JarSettingsDto = {
    memberId: s.memberId,
    defaultSplit: present(toJarSplitDto(s.defaultSplit), 'settings.defaultSplit'),
    interestMonthlyRateBps: s.interestMonthlyRateBps,
    interestCapMinor: s.interestCapMinor,
    currency: s.currency,
  };
  if (s.updatedAt) dto.updatedAt = s.updatedAt.toISOString();
  return dto;
}

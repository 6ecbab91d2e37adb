// Hands synced transactions to ExpenseService.ImportBankTransactions with this service's token
// (scope expense:import), in batches the expense service accepts.
import type { Client } from 'nice-grpc';
import {
  BankTransactionAction,
  BankTransactionStatus,
  type ExpenseServiceDefinition,
} from '@family/contracts/expense/v1/expense';
import { BankProvider } from '@family/contracts/common/v1/common';
import { callMetadata, type KitCallOptions } from '@family/grpc-kit';
import { dayToMessage } from '@family/service-kit';
import type { ExpenseChange } from '../domain/sync.plan.js';

export const EXPENSE_BATCH = 5000;

export interface ImportCounts {
  added: number;
  modified: number;
  removed: number;
  unchanged: number;
  skipped: number;
}

const ACTION = {
  ADDED: BankTransactionAction.BANK_TRANSACTION_ACTION_ADDED,
  MODIFIED: BankTransactionAction.BANK_TRANSACTION_ACTION_MODIFIED,
  REMOVED: BankTransactionAction.BANK_TRANSACTION_ACTION_REMOVED,
} as const;

export class ExpenseImporter {
  constructor(
    private readonly client: Client<typeof ExpenseServiceDefinition, KitCallOptions>,
    private readonly token: () => Promise<string>,
    private readonly deadlineMs = 60_000,
  ) {}

  /** Sends the changes in order, in batches the expense service accepts. */
  async import(familyId: string, changes: readonly ExpenseChange[]): Promise<ImportCounts> {
    const total: ImportCounts = { added: 0, modified: 0, removed: 0, unchanged: 0, skipped: 0 };
    for (let i = 0; i < changes.length; i += EXPENSE_BATCH) {
      add(total, await this.send(familyId, changes.slice(i, i + EXPENSE_BATCH)));
    }
    return total;
  }

  private async send(familyId: string, changes: readonly ExpenseChange[]): Promise<ImportCounts> {
    return this.client.importBankTransactions(
      {
        familyId,
        transactions: changes.map((c) => ({
          provider: BankProvider[`BANK_PROVIDER_${c.provider}`],
          providerTransactionId: c.providerTransactionId,
          pendingTransactionId: c.pendingTransactionId,
          accountId: c.accountId,
          connectionId: c.connectionId,
          memberId: c.memberId,
          amountMinor: c.amountMinor,
          currency: c.currency,
          occurredOn: dayToMessage(c.occurredOn),
          description: c.description,
          merchant: c.merchant,
          status: c.pending
            ? BankTransactionStatus.BANK_TRANSACTION_STATUS_PENDING
            : BankTransactionStatus.BANK_TRANSACTION_STATUS_POSTED,
          action: ACTION[c.action],
          providerCategory: '',
        })),
      },
      { metadata: callMetadata({ token: await this.token() }), deadline: this.deadlineMs },
    );
  }
}

function add(total: ImportCounts, r: ImportCounts): void {
  total.added += r.added;
  total.modified += r.modified;
  total.removed += r.removed;
  total.unchanged += r.unchanged;
  total.skipped += r.skipped;
}

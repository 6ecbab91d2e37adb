// The bank service's domain events, written to its event log in the transaction of the change.
import type { Kysely } from 'kysely';
import { BankProvider } from '@family/contracts/common/v1/common';
import { newEvent, type Outbox } from '@family/outbox';
import type { BankDatabase } from '../db/schema.js';
import type { Connection, Sync } from '../domain/bank.records.js';

const SOURCE = 'bank';
const provider = (c: Connection) => BankProvider[`BANK_PROVIDER_${c.provider}`];

export type ReauthReason = 'REAUTH_REQUIRED' | 'CONSENT_EXPIRED' | 'REVOKED';

export class BankEvents {
  constructor(private readonly outbox: Outbox) {}

  async needsReauth(trx: Kysely<BankDatabase>, c: Connection, reason: ReauthReason): Promise<void> {
    await this.outbox.enqueue(trx, [
      newEvent({
        source: SOURCE,
        familyId: c.familyId,
        payload: {
          $case: 'bankConnectionNeedsReauth',
          value: {
            connectionId: c.id,
            provider: provider(c),
            institutionName: c.institutionName,
            reason,
            status: reason === 'REVOKED' ? 'REVOKED' : 'NEEDS_REAUTH',
            createdByMemberId: c.createdByMemberId,
          },
        },
      }),
    ]);
  }

  async syncCompleted(trx: Kysely<BankDatabase>, c: Connection, s: Sync): Promise<void> {
    await this.outbox.enqueue(trx, [
      newEvent({
        source: SOURCE,
        familyId: c.familyId,
        payload: {
          $case: 'bankSyncCompleted',
          value: {
            connectionId: c.id,
            added: s.added,
            modified: s.modified,
            removed: s.removed,
            syncId: s.id,
            skipped: s.skipped,
          },
        },
      }),
    ]);
  }

  async consentExpiring(trx: Kysely<BankDatabase>, c: Connection, expiresAt: Date): Promise<void> {
    await this.outbox.enqueue(trx, [
      newEvent({
        source: SOURCE,
        familyId: c.familyId,
        payload: {
          $case: 'bankConsentExpiring',
          value: {
            connectionId: c.id,
            provider: provider(c),
            institutionName: c.institutionName,
            consentExpiresAt: expiresAt,
            createdByMemberId: c.createdByMemberId,
          },
        },
      }),
    ]);
  }
}

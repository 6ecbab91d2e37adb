// The bank service's domain records (camelCase, no proto, no SQL): what stores return and use cases use.
import type { Day } from '@family/service-kit/calendar';
import type { AccountKind, ProviderName } from '../adapters/bank.adapter.js';

export type ConnectionStatusName = 'ACTIVE' | 'NEEDS_REAUTH' | 'ERROR' | 'REVOKED';
export const CONNECTION_STATUSES: readonly ConnectionStatusName[] = ['ACTIVE', 'NEEDS_REAUTH', 'ERROR', 'REVOKED'];

export type SyncStateName = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export const SYNC_STATES: readonly SyncStateName[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'];

export type SyncTriggerName = 'LINK' | 'MANUAL' | 'WEBHOOK' | 'SCHEDULE' | 'RETRY';
export const SYNC_TRIGGERS: readonly SyncTriggerName[] = ['LINK', 'MANUAL', 'WEBHOOK', 'SCHEDULE', 'RETRY'];

export const PROVIDERS: readonly ProviderName[] = ['PLAID', 'TRUELAYER', 'TINK', 'FINICITY', 'SALTEDGE'];
export const ACCOUNT_KINDS: readonly AccountKind[] = [
  'CHECKING',
  'SAVINGS',
  'CREDIT_CARD',
  'LOAN',
  'INVESTMENT',
  'OTHER',
];

export interface Connection {
  id: string;
  familyId: string;
  provider: ProviderName;
  providerConnectionId: string;
  institutionId: string;
  institutionName: string;
  status: ConnectionStatusName;
  errorCode: string;
  errorMessage: string;
  cursor: string;
  firstSyncFrom: Day | null;
  lastSyncedAt: Date | null;
  consentExpiresAt: Date | null;
  consentNotifiedFor: Date | null;
  createdByMemberId: string;
  createdByUserId: string;
  nextSyncAt: Date;
  syncRequested: boolean;
  syncFailures: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The encrypted credentials of a connection, as stored. */
export interface SealedCredentials {
  keyId: string;
  data: Uint8Array;
}

export interface Account {
  id: string;
  familyId: string;
  connectionId: string;
  provider: ProviderName;
  institutionName: string;
  providerAccountId: string;
  name: string;
  providerName: string;
  customName: string | null;
  mask: string;
  kind: AccountKind;
  currency: string;
  currentBalanceMinor: number | null;
  availableBalanceMinor: number | null;
  balanceAsOf: Date | null;
  /** The member assigned; null → the connection's creator. */
  memberId: string | null;
  tracked: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** An account as the provider reported it, with balances in minor units. */
export interface AccountSnapshot {
  providerAccountId: string;
  name: string;
  mask: string;
  kind: AccountKind;
  currency: string;
  currentBalanceMinor: number | null;
  availableBalanceMinor: number | null;
  balanceAsOf: Date;
}

export interface Sync {
  id: string;
  familyId: string;
  connectionId: string;
  state: SyncStateName;
  trigger: SyncTriggerName;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  added: number;
  modified: number;
  removed: number;
  skipped: number;
  fetched: number;
  errorCode: string;
  errorMessage: string;
  retryAt: Date | null;
}

export interface SyncCounts {
  added: number;
  modified: number;
  removed: number;
  skipped: number;
  fetched: number;
}

export interface LinkSessionRecord {
  id: string;
  familyId: string;
  memberId: string;
  userId: string;
  provider: ProviderName;
  redirectUri: string;
  connectionId: string | null;
  /** Hosted by the provider (Plaid Hosted Link): its handle, read back when the app returns with the state. */
  hostedSessionRef: string | null;
  expiresAt: Date;
  usedAt: Date | null;
}

/** A provider transaction as stored here: normalised, amountMinor > 0 is money out. */
export interface StoredTransaction {
  connectionId: string;
  providerTransactionId: string;
  familyId: string;
  accountId: string;
  amountMinor: number;
  currency: string;
  bookedOn: Day;
  pending: boolean;
  pendingTransactionId: string | null;
  supersededBy: string | null;
  transferKey: string | null;
  description: string;
  merchant: string;
  removedAt: Date | null;
}

/** Savings and loan accounts are ignored until a parent tracks them: moving money there is not spending. */
export function trackedByDefault(kind: AccountKind): boolean {
  return kind !== 'SAVINGS' && kind !== 'LOAN' && kind !== 'INVESTMENT';
}

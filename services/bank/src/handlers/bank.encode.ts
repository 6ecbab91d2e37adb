// Domain records ↔ BankService messages: the enum codecs and the encoders of every response shape.
import { BankProvider } from '@family/contracts/common/v1/common';
import {
  AccountType,
  ConnectionStatus,
  LinkFlow,
  SyncState,
  SyncTrigger,
  type Account as AccountMessage,
  type Connection as ConnectionMessage,
  type Sync as SyncMessage,
} from '@family/contracts/bank/v1/bank';
import { enumCodec } from '@family/service-kit';
import type { BankAdapter } from '../adapters/bank.adapter.js';
import {
  ACCOUNT_KINDS,
  CONNECTION_STATUSES,
  PROVIDERS,
  SYNC_STATES,
  SYNC_TRIGGERS,
  type Account,
  type Connection,
  type Sync,
} from '../domain/bank.records.js';

export const providerCodec = enumCodec('BANK_PROVIDER_', PROVIDERS, BankProvider);
const statusCodec = enumCodec('CONNECTION_STATUS_', CONNECTION_STATUSES, ConnectionStatus);
const accountTypeCodec = enumCodec('ACCOUNT_TYPE_', ACCOUNT_KINDS, AccountType);
const syncStateCodec = enumCodec('SYNC_STATE_', SYNC_STATES, SyncState);
const syncTriggerCodec = enumCodec('SYNC_TRIGGER_', SYNC_TRIGGERS, SyncTrigger);
const flowCodec = enumCodec('LINK_FLOW_', ['TOKEN_EXCHANGE', 'REDIRECT'] as const, LinkFlow);

export function encodeProvider(a: BankAdapter) {
  return {
    provider: providerCodec.encode(a.provider),
    displayName: a.displayName,
    countries: [...a.countries],
    flow: flowCodec.encode(a.flow),
    hostedLink: a.hostedLink ?? false,
  };
}

export function encodeSync(s: Sync): SyncMessage {
  return {
    id: s.id,
    connectionId: s.connectionId,
    state: syncStateCodec.encode(s.state),
    trigger: syncTriggerCodec.encode(s.trigger),
    requestedAt: s.requestedAt,
    startedAt: s.startedAt ?? undefined,
    finishedAt: s.finishedAt ?? undefined,
    added: s.added,
    modified: s.modified,
    removed: s.removed,
    skipped: s.skipped,
    fetched: s.fetched,
    errorCode: s.errorCode,
    errorMessage: s.errorMessage,
    retryAt: s.retryAt ?? undefined,
  };
}

export function encodeConnection(c: Connection, lastSync?: Sync): ConnectionMessage {
  return {
    id: c.id,
    provider: providerCodec.encode(c.provider),
    institutionId: c.institutionId,
    institutionName: c.institutionName,
    status: statusCodec.encode(c.status),
    errorCode: c.errorCode,
    errorMessage: c.errorMessage,
    lastSyncedAt: c.lastSyncedAt ?? undefined,
    consentExpiresAt: c.consentExpiresAt ?? undefined,
    createdByMemberId: c.createdByMemberId,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    nextSyncAt: c.status === 'ACTIVE' || c.status === 'ERROR' ? c.nextSyncAt : undefined,
    lastSync: lastSync ? encodeSync(lastSync) : undefined,
  };
}

export function encodeAccount(a: Account): AccountMessage {
  return {
    id: a.id,
    connectionId: a.connectionId,
    provider: providerCodec.encode(a.provider),
    providerAccountId: a.providerAccountId,
    name: a.name,
    mask: a.mask,
    type: accountTypeCodec.encode(a.kind),
    currency: a.currency,
    currentBalanceMinor: a.currentBalanceMinor ?? 0,
    availableBalanceMinor: a.availableBalanceMinor ?? 0,
    memberId: a.memberId ?? '',
    updatedAt: a.updatedAt,
    tracked: a.tracked,
    version: a.version,
    balanceAsOf: a.balanceAsOf ?? undefined,
    hasCurrentBalance: a.currentBalanceMinor !== null,
    hasAvailableBalance: a.availableBalanceMinor !== null,
    institutionName: a.institutionName,
  };
}

// The REST shapes of bank links: providers, link sessions, connections, syncs and accounts, mapped
// from family.bank.v1. Provider tokens never appear here: the bank service never returns them.
import { z } from 'zod';
import {
  AccountType,
  ConnectionStatus,
  LinkFlow,
  SyncState,
  SyncTrigger,
  type Account,
  type Connection,
  type LinkSession,
  type Provider,
  type Sync,
} from '@family/contracts/bank/v1/bank';
import { BankProvider } from '@family/contracts/common/v1/common';
import { present } from './auth.dto.js';
import { protoEnum } from './proto.enum.js';

export const bankProvider = protoEnum(
  BankProvider,
  'BANK_PROVIDER_',
  ['PLAID', 'TRUELAYER', 'TINK', 'FINICITY', 'SALTEDGE'],
  'BankProvider',
);
export type BankProviderName = z.infer<typeof bankProvider.schema>;

/** The providers as they appear in webhook paths (`/v1/webhooks/truelayer`). */
export const WEBHOOK_PROVIDERS = ['plaid', 'truelayer', 'tink', 'finicity', 'saltedge'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

export const providerOfPath = (p: WebhookProvider): BankProvider =>
  bankProvider.toProto(p.toUpperCase() as BankProviderName);

export const connectionStatus = protoEnum(
  ConnectionStatus,
  'CONNECTION_STATUS_',
  ['ACTIVE', 'NEEDS_REAUTH', 'ERROR', 'REVOKED'],
  'BankConnectionStatus',
);
export const linkFlow = protoEnum(LinkFlow, 'LINK_FLOW_', ['TOKEN_EXCHANGE', 'REDIRECT'], 'BankLinkFlow');
export const syncState = protoEnum(
  SyncState,
  'SYNC_STATE_',
  ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'],
  'BankSyncState',
);
export const syncTrigger = protoEnum(
  SyncTrigger,
  'SYNC_TRIGGER_',
  ['LINK', 'MANUAL', 'WEBHOOK', 'SCHEDULE', 'RETRY'],
  'BankSyncTrigger',
);
export const accountType = protoEnum(
  AccountType,
  'ACCOUNT_TYPE_',
  ['CHECKING', 'SAVINGS', 'CREDIT_CARD', 'LOAN', 'INVESTMENT', 'OTHER'],
  'BankAccountType',
);

const instant = z.iso.datetime();

export const BankProviderInfoDto = z
  .object({
    provider: bankProvider.schema,
    displayName: z.string(),
    countries: z.array(z.string()).meta({ description: 'ISO 3166-1 alpha-2 codes' }),
    flow: linkFlow.schema.meta({
      description:
        'TOKEN_EXCHANGE: open the provider widget with linkToken, send back its public token; ' +
        'REDIRECT: open linkUrl, send back the code and state the provider redirects with',
    }),
    hostedLink: z.boolean().meta({
      description:
        'A TOKEN_EXCHANGE provider that also hosts the whole flow (Plaid Hosted Link): ask the link session ' +
        'with a redirectUri, open its linkUrl, and send back only the state the user returns with',
    }),
  })
  .meta({ id: 'BankProviderInfo' });

export const LinkSessionDto = z
  .object({
    provider: bankProvider.schema,
    linkToken: z.string().optional().meta({ description: 'TOKEN_EXCHANGE providers (Plaid): for the widget' }),
    linkUrl: z.string().optional().meta({
      description: 'REDIRECT providers, and Plaid’s Hosted Link when a redirectUri was given: the page to open',
    }),
    state: z.string().meta({ description: 'Send it back with the connection; single-use, bound to you' }),
    expiresAt: instant,
  })
  .meta({ id: 'BankLinkSession' });

export const BankSyncDto = z
  .object({
    id: z.string(),
    connectionId: z.string(),
    state: syncState.schema,
    trigger: syncTrigger.schema,
    requestedAt: instant,
    startedAt: instant.optional(),
    finishedAt: instant.optional(),
    added: z.int().meta({ description: 'Expenses created' }),
    modified: z.int().meta({ description: 'Expenses changed (e.g. a pending transaction posted)' }),
    removed: z.int().meta({ description: 'Expenses removed because the bank removed the transaction' }),
    skipped: z.int().meta({ description: 'Income, transfers between the family’s accounts, ignored accounts' }),
    fetched: z.int().meta({ description: 'Provider transactions read' }),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
    retryAt: instant.optional().meta({ description: 'A failed sync that will be retried by itself: when' }),
  })
  .meta({ id: 'BankSync' });

export const BankConnectionDto = z
  .object({
    id: z.string(),
    provider: bankProvider.schema,
    institutionId: z.string(),
    institutionName: z.string(),
    status: connectionStatus.schema.meta({
      description: 'NEEDS_REAUTH: create a link session with this connectionId to sign in again',
    }),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
    lastSyncedAt: instant.optional(),
    consentExpiresAt: instant.optional(),
    nextSyncAt: instant.optional(),
    createdByMemberId: z.string(),
    createdAt: instant,
    updatedAt: instant.optional(),
    lastSync: BankSyncDto.optional().meta({ description: 'The latest sync, running or finished' }),
  })
  .meta({ id: 'BankConnection' });

export const BankAccountDto = z
  .object({
    id: z.string(),
    connectionId: z.string(),
    provider: bankProvider.schema,
    institutionName: z.string(),
    name: z.string(),
    mask: z.string().meta({ description: 'Last digits of the account number' }),
    type: accountType.schema,
    currency: z.string(),
    currentBalanceMinor: z.int().nullable().meta({ description: 'null when the bank gave none' }),
    availableBalanceMinor: z.int().nullable().meta({ description: 'null when the bank gave none' }),
    balanceAsOf: instant.optional().meta({ description: 'When the bank reported the balances' }),
    memberId: z.string().nullable().meta({ description: 'Whose spending it is; null: the parent who linked it' }),
    tracked: z.boolean().meta({ description: 'False: its transactions never become expenses' }),
    version: z.int().meta({ description: 'Send it back in If-Match to change the account' }),
    updatedAt: instant.optional(),
  })
  .meta({ id: 'BankAccount' });

export const BankConnectionDetailDto = BankConnectionDto.extend({ accounts: z.array(BankAccountDto) }).meta({
  id: 'BankConnectionDetail',
});

export const BankSyncStatusDto = z
  .object({ sync: BankSyncDto, connection: BankConnectionDto })
  .meta({ id: 'BankSyncStatus' });

export type BankSyncDto = z.infer<typeof BankSyncDto>;
export type BankConnectionDto = z.infer<typeof BankConnectionDto>;
export type BankAccountDto = z.infer<typeof BankAccountDto>;

const iso = (d: Date | undefined) => d?.toISOString();
const text = (s: string) => (s === '' ? undefined : s);

/** Drops the keys whose value is undefined (absent from the JSON, as OpenAPI documents them). */
function defined<T extends object>(dto: T): T {
  for (const key of Object.keys(dto) as (keyof T)[]) if (dto[key] === undefined) delete dto[key];
  return dto;
}

export function toProviderDto(p: Provider) {
  return {
    provider: bankProvider.fromProto(p.provider),
    displayName: p.displayName,
    countries: p.countries,
    flow: linkFlow.fromProto(p.flow),
    hostedLink: p.hostedLink,
  };
}

export function toLinkSessionDto(provider: BankProvider, session: LinkSession | undefined) {
  const s = present(session, 'session');
  return defined({
    provider: bankProvider.fromProto(provider),
    linkToken: text(s.linkToken),
    linkUrl: text(s.linkUrl),
    state: s.state,
    expiresAt: present(s.expiresAt, 'session.expiresAt').toISOString(),
  });
}

export function toSyncDto(sync: Sync | undefined): BankSyncDto {
  const s = present(sync, 'sync');
  return defined({
    id: s.id,
    connectionId: s.connectionId,
    state: syncState.fromProto(s.state),
    trigger: syncTrigger.fromProto(s.trigger),
    requestedAt: present(s.requestedAt, 'sync.requestedAt').toISOString(),
    startedAt: iso(s.startedAt),
    finishedAt: iso(s.finishedAt),
    added: s.added,
    modified: s.modified,
    removed: s.removed,
    skipped: s.skipped,
    fetched: s.fetched,
    errorCode: text(s.errorCode),
    errorMessage: text(s.errorMessage),
    retryAt: iso(s.retryAt),
  });
}

export function toConnectionDto(connection: Connection | undefined, latest?: Sync): BankConnectionDto {
  const c = present(connection, 'connection');
  const lastSync = c.lastSync ?? latest;
  return defined({
    id: c.id,
    provider: bankProvider.fromProto(c.provider),
    institutionId: c.institutionId,
    institutionName: c.institutionName,
    status: connectionStatus.fromProto(c.status),
    errorCode: text(c.errorCode),
    errorMessage: text(c.errorMessage),
    lastSyncedAt: iso(c.lastSyncedAt),
    consentExpiresAt: iso(c.consentExpiresAt),
    nextSyncAt: iso(c.nextSyncAt),
    createdByMemberId: c.createdByMemberId,
    createdAt: present(c.createdAt, 'connection.createdAt').toISOString(),
    updatedAt: iso(c.updatedAt),
    lastSync: lastSync ? toSyncDto(lastSync) : undefined,
  });
}

export function toAccountDto(a: Account): BankAccountDto {
  return defined({
    id: a.id,
    connectionId: a.connectionId,
    provider: bankProvider.fromProto(a.provider),
    institutionName: a.institutionName,
    name: a.name,
    mask: a.mask,
    type: accountType.fromProto(a.type),
    currency: a.currency,
    currentBalanceMinor: a.hasCurrentBalance ? a.currentBalanceMinor : null,
    availableBalanceMinor: a.hasAvailableBalance ? a.availableBalanceMinor : null,
    balanceAsOf: iso(a.balanceAsOf),
    memberId: a.memberId || null,
    tracked: a.tracked,
    version: a.version,
    updatedAt: iso(a.updatedAt),
  });
}

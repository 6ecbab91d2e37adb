// Linking a bank: a link session whose state is bound to the family and the parent linking (single
// use, expiring), then the exchange that makes a connection — or, for a session made for an existing
// connection, re-links it in place (accounts, assignments, cursor and history stay). A session the
// provider hosts (Plaid Hosted Link) keeps the provider's handle, so the app completes it with the
// state alone; one the user has not finished yet stays open.
import { randomBytes } from 'node:crypto';
import { AppError, requireUuid, Violations } from '@family/errors';
import { newId } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import { addDays, dayIn } from '@family/service-kit/calendar';
import type { ProviderName } from '../adapters/bank.adapter.js';
import type { Account, Connection, Sync } from '../domain/bank.records.js';
import type { BankDeps } from './bank.deps.js';
import { ProviderError } from '../adapters/provider.error.js';
import { callerFacing } from './provider.failures.js';
import type { SyncRunner } from './sync.runner.js';

export interface LinkSessionRequest {
  provider: ProviderName | undefined;
  redirectUri: string;
  country: string;
  institutionId: string;
  connectionId: string;
  language: string;
}

export interface ConnectionRequest {
  provider: ProviderName | undefined;
  publicToken: string;
  authorizationCode: string;
  state: string;
  redirectUri: string;
}

function checkRedirect(v: Violations, uri: string, required: boolean): void {
  if (!uri) {
    v.check(!required, 'redirectUri', 'is required for this provider');
    return;
  }
  let ok = false;
  try {
    const url = new URL(uri);
    ok =
      (url.protocol === 'https:' || url.protocol === 'http:' || /^[a-z][a-z0-9+.-]*:$/.test(url.protocol)) &&
      uri.length <= 2000;
  } catch {
    ok = false;
  }
  v.check(ok, 'redirectUri', 'must be an absolute URL');
}

export class Links {
  constructor(
    private readonly deps: BankDeps,
    private readonly runner: SyncRunner,
  ) {}

  async createSession(caller: Caller, familyId: string, input: LinkSessionRequest) {
    const actor = await this.deps.access.parent(caller, familyId);
    const v = new Violations();
    v.check(input.provider !== undefined, 'provider', 'is required');
    v.check(
      !input.country || /^[A-Z]{2}$/.test(input.country.toUpperCase()),
      'country',
      'must be an ISO 3166-1 alpha-2 code',
    );
    v.check(input.institutionId.length <= 200, 'institutionId', 'must be at most 200 characters');
    v.check(input.language.length <= 35, 'language', 'must be a BCP 47 tag');
    v.throwIfAny();
    const adapter = this.deps.providers.require(input.provider!);
    checkRedirect(v, input.redirectUri, adapter.flow === 'REDIRECT');
    v.throwIfAny();
    let reauth;
    let connectionId: string | null = null;
    if (input.connectionId) {
      const c = await this.deps.connections.byId(actor.familyId, requireUuid(input.connectionId, 'connectionId'));
      if (!c) throw AppError.notFound('Connection');
      if (c.provider !== input.provider) throw AppError.invalidField('provider', 'must be the connection’s provider');
      connectionId = c.id;
      reauth = await this.deps.vault.open(c.id);
    }
    const state = randomBytes(24).toString('base64url');
    const session = await adapter
      .createLinkSession({
        state,
        redirectUri: input.redirectUri,
        userRef: actor.memberId,
        country: input.country ? input.country.toUpperCase() : undefined,
        institutionId: input.institutionId || undefined,
        language: input.language || undefined,
        reauth,
      })
      .catch((err: unknown) => {
        throw callerFacing(err, 'provider');
      });
    const ttl = new Date(this.deps.clock().getTime() + this.deps.settings.linkSessionTtlMs);
    const expiresAt = session.expiresAt < ttl ? session.expiresAt : ttl;
    await this.deps.sessions.insert({
      id: newId(),
      state,
      familyId: actor.familyId,
      memberId: actor.memberId,
      userId: actor.userId,
      provider: input.provider!,
      redirectUri: input.redirectUri,
      connectionId,
      hostedSessionRef: session.hostedSessionRef ?? null,
      expiresAt,
    });
    return { linkToken: session.linkToken ?? '', linkUrl: session.linkUrl ?? '', state, expiresAt };
  }

  async createConnection(
    caller: Caller,
    familyId: string,
    input: ConnectionRequest,
  ): Promise<{ connection: Connection; accounts: Account[]; sync: Sync }> {
    const actor = await this.deps.access.parent(caller, familyId);
    const v = new Violations();
    v.check(input.provider !== undefined, 'provider', 'is required');
    v.check(input.state.length > 0 && input.state.length <= 200, 'state', 'is required');
    v.throwIfAny();
    const adapter = this.deps.providers.require(input.provider!);
    // A token-exchange session the provider hosted needs no public token; which one it is shows below.
    if (adapter.flow === 'REDIRECT') v.check(input.authorizationCode.length > 0, 'authorizationCode', 'is required');
    v.throwIfAny();

    // The session is used up here; a refusal below (another family, another member) rolls that back.
    const session = await this.deps.db.transaction().execute(async (trx) => {
      const s = await this.deps.sessions.consume(trx, input.state);
      if (!s || s.familyId !== actor.familyId || s.memberId !== actor.memberId || s.provider !== input.provider) {
        throw AppError.invalidField('state', 'is not a link session of yours that is still open');
      }
      if (adapter.flow === 'TOKEN_EXCHANGE' && !input.publicToken && !s.hostedSessionRef) {
        throw AppError.invalidField('publicToken', 'is required');
      }
      return s;
    });
    const hostedSessionRef = input.publicToken ? undefined : (session.hostedSessionRef ?? undefined);
    // What the caller sent that the provider may refuse: the code, the public token, or (hosted) the state.
    const refusable = hostedSessionRef
      ? 'state'
      : adapter.flow === 'TOKEN_EXCHANGE'
        ? 'publicToken'
        : 'authorizationCode';
    const exchanged = await adapter
      .exchange({
        publicToken: input.publicToken || undefined,
        authorizationCode: input.authorizationCode || undefined,
        hostedSessionRef,
        redirectUri: input.redirectUri || session.redirectUri,
      })
      .catch(async (err: unknown) => {
        // Back before the user finished at the provider: the state stays good for when they have.
        if (err instanceof ProviderError && err.kind === 'LINK_NOT_FINISHED') {
          await this.deps.sessions.reopen(session.id);
        }
        throw callerFacing(err, refusable);
      });

    const id = session.connectionId ?? newId();
    const sealed = this.deps.vault.seal(id, exchanged.credentials);
    const family = await this.deps.families.settings(actor.familyId);
    let connection = await this.deps.db.transaction().execute(async (trx) => {
      if (session.connectionId) {
        const existing = await this.deps.connections.byId(actor.familyId, session.connectionId, trx);
        if (!existing) throw AppError.notFound('Connection');
        return this.deps.connections.relink(
          trx,
          existing.id,
          {
            providerConnectionId: exchanged.providerConnectionId,
            institutionId: exchanged.institution.id,
            institutionName: exchanged.institution.name,
            credentials: sealed,
            consentExpiresAt: exchanged.consentExpiresAt ?? null,
          },
          existing.providerConnectionId !== exchanged.providerConnectionId && adapter.flow === 'TOKEN_EXCHANGE',
        );
      }
      return this.deps.connections.insert(trx, {
        id,
        familyId: actor.familyId,
        provider: input.provider!,
        providerConnectionId: exchanged.providerConnectionId,
        institutionId: exchanged.institution.id,
        institutionName: exchanged.institution.name,
        credentials: sealed,
        firstSyncFrom: addDays(dayIn(family.timezone, this.deps.clock()), -this.deps.settings.firstSyncDays),
        consentExpiresAt: exchanged.consentExpiresAt ?? null,
        createdByMemberId: actor.memberId,
        createdByUserId: actor.userId,
      });
    });
    let accounts: Account[];
    try {
      accounts = await this.runner.refreshAccounts(connection);
    } catch (err) {
      // The first sync reads them again; the link itself stands.
      this.deps.logger.warn({ err, connectionId: connection.id }, 'accounts could not be read right after linking');
      accounts = await this.deps.accounts.forConnection(connection.id);
    }
    const { sync } = await this.runner.request(connection, 'LINK');
    connection = (await this.deps.connections.find(connection.id)) ?? connection;
    return { connection, accounts, sync };
  }
}

// BankService handlers: decode → use case → encode. Nothing else happens here.
import type { ServiceImplementation } from 'nice-grpc';
import type { AuthContext } from '@family/grpc-kit';
import type { BankServiceDefinition } from '@family/contracts/bank/v1/bank';
import type { Accounts } from '../app/accounts.js';
import type { Connections } from '../app/connections.js';
import type { Links } from '../app/links.js';
import type { ProviderRegistry } from '../app/provider.registry.js';
import type { Webhooks } from '../app/webhooks.js';
import { encodeAccount, encodeConnection, encodeProvider, encodeSync, providerCodec } from './bank.encode.js';

export interface BankUseCases {
  providers: ProviderRegistry;
  links: Links;
  connections: Connections;
  accounts: Accounts;
  webhooks: Webhooks;
}

const page = (p: { nextCursor: string }) => ({ nextCursor: p.nextCursor });

export function bankHandlers(u: BankUseCases): ServiceImplementation<typeof BankServiceDefinition, AuthContext> {
  return {
    async listProviders() {
      return { providers: u.providers.list().map(encodeProvider) };
    },
    async createLinkSession(req, ctx) {
      const s = await u.links.createSession(ctx.caller, req.familyId, {
        provider: providerCodec.decode(req.provider, 'provider'),
        redirectUri: req.redirectUri,
        country: req.country,
        institutionId: req.institutionId,
        connectionId: req.connectionId,
        language: req.language,
      });
      return { session: s };
    },
    async createConnection(req, ctx) {
      const r = await u.links.createConnection(ctx.caller, req.familyId, {
        provider: providerCodec.decode(req.provider, 'provider'),
        publicToken: req.publicToken,
        authorizationCode: req.authorizationCode,
        state: req.state,
        redirectUri: req.redirectUri,
      });
      return {
        connection: encodeConnection(r.connection, r.sync),
        accounts: r.accounts.map(encodeAccount),
        sync: encodeSync(r.sync),
      };
    },
    async listConnections(req, ctx) {
      const r = await u.connections.list(ctx.caller, req.familyId, req.page);
      return { connections: r.items.map((v) => encodeConnection(v.connection, v.lastSync)), page: page(r) };
    },
    async getConnection(req, ctx) {
      const r = await u.connections.get(ctx.caller, req.familyId, req.connectionId);
      return { connection: encodeConnection(r.connection, r.lastSync), accounts: r.accounts.map(encodeAccount) };
    },
    async deleteConnection(req, ctx) {
      await u.connections.delete(ctx.caller, req.familyId, req.connectionId);
      return {};
    },
    async syncConnection(req, ctx) {
      const r = await u.connections.sync(ctx.caller, req.familyId, req.connectionId);
      return {
        connection: encodeConnection(r.connection.connection, r.connection.lastSync),
        added: r.sync.added,
        modified: r.sync.modified,
        removed: r.sync.removed,
        sync: encodeSync(r.sync),
        completed: r.completed,
      };
    },
    async getSyncStatus(req, ctx) {
      const r = await u.connections.status(ctx.caller, req.familyId, req.connectionId, req.syncId);
      return { sync: encodeSync(r.sync), connection: encodeConnection(r.connection.connection, r.connection.lastSync) };
    },
    async listAccounts(req, ctx) {
      const r = await u.accounts.list(ctx.caller, req.familyId, {
        connectionId: req.connectionId,
        memberId: req.memberId,
        page: req.page,
      });
      return { accounts: r.items.map(encodeAccount), page: page(r) };
    },
    async updateAccount(req, ctx) {
      const a = await u.accounts.update(ctx.caller, req.familyId, req.accountId, {
        memberId: req.memberId,
        name: req.name,
        tracked: req.tracked,
        expectedVersion: req.expectedVersion,
      });
      return { account: encodeAccount(a) };
    },
    async handleWebhook(req) {
      return u.webhooks.handle({
        provider: providerCodec.decode(req.provider, 'provider'),
        body: req.body,
        headers: req.headers,
        path: req.path,
      });
    },
  };
}

// What keeps syncing safe, through the Plaid adapter and emulator: one sync at a time per connection
// (also across two replicas), a sync outlasting the call continuing in the background, 429 and 5xx
// backing off without losing the cursor, login required → NEEDS_REAUTH with an event and re-linking
// in place, consent expiry told 7 days ahead, provider tokens unreadable in the database and rotated
// to a new key, and webhooks: valid → a queued sync, forged → UNAUTHENTICATED and nothing, replayed
// → nothing.
import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { sql } from 'kysely';
import { createKysely } from '@family/db';
import { BankProvider } from '@family/contracts/common/v1/common';
import { ConnectionStatus, SyncState } from '@family/contracts/bank/v1/bank';
import { expectGrpcError, waitFor } from '@family/testing';
import type { BankAdapter, FetchChangesInput } from '../src/adapters/bank.adapter.js';
import type { BankDatabase } from '../src/db/schema.js';
import { bearer, startBankHarness, tokenKey, type BankHarness, type Household } from './bank.harness.js';

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** Wraps an adapter to count concurrent fetchChanges calls and slow them down on demand. */
class Observed {
  active = 0;
  maxActive = 0;
  calls = 0;
  delayMs = 0;
  wrap(inner: BankAdapter): BankAdapter {
    const fetchChanges = async (input: FetchChangesInput) => {
      this.calls++;
      this.active++;
      this.maxActive = Math.max(this.maxActive, this.active);
      try {
        if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
        return await inner.fetchChanges(input);
      } finally {
        this.active--;
      }
    };
    return new Proxy(inner, {
      get: (target, key, receiver) => {
        if (key === 'fetchChanges') return fetchChanges;
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}

describe('Bank sync resilience, tokens and webhooks (Plaid)', function () {
  this.timeout(90_000);
  let h: BankHarness;
  let f: Household;
  let db: ReturnType<typeof createKysely<BankDatabase>>;
  const observed = new Observed();

  const spend = (amount: string, description: string) =>
    h.sandbox.add({
      accountId: 'acc_checking',
      amount,
      direction: 'OUT',
      currency: 'USD',
      bookedOn: daysAgo(1),
      pending: false,
      description,
      merchant: description,
    });
  const itemOf = () => h.plaid.controls.items().at(-1)!.itemId;
  const connectionRow = (id: string) =>
    db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  /** Makes a connection due now (as if its backoff or schedule had passed) and runs a scheduler pass. */
  const runDue = async (id: string) => {
    await db
      .updateTable('connections')
      .set({ next_sync_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
    await h.bank.service.schedulerTask.runNow();
    await h.idle();
  };

  before(async () => {
    h = await startBankHarness({ env: { BANK_SYNC_WAIT_MS: '400' }, wrapAdapter: (a) => observed.wrap(a) });
    f = await h.household();
    db = createKysely<BankDatabase>(h.bank.sql, h.bank.schema);
  });
  after(() => h.stop());

  describe('one sync at a time', () => {
    let connectionId: string;
    before(async () => {
      connectionId = (await h.link(f)).connection!.id;
      await h.idle();
    });

    it('a sync asked for while one runs is queued, runs after it, and calls never overlap — across replicas too', async () => {
      const replica = await h.replica();
      try {
        spend('1.00', 'Gum');
        observed.delayMs = 1000;
        observed.maxActive = 0;
        const first = await h.client.syncConnection({ familyId: f.familyId, connectionId }, bearer(f.parentToken));
        const second = await replica.client.syncConnection(
          { familyId: f.familyId, connectionId },
          bearer(f.parentToken),
        );
        expect(second.sync?.state).to.equal(SyncState.SYNC_STATE_QUEUED);
        expect(second.completed).to.equal(false);
        // A scheduler pass on the replica meanwhile finds the connection busy and does nothing, and
        // the replica running the sync does not start a second one either.
        await replica.service.schedulerTask.runNow();
        expect(await h.bank.service.runner.runDue(connectionId, 'SCHEDULE')).to.equal(undefined);
        await waitFor(
          async () => {
            const s = await h.client.getSyncStatus(
              { familyId: f.familyId, connectionId, syncId: second.sync!.id },
              bearer(f.parentToken),
            );
            return s.sync?.state === SyncState.SYNC_STATE_SUCCEEDED;
          },
          { timeoutMs: 15_000 },
        );
        expect(first.sync?.id).to.not.equal(second.sync?.id);
        expect(observed.maxActive).to.equal(1);
        expect((await h.bankExpenses(f)).filter((e) => e.description === 'Gum')).to.have.length(1);
      } finally {
        observed.delayMs = 0;
        await h.idle();
        await replica.stop();
      }
    });

    it('a sync that outlasts the call continues in the background and can be polled', async () => {
      spend('2.00', 'Slow coffee');
      observed.delayMs = 1500;
      try {
        const r = await h.client.syncConnection({ familyId: f.familyId, connectionId }, bearer(f.parentToken));
        expect(r.completed).to.equal(false);
        expect(r.sync?.state).to.equal(SyncState.SYNC_STATE_RUNNING);
        await waitFor(
          async () =>
            (
              await h.client.getSyncStatus(
                { familyId: f.familyId, connectionId, syncId: r.sync!.id },
                bearer(f.parentToken),
              )
            ).sync?.state === SyncState.SYNC_STATE_SUCCEEDED,
          { timeoutMs: 10_000 },
        );
        expect((await h.bankExpenses(f)).some((e) => e.description === 'Slow coffee')).to.equal(true);
      } finally {
        observed.delayMs = 0;
      }
    });

    it('a 429 backs off (connection ERROR, retry later), keeps the cursor, and the retry imports once', async () => {
      const before = await connectionRow(connectionId);
      spend('3.00', 'Rate limited snack');
      h.plaid.controls.failNext(1, 'RATE_LIMIT_EXCEEDED');
      const r = await h.client.syncConnection({ familyId: f.familyId, connectionId }, bearer(f.parentToken));
      expect(r.sync?.state).to.equal(SyncState.SYNC_STATE_FAILED);
      expect(r.sync?.errorCode).to.equal('PROVIDER_RATE_LIMITED');
      expect(r.sync!.retryAt!.getTime()).to.be.greaterThan(Date.now() + 20_000);
      expect(r.connection?.status).to.equal(ConnectionStatus.CONNECTION_STATUS_ERROR);
      const row = await connectionRow(connectionId);
      expect(row.cursor).to.equal(before.cursor);
      expect(row.sync_failures).to.equal(1);
      // Not due yet: a scheduler pass leaves it alone.
      const calls = observed.calls;
      await h.bank.service.schedulerTask.runNow();
      expect(observed.calls).to.equal(calls);
      await runDue(connectionId);
      const after = await connectionRow(connectionId);
      expect(after.status).to.equal('ACTIVE');
      expect(after.sync_failures).to.equal(0);
      expect((await h.bankExpenses(f)).filter((e) => e.description === 'Rate limited snack')).to.have.length(1);
    });

    it('a 5xx backs off further on each failure in a row, then recovers', async () => {
      spend('4.00', 'Outage snack');
      h.plaid.controls.failNext(2, 'INTERNAL_SERVER_ERROR');
      const first = await h.client.syncConnection({ familyId: f.familyId, connectionId }, bearer(f.parentToken));
      expect(first.sync?.errorCode).to.equal('PROVIDER_UNAVAILABLE');
      await runDue(connectionId);
      const row = await connectionRow(connectionId);
      expect(row.sync_failures).to.equal(2);
      const latest = await h.client.getSyncStatus({ familyId: f.familyId, connectionId }, bearer(f.parentToken));
      expect(latest.sync?.state).to.equal(SyncState.SYNC_STATE_FAILED);
      expect(latest.sync!.retryAt!.getTime() - Date.now()).to.be.greaterThan(55_000);
      await runDue(connectionId);
      expect((await connectionRow(connectionId)).status).to.equal('ACTIVE');
      expect((await h.bankExpenses(f)).filter((e) => e.description === 'Outage snack')).to.have.length(1);
    });
  });

  describe('re-auth and consent', () => {
    let connectionId: string;
    let accountIds: string[];
    let g: Household;
    before(async () => {
      g = await h.household({ name: 'Reauths' });
      const linked = await h.link(g);
      connectionId = linked.connection!.id;
      accountIds = linked.accounts.map((a) => a.id).sort();
      await h.idle();
    });

    it('login required → NEEDS_REAUTH (not an error), a bank.connection_needs_reauth event, manual sync refused', async () => {
      h.plaid.controls.requireLogin(itemOf());
      const r = await h.client.syncConnection({ familyId: g.familyId, connectionId }, bearer(g.parentToken));
      expect(r.connection?.status).to.equal(ConnectionStatus.CONNECTION_STATUS_NEEDS_REAUTH);
      expect(r.sync?.state).to.equal(SyncState.SYNC_STATE_FAILED);
      const event = await waitFor(() =>
        h.subscriber.events.find(
          (e) => e.payload?.$case === 'bankConnectionNeedsReauth' && e.payload.value.connectionId === connectionId,
        ),
      );
      expect(event.familyId).to.equal(g.familyId);
      expect(event.payload?.$case === 'bankConnectionNeedsReauth' && event.payload.value.reason).to.equal(
        'REAUTH_REQUIRED',
      );
      await expectGrpcError(
        h.client.syncConnection({ familyId: g.familyId, connectionId }, bearer(g.parentToken)),
        Status.FAILED_PRECONDITION,
      );
      // The scheduler leaves it alone too.
      const calls = observed.calls;
      await runDue(connectionId);
      expect(observed.calls).to.equal(calls);
    });

    it('re-linking the connection keeps it, its accounts and its history, and syncing resumes', async () => {
      const before = (await h.bankExpenses(g)).length;
      const session = await h.client.createLinkSession(
        { familyId: g.familyId, provider: BankProvider.BANK_PROVIDER_PLAID, connectionId },
        bearer(g.parentToken),
      );
      const publicToken = h.plaid.controls.completeLink(session.session!.linkToken);
      const relinked = await h.client.createConnection(
        {
          familyId: g.familyId,
          provider: BankProvider.BANK_PROVIDER_PLAID,
          publicToken,
          state: session.session!.state,
        },
        bearer(g.parentToken),
      );
      expect(relinked.connection?.id).to.equal(connectionId);
      expect(relinked.accounts.map((a) => a.id).sort()).to.deep.equal(accountIds);
      await h.idle();
      const status = await h.client.getConnection({ familyId: g.familyId, connectionId }, bearer(g.parentToken));
      expect(status.connection?.status).to.equal(ConnectionStatus.CONNECTION_STATUS_ACTIVE);
      spend('6.00', 'After relink');
      await h.client.syncConnection({ familyId: g.familyId, connectionId }, bearer(g.parentToken));
      const after = await h.bankExpenses(g);
      expect(after.length).to.equal(before + 1);
      expect(after.filter((e) => e.description === 'After relink')).to.have.length(1);
    });

    it('tells parents once, 7 days before the consent ends', async () => {
      const soon = new Date(Date.now() + 5 * 86_400_000);
      await db.updateTable('connections').set({ consent_expires_at: soon }).where('id', '=', connectionId).execute();
      expect(await h.bank.service.scheduler.consentNotices()).to.equal(1);
      expect(await h.bank.service.scheduler.consentNotices()).to.equal(0);
      const event = await waitFor(() =>
        h.subscriber.events.find(
          (e) => e.payload?.$case === 'bankConsentExpiring' && e.payload.value.connectionId === connectionId,
        ),
      );
      expect(event.type).to.equal('bank.consent_expiring');
    });
  });

  describe('provider tokens at rest', () => {
    it('are stored encrypted with a key id: no access token in the table, none in any response', async () => {
      const g = await h.household({ name: 'Tokens' });
      const linked = await h.link(g);
      await h.idle();
      const item = h.plaid.controls.items().at(-1)!;
      const row = await connectionRow(linked.connection!.id);
      expect(row.credentials_key_id).to.equal('k1');
      const raw = Buffer.from(row.credentials);
      expect(raw.includes(Buffer.from(item.accessToken))).to.equal(false);
      expect(raw.includes(Buffer.from('access-sandbox'))).to.equal(false);
      const table = sql.table(`${h.bank.schema}.connections`);
      const dump = await sql<{ t: string }>`select row_to_json(c)::text as t from ${table} c`.execute(db);
      expect(dump.rows.some((r) => r.t.includes(item.accessToken))).to.equal(false);
      const responses = JSON.stringify([
        linked,
        await h.client.getConnection(
          { familyId: g.familyId, connectionId: linked.connection!.id },
          bearer(g.parentToken),
        ),
      ]);
      expect(responses.includes(item.accessToken)).to.equal(false);
    });

    it('rotate: a replica with a new first key still reads old ciphertexts and re-encrypts them with the new key', async () => {
      const g = await h.household({ name: 'Rotation' });
      const linked = await h.link(g);
      await h.idle();
      const id = linked.connection!.id;
      const oldKeys = h.bank.config.BANK_TOKEN_KEYS.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
      const replica = await h.replica({ BANK_TOKEN_KEYS: `k2:${tokenKey()},${oldKeys}` });
      try {
        spend('8.00', 'Rotated');
        const r = await replica.client.syncConnection(
          { familyId: g.familyId, connectionId: id },
          bearer(g.parentToken),
        );
        expect(r.sync?.state).to.equal(SyncState.SYNC_STATE_SUCCEEDED);
        expect((await connectionRow(id)).credentials_key_id).to.equal('k2');
      } finally {
        await replica.stop();
      }
    });
  });

  describe('webhooks', () => {
    let g: Household;
    let connectionId: string;
    before(async () => {
      g = await h.household({ name: 'Hooks' });
      connectionId = (await h.link(g)).connection!.id;
      await h.idle();
    });
    // Plaid names a delivery by its body and signing second: each notice here gets its own second.
    let second = 0;
    const hook = (code = 'SYNC_UPDATES_AVAILABLE', type = 'TRANSACTIONS') => {
      const { body, verification } = h.plaid.controls.webhookFor(
        { webhook_type: type, webhook_code: code, item_id: itemOf() },
        { issuedAt: new Date(Date.now() - 1000 * ++second) },
      );
      return { body, verification };
    };
    const deliver = (body: string, verification: string | undefined) =>
      h.client.handleWebhook({
        provider: BankProvider.BANK_PROVIDER_PLAID,
        body: Buffer.from(body),
        headers: verification ? { 'Plaid-Verification': verification, 'content-type': 'application/json' } : {},
        path: '/v1/webhooks/plaid',
      });

    it('a valid one is answered at once and queues a sync that then runs', async () => {
      spend('9.00', 'Webhook lunch');
      const { body, verification } = hook();
      const r = await deliver(body, verification);
      expect(r).to.deep.equal({ accepted: true, connectionId });
      expect((await connectionRow(connectionId)).sync_requested).to.equal(true);
      await h.bank.service.schedulerTask.runNow();
      await h.idle();
      expect((await h.bankExpenses(g)).some((e) => e.description === 'Webhook lunch')).to.equal(true);
      const latest = await h.client.getSyncStatus({ familyId: g.familyId, connectionId }, bearer(g.parentToken));
      expect(latest.sync?.state).to.equal(SyncState.SYNC_STATE_SUCCEEDED);
    });

    it('a forged one (body changed, no signature) is UNAUTHENTICATED and changes nothing', async () => {
      const { body, verification } = hook();
      const seen = await db
        .selectFrom('webhook_events')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      await expectGrpcError(
        deliver(body.replace('SYNC_UPDATES_AVAILABLE', 'ITEM_LOGIN_REQUIRED'), verification),
        Status.UNAUTHENTICATED,
      );
      await expectGrpcError(deliver(body, undefined), Status.UNAUTHENTICATED);
      const reauth = hook('ITEM_LOGIN_REQUIRED', 'ITEM');
      await expectGrpcError(deliver(reauth.body, verification), Status.UNAUTHENTICATED);
      const after = await db
        .selectFrom('webhook_events')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      expect(after.n).to.equal(seen.n);
      const row = await connectionRow(connectionId);
      expect(row.sync_requested).to.equal(false);
      expect(row.status).to.equal('ACTIVE');
    });

    it('a replayed one is dropped', async () => {
      const { body, verification } = hook();
      expect((await deliver(body, verification)).accepted).to.equal(true);
      await h.bank.service.schedulerTask.runNow();
      await h.idle();
      expect(await deliver(body, verification)).to.deep.equal({ accepted: false, connectionId: '' });
      expect((await connectionRow(connectionId)).sync_requested).to.equal(false);
    });

    it('a signed ITEM_LOGIN_REQUIRED marks the connection NEEDS_REAUTH', async () => {
      const { body, verification } = hook('ITEM_LOGIN_REQUIRED', 'ITEM');
      expect((await deliver(body, verification)).accepted).to.equal(true);
      expect((await connectionRow(connectionId)).status).to.equal('NEEDS_REAUTH');
    });
  });
});

// The bank service's pure rules: amounts to minor units with the ISO 4217 exponent, the token cipher
// and its key rotation, the configuration's refusals, and the pending/posted and transfer matching.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { loadConfig, SecretCipher as TokenCipher, parseCipherKeys as parseTokenKeys } from '@family/config';
import { minorUnits, normalise, signedMinor } from '../src/domain/transaction.normalise.js';
import {
  independentParts,
  matchPending,
  matchTransfer,
  planBatch,
  unaffected,
  type Plan,
  type PlanInput,
  type PlanReads,
} from '../src/domain/sync.plan.js';
import { retryDelayMs } from '../src/domain/sync.schedule.js';
import type { StoredTransaction } from '../src/domain/bank.records.js';
import { bankConfigSchema } from '../src/config.js';

const key = () => randomBytes(32).toString('base64');

const row = (over: Partial<StoredTransaction>): StoredTransaction => ({
  connectionId: 'c1',
  providerTransactionId: 't',
  familyId: 'f',
  accountId: 'a1',
  amountMinor: 1000,
  currency: 'USD',
  bookedOn: '2026-11-10',
  pending: false,
  pendingTransactionId: null,
  supersededBy: null,
  transferKey: null,
  description: '',
  merchant: '',
  removedAt: null,
  ...over,
});

describe('bank domain rules', () => {
  describe('amounts', () => {
    it('converts with the ISO 4217 exponent, exactly: USD 2, JPY 0, BHD 3, HUF 2', () => {
      expect(minorUnits('12.34', 'USD')).to.equal(1234);
      expect(minorUnits('1250', 'JPY')).to.equal(1250);
      expect(minorUnits('1.005', 'BHD')).to.equal(1005);
      expect(minorUnits('123.45', 'HUF')).to.equal(12345);
      expect(minorUnits('0.1', 'USD')).to.equal(10);
    });
    it('rounds extra decimals half away from zero', () => {
      expect(minorUnits('12.345', 'USD')).to.equal(1235);
      expect(minorUnits('12.344', 'USD')).to.equal(1234);
      expect(minorUnits('99.5', 'JPY')).to.equal(100);
    });
    it('money out is positive, money in negative, whatever sign the provider used', () => {
      expect(signedMinor('5.00', 'OUT', 'EUR')).to.equal(500);
      expect(signedMinor('5.00', 'IN', 'EUR')).to.equal(-500);
      expect(signedMinor('-5.00', 'OUT', 'EUR')).to.equal(500);
    });
    it('refuses what it cannot read instead of guessing', () => {
      const t = {
        providerTransactionId: 'x',
        providerAccountId: 'a',
        direction: 'OUT' as const,
        bookedOn: '2026-01-01',
        pending: false,
        description: 'd',
      };
      expect(normalise({ ...t, amount: '12,50', currency: 'EUR' }, 'a', 'EUR')).to.have.property('invalid');
      expect(normalise({ ...t, amount: '1.00', currency: 'XAU' }, 'a', 'EUR')).to.have.property('invalid');
      expect(normalise({ ...t, amount: '1.00', currency: '' }, 'a', 'gbp')).to.include({
        currency: 'GBP',
        amountMinor: 100,
      });
    });
  });

  describe('token cipher', () => {
    it('round-trips, binds the ciphertext to its connection, and detects tampering', () => {
      const keys = parseTokenKeys(`k1:${key()}`);
      if (typeof keys === 'string') throw new Error(keys);
      const cipher = new TokenCipher(keys);
      const sealed = cipher.seal('access-secret', 'conn-1');
      expect(sealed.keyId).to.equal('k1');
      expect(Buffer.from(sealed.data).includes(Buffer.from('access-secret'))).to.equal(false);
      expect(cipher.open(sealed, 'conn-1')).to.equal('access-secret');
      expect(() => cipher.open(sealed, 'conn-2')).to.throw();
      const tampered = Buffer.from(sealed.data);
      tampered[tampered.length - 1]! ^= 1;
      expect(() => cipher.open({ ...sealed, data: tampered }, 'conn-1')).to.throw();
    });
    it('rotates: the first key encrypts, any listed key decrypts, an unlisted one fails', () => {
      const k1 = key();
      const old = new TokenCipher(parseTokenKeys(`k1:${k1}`) as never);
      const sealed = old.seal('tok', 'c');
      const rotated = new TokenCipher(parseTokenKeys(`k2:${key()},k1:${k1}`) as never);
      expect(rotated.open(sealed, 'c')).to.equal('tok');
      expect(rotated.isStale(sealed)).to.equal(true);
      expect(rotated.seal('tok', 'c').keyId).to.equal('k2');
      const retired = new TokenCipher(parseTokenKeys(`k2:${key()}`) as never);
      expect(() => retired.open(sealed, 'c')).to.throw(/k1/);
    });
    it('says what is wrong with a key list', () => {
      expect(parseTokenKeys('k1:short')).to.match(/32 bytes/);
      expect(parseTokenKeys(`:${key()}`)).to.match(/keyId:base64/);
      expect(parseTokenKeys(`k1:${key()},k1:${key()}`)).to.match(/twice/);
    });
  });

  describe('configuration', () => {
    const base = {
      AUTH_GRPC_URL: 'auth:50051',
      AUTH_CLIENT_SECRET: 's',
      EXPENSE_GRPC_URL: 'expense:50052',
      BANK_TOKEN_KEYS: `k1:${key()}`,
    };
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig(bankConfigSchema, env);
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    };
    it('needs token keys, naming the variable', () => {
      expect(refusal({ ...base, BANK_TOKEN_KEYS: '' })).to.include('BANK_TOKEN_KEYS');
      expect(refusal({ ...base, BANK_TOKEN_KEYS: 'k1:abc' })).to.include('BANK_TOKEN_KEYS');
    });
    it('never defaults the Plaid URL: Plaid settings without PLAID_BASE_URL stop start-up', () => {
      const message = refusal({ ...base, PLAID_CLIENT_ID: 'id', PLAID_SECRET: 'secret' });
      expect(message).to.include('PLAID_BASE_URL');
    });
    it('enables nothing by default and defaults the port, schema and first-sync window', () => {
      const c = loadConfig(bankConfigSchema, base);
      expect([c.BANK_GRPC_PORT, c.DB_SCHEMA, c.BANK_FIRST_SYNC_DAYS]).to.deep.equal([50056, 'bank', 90]);
      expect(c.PLAID_BASE_URL).to.equal(undefined);
    });
  });

  describe('independent parts of a batch', () => {
    const change = (providerTransactionId: string, pendingTransactionId = '') => ({
      providerTransactionId,
      pendingTransactionId,
    });

    it('keeps a small batch whole, and one part whole', () => {
      const batch = Array.from({ length: 999 }, (_, i) => change(`t${i}`));
      expect(independentParts(batch, 2)).to.deep.equal([batch]);
      expect(independentParts([...batch, ...batch], 1)).to.have.length(1);
    });

    it('splits a large batch evenly, keeping what names the same ids together and in order', () => {
      const batch = Array.from({ length: 4000 }, (_, i) => change(`t${i}`));
      // A posted transaction far from the pending one it replaces, a chain of three, one sent twice.
      batch.push(change('posted-1', 't3'), change('posted-2', 'posted-1'), change('t7'), change('t2000', 't7'));
      const parts = independentParts(batch, 2);
      expect(parts).to.have.length(2);
      expect(parts.flat()).to.have.length(batch.length);
      expect(Math.abs(parts[0]!.length - parts[1]!.length)).to.be.lessThan(10);
      const partOf = (id: string) => parts.findIndex((p) => p.some((c) => c.providerTransactionId === id));
      expect(partOf('posted-1')).to.equal(partOf('t3'));
      expect(partOf('posted-2')).to.equal(partOf('t3'));
      expect(partOf('t2000')).to.equal(partOf('t7'));
      for (const part of parts) {
        const order = part.map((c) => batch.indexOf(c));
        expect(order).to.deep.equal([...order].sort((a, b) => a - b));
      }
      const sevens = parts[partOf('t7')]!.filter((c) => c.providerTransactionId === 't7');
      expect(sevens).to.have.length(2);
    });
  });

  describe('a batch planned while the one before is recorded', () => {
    const reads = (over: Partial<PlanReads> = {}): PlanReads => ({
      ids: new Set(['t10', 't11']),
      pending: 'queried',
      pendingRows: new Set(['p1']),
      amounts: new Set([-2500]),
      transferRows: new Set(['c2:in-7']),
      ...over,
    });
    const earlier = (over: Partial<Plan> = {}): Plan => ({
      writes: [row({ providerTransactionId: 't1', amountMinor: 1000 })],
      pairings: [],
      expense: [],
      skipped: 0,
      ...over,
    });

    it('keeps its plan when the batch before wrote nothing it read or could have found', () => {
      expect(unaffected(reads(), 'c1', earlier())).to.equal(true);
      // A pending row matters only to a plan that looked for pending ones.
      const pendingWrite = earlier({ writes: [row({ providerTransactionId: 't2', pending: true })] });
      expect(unaffected(reads({ pending: 'not read' }), 'c1', pendingWrite)).to.equal(true);
    });

    it('plans again when the batch before wrote a row it read or one its queries would find', () => {
      const write = (over: Partial<StoredTransaction>) => earlier({ writes: [row(over)] });
      // One of its own ids (the same transaction in both batches, or a pending one it names).
      expect(unaffected(reads(), 'c1', write({ providerTransactionId: 't11' }))).to.equal(false);
      // A new pending row it could have matched a posted one to, or a pending candidate it read changed.
      expect(unaffected(reads(), 'c1', write({ providerTransactionId: 't2', pending: true }))).to.equal(false);
      expect(unaffected(reads(), 'c1', write({ providerTransactionId: 'p1', supersededBy: 't9' }))).to.equal(false);
      // A row of an amount it looked for as the other leg of a transfer.
      expect(unaffected(reads(), 'c1', write({ providerTransactionId: 't3', amountMinor: -2500 }))).to.equal(false);
      // A transfer candidate it read, written or paired meanwhile.
      expect(
        unaffected(reads(), 'c1', write({ connectionId: 'c2', providerTransactionId: 'in-7', amountMinor: 1 })),
      ).to.equal(false);
      const paired = (connectionId: string, providerTransactionId: string) =>
        earlier({ pairings: [{ connectionId, providerTransactionId, transferKey: 'k' }] });
      expect(unaffected(reads(), 'c1', paired('c2', 'in-7'))).to.equal(false);
      expect(unaffected(reads(), 'c1', paired('c1', 't10'))).to.equal(false);
      expect(unaffected(reads(), 'c1', paired('c2', 't10'))).to.equal(true);
    });
  });

  describe('matching', () => {
    it('a posted one matches a pending one on the same account within 30 % and 10 days', () => {
      const pending = row({ providerTransactionId: 'p', pending: true, amountMinor: 5000, bookedOn: '2026-11-08' });
      const posted = {
        accountId: 'a1',
        amountMinor: 5550,
        currency: 'USD',
        bookedOn: '2026-11-10',
        merchant: '',
        description: '',
      };
      expect(matchPending(posted, [pending])?.providerTransactionId).to.equal('p');
      expect(matchPending({ ...posted, amountMinor: 7000 }, [pending])).to.equal(undefined);
      expect(matchPending({ ...posted, accountId: 'a2' }, [pending])).to.equal(undefined);
      expect(matchPending({ ...posted, bookedOn: '2026-11-25' }, [pending])).to.equal(undefined);
      const closer = row({ providerTransactionId: 'q', pending: true, amountMinor: 5500, bookedOn: '2026-11-09' });
      expect(matchPending(posted, [pending, closer])?.providerTransactionId).to.equal('q');
    });
    it('never merges a posted purchase into a pending one from another merchant', () => {
      const pizza = row({ providerTransactionId: 'p', pending: true, amountMinor: 2340, merchant: 'Pizza Express' });
      const cinema = { accountId: 'a1', amountMinor: 1850, currency: 'EUR', bookedOn: '2026-11-10' };
      const card = { ...cinema, currency: 'USD', merchant: 'Cineworld', description: 'CINEWORLD 0042' };
      expect(matchPending(card, [pizza])).to.equal(undefined);
      const tip = { ...card, amountMinor: 2800, merchant: '', description: 'PIZZA EXPRESS LONDON 12' };
      expect(matchPending(tip, [pizza])?.providerTransactionId).to.equal('p');
    });
    it('a transfer is equal and opposite, on another account, within 3 days', () => {
      const out = row({ providerTransactionId: 'o', amountMinor: 30000 });
      const into = row({ providerTransactionId: 'i', accountId: 'a2', amountMinor: -30000, bookedOn: '2026-11-12' });
      expect(matchTransfer(out, [into])?.providerTransactionId).to.equal('i');
      expect(matchTransfer(out, [{ ...into, accountId: 'a1' }])).to.equal(undefined);
      expect(matchTransfer(out, [{ ...into, amountMinor: -29999 }])).to.equal(undefined);
      expect(matchTransfer(out, [{ ...into, bookedOn: '2026-11-14' }])).to.equal(undefined);
    });
    it('a plan skips ignored accounts and income, and never sends a replaced pending one', () => {
      const base: PlanInput = {
        connectionId: 'c1',
        familyId: 'f',
        provider: 'PLAID',
        creatorMemberId: 'm',
        accounts: new Map([
          ['a1', { id: 'a1', memberId: null, tracked: true }],
          ['a2', { id: 'a2', memberId: null, tracked: false }],
        ]),
        added: [],
        modified: [],
        removed: [],
        stored: new Map(),
        pendingCandidates: [],
        transferCandidates: [],
        now: new Date(),
      };
      const t = (id: string, over: Partial<StoredTransaction> = {}) => ({
        providerTransactionId: id,
        accountId: 'a1',
        amountMinor: 1000,
        currency: 'USD',
        bookedOn: '2026-11-10',
        pending: false,
        pendingTransactionId: null,
        description: id,
        merchant: '',
        ...over,
      });
      const plan = planBatch({
        ...base,
        added: [
          t('p', { pending: true }),
          t('x', { accountId: 'a2' }),
          t('in', { amountMinor: -500 }),
          t('posted', { pendingTransactionId: 'p', amountMinor: 1200 }),
        ],
        removed: ['p'],
      });
      expect(plan.expense.map((e) => [e.providerTransactionId, e.action, e.pendingTransactionId])).to.deep.equal([
        ['posted', 'ADDED', 'p'],
      ]);
      expect(plan.skipped).to.equal(2);
    });
  });

  it('backs off exponentially with jitter, never sooner than the provider asked', () => {
    const opts = { baseMs: 1000, maxMs: 60_000 };
    expect(retryDelayMs(1, opts, () => 1)).to.equal(1000);
    expect(retryDelayMs(3, opts, () => 1)).to.equal(4000);
    expect(retryDelayMs(3, opts, () => 0)).to.equal(2000);
    expect(retryDelayMs(20, opts, () => 1)).to.equal(60_000);
    expect(retryDelayMs(1, { ...opts, retryAfterMs: 30_000 }, () => 1)).to.equal(30_000);
  });
});

// The sandbox bank every bank-provider emulator serves: sandbox users, their institutions, accounts
// and transactions, and the changes a real bank makes over time (pending → posted, sometimes with a
// new id or amount; modified; removed). Each provider emulator renders this one model in its own
// wire format, so the scenario tests drive every provider the same way. Amounts are decimal strings,
// positive, with a direction, as banks report them.

export interface SandboxAccount {
  id: string;
  name: string;
  mask: string;
  kind: 'CHECKING' | 'SAVINGS' | 'CREDIT_CARD' | 'LOAN' | 'INVESTMENT' | 'OTHER';
  currency: string;
  currentBalance: string;
  availableBalance: string;
}

export interface SandboxTransaction {
  id: string;
  accountId: string;
  amount: string;
  direction: 'OUT' | 'IN';
  currency: string;
  /** YYYY-MM-DD */
  bookedOn: string;
  pending: boolean;
  /** A posted transaction that replaced a pending one keeps the pending one's id here. */
  pendingTransactionId?: string | undefined;
  description: string;
  merchant?: string | undefined;
}

/** One change to the sandbox, in the order it happened (cursor-based providers page over these). */
export type SandboxChange =
  | { seq: number; kind: 'added'; transaction: SandboxTransaction }
  | { seq: number; kind: 'modified'; transaction: SandboxTransaction }
  | { seq: number; kind: 'removed'; transactionId: string; accountId: string };

export interface SandboxUser {
  /** The sandbox login (e.g. "user_good"). */
  username: string;
  password: string;
  institution: { id: string; name: string };
  accounts: SandboxAccount[];
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(++counter).toString(36).padStart(4, '0')}`;

export class BankSandbox {
  private readonly users = new Map<string, SandboxUser>();
  private readonly transactions = new Map<string, SandboxTransaction>();
  private readonly changes: SandboxChange[] = [];
  private seq = 0;

  constructor(users: SandboxUser[] = [defaultUser()]) {
    for (const u of users) this.users.set(u.username, u);
  }

  user(username: string): SandboxUser | undefined {
    return this.users.get(username);
  }

  /** The user owning an account. */
  ownerOf(accountId: string): SandboxUser | undefined {
    return [...this.users.values()].find((u) => u.accounts.some((a) => a.id === accountId));
  }

  /** Adds a transaction (pending or posted) and records the change. */
  add(t: Omit<SandboxTransaction, 'id'> & { id?: string }): SandboxTransaction {
    const transaction: SandboxTransaction = { ...t, id: t.id ?? nextId('txn') };
    this.transactions.set(transaction.id, transaction);
    this.record({ kind: 'added', transaction });
    return transaction;
  }

  /** Adds `count` posted purchases spread over the days before `endOn` (bulk data for benchmarks). */
  addMany(accountId: string, count: number, endOn: string, currency = 'USD'): void {
    const end = Date.parse(`${endOn}T00:00:00Z`);
    for (let i = 0; i < count; i++) {
      const day = new Date(end - (i % 85) * 86_400_000).toISOString().slice(0, 10);
      this.add({
        accountId,
        amount: `${1 + (i % 97)}.${String(i % 100).padStart(2, '0')}`,
        direction: 'OUT',
        currency,
        bookedOn: day,
        pending: false,
        description: `Purchase ${i}`,
        merchant: `Shop ${i % 40}`,
      });
    }
  }

  /**
   * Posts a pending transaction as a real bank does: under a new id (the pending one is removed and
   * the posted one names it), optionally with a different amount (a tip, a currency settlement).
   */
  post(pendingId: string, changes: { newId?: boolean; amount?: string; bookedOn?: string } = {}): SandboxTransaction {
    const pending = this.require(pendingId);
    if (!pending.pending) throw new Error(`${pendingId} is already posted`);
    if (changes.newId === false) {
      return this.modify(pendingId, {
        pending: false,
        ...(changes.amount ? { amount: changes.amount } : {}),
        ...(changes.bookedOn ? { bookedOn: changes.bookedOn } : {}),
      });
    }
    this.remove(pendingId);
    return this.add({
      ...pending,
      id: nextId('txn'),
      pending: false,
      pendingTransactionId: pendingId,
      amount: changes.amount ?? pending.amount,
      bookedOn: changes.bookedOn ?? pending.bookedOn,
    });
  }

  modify(id: string, patch: Partial<Omit<SandboxTransaction, 'id' | 'accountId'>>): SandboxTransaction {
    const transaction = { ...this.require(id), ...patch };
    this.transactions.set(id, transaction);
    this.record({ kind: 'modified', transaction });
    return transaction;
  }

  remove(id: string): void {
    const t = this.require(id);
    this.transactions.delete(id);
    this.record({ kind: 'removed', transactionId: id, accountId: t.accountId });
  }

  /** Current transactions of some accounts (date-based providers list these). */
  list(accountIds: readonly string[], filter: { from?: string; to?: string; pending?: boolean } = {}) {
    return [...this.transactions.values()]
      .filter((t) => accountIds.includes(t.accountId))
      .filter((t) => filter.pending === undefined || t.pending === filter.pending)
      .filter((t) => (!filter.from || t.bookedOn >= filter.from) && (!filter.to || t.bookedOn <= filter.to))
      .sort((a, b) => (a.bookedOn === b.bookedOn ? (a.id < b.id ? -1 : 1) : a.bookedOn < b.bookedOn ? -1 : 1));
  }

  /** Changes to some accounts after sequence number `after` (cursor-based providers page these). */
  changesSince(accountIds: readonly string[], after: number): SandboxChange[] {
    return this.changes.filter(
      (c) => c.seq > after && accountIds.includes(c.kind === 'removed' ? c.accountId : c.transaction.accountId),
    );
  }

  /** The sequence number of the latest change. */
  get head(): number {
    return this.seq;
  }

  private record(
    change:
      | { kind: 'added' | 'modified'; transaction: SandboxTransaction }
      | { kind: 'removed'; transactionId: string; accountId: string },
  ): void {
    this.changes.push({ ...change, seq: ++this.seq });
  }

  private require(id: string): SandboxTransaction {
    const t = this.transactions.get(id);
    if (!t) throw new Error(`no sandbox transaction ${id}`);
    return t;
  }
}

/** The sandbox user every emulator knows: a checking account, a savings account and a card. */
export function defaultUser(currency = 'USD'): SandboxUser {
  return {
    username: 'user_good',
    password: 'pass_good',
    institution: { id: 'ins_sandbox', name: 'Sandbox Bank' },
    accounts: [
      {
        id: 'acc_checking',
        name: 'Everyday Checking',
        mask: '0000',
        kind: 'CHECKING',
        currency,
        currentBalance: '1250.00',
        availableBalance: '1200.00',
      },
      {
        id: 'acc_savings',
        name: 'Rainy Day Savings',
        mask: '1111',
        kind: 'SAVINGS',
        currency,
        currentBalance: '5000.00',
        availableBalance: '5000.00',
      },
      {
        id: 'acc_card',
        name: 'Family Card',
        mask: '3333',
        kind: 'CREDIT_CARD',
        currency,
        currentBalance: '410.25',
        availableBalance: '1589.75',
      },
    ],
  };
}

// Households and jar money made through the REST API itself, for the goals, chores, allowance and
// jar route suites.
import { expect } from 'chai';
import { childOf, type TestBff } from './bff.harness.js';
import { bearer, created, household, type Household } from './expense.fixtures.js';

export interface Siblings extends Household {
  /** A second child of the same family. */
  sibling: Awaited<ReturnType<typeof childOf>>;
}

/** A family (EUR, Europe/Berlin) with its owner and two children, all logged in. */
export async function siblings(bff: TestBff, name = 'The Savers'): Promise<Siblings> {
  const home = await household(bff, name);
  return { ...home, sibling: await childOf(bff, home.owner) };
}

/** A parent's deposit into a member's jar; asserts 201 and returns the balance after it. */
export async function deposit(
  bff: TestBff,
  home: Household,
  memberId: string,
  jar: 'SPEND' | 'SAVE' | 'GIVE',
  amountMinor: number,
) {
  const r = await bff
    .http()
    .post(`${home.base}/members/${memberId}/ledger`)
    .auth(home.owner.accessToken, bearer)
    .send({ kind: 'DEPOSIT', jar, amountMinor, memo: 'pocket money' });
  expect(r.status, JSON.stringify(r.body)).to.equal(201);
  return r.body.balance as Balance;
}

export interface Balance {
  memberId: string;
  currency: string;
  spendMinor: number;
  saveMinor: number;
  giveMinor: number;
  goalsMinor: number;
}

/** A member's balance as `token` sees it; asserts 200. */
export async function balanceOf(bff: TestBff, home: Household, memberId: string, token: string): Promise<Balance> {
  const r = await bff.http().get(`${home.base}/members/${memberId}/balance`).auth(token, bearer);
  expect(r.status, JSON.stringify(r.body)).to.equal(200);
  return r.body as Balance;
}

/** Today, and its weekday (MONDAY…SUNDAY), in the families' time zone. */
export function todayInBerlin(): { day: string; weekday: string } {
  const now = new Date();
  return {
    day: new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(now),
    weekday: new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', weekday: 'long' }).format(now).toUpperCase(),
  };
}

export interface ChoreBody {
  id: string;
  title: string;
  assigneeMemberId: string;
  rewardMinor: number;
  status: 'TODO' | 'SUBMITTED' | 'APPROVED' | 'REJECTED';
  rejectionReason?: string;
  version: number;
}

/** A chore the owner gives the child, as `body` says (a title at least); asserts 201. */
export function createChore(bff: TestBff, home: Household, body: Record<string, unknown>): Promise<ChoreBody> {
  return created(bff, `${home.base}/chores`, home.owner.accessToken, {
    assigneeMemberId: home.child.memberId,
    ...body,
  });
}

/** Submits, approves or rejects a chore as `token`; asserts 200 and returns the chore. */
export async function reviewChore(
  bff: TestBff,
  home: Household,
  choreId: string,
  action: 'submit' | 'approve' | 'reject',
  token: string,
  body: Record<string, unknown> = {},
): Promise<ChoreBody> {
  const r = await bff.http().post(`${home.base}/chores/${choreId}/${action}`).auth(token, bearer).send(body);
  expect(r.status, JSON.stringify(r.body)).to.equal(200);
  return (action === 'approve' ? r.body.chore : r.body) as ChoreBody;
}

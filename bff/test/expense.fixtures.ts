// Households and expense data made through the REST API itself, for the expense route suites.
import { expect } from 'chai';
import type request from 'supertest';
import { childOf, familyWithOwner, type FamilyOwner, type Session, type TestBff } from './bff.harness.js';

export const bearer = { type: 'bearer' } as const;

/** An id that exists nowhere. */
export const NO_SUCH_ID = '0190a5c4-0000-7000-8000-000000000000';

export interface Household {
  owner: FamilyOwner;
  child: Session & { memberId: string; username: string };
  /** `/v1/families/{familyId}` */
  base: string;
}

/** A family (EUR unless given, Europe/Berlin) with its owner and one child, both logged in. */
export async function household(bff: TestBff, name = 'The Spenders', currency = 'EUR'): Promise<Household> {
  const owner = await familyWithOwner(bff, name, currency);
  const child = await childOf(bff, owner);
  return { owner, child, base: `/v1/families/${owner.familyId}` };
}

export interface CategoryBody {
  id: string;
  name: string;
  parentId?: string;
  archived: boolean;
  version: number;
}

/** Every category of the family (archived too), through the list route. */
export async function categories(bff: TestBff, home: Household): Promise<CategoryBody[]> {
  const r = await bff
    .http()
    .get(`${home.base}/categories`)
    .query({ limit: '200', includeArchived: 'true' })
    .auth(home.owner.accessToken, bearer);
  expect(r.status, JSON.stringify(r.body)).to.equal(200);
  return r.body.items as CategoryBody[];
}

/** A seeded or created category by name (and parent name for a subcategory). */
export async function category(bff: TestBff, home: Household, name: string, parent?: string): Promise<CategoryBody> {
  const all = await categories(bff, home);
  const parentId = parent === undefined ? undefined : all.find((c) => c.name === parent && !c.parentId)?.id;
  const found = all.find((c) => c.name === name && c.parentId === parentId);
  if (!found) throw new Error(`no category ${parent ? `${parent} > ` : ''}${name}`);
  return found;
}

export interface ExpenseBody {
  id: string;
  memberId: string;
  amountMinor: number;
  currency: string;
  baseAmountMinor: number;
  occurredOn: string;
  description: string;
  merchant?: string;
  categoryId?: string;
  tags: string[];
  note?: string;
  source: string;
  splits: { categoryId: string; amountMinor: number }[];
  flagged: boolean;
  flagReason?: string;
  version: number;
}

/** POSTs `body` to `path` as `token`; asserts 201 and returns what was made. */
export async function created<T>(bff: TestBff, path: string, token: string, body: object): Promise<T> {
  const r = await bff.http().post(path).auth(token, bearer).send(body);
  expect(r.status, JSON.stringify(r.body)).to.equal(201);
  return r.body as T;
}

/** Records an expense as `token`; asserts 201. */
export function recordExpense(
  bff: TestBff,
  home: Household,
  token: string,
  body: Record<string, unknown>,
): Promise<ExpenseBody> {
  return created(bff, `${home.base}/expenses`, token, body);
}

/** Every expense the token sees under `query`, following the cursor. */
export async function allExpenses(
  bff: TestBff,
  home: Household,
  token: string,
  query: Record<string, string> = {},
): Promise<ExpenseBody[]> {
  const items: ExpenseBody[] = [];
  let cursor: string | null = null;
  do {
    const r: request.Response = await bff
      .http()
      .get(`${home.base}/expenses`)
      .query({ ...query, limit: '200', ...(cursor ? { cursor } : {}) })
      .auth(token, bearer);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    items.push(...(r.body.items as ExpenseBody[]));
    cursor = r.body.nextCursor;
  } while (cursor);
  return items;
}

/** How many calls the BFF has made to one expense RPC, from its /metrics. */
export async function expenseCalls(bff: TestBff, method: string): Promise<number> {
  const metrics = (await bff.metrics().get('/metrics')).text;
  const line = metrics
    .split('\n')
    .find((l) =>
      l.startsWith(`grpc_client_handling_seconds_count{method="/family.expense.v1.ExpenseService/${method}"`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}
